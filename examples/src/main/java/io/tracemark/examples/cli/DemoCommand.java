package io.tracemark.examples.cli;

import io.tracemark.api.SchemeSpec;
import io.tracemark.examples.demo.Demo;
import io.tracemark.examples.demo.DemoConfig;
import io.tracemark.verifier.cli.Tracemark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code demo}: the distillation demo ({@link Demo}); its options are the fields of a {@link DemoConfig}. */
@Command(name = "demo", mixinStandardHelpOptions = true, defaultValueProvider = DemoCommand.Defaults.class,
    description = "Teacher watermarks its answers; students distil a fraction rho of them; the verifier checks.")
public final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Mixin
  SeedOption seed;
  @Mixin
  OrderOption order;
  @Option(names = "--scheme", description = "Watermark scheme: kgw:..., kgw:...,payload=b, gumbel:h=N or "
      + "synthid:depth=M,h=N "
      + "(default: ${DEFAULT-VALUE}).",
      defaultValue = DemoConfig.DEFAULT_SCHEME)
  String scheme;
  @Option(names = "--rho", split = ",", description = "Fractions of teacher tokens (default: 0,0.01,0.05,0.10,1.0).")
  double[] rhos;
  @Option(names = "--owner-prompts", defaultValue = "800",
      description = "Prompts the teacher answers (default: ${DEFAULT-VALUE}).")
  int ownerPrompts;
  @Option(names = "--competitor-prompts", defaultValue = "200",
      description = "Prompts each student answers: the closed-model query budget (default: ${DEFAULT-VALUE}).")
  int competitorPrompts;
  @Option(names = "--answer-tokens", defaultValue = "128", description = "Tokens per answer (default: ${DEFAULT-VALUE}).")
  int answerTokens;
  @Option(names = "--reading-texts", defaultValue = "200",
      description = "Owner answers read through each student (default: ${DEFAULT-VALUE}).")
  int readingTexts;
  @Option(names = "--top-k", defaultValue = "50",
      description = "Top-k of all sampling, 0 for none (default: ${DEFAULT-VALUE}).")
  int topK;
  @Option(names = "--alpha", defaultValue = "1e-6", description = "Significance level (default: ${DEFAULT-VALUE}).")
  double alpha;
  @Option(names = "--control-keys", defaultValue = "100", description = "Control keys (default: ${DEFAULT-VALUE}).")
  int controlKeys;
  @Option(names = "--tenant", defaultValue = "" + DemoConfig.DEFAULT_TENANT,
      description = "With a payload scheme (payload=b): the tenant the teacher serves, whose number its answers "
          + "carry, below 2^b (default: ${DEFAULT-VALUE}).")
  long tenant;
  @Mixin
  ThreadsOption threads;
  @Option(names = "--out", defaultValue = "target/tracemark-demo",
      description = "Directory for the evidence report of one case, the demo key and the signer's key files "
          + "(default: ${DEFAULT-VALUE}, which git ignores).")
  Path outDir;

  @Override
  public Integer call() {
    DemoConfig d = DemoConfig.defaults(seed.seed());
    int n = order.order();
    SchemeSpec s = CliChecks.option(spec, "--scheme", () -> SchemeSpec.parse(scheme));
    CliChecks.require(spec, alpha > 0 && alpha < 1, "--alpha must be in (0, 1), was %s", alpha);
    CliChecks.require(spec, topK >= 0, "--top-k must be >= 0, was %d", topK);
    int t = threads.threads();
    for (double r : rhos == null ? d.rhos() : rhos) {
      CliChecks.require(spec, r >= 0 && r <= 1, "--rho values must be in [0, 1], was %s", r);
    }
    DemoConfig c = CliChecks.option(spec, "demo", () -> new DemoConfig(seed.seed(), n, s, ownerPrompts,
        competitorPrompts, answerTokens, readingTexts, topK, d.temperature(), alpha, controlKeys,
        rhos == null ? d.rhos() : rhos, t, outDir, tenant));
    Demo.run(c, spec.commandLine().getOut());
    return Tracemark.OK;
  }

  /** The demo's own default seed, {@value DemoConfig#DEFAULT_SEED}; the other defaults are on the options. */
  static final class Defaults implements CommandLine.IDefaultValueProvider {
    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
      return argSpec.isOption() && ((CommandLine.Model.OptionSpec) argSpec).longestName().equals("--seed")
          ? Long.toString(DemoConfig.DEFAULT_SEED) : null;
    }
  }
}
