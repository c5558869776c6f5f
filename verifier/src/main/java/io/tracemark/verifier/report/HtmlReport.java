package io.tracemark.verifier.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@code report.json} as one self-contained HTML page: inline CSS and SVG only, no
 * script, no external resource (a Content-Security-Policy of {@code default-src 'none'} makes the
 * browser refuse any request). Everything shown is read from the JSON tree, so the page says
 * exactly what the signed JSON says.
 */
final class HtmlReport {
  private HtmlReport() {}

  private static final int W = 640;
  private static final int H = 260;
  private static final int L = 60;
  private static final int R = 20;
  private static final int T = 20;
  private static final int B = 40;

  static String render(JsonNode r) {
    StringBuilder b = new StringBuilder(32_768);
    JsonNode stats = r.path("statistics");
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<title>tracemark evidence report</title>\n<style>\n")
        .append("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}")
        .append("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;")
        .append("text-align:left;font-size:.9em}code{font-size:.9em;word-break:break-all}")
        .append(".detected{color:#a00}.not_detected{color:#060}.flag{background:#fff3cd;padding:.5em}")
        .append("svg{background:#fafafa;border:1px solid #ddd}svg text{font-size:11px;font-family:sans-serif}\n")
        .append("</style>\n</head>\n<body>\n");
    String verdict = r.path("verdict").asText();
    b.append("<h1>tracemark evidence report</h1>\n");
    b.append("<p>Verdict at &alpha; = ").append(num(r.path("alpha").asDouble())).append(": <strong class=\"")
        .append(esc(verdict)).append("\">").append(verdict.equals("detected") ? "watermark DETECTED" : "not detected")
        .append("</strong> (").append(esc(r.path("mode").asText())).append(")</p>\n");
    for (JsonNode f : r.path("flags")) {
      b.append("<p class=\"flag\">&#9888; ").append(esc(f.asText())).append("</p>\n");
    }
    b.append("<h2>Summary</h2>\n<table>\n");
    row(b, "tokens read", stats.path("tokens_read").asText());
    row(b, "tuples scored", stats.path("tuples_scored").asText());
    row(b, "green (score sum)", num(stats.path("green").asDouble()));
    row(b, "green fraction vs &gamma;", num(stats.path("green_fraction").asDouble()) + " vs "
        + (stats.path("gamma").isNull() ? "n/a" : num(stats.path("gamma").asDouble())));
    row(b, "z", num(stats.path("z").asDouble()));
    row(b, "log10 p (exact)", num(stats.path("log10_p").asDouble()));
    row(b, "log10 p (Holm-adjusted)", num(stats.path("log10_p_adjusted").asDouble()));
    row(b, "best key", esc(stats.path("best_key").asText()));
    JsonNode controls = r.path("controls");
    if (controls.path("count").asInt() > 0) {
      row(b, "rank among control keys", controls.path("best_key_rank").asText() + " of "
          + (controls.path("count").asInt() + 1) + " (empirical p " + num(controls.path("empirical_p").asDouble()) + ")");
    }
    b.append("</table>\n");

    b.append("<h2>Cumulative evidence</h2>\n<p>log10 p of the best key against tuples scored; the dashed line is "
        + "log10 &alpha;.</p>\n");
    curveChart(b, r);
    b.append("<h2>Green rate</h2>\n<p>Cumulative green rate against &gamma; with its 99% band under H0.</p>\n");
    rateChart(b, r);
    if (controls.path("count").asInt() > 0) {
      b.append("<h2>Control-key null</h2>\n<p>log10 p of ").append(controls.path("count").asInt())
          .append(" random control keys on the same tuples (histogram); the red line marks the real key.</p>\n");
      nullChart(b, r);
    }

    b.append("<h2>Keys</h2>\n<table>\n<tr><th>key</th><th>tuples</th><th>green</th><th>fraction</th><th>z</th><th>log10 p</th>")
        .append("<th>Holm log10 p</th><th>control rank</th><th>significant</th></tr>\n");
    for (JsonNode k : r.path("keys")) {
      b.append("<tr><td>").append(esc(k.path("label").asText())).append("</td><td>")
          .append(k.path("tuples_scored").asText()).append("</td><td>")
          .append(num(k.path("green").asDouble())).append("</td><td>").append(num(k.path("green_fraction").asDouble()))
          .append("</td><td>").append(num(k.path("z").asDouble())).append("</td><td>")
          .append(num(k.path("log10_p").asDouble())).append("</td><td>")
          .append(num(k.path("log10_p_adjusted").asDouble())).append("</td><td>")
          .append(k.path("control_rank").asText()).append("</td><td>").append(k.path("significant").asText())
          .append("</td></tr>\n");
    }
    b.append("</table>\n");

    b.append("<h2>Most contributing records</h2>\n<table>\n<tr><th>record</th><th>tokens</th><th>tuples scored</th>")
        .append("<th>green</th><th>excess</th><th>log10 p</th></tr>\n");
    for (JsonNode t : r.path("top_records")) {
      b.append("<tr><td>").append(esc(t.path("id").asText())).append("</td><td>").append(t.path("tokens").asText())
          .append("</td><td>").append(t.path("tuples_scored").asText()).append("</td><td>")
          .append(num(t.path("green").asDouble())).append("</td><td>").append(num(t.path("excess").asDouble()))
          .append("</td><td>").append(num(t.path("log10_p").asDouble())).append("</td></tr>\n");
    }
    b.append("</table>\n");

    b.append("<h2>Scheme, key and options</h2>\n<table>\n");
    JsonNode scheme = r.path("scheme");
    row(b, "scheme", "<code>" + esc(scheme.path("spec").asText()) + "</code> (format "
        + esc(scheme.path("format_version").asText()) + ", vocabulary " + scheme.path("vocabulary_size").asText() + ")");
    if (scheme.has("caveat")) {
      row(b, "caveat", esc(scheme.path("caveat").asText()));
    }
    JsonNode key = r.path("key");
    row(b, "key id", "<code>" + esc(key.path("key_id").asText()) + "</code>");
    row(b, "key commitment", "<code>" + esc(key.path("commitment").asText()) + "</code>");
    JsonNode opts = r.path("options");
    opts.properties().forEach(e -> row(b, esc(e.getKey()), esc(e.getValue().isNull() ? "none" : e.getValue().asText())));
    b.append("</table>\n");

    b.append("<h2>Inputs</h2>\n<p>").append(r.path("inputs").path("records").asText()).append(" records.</p>\n");
    b.append("<table>\n<tr><th>file</th><th>SHA-256</th><th>bytes</th><th>records</th></tr>\n");
    for (String group : new String[] {"files", "filter_files"}) {
      for (JsonNode f : r.path("inputs").path(group)) {
        b.append("<tr><td>").append(group.equals("filter_files") ? "[filter] " : "").append(esc(f.path("path").asText()))
            .append("</td><td><code>").append(esc(f.path("sha256").asText())).append("</code></td><td>")
            .append(f.path("bytes").asText()).append("</td><td>").append(f.path("records").asText())
            .append("</td></tr>\n");
      }
    }
    b.append("</table>\n");
    JsonNode skipped = r.path("skipped");
    b.append("<h2>Skipped records</h2>\n<p>").append(skipped.path("count").asText()).append(" skipped.</p>\n");
    if (skipped.path("records").size() > 0) {
      b.append("<table>\n<tr><th>record</th><th>reason</th></tr>\n");
      for (JsonNode s : skipped.path("records")) {
        b.append("<tr><td>").append(esc(s.path("id").asText())).append("</td><td>").append(esc(s.path("reason").asText()))
            .append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    JsonNode counts = r.path("counts");
    b.append("<h2>Positions not scored</h2>\n<table>\n");
    counts.properties().forEach(e -> row(b, esc(e.getKey().replace('_', ' ')), e.getValue().asText()));
    b.append("</table>\n<h2>Environment</h2>\n<table>\n");
    row(b, "tool", esc(r.path("tool").path("name").asText() + " " + r.path("tool").path("version").asText()));
    if (r.has("created")) {
      row(b, "created", esc(r.path("created").asText()));
    }
    r.path("environment").properties().forEach(e -> row(b, esc(e.getKey().replace('_', ' ')),
        esc(e.getValue().asText())));
    b.append("</table>\n<p>This page renders <code>report.json</code>; the signature (<code>report.sig</code>) covers "
        + "the JSON bytes. Check it with <code>tracemark report-verify DIR --public-key SIGNER.pub</code>.</p>\n");
    b.append("</body>\n</html>\n");
    return b.toString();
  }

  private static void row(StringBuilder b, String name, String valueHtml) {
    b.append("<tr><th>").append(name).append("</th><td>").append(valueHtml).append("</td></tr>\n");
  }

  // ------------------------------------------------------------------ charts

  private static void curveChart(StringBuilder b, JsonNode r) {
    JsonNode curve = r.path("curve");
    double alphaLine = Math.log10(r.path("alpha").asDouble());
    double maxX = 1;
    double minY = Math.min(alphaLine, -1);
    for (JsonNode p : curve) {
      maxX = Math.max(maxX, p.get(0).asDouble());
      double y = p.get(2).asDouble();
      if (Double.isFinite(y)) {
        minY = Math.min(minY, y);
      }
    }
    final double fx = maxX;
    final double fy = minY * 1.05;
    svgOpen(b, "cumulative log10 p against tuples scored");
    axes(b, "tuples scored", "log10 p", 0, fx, fy, 0);
    List<String> pts = new ArrayList<>();
    for (JsonNode p : curve) {
      double y = p.get(2).asDouble();
      pts.add(x(p.get(0).asDouble(), 0, fx) + "," + y(Double.isFinite(y) ? y : fy, fy, 0));
    }
    polyline(b, pts, "#1f5fa8");
    line(b, L, y(alphaLine, fy, 0), W - R, y(alphaLine, fy, 0), "#c00", true);
    text(b, W - R - 4, y(alphaLine, fy, 0) - 4, "end", "log10 α = " + num(alphaLine));
    b.append("</svg>\n");
  }

  private static void rateChart(StringBuilder b, JsonNode r) {
    JsonNode curve = r.path("curve");
    JsonNode g = r.path("statistics").path("gamma");
    if (g.isNull() || curve.size() == 0) {
      b.append("<p>(no binomial statistic or nothing scored)</p>\n");
      return;
    }
    double gamma = g.asDouble();
    double maxX = 1;
    double lo = gamma;
    double hi = gamma;
    for (JsonNode p : curve) {
      double n = p.get(0).asDouble();
      maxX = Math.max(maxX, n);
      double rate = p.get(1).asDouble() / n;
      lo = Math.min(lo, rate);
      hi = Math.max(hi, rate);
    }
    // band at the first point is the widest; clamp the axis to [0, 1]
    double firstN = curve.get(0).get(0).asDouble();
    double half0 = 2.576 * Math.sqrt(gamma * (1 - gamma) / firstN);
    double y0 = Math.max(0, Math.min(lo, gamma - half0) - 0.02);
    double y1 = Math.min(1, Math.max(hi, gamma + half0) + 0.02);
    final double fx = maxX;
    svgOpen(b, "green rate against gamma with 99% band");
    axes(b, "tuples scored", "green rate", 0, fx, y0, y1);
    StringBuilder band = new StringBuilder();
    List<String> upper = new ArrayList<>();
    List<String> lower = new ArrayList<>();
    for (JsonNode p : curve) {
      double n = p.get(0).asDouble();
      double half = 2.576 * Math.sqrt(gamma * (1 - gamma) / n);
      upper.add(x(n, 0, fx) + "," + y(Math.min(y1, gamma + half), y0, y1));
      lower.add(0, x(n, 0, fx) + "," + y(Math.max(y0, gamma - half), y0, y1));
    }
    upper.forEach(s -> band.append(s).append(' '));
    lower.forEach(s -> band.append(s).append(' '));
    b.append("<polygon points=\"").append(band.toString().trim()).append("\" fill=\"#cfe3cf\" stroke=\"none\"/>\n");
    line(b, L, y(gamma, y0, y1), W - R, y(gamma, y0, y1), "#060", true);
    text(b, W - R - 4, y(gamma, y0, y1) - 4, "end", "γ = " + num(gamma));
    List<String> pts = new ArrayList<>();
    for (JsonNode p : curve) {
      double n = p.get(0).asDouble();
      pts.add(x(n, 0, fx) + "," + y(p.get(1).asDouble() / n, y0, y1));
    }
    polyline(b, pts, "#1f5fa8");
    b.append("</svg>\n");
  }

  private static void nullChart(StringBuilder b, JsonNode r) {
    JsonNode cp = r.path("controls").path("log10_p");
    double real = r.path("statistics").path("log10_p").asDouble();
    double min = Double.isFinite(real) ? real : -1;
    for (JsonNode v : cp) {
      min = Math.min(min, v.asDouble());
    }
    min = Math.min(min, -1);
    int bins = 30;
    int[] counts = new int[bins];
    for (JsonNode v : cp) {
      int i = (int) Math.min(bins - 1, Math.floor((v.asDouble() / min) * bins));
      counts[Math.max(0, i)]++;
    }
    int maxCount = 1;
    for (int c : counts) {
      maxCount = Math.max(maxCount, c);
    }
    // x axis runs from 0 (right) to min (left): plot -log10 p left to right for readability
    double xmax = -min;
    svgOpen(b, "histogram of control keys' -log10 p with the real key marked");
    axes(b, "−log10 p", "control keys", 0, xmax, 0, maxCount);
    for (int i = 0; i < bins; i++) {
      if (counts[i] == 0) {
        continue;
      }
      double a = xmax * i / bins;
      double c = xmax * (i + 1) / bins;
      double xa = x(a, 0, xmax);
      double xc = x(c, 0, xmax);
      double top = y(counts[i], 0, maxCount);
      b.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#8aa9cc\"/>\n", xa, top,
          Math.max(1, xc - xa - 1), (H - B) - top));
    }
    double rx = x(Double.isFinite(real) ? -real : xmax, 0, xmax);
    line(b, rx, T, rx, H - B, "#c00", false);
    text(b, rx - 4, T + 12, "end", "real key: log10 p = " + num(real));
    b.append("</svg>\n");
  }

