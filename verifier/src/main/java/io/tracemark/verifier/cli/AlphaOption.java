package io.tracemark.verifier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The significance level of the commands that decide "detected": {@code --alpha}, in (0, 1). */
final class AlphaOption {
  @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.01", description = "significance level "
      + "(default ${DEFAULT-VALUE})")
  double alpha;

  /** The level; one outside (0, 1) is a usage error. */
  double alpha(CommandLine cli) {
    Common.requireAlpha(cli, alpha);
    return alpha;
  }
}
