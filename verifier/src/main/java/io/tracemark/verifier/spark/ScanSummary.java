package io.tracemark.verifier.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.report.Numbers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The scan's {@code summary.json} (schema-versioned, fields in a fixed order) and {@code summary.html} (self-contained:
 * no script, no external resource), written together on the driver through {@link SafeFiles#publish}. They name the
 * scheme (another system's key redacted) and the key id, never key material.
 */
final class ScanSummary {
  static final String JSON = "summary.json";
  static final String HTML = "summary.html";
  /** Flagged documents listed in the HTML page (all are in {@code flagged/}). */
  static final int HTML_ROWS = 200;

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ScanSummary() {}

  static void write(ScanJob.Settings s, ScanJob.Result r, ScanScorer scorer, String tokenizer, String normalization,
      int vocab, ScanFdr.Outcome outcome) throws IOException {
    ObjectNode json = json(s, r, scorer, tokenizer, normalization, vocab, outcome);
    byte[] bytes = (MAPPER.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] html = html(s, r, json).getBytes(StandardCharsets.UTF_8);
    SafeFiles.publish(s.out(), List.of(new SafeFiles.Output(JSON, bytes), new SafeFiles.Output(HTML, html)));
  }

  static ObjectNode json(ScanJob.Settings s, ScanJob.Result r, ScanScorer scorer, String tokenizer,
      String normalization, int vocab, ScanFdr.Outcome outcome) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("schema_version", ScanJob.SCHEMA_VERSION);
    n.put("kind", "tracemark-scan");
    ObjectNode in = n.putObject("inputs");
    ArrayNode paths = in.putArray("paths");
    s.inputs().forEach(paths::add);
    in.put("format", s.format().id());
    if (s.format() == ScanJob.Format.PARQUET) {
      in.put("id_column", s.idColumn());
      in.put("text_column", s.textColumn());
    }
    ObjectNode docs = n.putObject("documents");
    docs.put("read", r.documentsRead());
    docs.put("scored", r.documentsScored());
    docs.put("skipped", r.documentsSkipped());
    docs.put("tokens_read", r.tokensRead());
    docs.put("on_bad_record", s.badRecords().label());
    ArrayNode skipped = docs.putArray("skipped_listed");
    for (SkippedRecord k : r.skipped()) {
      skipped.addObject().put("where", k.id()).put("reason", k.reason());
    }
    n.put("m", r.documentsScored());
    n.put("procedure", s.procedure().id());
    n.put("q", s.q());
    n.put("tested", s.localize() == null ? "document" : "best region (" + s.localize() + ")");
    n.put("flagged", r.flaggedCount());
    if (r.flaggedCount() == 0) {
      n.putNull("log10_cutoff");
    } else {
      // the threshold of the largest flagged rank: BH flags every p-value at or below it
      n.put("log10_cutoff", outcome.log10Threshold((int) r.flaggedCount() - 1));
    }
    n.put("scheme", r.scheme());
    n.put("key_id", r.keyId());
    n.put("tokenizer", tokenizer);
    if (vocab == Integer.MAX_VALUE) {
      n.putNull("vocabulary_size");
    } else {
      n.put("vocabulary_size", vocab);
    }
    n.put("normalization", normalization);
    n.put("dedup", scorer.dedupMode().label());
    n.put("flagged_path", "flagged");
    return n;
  }

  private static String html(ScanJob.Settings s, ScanJob.Result r, ObjectNode json) {
    StringBuilder b = new StringBuilder(4096);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tracemark scan</title>\n")
        .append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:")
        .append("collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}th{background:#f4f4f4}")
        .append("</style></head><body>\n<h1>tracemark scan</h1>\n<table>\n");
    row(b, "scheme", r.scheme());
    row(b, "key id", r.keyId());
    row(b, "inputs", String.join(", ", s.inputs()) + " (" + s.format().id() + ")");
    row(b, "tokenizer / normalisation / dedup", json.get("tokenizer").asText() + " / "
        + json.get("normalization").asText() + " / " + json.get("dedup").asText());
    row(b, "documents read", Numbers.count(r.documentsRead()));
    row(b, "documents scored (m)", Numbers.count(r.documentsScored()));
    row(b, "documents skipped", Numbers.count(r.documentsSkipped()) + " (on bad record: "
        + s.badRecords().label() + ")");
    row(b, "tokens read", Numbers.count(r.tokensRead()));
    row(b, "tested", json.get("tested").asText());
    row(b, "procedure", (s.procedure() == ScanFdr.Procedure.BH ? "Benjamini–Hochberg (false-discovery rate)"
        : "Holm (family-wise error)") + " at q = " + Numbers.exact(s.q()));
    row(b, "flagged", Numbers.count(r.flaggedCount()));
    b.append("</table>\n<h2>Flagged documents</h2>\n");
    if (r.flagged().isEmpty()) {
      b.append("<p>None.</p>\n");
    } else {
      b.append("<p>The ").append(Math.min(HTML_ROWS, r.flagged().size()))
          .append(" smallest p-values; all flagged documents are in <code>flagged/</code> (Parquet).</p>\n")
          .append("<table><tr><th>rank</th><th>id</th><th>source</th><th>tokens</th><th>tuples</th><th>green</th>")
          .append("<th>region</th><th>log10 p</th><th>log10 threshold</th></tr>\n");
      for (ScanJob.Flagged f : r.flagged().subList(0, Math.min(HTML_ROWS, r.flagged().size()))) {
        b.append("<tr><td>").append(f.rank()).append("</td><td>").append(esc(f.id())).append("</td><td>")
            .append(esc(f.source() + (f.line() == null ? "" : ":" + f.line()))).append("</td><td>")
            .append(Numbers.count(f.tokens())).append("</td><td>").append(Numbers.count(f.tuples()))
            .append("</td><td>").append(Numbers.human(f.green())).append("</td><td>")
            .append(f.regionStart() == null ? "" : f.regionStart() + "–" + f.regionEnd()).append("</td><td>")
            .append(Numbers.human(f.log10P())).append("</td><td>").append(Numbers.human(f.log10Threshold()))
            .append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    if (!r.skipped().isEmpty()) {
      b.append("<h2>Skipped documents</h2>\n<table><tr><th>where</th><th>reason</th></tr>\n");
      for (SkippedRecord k : r.skipped()) {
        b.append("<tr><td>").append(esc(k.id())).append("</td><td>").append(esc(k.reason())).append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    return b.append("</body></html>\n").toString();
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
  }

  private static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
