package io.tracemark.verifier.spark;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.stats.Localization;
import io.tracemark.verifier.RegionSearch;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.input.Fields;
import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.input.JsonlRecordParser;
import io.tracemark.verifier.input.LineSplitter;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What an executor needs to score documents, and nothing else: the scheme, the key's secret (for the families keyed
 * by a key file), the vocabulary size, the tokenizer and normalisation by name, the dedup mode, the region search,
 * the JSONL field names and the record limit. It reaches the executors as a broadcast variable, so the secret is
 * never in the Spark configuration, a task's closure or a log line; {@link #toString()} shows no secret. Each
 * executor builds the watermark, the tokenizer and the record parser once, on first use (thread-safe: the
 * executor's task threads share the broadcast value), and scores every document as {@code tracemark detect} does:
 * the same {@link TextPipeline}, the same {@link JsonlRecordParser}, the watermark's {@link Detector} under the same
 * dedup, and {@link RegionSearch#localize} for the best region.
 */
final class ScanScorer implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The columns of a scored (or bad) document; a bad document has {@code bad} set and no statistics. */
  static final StructType SCORED = new StructType(new StructField[] {
      field("id", DataTypes.StringType, false),
      field("source", DataTypes.StringType, false),
      field("line", DataTypes.LongType, true),
      field("tokens", DataTypes.LongType, true),
      field("tuples", DataTypes.LongType, true),
      field("green", DataTypes.DoubleType, true),
      field("global_log10_p", DataTypes.DoubleType, true),
      field("region_start", DataTypes.IntegerType, true),
      field("region_end", DataTypes.IntegerType, true),
      field("log10_p", DataTypes.DoubleType, true),
      field("bad", DataTypes.StringType, true)});

  static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return new StructField(name, type, nullable, Metadata.empty());
  }

  private final String scheme;
  private final byte[] secret;
  private final int vocabularySize;
  private final String tokenizer;
  private final String normalization;
  private final String dedup;
  private final String localize;
  private final String[] fields;
  private final long maxRecordBytes;

  private transient volatile Built built;

  /** The executors' objects, built once per JVM from the fields above. */
  private static final class Built {
    final Watermark watermark;
    final DedupMode dedup;
    final RegionSearch search;
    final TextPipeline text;
    final JsonlRecordParser parser;

    Built(ScanScorer s) {
      SchemeSpec spec = SchemeSpec.parse(s.scheme);
      WatermarkKey key = s.secret == null ? null : WatermarkKey.fromBytes(s.secret);
      this.watermark = Watermarks.create(key, spec, s.vocabularySize);
      this.dedup = s.dedup == null ? watermark.defaultDedup() : DedupMode.parse(s.dedup);
      this.search = s.localize == null ? null : RegionSearch.byId(s.localize);
      this.text = new TextPipeline(Tokenizers.byNameOrPath(s.tokenizer), Normalization.parse(s.normalization));
      Fields f = new Fields(s.fields[0], s.fields[1], s.fields[2], s.fields[3], s.fields[4]);
      this.parser = new JsonlRecordParser(f, text, s.vocabularySize, "vocabulary size " + s.vocabularySize,
          s.maxRecordBytes);
    }
  }

  /**
   * @param scheme the scheme's SPEC (for another system's scheme it carries that key: treated as secret)
   * @param secret the key's 32 secret bytes, or null for a scheme whose SPEC carries its key
   * @param dedup the dedup mode's label, or null for the scheme's default
   * @param localize the region search's id, or null for none
   */
  ScanScorer(String scheme, byte[] secret, int vocabularySize, String tokenizer, String normalization, String dedup,
      String localize, Fields fields, long maxRecordBytes) {
    this.scheme = scheme;
    this.secret = secret == null ? null : secret.clone();
    this.vocabularySize = vocabularySize;
    this.tokenizer = tokenizer;
    this.normalization = normalization;
    this.dedup = dedup;
    this.localize = localize;
    this.fields = new String[] {fields.id(), fields.text(), fields.tokens(), fields.prompt(), fields.promptTokens()};
    this.maxRecordBytes = maxRecordBytes;
  }

  private Built built() {
    Built b = built;
    if (b == null) {
      synchronized (this) {
        b = built;
        if (b == null) {
          b = new Built(this);
          built = b;
        }
      }
    }
    return b;
  }

  /** The watermark, as the executors build it (the driver uses it for the summary's key id and checks). */
  Watermark watermark() {
    return built().watermark;
  }

  /** The dedup mode used. */
  DedupMode dedupMode() {
    return built().dedup;
  }

  /** The text pipeline used. */
  TextPipeline textPipeline() {
    return built().text;
  }

  /** A bad document: where it is, and why (no content of the document). */
  static Row bad(String where, String source, Long line, String reason) {
    return RowFactory.create(where, source, line, null, null, null, null, null, null, null, reason);
  }

  /** Scores one document's tokens: a row of {@link #SCORED}. */
  Row score(String id, String source, Long line, int[] tokens, Detector detector) {
    Detection d = detector.detect(tokens);
    double global = d.log10PValue();
    Integer start = null;
    Integer end = null;
    double tested = global;
    Built b = built();
    if (b.search != null) {
      Localization loc = b.search.localize(d);
      Localization.Region best = loc.best();
      if (best.units() > 0) {
        start = best.start();
        end = best.end();
        tested = best.correctedLog10P();
      }
    }
    return RowFactory.create(id, source, line, d.tokensRead(), d.tuplesScored(), d.score(), global, start, end,
        tested, null);
  }

  /** A detector for one task (detectors keep per-call state; the watermark is shared). */
  Detector detector() {
    Built b = built();
    return b.watermark.detector(b.dedup);
  }

  /** The documents of one input file, lazily: one per JSONL line, one per text line, or the whole text file. */
  Iterator<Row> file(String path, InputStream raw, ScanJob.Format format) {
    Built b = built();
    Detector detector = detector();
    InputStream in;
    try {
      in = Inputs.decompressed(raw);
    } catch (IOException e) {
      closeQuietly(raw);
      throw new UncheckedIOException(path + ": " + e.getMessage(), e);
    }
    if (format == ScanJob.Format.TEXT_FILES) {
      try (InputStream s = in) {
        byte[] bytes = Inputs.readRecord(s, maxRecordBytes, path);
        return java.util.List.of(row(b.parser.parseText(path, bytes), path, null, detector)).iterator();
      } catch (IOException e) {
        throw new UncheckedIOException(path + ": " + e.getMessage(), e);
      }
    }
    LineSplitter lines = new LineSplitter(in, path, maxRecordBytes);
    return new Iterator<>() {
      private Row next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          try {
            byte[] line = lines.nextRecord();
            if (line == null) {
              done = true;
              in.close();
            } else {
              long n = lines.line();
              String where = path + ":" + n;
              JsonlRecordParser.Parsed p = format == ScanJob.Format.JSONL ? b.parser.parseLine(where, line)
                  : b.parser.parseText(where, line);
              next = row(p, path, n, detector);
            }
          } catch (IOException e) {
            closeQuietly(in);
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
          }
        }
        return next != null;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row r = next;
        next = null;
        return r;
      }
    };
  }

  /** One row of a Parquet input: its id and text columns (either may be null, which makes the row bad). */
  Row parquetRow(String source, String id, String text, Detector detector) {
    String where = source + " (" + (id == null ? "id null" : id) + ")";
    if (id == null) {
      return bad(where, source, null, "the id column is null");
    }
    if (text == null) {
      return bad(where, source, null, "the text column is null");
    }
    int[] tokens;
    try {
      TextPipeline.checkText(text);
      tokens = built().text.encode(text);
    } catch (TextPipeline.InvalidTextException e) {
      return bad(where, source, null, e.getMessage());
    }
    if (tokens.length == 0) {
      return bad(where, source, null, "empty record");
    }
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocabularySize) {
        return bad(where, source, null, String.format(java.util.Locale.ROOT, "the tokenizer gave token id %d at "
            + "token %d, outside the vocabulary: ids must be between 0 and %d (vocabulary size %d)", tokens[i], i,
            vocabularySize - 1, vocabularySize));
      }
    }
    return score(id, source, null, tokens, detector);
  }

  private Row row(JsonlRecordParser.Parsed p, String source, Long line, Detector detector) {
    if (p.record() == null) {
      return bad(p.where(), source, line, p.reason());
    }
    SuspectRecord r = p.record();
    return score(r.id(), source, line, r.tokens(), detector);
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // the read already failed; its exception is the one reported
    }
  }

  /** Shows no secret: the scheme's family and the settings. */
  @Override
  public String toString() {
    return "ScanScorer[tokenizer=" + tokenizer + ", normalization=" + normalization + ", dedup=" + dedup
        + ", localize=" + localize + ", vocabulary=" + vocabularySize + "]";
  }
}
