package io.tracemark.verifier.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracemark.verifier.report.Numbers;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The self-contained page of a monitoring report (no external resource, inline SVG): the summary
 * and thresholds, traffic over time with the release dates and the flagged clusters' share, the
 * top clusters with their signals, templates and redacted example prompts, and the top accounts.
 */
final class MonitorHtml {
  private MonitorHtml() {}

  private static final int W = 800;
  private static final int H = 220;
  private static final int TOP = 20;

  static String render(MonitorResult r, JsonNode json) {
    StringBuilder b = new StringBuilder(32_768);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<title>tracemark monitoring report</title>\n<style>\n")
        .append("body{font-family:sans-serif;max-width:64em;margin:1em auto;padding:0 1em;color:#222;line-height:1.4}")
        .append("h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em}table{border-collapse:collapse;margin:.5em 0}")
        .append("td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;font-size:.9em;vertical-align:top}")
        .append(".flagged{color:#a00;font-weight:bold}code{font-size:.9em;word-break:break-word}")
        .append("svg{display:block;width:100%;max-width:").append(W).append("px;height:auto;background:#fafafa;")
        .append("border:1px solid #ddd}svg text{font-size:11px;font-family:sans-serif}\n</style>\n</head>\n<body>\n");
    b.append("<h1>tracemark monitoring report</h1>\n");
    JsonNode s = json.path("summary");
    b.append("<p>").append(Numbers.count(r.records())).append(" requests read (").append(Numbers.count(r.skipped()))
        .append(" bad lines skipped) from ").append(Numbers.count(s.path("accounts").asLong())).append(" accounts; ")
        .append("<span class=\"flagged\">").append(Numbers.count(s.path("flagged_accounts").asLong()))
        .append(" accounts flagged</span>, in ").append(Numbers.count(s.path("flagged_clusters").asLong()))
        .append(" flagged clusters. Calibrated on ")
        .append(r.baselineSource().equals("log") ? "the log itself" : "the baseline log").append(" (")
        .append(Numbers.count(r.baselineAccounts())).append(" accounts).</p>\n");
    b.append("<h2>Thresholds</h2>\n<table><tr><th>level</th><th>score at least</th><th>false-positive rate</th></tr>\n");
    for (MonitorResult.Threshold t : r.thresholds()) {
      b.append("<tr><td>").append(esc(t.level())).append("</td><td>").append(Numbers.fixed(t.score(), 3))
          .append("</td><td>").append(Numbers.exact(t.falsePositiveRate())).append("</td></tr>\n");
    }
    b.append("</table>\n<p>A score is −log10 of a tail probability against benign traffic; an account's or "
        + "cluster's score is its smallest signal p-value times the number of signals (Bonferroni).</p>\n");
    b.append("<h2>Traffic over time</h2>\n");
    chart(b, r.traffic(), r);
    b.append("<h2>Top clusters</h2>\n");
    int shown = 0;
    for (MonitorResult.Cluster c : r.clusters()) {
      if (shown++ == TOP) {
        break;
      }
      b.append("<h3>").append(esc(c.id())).append(c.flagged() ? " <span class=\"flagged\">flagged</span>" : "")
          .append(" — ").append(Numbers.count(c.accounts().size())).append(" accounts, score ")
          .append(Numbers.fixed(c.score(), 2)).append("</h3>\n<p>linked by: ")
          .append(c.links().isEmpty() ? "(one account)" : esc(String.join(", ", c.links()))).append("</p>\n");
      signals(b, c.signals());
      if (c.handoff() != null) {
        MonitorResult.Handoff h = c.handoff();
        b.append("<p>hand-off: tenants ").append(esc(String.join(", ", h.tenants()))).append("; replay list <code>")
            .append(h.queries() == null ? "(none: token-id prompts only)" : esc(MonitorReport.replayFile(c.id())))
            .append("</code> (").append(h.queries() == null ? 0 : h.queries().queries().size())
            .append(" prompts)</p>\n");
        list(b, "templates", h.templates());
        list(b, "example prompts (redacted)", h.examples());
      }
    }
    b.append("<h2>Top accounts</h2>\n<table><tr><th>account</th><th>requests</th><th>score</th><th>cluster</th>"
        + "<th>strongest signal</th></tr>\n");
    shown = 0;
    for (MonitorResult.Account a : r.accounts()) {
      if (shown++ == TOP) {
        break;
      }
      Map.Entry<String, Double> top = a.signals().entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
      b.append("<tr><td").append(a.flagged() ? " class=\"flagged\"" : "").append(">").append(esc(a.account()))
          .append("</td><td>").append(Numbers.count(a.requests())).append("</td><td>")
          .append(Numbers.fixed(a.score(), 2)).append("</td><td>").append(a.cluster() == null ? "" : esc(a.cluster()))
          .append("</td><td>").append(top == null ? "" : esc(top.getKey()) + " " + Numbers.fixed(top.getValue(), 2))
          .append("</td></tr>\n");
    }
    b.append("</table>\n<p>Generated by tracemark ").append(esc(json.path("tool_version").asText())).append(" at ")
        .append(esc(json.path("created").asText())).append(".</p>\n</body>\n</html>\n");
    return b.toString();
  }

