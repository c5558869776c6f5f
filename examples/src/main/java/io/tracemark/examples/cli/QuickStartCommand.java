package io.tracemark.examples.cli;

import io.tracemark.examples.QuickStart;
import io.tracemark.verifier.cli.Tracemark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code quickstart}: the smallest watermarked sampling loop with detection ({@link QuickStart}). */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Generate one watermarked and one plain text with the embedded model and detect both.")
public final class QuickStartCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    QuickStart.run(spec.commandLine().getOut());
    return Tracemark.OK;
  }
}