  private static void svgOpen(StringBuilder b, String title) {
    b.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
            + "<title>%s</title>\n", W, H, W, H, esc(title)));
  }

  private static void axes(StringBuilder b, String xLabel, String yLabel, double x0, double x1, double y0, double y1) {
    line(b, L, H - B, W - R, H - B, "#444", false);
    line(b, L, T, L, H - B, "#444", false);
    for (int i = 0; i <= 4; i++) {
      double xv = x0 + (x1 - x0) * i / 4;
      double yv = y0 + (y1 - y0) * i / 4;
      text(b, x(xv, x0, x1), H - B + 14, "middle", num(xv));
      text(b, L - 4, y(yv, y0, y1) + 4, "end", num(yv));
    }
    text(b, (L + W - R) / 2.0, H - 6, "middle", xLabel);
    b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 12 %.1f)\">%s</text>\n",
        (T + H - B) / 2.0, (T + H - B) / 2.0, esc(yLabel)));
  }

  private static double x(double v, double x0, double x1) {
    return L + (W - L - R) * (x1 == x0 ? 0 : (v - x0) / (x1 - x0));
  }

  private static double y(double v, double y0, double y1) {
    return (H - B) - (H - B - T) * (y1 == y0 ? 0 : (v - y0) / (y1 - y0));
  }

  private static void polyline(StringBuilder b, List<String> pts, String color) {
    if (pts.isEmpty()) {
      return;
    }
    b.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"")
        .append(String.join(" ", pts)).append("\"/>\n");
  }

  private static void line(StringBuilder b, double x1, double y1, double x2, double y2, String color, boolean dashed) {
    b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>\n",
        x1, y1, x2, y2, color, dashed ? " stroke-dasharray=\"5,4\"" : ""));
  }

  private static void text(StringBuilder b, double x, double y, String anchor, String s) {
    b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n", x, y, anchor,
        esc(s)));
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "−∞";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e6) {
      String f = String.format(Locale.ROOT, "%.4g", v);
      return f.indexOf('.') < 0 ? f : f.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return String.format(Locale.ROOT, "%.3e", v);
  }

  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '&':
          out.append("&amp;");
          break;
        case '"':
          out.append("&quot;");
          break;
        case '\'':
          out.append("&#39;");
          break;
        default:
          out.append(c);
      }
    }
    return out.toString();
  }
}