  private static void signals(StringBuilder b, Map<String, Double> signals) {
    b.append("<table><tr>");
    signals.keySet().forEach(k -> b.append("<th>").append(esc(k)).append("</th>"));
    b.append("</tr><tr>");
    signals.values().forEach(v -> b.append("<td>").append(Numbers.fixed(v, 2)).append("</td>"));
    b.append("</tr></table>\n");
  }

  private static void list(StringBuilder b, String title, java.util.List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    b.append("<p>").append(esc(title)).append(":</p>\n<ul>\n");
    items.forEach(i -> b.append("<li><code>").append(esc(i)).append("</code></li>\n"));
    b.append("</ul>\n");
  }

  /** Requests per hour (grey: all, red: flagged clusters), release dates as blue lines. */
  private static void chart(StringBuilder b, SortedMap<Long, long[]> traffic, MonitorResult r) {
    if (traffic.isEmpty()) {
      b.append("<p>(no traffic)</p>\n");
      return;
    }
    long first = traffic.firstKey();
    long last = traffic.lastKey();
    for (double t : r.releases()) {
      first = Math.min(first, (long) Math.floor(t / 3600));
      last = Math.max(last, (long) Math.floor(t / 3600));
    }
    long span = Math.max(1, last - first + 1);
    long max = traffic.values().stream().mapToLong(v -> v[0]).max().orElse(1);
    int left = 50;
    int bottom = H - 25;
    double xw = (W - left - 10.0) / span;
    b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(W).append(' ').append(H)
        .append("\" role=\"img\" aria-label=\"requests per hour\">\n");
    b.append("<text x=\"4\" y=\"14\">").append(Numbers.count(max)).append("/h</text>")
        .append("<text x=\"4\" y=\"").append(bottom).append("\">0</text>\n");
    StringBuilder all = new StringBuilder();
    StringBuilder flagged = new StringBuilder();
    for (Map.Entry<Long, long[]> e : traffic.entrySet()) {
      double x = left + (e.getKey() - first) * xw;
      all.append(bar(x, xw, e.getValue()[0], max, bottom));
      if (e.getValue()[1] > 0) {
        flagged.append(bar(x, xw, e.getValue()[1], max, bottom));
      }
    }
    b.append("<g fill=\"#999\">").append(all).append("</g>\n<g fill=\"#c00\">").append(flagged).append("</g>\n");
    for (double t : r.releases()) {
      double x = left + (t / 3600 - first) * xw;
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"10\" y2=\"%d\" stroke=\"#06c\" "
          + "stroke-width=\"2\"/><text x=\"%.1f\" y=\"20\" fill=\"#06c\">release %s</text>%n", x, x, bottom, x + 3,
          esc(MonitorReport.instant(t).substring(0, 10))));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" "
        + "text-anchor=\"end\">%s</text>%n", left, H - 8, esc(MonitorReport.instant(first * 3600.0)), W - 10, H - 8,
        esc(MonitorReport.instant(last * 3600.0))));
    b.append("</svg>\n<p>Requests per hour: grey all traffic, red the flagged clusters' traffic; blue lines are "
        + "the release dates given.</p>\n");
  }

  private static String bar(double x, double w, long v, long max, int bottom) {
    double h = (bottom - 10.0) * v / max;
    return String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>", x, bottom - h,
        Math.max(0.5, w), h);
  }

  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
