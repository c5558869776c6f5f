package io.tracemark.examples.demo;

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
        "human", "teacher", "tokens", "tuples", "green", "log10 p", "verdict", "tokens", "tuples", "green", "log10 p",
        "verdict"));
    for (StudentResult r : rows) {
      lines.add(String.format(Locale.ROOT, "%-5s %9s %9s | %s | %s", rhoLabel(r.rho()), Numbers.count(r.humanTokens()),
          Numbers.count(r.teacherTokens()), cells(r.closed()), cells(r.open())));
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
        String.format(Locale.ROOT, "  green         share of scored tuples that are green; gamma = %s is expected without",
            Numbers.exact(c.spec().gamma())),
        "                the watermark",
        "  log10 p       exact log10 of the p-value: -7.2 means a chance of 1 in 10^7.2",
        String.format(Locale.ROOT, "  verdict       DETECTED when p < alpha = %s (with %d control keys); \"-\" means",
            Numbers.exact(c.alpha()), c.controlKeys()),
        "                not detected: no evidence at this alpha, which is not proof of innocence");
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

  private static String cells(InheritanceResult r) {
    return String.format(Locale.ROOT, "%7s %7s %6s %9s %-9s", Numbers.count(r.tokensRead()),
        Numbers.count(r.tuplesScored()), Numbers.fixed(r.rate(), 3), Numbers.fixed(r.log10P(), 1),
        r.verdict() == InheritanceResult.Verdict.DETECTED ? "DETECTED" : "-");
  }
}
