package io.tracemark.verifier.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Renders {@code report.json} as one self-contained HTML page: inline CSS and SVG only, no
 * script, no external resource (a Content-Security-Policy of {@code default-src 'none'} makes the
 * browser refuse any request). Everything shown is read from the JSON tree, so the page says
 * exactly what the signed JSON says; only the signer's key id comes from outside it.
 *
 * <p>The page opens with a plain-language summary (verdict, what the p-value means, what the test
 * shows and does not show, the signature, a glossary), then the numbers and four charts. Charts
 * scale with the page (SVG {@code viewBox}, width 100%), and wide tables scroll inside their box,
 * so the page fits a phone's 390 px as well as a desktop. Numbers use {@link Numbers}.
 */
final class HtmlReport {
  private HtmlReport() {}


  /** Renders a report whose signer is not known (rendered as "not signed"). */
  static String render(JsonNode r) {
    return render(r, null);
  }

  /**
   * Renders the page.
   *
   * @param signerKeyId the key id of the Ed25519 key that signs {@code report.json}, or null when
   *     the report is not signed
   */
  static String render(JsonNode r, String signerKeyId) {
    StringBuilder b = new StringBuilder(49_152);
    JsonNode stats = r.path("statistics");
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<title>tracemark evidence report</title>\n<style>\n")
        .append("body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em;color:#222;line-height:1.4}")
        .append("h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em}")
        .append(".wide{overflow-x:auto}table{border-collapse:collapse;margin:.5em 0}")
        .append("td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;font-size:.9em;vertical-align:top}")
        .append("code{font-size:.9em;word-break:break-all}")
        .append(".detected{color:#a00}.not_detected{color:#060}.flag{background:#fff3cd;padding:.5em}")
        .append(".plain{background:#f4f6fa;border:1px solid #d8deea;padding:.2em 1em;border-radius:4px}")
        .append(".verdict{font-size:1.15em}dt{font-weight:bold}dd{margin:0 0 .4em 1.2em}")
        .append("svg.chart{display:block;width:100%;max-width:").append(ReportCharts.W).append("px;height:auto;")
        .append("background:#fafafa;border:1px solid #ddd}svg text{font-size:12px;font-family:sans-serif}\n")
        .append("</style>\n</head>\n<body>\n");
    b.append("<h1>tracemark evidence report</h1>\n");
    plainLanguage(b, r, signerKeyId);
    for (JsonNode f : r.path("flags")) {
      b.append("<p class=\"flag\">&#9888; ").append(esc(f.asText())).append("</p>\n");
    }
    b.append("<h2>Summary</h2>\n<div class=\"wide\"><table>\n");
    row(b, "verdict", "<strong class=\"" + esc(r.path("verdict").asText()) + "\">" + verdictText(r) + "</strong> at "
        + "&alpha; = " + Numbers.exact(r.path("alpha").asDouble()) + " (" + esc(modeText(r)) + ")");
    row(b, "records", Numbers.count(r.path("inputs").path("records").asLong()));
    row(b, "tokens read", Numbers.count(stats.path("tokens_read").asLong()));
    row(b, "tuples scored", Numbers.count(stats.path("tuples_scored").asLong()));
    JsonNode weighted = r.path("statistic");
    if (!weighted.isMissingNode()) {
      // the weighted test: the green fields hold S = sum of level x score
      row(b, "statistic", "weighted: S = &Sigma; level &times; " + (binomial(r) ? "green" : "score") + "; "
          + esc(weighted.path("weights").asText()) + "; " + esc(weighted.path("quantization").asText()));
      row(b, "S vs its mean under H0", Numbers.human(stats.path("green").asDouble()) + " vs "
          + Numbers.human(weighted.path("null_mean").asDouble()));
    } else {
      row(b, binomial(r) ? "green tuples" : "score sum", Numbers.human(stats.path("green").asDouble()));
    }
    row(b, binomial(r) ? "green fraction vs &gamma;" : "mean score vs 1",
        Numbers.human(stats.path("green_fraction").asDouble()) + " vs "
            + (stats.path("gamma").isNull() ? "1" : Numbers.exact(stats.path("gamma").asDouble())));
    row(b, "z", Numbers.human(stats.path("z").asDouble()));
    row(b, "p-value", Numbers.pValue(stats.path("p_value").asDouble(), stats.path("log10_p").asDouble()));
    row(b, "log10 p (exact)", Numbers.human(stats.path("log10_p").asDouble()));
    row(b, "log10 p (Holm-adjusted)", Numbers.human(stats.path("log10_p_adjusted").asDouble()));
    row(b, "best key", esc(stats.path("best_key").asText()));
    JsonNode controls = r.path("controls");
    if (controls.path("count").asInt() > 0) {
      row(b, "rank among control keys", Numbers.count(controls.path("best_key_rank").asLong()) + " of "
          + Numbers.count(controls.path("count").asLong() + 1) + " (empirical p "
          + Numbers.human(controls.path("empirical_p").asDouble()) + ")");
    }
    b.append("</table></div>\n");
    PayloadSection.html(b, r);

    b.append("<h2>Cumulative evidence</h2>\n<p>log10 p of the best key against tuples scored, as the corpus was "
        + "read; the dashed line is log10 &alpha;. Evidence that builds steadily comes from many records; a jump "
        + "points to a few.</p>\n");
    ReportCharts.curve(b, r);
    if (binomial(r)) {
      b.append("<h2>Green rate</h2>\n<p>Cumulative green rate against &gamma; (dashed) with its 99% band under "
          + "chance (shaded).</p>\n");
      ReportCharts.rate(b, r);
    }
    if (controls.path("count").asInt() > 0) {
      b.append("<h2>Control-key null</h2>\n<p>&minus;log10 p of ").append(Numbers.count(controls.path("count")
          .asLong())).append(" random control keys on the same tuples (histogram): what chance alone gives on this "
          + "corpus. The red line marks the real key.</p>\n");
      ReportCharts.controlNull(b, r);
    }
    b.append("<h2>Per-record contributions</h2>\n");
    ReportCharts.records(b, r);

    b.append("<h2>Keys</h2>\n<div class=\"wide\"><table>\n<tr><th>key</th><th>tuples</th><th>green</th>")
        .append("<th>fraction</th><th>z</th><th>log10 p</th><th>Holm log10 p</th><th>control rank</th>")
        .append("<th>significant</th></tr>\n");
    for (JsonNode k : r.path("keys")) {
      b.append("<tr><td>").append(esc(k.path("label").asText())).append("</td><td>")
          .append(Numbers.count(k.path("tuples_scored").asLong())).append("</td><td>")
          .append(Numbers.human(k.path("green").asDouble())).append("</td><td>")
          .append(Numbers.human(k.path("green_fraction").asDouble())).append("</td><td>")
          .append(Numbers.human(k.path("z").asDouble())).append("</td><td>")
          .append(Numbers.human(k.path("log10_p").asDouble())).append("</td><td>")
          .append(Numbers.human(k.path("log10_p_adjusted").asDouble())).append("</td><td>")
          .append(Numbers.count(k.path("control_rank").asLong())).append("</td><td>")
          .append(k.path("significant").asBoolean() ? "yes" : "no").append("</td></tr>\n");
    }
    b.append("</table></div>\n");

    b.append("<h2>Most contributing records</h2>\n<div class=\"wide\"><table>\n<tr><th>record</th><th>tokens</th>")
        .append("<th>tuples scored</th><th>green</th><th>excess</th><th>log10 p</th></tr>\n");
    for (JsonNode t : r.path("top_records")) {
      b.append("<tr><td>").append(esc(t.path("id").asText())).append("</td><td>")
          .append(Numbers.count(t.path("tokens").asLong())).append("</td><td>")
          .append(Numbers.count(t.path("tuples_scored").asLong())).append("</td><td>")
          .append(Numbers.human(t.path("green").asDouble())).append("</td><td>")
          .append(Numbers.human(t.path("excess").asDouble())).append("</td><td>")
          .append(Numbers.human(t.path("log10_p").asDouble())).append("</td></tr>\n");
    }
    b.append("</table></div>\n");
    RegionsSection.html(b, r);

    b.append("<h2>Scheme, key and options</h2>\n<div class=\"wide\"><table>\n");
    JsonNode scheme = r.path("scheme");
    long vocab = scheme.path("vocabulary_size").asLong();
    row(b, "scheme", "<code>" + esc(scheme.path("spec").asText()) + "</code> (format "
        + esc(scheme.path("format_version").asText()) + ", vocabulary "
        + (vocab == Integer.MAX_VALUE ? "any" : Numbers.count(vocab)) + ")");
    if (scheme.has("caveat")) {
      row(b, "caveat", esc(scheme.path("caveat").asText()));
    }
    JsonNode key = r.path("key");
    row(b, "key id", "<code>" + esc(key.path("key_id").asText()) + "</code>");
    row(b, "key commitment", "<code>" + esc(key.path("commitment").asText()) + "</code>");
    if (key.has("warning")) {
      row(b, "key warning", esc(key.path("warning").asText()));
    }
    if (r.has("plan")) {
      JsonNode plan = r.path("plan");
      row(b, "pre-registered plan", "SHA-256 <code>" + esc(plan.path("sha256").asText()) + "</code> ("
          + Numbers.count(plan.path("queries").asLong()) + " queries, query list SHA-256 <code>"
          + esc(plan.path("queries_sha256").asText()) + "</code>; the run matched its "
          + esc(plan.path("checked").asText()) + ")");
    }
    JsonNode opts = r.path("options");
    opts.properties().forEach(e -> row(b, esc(e.getKey().replace('_', ' ')),
        esc(e.getValue().isNull() ? "none" : e.getValue().asText())));
    b.append("</table></div>\n");

    b.append("<h2>Inputs</h2>\n<p>").append(Numbers.count(r.path("inputs").path("records").asLong()))
        .append(" records.</p>\n");
    b.append("<div class=\"wide\"><table>\n<tr><th>file</th><th>SHA-256</th><th>bytes</th><th>records</th></tr>\n");
    for (String group : new String[] {"files", "filter_files"}) {
      for (JsonNode f : r.path("inputs").path(group)) {
        b.append("<tr><td>").append(group.equals("filter_files") ? "[filter] " : "").append(esc(f.path("path").asText()))
            .append("</td><td><code>").append(esc(f.path("sha256").asText())).append("</code></td><td>")
            .append(Numbers.count(f.path("bytes").asLong())).append("</td><td>")
            .append(Numbers.count(f.path("records").asLong())).append("</td></tr>\n");
      }
    }
    b.append("</table></div>\n");
    JsonNode notRead = r.path("inputs").path("not_read");
    if (notRead.size() > 0) {
      b.append("<p>").append(Numbers.count(notRead.size())).append(notRead.size() == 1 ? " directory entry was"
          : " directory entries were").append(" not read (hidden, symbolic links or not regular files):</p>\n");
      b.append("<div class=\"wide\"><table>\n<tr><th>entry</th><th>input</th><th>reason</th></tr>\n");
      for (JsonNode n : notRead) {
        b.append("<tr><td>").append(esc(n.path("path").asText())).append("</td><td>")
            .append(esc(n.path("input").asText())).append("</td><td>").append(esc(n.path("reason").asText()))
            .append("</td></tr>\n");
      }
      b.append("</table></div>\n");
    }
    JsonNode skipped = r.path("skipped");
    b.append("<h2>Skipped records</h2>\n<p>").append(Numbers.count(skipped.path("count").asLong()))
        .append(" skipped.</p>\n");
    if (skipped.path("records").size() > 0) {
      b.append("<div class=\"wide\"><table>\n<tr><th>record</th><th>reason</th></tr>\n");
      for (JsonNode s : skipped.path("records")) {
        b.append("<tr><td>").append(esc(s.path("id").asText())).append("</td><td>").append(esc(s.path("reason").asText()))
            .append("</td></tr>\n");
      }
      b.append("</table></div>\n");
    }
    JsonNode counts = r.path("counts");
    b.append("<h2>Positions not scored</h2>\n<div class=\"wide\"><table>\n");
    counts.properties().forEach(e -> row(b, esc(e.getKey().replace('_', ' ')), Numbers.count(e.getValue().asLong())));
    b.append("</table></div>\n<h2>Environment</h2>\n<div class=\"wide\"><table>\n");
    row(b, "tool", esc(r.path("tool").path("name").asText() + " " + r.path("tool").path("version").asText()));
    if (r.has("created")) {
      row(b, "created", esc(r.path("created").asText()));
    }
    r.path("environment").properties().forEach(e -> row(b, esc(e.getKey().replace('_', ' ')),
        esc(e.getValue().asText())));
    b.append("</table></div>\n<p>This page renders <code>report.json</code>; the signature (<code>report.sig</code>) "
        + "covers the JSON bytes, not this page. Check it with <code>tracemark report-verify DIR --public-key "
        + "SIGNER.pub</code>.</p>\n");
    b.append("</body>\n</html>\n");
    return b.toString();
  }

