package io.tracemark.examples.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --threads}: worker threads; the output does not depend on their number. */
public final class ThreadsOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of processors).")
  Integer threads;

  /** The number of threads: the option, else the number of processors; below 1 is a usage error. */
  public int threads() {
    CliChecks.require(mixee, threads == null || threads >= 1, "--threads must be >= 1, was %s", threads);
    return threads == null ? Math.max(1, Runtime.getRuntime().availableProcessors()) : threads;
  }
}
