package io.tracemark.verifier.cli;

import io.tracemark.api.DedupMode;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.plan.Plan;
import io.tracemark.verifier.report.PlanStamp;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code verify --plan PLAN}: the run must follow a plan written by {@code tracemark plan}. Before
 * the suspect is read, the run's scheme, key id, statistic, weights, dedup, tokenizer, text
 * normalisation, filter corpus digest and α are compared with the plan's; any difference stops the run (exit 3) with one line listing
 * every mismatch. The report then records the plan's SHA-256 ({@link PlanStamp}).
 */
final class PlanOption {
  @Option(names = "--plan", paramLabel = "PLAN", description = "the pre-registered plan (plan.json or its "
      + "directory, from 'tracemark plan'): the run must match its scheme, key, statistic, weights, dedup, "
      + "tokenizer, normalization, filter corpus and alpha; the report records its SHA-256")
  Path plan;

  /**
   * The stamp for the report, or null without {@code --plan}.
   *
   * @throws InputException listing every way the run departs from the plan
   */
  PlanStamp check(Verification v, String scheme, String weights, String dedup, List<Path> filter, double alpha) {
    if (plan == null) {
      return null;
    }
    Plan.Read read = Plan.read(plan);
    Plan run = describe(v, scheme, weights, dedup, filter, alpha, read.plan().queries());
    List<String> mismatches = read.plan().mismatches(run);
    if (!mismatches.isEmpty()) {
      throw new InputException(plan + ": the run does not follow the plan (sha256 " + read.sha256() + "): "
          + String.join("; ", mismatches));
    }
    return new PlanStamp(read.sha256(), read.plan().queries().sha256(), read.plan().queries().count());
  }

  /** What a run analyses, in the plan's terms (the queries as given, the pilot absent). */
  static Plan describe(Verification v, String scheme, String weights, String dedup, List<Path> filter, double alpha,
      Plan.Queries queries) {
    return new Plan(scheme, v.keyId(), v.statistic(), weights, dedup, v.tokenizerLabel(), v.normalizationLabel(),
        filter == null ? null : Plan.filterDigest(filter), alpha, queries, null, null);
  }

  /** The canonical weights of a {@code --weights} value ({@code none} without one). */
  static String weights(WeightsChoice choice) {
    return choice == null ? "none" : choice.canonical();
  }

  /** The dedup mode of a {@code --dedup} value (two-level dedup is window+token behind a first-window rule). */
  static DedupMode dedupMode(CommandLine cli, String value) {
    if (twoLevel(value)) {
      return DedupMode.WINDOW_AND_TOKEN;
    }
    try {
      return DedupMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, "--dedup: " + e.getMessage().replace("window+token, window or "
          + "none", "window+token, " + Verification.FIRST_WINDOW_AND_TOKEN + ", window or none"));
    }
  }

  /** Whether a {@code --dedup} value asks for two-level dedup. */
  static boolean twoLevel(String value) {
    return value.strip().equalsIgnoreCase(Verification.FIRST_WINDOW_AND_TOKEN);
  }

  /** The report's dedup label of a {@code --dedup} value. */
  static String dedupLabel(CommandLine cli, String value) {
    return twoLevel(value) ? Verification.FIRST_WINDOW_AND_TOKEN : dedupMode(cli, value).label();
  }
}