  // ------------------------------------------------------------------ plain language

  private static void plainLanguage(StringBuilder b, JsonNode r, String signerKeyId) {
    JsonNode stats = r.path("statistics");
    boolean detected = r.path("verdict").asText().equals("detected");
    String alpha = Numbers.exact(r.path("alpha").asDouble());
    b.append("<section class=\"plain\" id=\"plain-language\">\n");
    b.append("<p class=\"verdict\"><strong class=\"").append(detected ? "detected" : "not_detected").append("\">")
        .append(verdictText(r)).append("</strong> ");
    if (detected) {
      b.append("The suspect text is not independent of the owner's watermark key: it agrees with the key far more "
          + "often than text written without the key does");
    } else {
      b.append("There is no evidence at this error rate that the suspect text depends on the owner's watermark "
          + "key");
    }
    b.append(" (").append(esc(modeText(r))).append(", error rate &alpha; = ").append(alpha).append(").</p>\n");
    double log10p = stats.path("log10_p_adjusted").asDouble();
    b.append("<p>").append(chance(log10p));
    if (binomial(r)) {
      b.append(" ").append(Numbers.human(stats.path("green").asDouble())).append(" of ")
          .append(Numbers.count(stats.path("tuples_scored").asLong())).append(" scored tuples are green (")
          .append(percent(stats.path("green_fraction").asDouble())).append("), where chance gives ")
          .append(percent(stats.path("gamma").asDouble())).append(".");
    }
    JsonNode controls = r.path("controls");
    if (controls.path("count").asInt() > 0) {
      b.append(" Among ").append(Numbers.count(controls.path("count").asLong())).append(" random control keys the "
          + "real key ranks ").append(Numbers.count(controls.path("best_key_rank").asLong())).append(" of ")
          .append(Numbers.count(controls.path("count").asLong() + 1)).append(".");
    }
    b.append("</p>\n");
    b.append("<p><strong>What this shows.</strong> At the stated error rate, that the scored text was produced under "
        + "the watermark, or by something that learned from text produced under it (for example a model trained on "
        + "the owner's outputs). The control keys show what chance alone gives on this same corpus; the key's "
        + "commitment, published in advance, shows the key was fixed before the corpus was collected.</p>\n");
    b.append("<p><strong>What it does not show.</strong> Who made the copy or trained the model; how much was "
        + "copied (a tiny p-value can come from a little verbatim copying: see the per-record chart); and a "
        + "large p-value does not prove innocence: a weak watermark, heavy paraphrase, too little text or the "
        + "wrong tokenizer all give large p-values. &ldquo;Not detected&rdquo; means &ldquo;no evidence at this "
        + "&alpha;&rdquo;, nothing more.</p>\n");
    b.append("<p id=\"signature\"><strong>Signature.</strong> ");
    if (signerKeyId != null) {
      b.append("Signed: <code>report.sig</code> is an Ed25519 signature over the exact bytes of "
          + "<code>report.json</code> by signing key id <code>").append(esc(signerKeyId)).append("</code>. Check it "
          + "with <code>tracemark report-verify DIR --public-key SIGNER.pub</code> before relying on these "
          + "numbers.");
    } else {
      b.append("Not signed: nothing shows that <code>report.json</code> is unchanged since tracemark wrote it "
          + "(sign with <code>tracemark verify --sign-key</code>).");
    }
    b.append(" Owner key id <code>").append(esc(r.path("key").path("key_id").asText())).append("</code>; the key "
        + "itself is never in a report.</p>\n");
    b.append("<details id=\"glossary\" open><summary>Glossary</summary>\n<dl>\n");
    term(b, "tuple", "a (window, token) pair: the h tokens before a position and the token at it. Each distinct "
        + "tuple is scored once over the whole corpus, so repeated text does not count twice.");
    term(b, "green", "a token the key puts on the green list of its window. Without the key, a token is green "
        + "with probability &gamma;, whatever the text.");
    term(b, "&gamma; (gamma)", "the green fraction of the vocabulary: the green rate expected of text written "
        + "without the key.");
    term(b, "p-value, log10 p", "the probability of a result at least this strong by chance, computed exactly; "
        + "log10 p = &minus;342.6 means p = 10^-342.6.");
    term(b, "Holm", "the Holm&ndash;Bonferroni correction: when several keys (tenants) are tested at once, each "
        + "p-value is adjusted so that the error rate &alpha; holds for the whole family.");
    term(b, "control keys", "random keys the owner could not have used, scored on the same tuples; they show what "
        + "chance gives on this corpus.");
    term(b, "closed model", "the suspect model is only queried: its answers (with their prompts) are scored as "
        + "text, and windows that occur in a record's prompt are not scored.");
    term(b, "reading mode", "for an open suspect model: the owner's watermarked text is fed to it and its top-1 "
        + "predictions are scored, which shows what it learned from that text.");
    b.append("</dl>\n</details>\n</section>\n");
  }

