package io.tracemark.examples.demo;

import io.tracemark.api.PayloadDetection;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.report.Numbers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * For a payload scheme, the table that names the tenant: per ρ and mode, the message decoded from
 * the student (the first table's test), whether it is the tenant the teacher served, its p-value
 * corrected for all 2^b messages, the weakest symbol's confidence, and beside it the inheritance
 * test of the tenant's one message (which knows the tenant and so needs no correction). Pure
 * rendering, with the legend and the smallest ρ at which each test succeeds.
 */
final class PayloadTable {
  private PayloadTable() {}

  static void print(PrintWriter out, DemoConfig c, List<StudentResult> rows, List<InheritanceResult> tenantClosed,
      List<InheritanceResult> tenantReading) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-5s | %-58s | %s", "", "closed model: naming the tenant (same answers)",
        "reading mode: naming the tenant (same texts)"));
    String half = "%8s %-4s %9s %7s %-6s %9s %-9s";
    lines.add(String.format(Locale.ROOT, "%-5s | " + half + " | " + half, "rho", "message", "= N", "log10 p",
        "weakest", "named", "inherit", "verdict", "message", "= N", "log10 p", "weakest", "named", "inherit",
        "verdict"));
    for (int i = 0; i < rows.size(); i++) {
      StudentResult r = rows.get(i);
      lines.add(String.format(Locale.ROOT, "%-5s | %s | %s", DemoTable.rhoLabel(r.rho()),
          cells(c, r.closed(), tenantClosed.get(i)), cells(c, r.open(), tenantReading.get(i))));
    }
    int bits = DemoConfig.payloadBits(c.spec());
    lines.add("");
    lines.add(String.format(Locale.ROOT,
        "  message       the %d-bit message decoded from every scored tuple of the first table's test", bits));
    lines.add(String.format(Locale.ROOT, "  = N           whether it is the tenant the teacher served, N = %d",
        c.tenant()));
    lines.add(String.format(Locale.ROOT,
        "  log10 p       the decoded message's, corrected for all 2^%d messages (the first table's)", bits));
    lines.add("  weakest       the lowest confidence over the message's symbols: 1 - the chance that two equally");
    lines.add("                favoured values split their units at least as unevenly as the decoded one and");
    lines.add("                the runner-up");
    lines.add(String.format(Locale.ROOT,
        "  named         NAMED when the message is N and p < alpha = %s; WRONG when p < alpha for", Numbers.exact(
            c.alpha())));
    lines.add("                another message");
    lines.add("  inherit       log10 p of the inheritance test of tenant N: the owner asks whether tenant N's");
    lines.add("                answers trained the student, scoring its one message (no correction), with");
    lines.add(String.format(Locale.ROOT, "                its verdict at alpha (%d control keys)", c.controlKeys()));
    lines.add("");
    for (String line : lines) {
      out.println(line.stripTrailing());
    }
    out.println(smallest(rows, c, tenantClosed, tenantReading));
  }

  /** The smallest ρ &gt; 0 at which each mode names the tenant, and at which its inheritance test detects. */
  static String smallest(List<StudentResult> rows, DemoConfig c, List<InheritanceResult> tenantClosed,
      List<InheritanceResult> tenantReading) {
    StringBuilder b = new StringBuilder();
    for (boolean closed : new boolean[] {true, false}) {
      double named = Double.NaN;
      double inherited = Double.NaN;
      for (int i = 0; i < rows.size(); i++) {
        double rho = rows.get(i).rho();
        if (rho <= 0) {
          continue;
        }
        InheritanceResult decoded = closed ? rows.get(i).closed() : rows.get(i).open();
        InheritanceResult one = closed ? tenantClosed.get(i) : tenantReading.get(i);
        if (names(c, decoded) && (Double.isNaN(named) || rho < named)) {
          named = rho;
        }
        if (one.verdict() == InheritanceResult.Verdict.DETECTED && (Double.isNaN(inherited) || rho < inherited)) {
          inherited = rho;
        }
      }
      b.append(String.format(Locale.ROOT, "smallest rho naming tenant %d, %s: %s (inheritance test: %s)%n",
          c.tenant(), closed ? "closed model" : "reading mode", label(named), label(inherited)));
    }
    for (int i = 0; i < rows.size(); i++) {
      StudentResult r = rows.get(i);
      for (InheritanceResult x : List.of(r.closed(), r.open())) {
        if (wrong(c, x)) {
          b.append(String.format(Locale.ROOT, "WARNING: at rho = %s the %s names message %d, not tenant %d%n",
              DemoTable.rhoLabel(r.rho()), x.mode(), x.payload().message(), c.tenant()));
        }
      }
    }
    return b.toString().trim();
  }

  /** Whether the decoded message is the tenant's and significant at alpha. */
  static boolean names(DemoConfig c, InheritanceResult decoded) {
    return decoded.verdict() == InheritanceResult.Verdict.DETECTED && decoded.payload().message() == c.tenant();
  }

  private static boolean wrong(DemoConfig c, InheritanceResult decoded) {
    return decoded.verdict() == InheritanceResult.Verdict.DETECTED && decoded.payload().message() != c.tenant();
  }

  private static String label(double rho) {
    return Double.isNaN(rho) ? "none" : DemoTable.rhoLabel(rho);
  }

  private static String cells(DemoConfig c, InheritanceResult decoded, InheritanceResult one) {
    PayloadDetection p = decoded.payload();
    return String.format(Locale.ROOT, "%8d %-4s %9s %7s %-6s %9s %-9s", p.message(),
        p.message() == c.tenant() ? "yes" : "no", Numbers.fixed(decoded.log10P(), 1),
        Numbers.fixed(p.weakestSymbolConfidence(), 3), names(c, decoded) ? "NAMED" : wrong(c, decoded) ? "WRONG" : "-",
        Numbers.fixed(one.log10P(), 1), one.verdict() == InheritanceResult.Verdict.DETECTED ? "DETECTED" : "-");
  }
}
