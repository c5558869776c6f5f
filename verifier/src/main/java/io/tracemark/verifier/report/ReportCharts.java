package io.tracemark.verifier.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The four charts of the HTML report, as inline SVG read from the report's JSON tree: the
 * cumulative evidence (log10 p against tuples scored), the green rate with its band under H0, the
 * control-key null with the real key's line, and the per-record contributions. Each scales with
 * the page ({@code viewBox}, width 100%). Stateless.
 */
final class ReportCharts {
  static final int W = 640;
  private static final int H = 260;
  private static final int L = 64;
  private static final int R = 20;
  private static final int T = 20;
  private static final int B = 40;

  private ReportCharts() {}

  static void curve(StringBuilder b, JsonNode r) {
    JsonNode curve = r.path("curve");
    double alphaLine = Math.log10(r.path("alpha").asDouble());
    boolean hasAlpha = Double.isFinite(alphaLine);
    double maxX = 1;
    double minY = hasAlpha ? Math.min(alphaLine, -1) : -1;
    for (JsonNode p : curve) {
      maxX = Math.max(maxX, p.get(0).asDouble());
      double y = p.get(2).asDouble();
      if (Double.isFinite(y)) {
        minY = Math.min(minY, y);
      }
    }
    double[] xt = Numbers.ticks(0, maxX, 4);
    double[] yt = Numbers.ticks(minY, 0, 4);
    double x1 = xt[xt.length - 1];
    double y0 = yt[0];
    svgOpen(b, "curve", H, "cumulative log10 p against tuples scored");
    axes(b, H, "tuples scored", "log10 p", xt, yt);
    List<String> pts = new ArrayList<>();
    for (JsonNode p : curve) {
      double y = p.get(2).asDouble();
      pts.add(pt(x(p.get(0).asDouble(), 0, x1), y(Double.isFinite(y) ? y : y0, y0, 0, H)));
    }
    polyline(b, pts, "#1f5fa8");
    if (hasAlpha) {
      double ay = y(alphaLine, y0, 0, H);
      line(b, L, ay, W - R, ay, "#c00", true, null);
      text(b, W - R - 4, ay - 4, "end", "log10 α = " + Numbers.human(alphaLine));
    }
    b.append("</svg>\n");
  }

