package io.tracemark.examples.demo;

import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.report.Numbers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The columns of the stronger tests beside today's, same answers, same owner texts, same budgets:
 * the weighted closed-model test C* next to today's count, and reading mode with two-level dedup
 * (the library's reading-mode default) next to today's global tape. One row per ρ, with a legend.
 * Pure rendering.
 */
final class WeightedTable {
  private WeightedTable() {}

  static void print(PrintWriter out, DemoConfig c, List<StudentResult> rows, List<InheritanceResult> weighted,
      List<InheritanceResult> twoLevel) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-5s | %-47s | %-38s", "", "closed model: weighted C* (same answers)",
        "reading mode: two-level dedup (same texts)"));
    lines.add(String.format(Locale.ROOT, "%-5s | %7s %7s %7s %9s %-9s | %7s %6s %9s %-9s", "rho", "tuples", "score",
        "mean", "log10 p", "verdict", "tuples", "green", "log10 p", "verdict"));
    for (int i = 0; i < rows.size(); i++) {
      InheritanceResult w = weighted.get(i);
      InheritanceResult t = twoLevel.get(i);
      lines.add(String.format(Locale.ROOT, "%-5s | %7s %7s %7s %9s %-9s | %7s %6s %9s %-9s",
          DemoTable.rhoLabel(rows.get(i).rho()), Numbers.count(w.tuplesScored()), Numbers.count((long) w.score()),
          Numbers.count(Math.round(w.weighting().nullMean())), Numbers.fixed(w.log10P(), 1), verdict(w),
          Numbers.count(t.tuplesScored()), Numbers.fixed(t.rate(), 3), Numbers.fixed(t.log10P(), 1), verdict(t)));
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
    for (String line : lines) {
      out.println(line.stripTrailing());
    }
  }

  private static String verdict(InheritanceResult r) {
    return r.verdict() == InheritanceResult.Verdict.DETECTED ? "DETECTED" : "-";
  }
}
