package io.tracemark.examples.cli;

import picocli.CommandLine.Option;

/**
 * {@code --seed}: the one seed every random draw of a command derives from. Its default is 0; a
 * command with another default (the demo's 42) declares it with a default-value provider.
 */
public final class SeedOption {
  @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
      description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
  long seed;

  /** The seed. */
  public long seed() {
    return seed;
  }
}
