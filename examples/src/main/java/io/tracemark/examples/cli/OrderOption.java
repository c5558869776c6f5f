package io.tracemark.examples.cli;

import io.tracemark.examples.lm.NGramModel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --order}: the n-gram order of the model a command trains, 1 to {@value NGramModel#MAX_ORDER}. */
public final class OrderOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--order", paramLabel = "N", defaultValue = "" + NGramModel.DEFAULT_ORDER,
      description = "n-gram order, 1 to " + NGramModel.MAX_ORDER + " (default: ${DEFAULT-VALUE}).")
  int order;

  /** The order; out of range is a usage error. */
  public int order() {
    CliChecks.require(mixee, order >= 1 && order <= NGramModel.MAX_ORDER, "--order must be between 1 and %d, was %d",
        NGramModel.MAX_ORDER, order);
    return order;
  }
}