  private static void term(StringBuilder b, String name, String definitionHtml) {
    b.append("<dt>").append(name).append("</dt><dd>").append(definitionHtml).append("</dd>\n");
  }

  /** "p &lt; 10^-342: the chance of this by luck is about 1 in 10^342", or "p = 0.28: … about 1 in 4". */
  static String chance(double log10p) {
    if (!Double.isFinite(log10p)) {
      return log10p < 0 ? "p = 0: the chance of this by luck is nil." : "p = 1: no evidence.";
    }
    if (log10p <= -4) {
      long k = (long) Math.floor(-log10p);
      return "p &lt; 10^-" + k + ": the chance of this by luck is about 1 in 10^" + k + ".";
    }
    double p = Math.pow(10, log10p);
    long odds = Math.max(1, Math.round(1 / p));
    return "p = " + Numbers.human(Double.parseDouble(String.format(Locale.ROOT, "%.2g", p)))
        + ": the chance of this by luck is about 1 in " + Numbers.count(odds) + ".";
  }

  static String percent(double fraction) {
    return Numbers.fixed(100 * fraction, 1) + "%";
  }

  private static String verdictText(JsonNode r) {
    return r.path("verdict").asText().equals("detected") ? "Watermark DETECTED." : "Not detected.";
  }

  private static String modeText(JsonNode r) {
    String mode = r.path("mode").asText();
    return mode.equals("closed-model") ? "closed model: the suspect's outputs scored as text"
        : mode.equals("reading-mode") ? "reading mode: the owner's text read through the suspect model" : mode;
  }

  static boolean binomial(JsonNode r) {
    return !r.path("statistics").path("gamma").isNull();
  }

  private static void row(StringBuilder b, String name, String valueHtml) {
    b.append("<tr><th>").append(name).append("</th><td>").append(valueHtml).append("</td></tr>\n");
  }

  // ------------------------------------------------------------------ charts

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
