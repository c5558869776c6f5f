package io.tracemark.verifier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How a command that tests for a watermark prints its result: a summary for people (default),
 * {@code --json} (one JSON object, first field {@code schema_version}) or {@code --quiet} (nothing
 * but warnings and errors); the two are mutually exclusive.
 */
final class OutputOptions {
  @Option(names = "--json", description = "print one JSON object (first field schema_version)")
  boolean json;

  @Option(names = "--quiet", description = "print no result and no progress (the exit code tells it with "
      + "--fail-on-detect); warnings and errors still go to stderr")
  boolean quiet;

  /** Refuses {@code --json} with {@code --quiet} as a usage error. */
  void check(CommandLine cli) {
    if (json && quiet) {
      throw new CommandLine.ParameterException(cli, "--json and --quiet are mutually exclusive");
    }
  }
}
