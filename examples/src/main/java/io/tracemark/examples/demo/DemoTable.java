package io.tracemark.examples.demo;

import io.tracemark.api.GumbelSpec;
import io.tracemark.api.HfSynthIdSpec;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.SynthIdSpec;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.report.Numbers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's table: one row per ρ with the closed-model and reading-mode checks, the legend that
 * says what each column means, and the smallest ρ each mode caught. Pure rendering: a function of
 * the configuration and the rows.
 */
final class DemoTable {
  private DemoTable() {}

  /** Prints the ρ table, its legend and the smallest ρ caught. */
  static void print(PrintWriter out, DemoConfig c, List<StudentResult> rows) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-5s %9s %9s | %-46s | %-46s", "", "student", "training",
        "closed model (student's answers)", "reading mode (owner's text through student)"));
    lines.add(String.format(Locale.ROOT, "%-5s %9s %9s | %7s %7s %6s %9s %-9s | %7s %7s %6s %9s %-9s", "rho",
        "human", "teacher", "tokens", "tuples", column(c), "log10 p", "verdict", "tokens", "tuples", column(c),
        "log10 p", "verdict"));
    for (StudentResult r : rows) {
      lines.add(String.format(Locale.ROOT, "%-5s %9s %9s | %s | %s", rhoLabel(r.rho()), Numbers.count(r.humanTokens()),
          Numbers.count(r.teacherTokens()), cells(c, r.closed()), cells(c, r.open())));
    }
    lines.add("");
    lines.addAll(legend(c));
    lines.add("");
    for (String line : lines) {
      out.println(line.stripTrailing());
    }
    out.println(smallestCaught(rows, c));
  }

  /** What the table's columns and marks mean, printed under it. */
  static List<String> legend(DemoConfig c) {
    return List.of(
        "How to read it:",
        "  rho           share of the student's training tokens that are the teacher's watermarked answers",
        "                (0 = the innocent control, trained on human text only; 1 = on the teacher's answers only)",
        "  human/teacher the student's training tokens: the competitor's own human text / the teacher's answers",
        String.format(Locale.ROOT, "  closed model  the student is only queried: its answers to %d prompts are scored",
            c.competitorPrompts()),
        String.format(Locale.ROOT, "  reading mode  the student is open: %d of the owner's watermarked texts are fed to it",
            c.readingTexts()),
        "                and its top-1 predictions are scored",
        "  tokens/tuples tokens read / distinct (window, token) tuples scored (a repeated tuple counts once)",
        scoreLegend(c)[0],
        scoreLegend(c)[1],
        "  log10 p       exact log10 of the p-value: -7.2 means a chance of 1 in 10^7.2",
        String.format(Locale.ROOT, "  verdict       DETECTED when p < alpha = %s (with %d control keys); \"-\" means",
            Numbers.exact(c.alpha()), c.controlKeys()),
        "                not detected: no evidence at this alpha, which is not proof of innocence");
  }

  /** The two legend lines of the score column, for the scheme's statistic. */
  private static String[] scoreLegend(DemoConfig c) {
    if (c.payload()) {
      return new String[] {
          String.format(Locale.ROOT, "  %-13s %s of the decoded message; as it is the best of", column(c),
              c.spec() instanceof GumbelSpec ? "mean Gumbel score" : "share of scored tuples in the colours"),
          String.format(Locale.ROOT,
              "                2^%d messages, above %s even without the watermark; log10 p is corrected",
              DemoConfig.payloadBits(c.spec()),
              c.spec() instanceof KgwSpec k ? "gamma = " + Numbers.exact(k.gamma()) : "1")};
    }
    if (c.spec() instanceof GumbelSpec) {
      return new String[] {
          "  score         mean Gumbel score -ln(1 - u) of the scored tuples (u: the tuple's keyed uniform);",
          "                1 is expected without the watermark (exact Gamma(n, 1) tail of the sum)"};
    }
    if (c.spec() instanceof SynthIdSpec t) {
      return new String[] {
          String.format(Locale.ROOT, "  mean g        %s g-value of the scored tuples over %d layers; 0.5 is expected",
              t.score() == HfSynthIdSpec.Score.MEAN ? "mean" : "weighted mean", t.depth()),
          "                without the watermark (exact binomial tail of the sum)"};
    }
    return new String[] {
        String.format(Locale.ROOT, "  green         share of scored tuples that are green; gamma = %s is expected without",
            Numbers.exact(((KgwSpec) c.spec()).gamma())),
        "                the watermark"};
  }

  /** The score column's header: {@code green}, {@code score} or {@code mean g}. */
  static String column(DemoConfig c) {
    return c.spec() instanceof GumbelSpec ? "score" : c.spec() instanceof SynthIdSpec ? "mean g" : "green";
  }

  /** How the progress line names the statistic: {@code green rate}, {@code mean score} or {@code mean g}. */
  static String statisticName(DemoConfig c) {
    return c.spec() instanceof GumbelSpec ? "mean score" : c.spec() instanceof SynthIdSpec ? "mean g" : "green rate";
  }

  /**
   * The per-tuple statistic, three decimals: the green rate, the mean Gumbel score, or the mean
   * g-value (the result's rate is the mean of Σ level·g per tuple: divided by Σ level).
   */
  static String statistic(InheritanceResult r) {
    double v = r.nullDistribution() instanceof NullDistribution.LayeredBinomial l ? r.rate() / l.levelSum() : r.rate();
    return Numbers.fixed(v, 3);
  }

  /** The smallest ρ &gt; 0 each mode caught, and a warning when the innocent control was flagged. */
  static String smallestCaught(List<StudentResult> rows, DemoConfig c) {
    StringBuilder b = new StringBuilder();
    for (boolean closed : new boolean[] {true, false}) {
      double smallest = Double.NaN;
      for (StudentResult r : rows) {
        if (r.rho() > 0 && (closed ? r.closedDetected() : r.openDetected())
            && (Double.isNaN(smallest) || r.rho() < smallest)) {
          smallest = r.rho();
        }
      }
      b.append(String.format(Locale.ROOT, "smallest rho caught, %s (%s): %s%n", closed ? "closed model" : "reading mode",
          closed ? String.format(Locale.ROOT, "%d queries x %d tokens", c.competitorPrompts(), c.answerTokens())
              : String.format(Locale.ROOT, "%d owner texts", c.readingTexts()),
          Double.isNaN(smallest) ? "none" : rhoLabel(smallest)));
    }
    for (StudentResult r : rows) {
      if (r.rho() == 0 && (r.closedDetected() || r.openDetected())) {
        b.append("WARNING: the innocent control (rho = 0) was flagged\n");
      }
    }
    return b.toString().trim();
  }

  /** ρ as the table prints it: {@code 0}, else two decimals. */
  static String rhoLabel(double rho) {
    return rho == 0 ? "0" : String.format(Locale.ROOT, "%.2f", rho);
  }

  private static String cells(DemoConfig c, InheritanceResult r) {
    return String.format(Locale.ROOT, "%7s %7s %6s %9s %-9s", Numbers.count(r.tokensRead()),
        Numbers.count(r.tuplesScored()), statistic(r), Numbers.fixed(r.log10P(), 1),
        r.verdict() == InheritanceResult.Verdict.DETECTED ? "DETECTED" : "-");
  }
}
