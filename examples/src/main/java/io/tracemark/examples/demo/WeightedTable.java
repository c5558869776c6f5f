package io.tracemark.examples.demo;

import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.report.Numbers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The columns of the stronger tests beside today's, same answers, same owner texts, same budgets:
 * the weighted closed-model test C* next to today's count, reading mode with two-level dedup
 * (the library's reading-mode default) next to today's global tape, and reading mode's R* (as
 * many owner texts, ranked by shared contexts). One row per ρ, with a legend. Pure rendering.
 */
final class WeightedTable {
  private WeightedTable() {}

  static void print(PrintWriter out, DemoConfig c, List<StudentResult> rows, List<InheritanceResult> weighted,
      List<InheritanceResult> twoLevel, List<InheritanceResult> star) {
    if (!c.greenList()) {
      printTwoLevel(out, c, rows, twoLevel);
      return;
    }
    List<String> lines = new ArrayList<>();
    // R*'s column is appended to the right, so that the columns before it print as they did without it
    lines.add(String.format(Locale.ROOT, "%-5s | %-47s | %-38s | %s", "", "closed model: weighted C* (same answers)",
        "reading mode: two-level dedup (same texts)", "reading mode: R* (ranked texts)"));
    lines.add(String.format(Locale.ROOT, "%-5s | %7s %7s %7s %9s %-9s | %7s %6s %9s %-9s | %7s %7s %7s %9s %-9s",
        "rho", "tuples", "score", "mean", "log10 p", "verdict", "tuples", "green", "log10 p", "verdict", "tuples",
        "score", "mean", "log10 p", "verdict"));
    for (int i = 0; i < rows.size(); i++) {
      InheritanceResult w = weighted.get(i);
      InheritanceResult t = twoLevel.get(i);
      lines.add(String.format(Locale.ROOT, "%-5s | %7s %7s %7s %9s %-9s | %7s %6s %9s %-9s | %s",
          DemoTable.rhoLabel(rows.get(i).rho()), Numbers.count(w.tuplesScored()), Numbers.count((long) w.score()),
          Numbers.count(Math.round(w.weighting().nullMean())), Numbers.fixed(w.log10P(), 1), verdict(w),
          Numbers.count(t.tuplesScored()), Numbers.fixed(t.rate(), 3), Numbers.fixed(t.log10P(), 1), verdict(t),
          weightedCells(star.get(i))));
    }
    lines.add("");
    lines.add("  C*            each answer token is weighted by its posterior green uplift under the owner's own");
    lines.add(String.format(Locale.ROOT,
        "                model (top-%d) times min(1, ln(1 + c) / ln %d), c = the count of its %d-token context",
        c.topK(), OwnerWeights.SATURATION + 1, OwnerWeights.CONTEXT));
    lines.add(String.format(Locale.ROOT,
        "                in the owner's answers; weights on %d levels (0: not scored), fixed before the",
        OwnerWeights.LEVELS));
    lines.add("                answers are read; exact p-value of S = sum of level x green");
    lines.add("  score/mean    S and its mean under H0 (gamma x sum of the levels scored)");
    lines.add("  two-level     only the first occurrence of a window in each owner text is scored, then each");
    lines.add("                (window, token) once: tokens a suspect copies from its context do not count");
    lines.add(String.format(Locale.ROOT,
        "  R*            reading mode on the %d owner answers whose %d-token contexts are most shared with",
        c.readingTexts(), OwnerWeights.CONTEXT));
    lines.add("                the other answers (chosen before any student is read), two-level dedup; the");
    lines.add("                student's top-2 predictions are scored, each weighted by C*'s weight of the");
    lines.add("                predicted token times min(1, max(0, ln q - ln p) / 2), q = the student's");
    lines.add("                probability of it, p = the owner's model's, and 1/2 for the second prediction");
    for (String line : lines) {
      out.println(line.stripTrailing());
    }
  }

  /**
   * For a scheme other than the green list: reading mode with two-level dedup beside the first
   * table, and why C* and R* are not run. Their weights are the green list's posterior uplift of a
   * token (γ and δ of the bias), which neither Gumbel-max nor the tournament has, and the weighted
   * tail is exact for binomial and Gamma(n, 1) scores only, not for the tournament's layered bits.
   */
  static void printTwoLevel(PrintWriter out, DemoConfig c, List<StudentResult> rows, List<InheritanceResult> twoLevel) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-5s | %-38s", "", "reading mode: two-level dedup (same texts)"));
    lines.add(String.format(Locale.ROOT, "%-5s | %7s %6s %9s %-9s", "rho", "tuples", DemoTable.column(c), "log10 p",
        "verdict"));
    for (int i = 0; i < rows.size(); i++) {
      InheritanceResult t = twoLevel.get(i);
      lines.add(String.format(Locale.ROOT, "%-5s | %7s %6s %9s %-9s", DemoTable.rhoLabel(rows.get(i).rho()),
          Numbers.count(t.tuplesScored()), DemoTable.statistic(t), Numbers.fixed(t.log10P(), 1), verdict(t)));
    }
    lines.add("");
    lines.add("  two-level     only the first occurrence of a window in each owner text is scored, then each");
    lines.add("                (window, token) once: tokens a suspect copies from its context do not count");
    lines.add(String.format(Locale.ROOT,
        "  C*, R*        not run for %s: their weights are the green list's posterior uplift of a token", c.spec()
            .family()));
    lines.add("                (gamma and delta of kgw's bias), which this scheme does not have");
    for (String line : lines) {
      out.println(line.stripTrailing());
    }
  }

  private static String weightedCells(InheritanceResult r) {
    return String.format(Locale.ROOT, "%7s %7s %7s %9s %-9s", Numbers.count(r.tuplesScored()),
        Numbers.count((long) r.score()), Numbers.count(Math.round(r.weighting().nullMean())),
        Numbers.fixed(r.log10P(), 1), verdict(r));
  }

  private static String verdict(InheritanceResult r) {
    return r.verdict() == InheritanceResult.Verdict.DETECTED ? "DETECTED" : "-";
  }
}