  static void rate(StringBuilder b, JsonNode r) {
    JsonNode curve = r.path("curve");
    JsonNode g = r.path("statistics").path("gamma");
    if (g.isNull() || curve.size() == 0) {
      b.append("<p>(nothing scored)</p>\n");
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
    // the band at the first point is the widest; the axis stays inside [0, 1]
    double firstN = curve.get(0).get(0).asDouble();
    double half0 = 2.576 * Math.sqrt(gamma * (1 - gamma) / firstN);
    double[] xt = Numbers.ticks(0, maxX, 4);
    double[] yt = Numbers.ticks(Math.max(0, Math.min(lo, gamma - half0)), Math.min(1, Math.max(hi, gamma + half0)), 4);
    double x1 = xt[xt.length - 1];
    double y0 = yt[0];
    double y1 = yt[yt.length - 1];
    svgOpen(b, "rate", H, "green rate against gamma with its 99% band under chance");
    axes(b, H, "tuples scored", "green rate", xt, yt);
    List<String> upper = new ArrayList<>();
    List<String> lower = new ArrayList<>();
    for (JsonNode p : curve) {
      double n = p.get(0).asDouble();
      double half = 2.576 * Math.sqrt(gamma * (1 - gamma) / n);
      upper.add(pt(x(n, 0, x1), y(Math.min(y1, gamma + half), y0, y1, H)));
      lower.add(0, pt(x(n, 0, x1), y(Math.max(y0, gamma - half), y0, y1, H)));
    }
    List<String> band = new ArrayList<>(upper);
    band.addAll(lower);
    b.append("<polygon points=\"").append(String.join(" ", band)).append("\" fill=\"#cfe3cf\" stroke=\"none\"/>\n");
    double gy = y(gamma, y0, y1, H);
    line(b, L, gy, W - R, gy, "#060", true, null);
    text(b, W - R - 4, gy - 4, "end", "γ = " + Numbers.exact(gamma));
    List<String> pts = new ArrayList<>();
    for (JsonNode p : curve) {
      double n = p.get(0).asDouble();
      pts.add(pt(x(n, 0, x1), y(p.get(1).asDouble() / n, y0, y1, H)));
    }
    polyline(b, pts, "#1f5fa8");
    b.append("</svg>\n");
  }

  static void controlNull(StringBuilder b, JsonNode r) {
    JsonNode cp = r.path("controls").path("log10_p");
    double real = r.path("statistics").path("log10_p").asDouble();
    double max = Double.isFinite(real) ? -real : 1;
    for (JsonNode v : cp) {
      max = Math.max(max, -v.asDouble());
    }
    max = Math.max(max, 1);
    double[] xt = Numbers.ticks(0, max, 4);
    double xmax = xt[xt.length - 1];
    int bins = 30;
    int[] counts = new int[bins];
    for (JsonNode v : cp) {
      int i = (int) Math.min(bins - 1, Math.floor(-v.asDouble() / xmax * bins));
      counts[Math.max(0, i)]++;
    }
    int maxCount = 1;
    for (int c : counts) {
      maxCount = Math.max(maxCount, c);
    }
    double[] yt = Numbers.ticks(0, maxCount, Math.min(4, maxCount));
    double ymax = yt[yt.length - 1];
    svgOpen(b, "controls", H, "histogram of the control keys' -log10 p with the real key marked");
    axes(b, H, "−log10 p", "control keys", xt, yt);
    for (int i = 0; i < bins; i++) {
      if (counts[i] == 0) {
        continue;
      }
      double xa = x(xmax * i / bins, 0, xmax);
      double xc = x(xmax * (i + 1) / bins, 0, xmax);
      double top = y(counts[i], 0, ymax, H);
      b.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#8aa9cc\"/>\n", xa, top,
          Math.max(1, xc - xa - 1), (H - B) - top));
    }
    double rx = x(Double.isFinite(real) ? -real : xmax, 0, xmax);
    line(b, rx, T, rx, H - B, "#c00", false, "real-key");
    boolean right = rx > (L + W - R) / 2.0;
    text(b, right ? rx - 4 : rx + 4, T + 12, right ? "end" : "start",
        "real key: log10 p = " + Numbers.human(real));
    b.append("</svg>\n");
  }

  /** Horizontal bars of the top records' excess (green tuples above what chance gives), with their share. */
  static void records(StringBuilder b, JsonNode r) {
    JsonNode top = r.path("top_records");
    JsonNode stats = r.path("statistics");
    if (top.size() == 0) {
      b.append("<p>(no record scored)</p>\n");
      return;
    }
    double expected = HtmlReport.binomial(r) ? stats.path("gamma").asDouble() * stats.path("tuples_scored").asDouble()
        : stats.path("tuples_scored").asDouble();
    double total = stats.path("green").asDouble() - expected;
    double shown = 0;
    double lo = 0;
    double hi = 0;
    for (JsonNode t : top) {
      double e = t.path("excess").asDouble();
      shown += e;
      lo = Math.min(lo, e);
      hi = Math.max(hi, e);
    }
    b.append("<p>Excess of each of the ").append(Numbers.count(top.size())).append(" most contributing records: ")
        .append(HtmlReport.binomial(r) ? "green tuples above the &gamma; share of its tuples" : "score above its tuple count")
        .append(". ");
    if (total > 0) {
      b.append("Together they hold ").append(HtmlReport.percent(Math.min(1, shown / total))).append(" of the corpus's total "
          + "excess of ").append(Numbers.human(total)).append(" over ")
          .append(Numbers.count(r.path("inputs").path("records").asLong())).append(" records: a share near 100% "
          + "means a few records carry the evidence (copying); a small share means it is spread thinly over many "
          + "(as after distillation).");
    }
    b.append("</p>\n");
    int lw = 150; // room for record ids on the left
    int rowH = 18;
    int h = T + rowH * top.size() + B;
    double[] xt = Numbers.ticks(lo, hi <= lo ? lo + 1 : hi, 4);
    double a = xt[0];
    double c = xt[xt.length - 1];
    svgOpen(b, "records", h, "excess of the most contributing records");
    double zero = lw + (W - R - lw) * (0 - a) / (c - a);
    for (double t : xt) {
      double tx = lw + (W - R - lw) * (t - a) / (c - a);
      line(b, tx, T, tx, h - B, "#e4e4e4", false, null);
      text(b, tx, h - B + 14, "middle", Numbers.tick(t, xt.length > 1 ? xt[1] - xt[0] : 1));
    }
    line(b, zero, T, zero, h - B, "#444", false, null);
    text(b, (lw + W - R) / 2.0, h - 6, "middle", HtmlReport.binomial(r) ? "excess green tuples" : "excess score");
    int i = 0;
    for (JsonNode t : top) {
      double e = t.path("excess").asDouble();
      double ex = lw + (W - R - lw) * (e - a) / (c - a);
      double yTop = T + rowH * i + 3;
      String id = t.path("id").asText();
      b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"#8aa9cc\">"
          + "<title>%s: excess %s, log10 p %s</title></rect>\n", Math.min(zero, ex), yTop,
          Math.max(1, Math.abs(ex - zero)), rowH - 6, HtmlReport.esc(id), HtmlReport.esc(Numbers.human(e)),
          HtmlReport.esc(Numbers.human(t.path("log10_p").asDouble()))));
      text(b, lw - 6, yTop + rowH - 8, "end", id.length() > 20 ? id.substring(0, 19) + "…" : id);
      i++;
    }
    b.append("</svg>\n");
  }

  private static void svgOpen(StringBuilder b, String id, int height, String title) {
    b.append(String.format(Locale.ROOT,
        "<svg class=\"chart\" id=\"chart-%s\" viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\">"
            + "<title>%s</title>\n", id, W, height, HtmlReport.esc(title)));
  }

  private static void axes(StringBuilder b, int height, String xLabel, String yLabel, double[] xt, double[] yt) {
    double x0 = xt[0];
    double x1 = xt[xt.length - 1];
    double y0 = yt[0];
    double y1 = yt[yt.length - 1];
    double xStep = xt.length > 1 ? xt[1] - xt[0] : 1;
    double yStep = yt.length > 1 ? yt[1] - yt[0] : 1;
    for (double v : yt) {
      double py = y(v, y0, y1, height);
      line(b, L, py, W - R, py, "#e4e4e4", false, null);
      text(b, L - 4, py + 4, "end", Numbers.tick(v, yStep));
    }
    for (double v : xt) {
      text(b, x(v, x0, x1), height - B + 14, "middle", Numbers.tick(v, xStep));
    }
    line(b, L, height - B, W - R, height - B, "#444", false, null);
    line(b, L, T, L, height - B, "#444", false, null);
    text(b, (L + W - R) / 2.0, height - 6, "middle", xLabel);
    b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 12 %.1f)\">%s</text>\n",
        (T + height - B) / 2.0, (T + height - B) / 2.0, HtmlReport.esc(yLabel)));
  }

  private static double x(double v, double x0, double x1) {
    return L + (W - L - R) * (x1 == x0 ? 0 : (v - x0) / (x1 - x0));
  }

  private static double y(double v, double y0, double y1, int height) {
    return (height - B) - (height - B - T) * (y1 == y0 ? 0 : (v - y0) / (y1 - y0));
  }

  private static String pt(double x, double y) {
    return String.format(Locale.ROOT, "%.1f,%.1f", x, y);
  }

  private static void polyline(StringBuilder b, List<String> pts, String color) {
    if (pts.isEmpty()) {
      return;
    }
    b.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"")
        .append(String.join(" ", pts)).append("\"/>\n");
  }

  private static void line(StringBuilder b, double x1, double y1, double x2, double y2, String color, boolean dashed,
      String id) {
    b.append(String.format(Locale.ROOT, "<line%s x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>\n",
        id == null ? "" : " id=\"" + id + "\"", x1, y1, x2, y2, color,
        dashed ? " stroke-dasharray=\"5,4\"" : id != null ? " stroke-width=\"2\"" : ""));
  }

  private static void text(StringBuilder b, double x, double y, String anchor, String s) {
    b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n", x, y, anchor,
        HtmlReport.esc(s)));
  }
}
