package io.tracemark.verifier.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.core.keys.KeyFile;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.BadRecords;
import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.RegionSearch;
import io.tracemark.verifier.cli.Common;
import io.tracemark.verifier.cli.InputOptions;
import io.tracemark.verifier.cli.JsonlFieldOptions;
import io.tracemark.verifier.cli.LocalizeOption;
import io.tracemark.verifier.cli.NormalizeOption;
import io.tracemark.verifier.cli.Scheme;
import io.tracemark.verifier.cli.TokenizerOptions;
import io.tracemark.verifier.cli.Tracemark;
import io.tracemark.verifier.input.Fields;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Scans a corpus of documents for the watermark on Apache Spark (docs/spark.md): reads JSONL, plain text or Parquet
 * from any Hadoop-compatible path, tokenizes and scores every document on the executors exactly as {@code tracemark
 * detect} scores one text (same tokenizer, normalisation, detector and dedup; optionally the best region of {@link
 * RegionSearch}), controls the false-discovery rate across the documents ({@link ScanFdr}: Benjamini–Hochberg or
 * Holm at level q), and writes the flagged documents as Parquet to {@code OUT/flagged} and {@code summary.json} and
 * {@code summary.html} to {@code OUT}.
 *
 * <p>The driver sorts only the documents with p ≤ q (the only ones either procedure can flag), and counts the rest.
 * The key's secret reaches the executors in a broadcast variable ({@link ScanScorer}); it is never put into the Spark
 * configuration, a task closure, a log line or an exception. Bad documents follow the one bad-record policy: under
 * {@code fail} the scan stops naming the first bad document (by source and line) and why; under {@code skip} they are
 * counted and the first {@value BadRecords#MAX_LISTED} are listed in the summary.
 */
public final class ScanJob {
  /** The summary's format version. */
  public static final int SCHEMA_VERSION = 1;

  /** Flagged documents returned in a {@link Result} (all of them are written to {@code OUT/flagged}). */
  public static final int MAX_LISTED = 10_000;

  private ScanJob() {}

  /** How the input files hold documents. */
  public enum Format {
    /** One JSON object per line, fields as {@link Fields} names them (the text field wins over token ids). */
    JSONL("jsonl"),
    /** Plain UTF-8 text, one document per non-blank line. */
    TEXT_LINES("text-lines"),
    /** Plain UTF-8 text, one document per file. */
    TEXT_FILES("text-files"),
    /** Parquet files with an id column and a text column. */
    PARQUET("parquet");

    private final String id;

    Format(String id) {
      this.id = id;
    }

    /** The name {@code --format} takes. */
    public String id() {
      return id;
    }

    /**
     * The format named {@code id}.
     *
     * @throws IllegalArgumentException naming the value
     */
    public static Format byId(String id) {
      for (Format f : values()) {
        if (f.id.equalsIgnoreCase(id.trim())) {
          return f;
        }
      }
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "format must be jsonl, text-lines, text-files or parquet, was \"%s\"", id));
    }
  }

  /**
   * What to scan and how.
   *
   * @param inputs Hadoop paths (files, directories, globs; gzip is undone for the text formats)
   * @param format how the files hold documents
   * @param fields the JSONL field names
   * @param idColumn the Parquet id column (cast to a string)
   * @param textColumn the Parquet text column
   * @param scheme the scheme's SPEC (another system's SPEC carries its key: never logged)
   * @param keyFile the key file for the families keyed by one ({@code kgw:}, {@code gumbel:}), else null
   * @param tokenizer a JTokkit encoding name, or the path of a {@code tokenizer.json} present on every node
   * @param vocabularySize the vocabulary size for kgw/gumbel, or null for the tokenizer's
   * @param normalization the normalisers as {@code --normalize} takes them ({@code none} for none)
   * @param dedup the dedup mode, or null for the scheme's default
   * @param localize {@code cover} or {@code winmax} to test each document's best region, or null for the whole text
   * @param badRecords fail or skip
   * @param maxRecordBytes the longest document (line, file or text value) read
   * @param procedure Benjamini–Hochberg or Holm
   * @param q the level, in (0, 1)
   * @param out the output directory on the driver's file system
   */
  public record Settings(List<String> inputs, Format format, Fields fields, String idColumn, String textColumn,
      String scheme, Path keyFile, String tokenizer, Integer vocabularySize, String normalization, String dedup,
      String localize, BadRecordPolicy badRecords, long maxRecordBytes, ScanFdr.Procedure procedure, double q,
      Path out) {
    /** Validates and copies. */
    public Settings {
      inputs = List.copyOf(inputs);
      Checks.require(!inputs.isEmpty(), "inputs must name at least one path");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(fields, "fields");
      Objects.requireNonNull(idColumn, "idColumn");
      Objects.requireNonNull(textColumn, "textColumn");
      Objects.requireNonNull(scheme, "scheme");
      Objects.requireNonNull(tokenizer, "tokenizer");
      Objects.requireNonNull(normalization, "normalization");
      Objects.requireNonNull(badRecords, "badRecords");
      Objects.requireNonNull(procedure, "procedure");
      Objects.requireNonNull(out, "out");
      Checks.require(q > 0 && q < 1, "q must be in (0, 1), got %s", q);
      Checks.require(maxRecordBytes >= 1 && maxRecordBytes <= Inputs.MAX_RECORD_BYTES_LIMIT,
          "maxRecordBytes must be between 1 and %d, got %d", Inputs.MAX_RECORD_BYTES_LIMIT, maxRecordBytes);
    }

    /** Defaults as {@code detect} has them: JSONL, cl100k_base, no normalisation, the scheme's dedup, BH at q. */
    public static Settings of(List<String> inputs, String scheme, Path keyFile, double q, Path out) {
      return new Settings(inputs, Format.JSONL, Fields.DEFAULT, "id", "text", scheme, keyFile, "cl100k_base", null,
          "none", null, null, BadRecordPolicy.FAIL, Inputs.DEFAULT_MAX_RECORD_BYTES, ScanFdr.Procedure.BH, q, out);
    }

    /** The same settings in another format. */
    public Settings withFormat(Format f) {
      return new Settings(inputs, f, fields, idColumn, textColumn, scheme, keyFile, tokenizer, vocabularySize,
          normalization, dedup, localize, badRecords, maxRecordBytes, procedure, q, out);
    }

    /** The same settings with another bad-record policy. */
    public Settings withBadRecords(BadRecordPolicy p) {
      return new Settings(inputs, format, fields, idColumn, textColumn, scheme, keyFile, tokenizer, vocabularySize,
          normalization, dedup, localize, p, maxRecordBytes, procedure, q, out);
    }

    /** The same settings with another procedure, region search (null: none) and output directory. */
    public Settings with(ScanFdr.Procedure p, String search, Path dir) {
      return new Settings(inputs, format, fields, idColumn, textColumn, scheme, keyFile, tokenizer, vocabularySize,
          normalization, dedup, search, badRecords, maxRecordBytes, p, q, dir);
    }

    /** The same settings with another vocabulary size (null: the tokenizer's). */
    public Settings withVocabularySize(Integer v) {
      return new Settings(inputs, format, fields, idColumn, textColumn, scheme, keyFile, tokenizer, v, normalization,
          dedup, localize, badRecords, maxRecordBytes, procedure, q, out);
    }
  }

  /**
   * One flagged document.
   *
   * @param id the document's id (JSONL id field or {@code file:line}, the file for a text file, the Parquet id)
   * @param source the file it was read from
   * @param line its line (JSONL and text lines), or null
   * @param tokens tokens read
   * @param tuples tuples scored after dedup
   * @param green the green count (the score for score-sum statistics)
   * @param globalLog10P log10 p of the whole document
   * @param regionStart the best region's first token, or null (no localisation, or nothing scored)
   * @param regionEnd the best region's end (exclusive), or null
   * @param log10P the tested log10 p: the best region's (corrected for the windows tried) when localised, else the
   *     global one
   * @param rank its rank among all documents by p-value: 1 + the number with a smaller p-value (tied p-values share
   *     a rank)
   * @param log10Threshold its rank's threshold under the procedure (under Benjamini–Hochberg a flagged p-value can
   *     exceed its own rank's threshold: the step-up flags every p-value up to the largest rank that passes)
   */
  public record Flagged(String id, String source, Long line, long tokens, long tuples, double green,
      double globalLog10P, Integer regionStart, Integer regionEnd, double log10P, long rank, double log10Threshold) {}

  /**
   * What a scan found.
   *
   * @param documentsRead documents read (scored and skipped)
   * @param documentsScored documents scored: m, the number of p-values the procedure corrects for
   * @param documentsSkipped bad documents skipped
   * @param skipped the first {@value BadRecords#MAX_LISTED} skipped documents with their reasons
   * @param tokensRead tokens of the scored documents
   * @param flaggedCount the number of documents flagged (all are in {@code OUT/flagged})
   * @param flagged the first {@value #MAX_LISTED} flagged documents, smallest p first
   * @param keyId the key's public id
   * @param scheme the scheme as reports show it (another system's key redacted)
   */
  public record Result(long documentsRead, long documentsScored, long documentsSkipped, List<SkippedRecord> skipped,
      long tokensRead, long flaggedCount, List<Flagged> flagged, String keyId, String scheme) {
    /** Copies. */
    public Result {
      skipped = List.copyOf(skipped);
      flagged = List.copyOf(flagged);
    }
  }

  /** The columns of {@code OUT/flagged}. */
  static final StructType FLAGGED = flaggedSchema();

  private static StructType flaggedSchema() {
    List<StructField> f = new ArrayList<>();
    for (StructField s : ScanScorer.SCORED.fields()) {
      if (!s.name().equals("bad")) {
        f.add(s);
      }
    }
    f.add(ScanScorer.field("rank", DataTypes.LongType, false));
    f.add(ScanScorer.field("log10_threshold", DataTypes.DoubleType, false));
    return new StructType(f.toArray(new StructField[0]));
  }

  /**
   * Runs a scan on {@code spark} and writes its outputs.
   *
   * @throws InputException naming the file and line of the first bad document under {@code fail}, or what is wrong
   *     with an input
   * @throws IllegalArgumentException for settings that do not fit together (a key made for another scheme,
   *     tokenizer or vocabulary; localisation of a statistic that is not a green count; a payload scheme)
   * @throws IOException when an output cannot be written or the key file read
   */
  public static Result run(SparkSession spark, Settings s) throws IOException {
    SchemeSpec spec = SchemeSpec.parse(s.scheme());
    Checks.require(!(spec instanceof KgwSpec k && k.hasPayload()), "scheme: a scan tests keys rather than decoding a "
        + "payload (payload=b); decode documents with 'tracemark detect'");
    TextTokenizer tok = Tokenizers.byNameOrPath(s.tokenizer());
    Normalization normalization = Normalization.parse(s.normalization());
    int vocab;
    byte[] secret = null;
    if (spec.carriesKey()) {
      Checks.require(s.keyFile() == null, "keyFile does not apply to %s: schemes (their key is part of the SPEC)",
          spec.family());
      Checks.require(s.vocabularySize() == null, "vocabularySize does not apply to %s: schemes (use their vocab "
          + "parameter)", spec.family());
      vocab = spec.vocabularySize().orElse(Integer.MAX_VALUE);
    } else {
      Checks.require(s.keyFile() != null, "keyFile is required for %s: schemes", spec.family());
      vocab = s.vocabularySize() != null ? s.vocabularySize() : tok.vocabularySize();
      Checks.require(vocab >= 2, "vocabularySize must be at least 2, got %d", vocab);
      KeyFile file = KeyFiles.readFile(s.keyFile());
      List<String> mismatches = file.use().mismatches(spec, tok.name(), vocab);
      if (!mismatches.isEmpty()) {
        throw new IllegalArgumentException(s.keyFile() + ": the key was made for another "
            + String.join(", another ", mismatches) + " than this scan uses (see 'tracemark key-info'); a scan with "
            + "another one finds nothing, so it is refused");
      }
      secret = file.key().secretBytes();
    }
    ScanScorer scorer = new ScanScorer(s.scheme(), secret, vocab, s.tokenizer(), normalization.isNone() ? "none"
        : s.normalization(), s.dedup(), s.localize(), s.fields(), s.maxRecordBytes());
    if (secret != null) {
      java.util.Arrays.fill(secret, (byte) 0);
    }
    if (s.localize() != null) {
      RegionSearch.byId(s.localize());
      RegionSearch.requireGreenCounts(scorer.detector().detect(new int[] {0}).nullDistribution());
    }
    Path flaggedDir = s.out().resolve("flagged");
    SafeFiles.checkOutputDirectory(s.out(), List.of(ScanSummary.JSON, ScanSummary.HTML));
    if (Files.exists(flaggedDir)) {
      throw new IllegalArgumentException(flaggedDir + ": exists; give a new output directory or remove it");
    }

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<ScanScorer> shared = jsc.broadcast(scorer);
    Dataset<Row> scored = spark.createDataFrame(documents(spark, jsc, shared, s), ScanScorer.SCORED)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row totals = unwrap(() -> scored.agg(count(lit(1)), count(col("bad")), sum(col("tokens"))).first());
      long read = totals.getLong(0);
      long bad = totals.getLong(1);
      long tokens = totals.isNullAt(2) ? 0 : totals.getLong(2);
      List<SkippedRecord> skipped = new ArrayList<>();
      if (bad > 0) {
        List<Row> first = unwrap(() -> scored.filter(col("bad").isNotNull())
            .orderBy(col("source"), col("line"), col("id")).select("id", "bad")
            .limit(s.badRecords() == BadRecordPolicy.FAIL ? 1 : BadRecords.MAX_LISTED).collectAsList());
        if (s.badRecords() == BadRecordPolicy.FAIL) {
          throw new InputException("record " + first.get(0).getString(0) + ": " + first.get(0).getString(1)
              + " (" + bad + " bad record" + (bad == 1 ? "" : "s") + " in all; skip them with the skip policy)");
        }
        for (Row r : first) {
          skipped.add(new SkippedRecord(r.getString(0), r.getString(1)));
        }
      }
      long m = read - bad;
      // the driver holds 8 bytes per candidate (p <= q), never the candidates' rows
      List<Double> candidates = unwrap(() -> scored.filter(col("bad").isNull()
          .and(col("log10_p").leq(Math.log10(s.q())))).select(col("log10_p")).orderBy(col("log10_p"))
          .as(Encoders.DOUBLE()).collectAsList());
      double[] log10P = new double[candidates.size()];
      for (int i = 0; i < log10P.length; i++) {
        log10P[i] = candidates.get(i);
      }
      ScanFdr.Outcome outcome = ScanFdr.apply(s.procedure(), log10P, m, s.q());
      int k = outcome.flagged();
      // the flagged documents are those with p <= p_(k): a p-value tied with p_(k) passes its own (larger) threshold
      // under both procedures, so the set is exactly the k smallest
      double cutoff = k == 0 ? Double.NEGATIVE_INFINITY : log10P[k - 1];
      double[] ranked = java.util.Arrays.copyOf(log10P, k);
      double[] thresholds = java.util.Arrays.copyOf(outcome.log10Thresholds(), k);
      Broadcast<double[][]> ranks = jsc.broadcast(new double[][] {ranked, thresholds});
      Dataset<Row> flaggedRows = spark.createDataFrame(scored.filter(col("bad").isNull()
          .and(col("log10_p").leq(cutoff))).javaRDD().map(r -> withRank(r, ranks.value())), FLAGGED);
      unwrap(() -> {
        flaggedRows.write().parquet(flaggedDir.toUri().toString());
        return null;
      });
      ranks.destroy();
      List<Flagged> flagged = new ArrayList<>();
      Dataset<Row> written = spark.read().schema(FLAGGED).parquet(flaggedDir.toUri().toString());
      for (Row r : written.orderBy(col("log10_p"), col("source"), col("line"), col("id")).limit(MAX_LISTED)
          .collectAsList()) {
        flagged.add(new Flagged(r.getString(0), r.getString(1), r.isNullAt(2) ? null : r.getLong(2), r.getLong(3),
            r.getLong(4), r.getDouble(5), r.getDouble(6), r.isNullAt(7) ? null : r.getInt(7),
            r.isNullAt(8) ? null : r.getInt(8), r.getDouble(9), r.getLong(10), r.getDouble(11)));
      }
      Result result = new Result(read, m, bad, skipped, tokens, k, flagged, scorer.watermark().keyId(),
          spec.redacted());
      ScanSummary.write(s, result, scorer, tok.name(), normalization.label(), vocab, outcome);
      return result;
    } finally {
      scored.unpersist();
      shared.destroy();
    }
  }

  /**
   * A flagged document's row: the scored row without {@code bad}, with its rank (1 + the number of documents with a
   * smaller p-value: tied p-values share a rank) and that rank's threshold, looked up in the sorted flagged p-values.
   */
  private static Row withRank(Row r, double[][] ranks) {
    double p = r.getDouble(9);
    int i = java.util.Arrays.binarySearch(ranks[0], p);
    while (i > 0 && ranks[0][i - 1] == p) {
      i--;
    }
    Object[] v = new Object[12];
    for (int c = 0; c < 10; c++) {
      v[c] = r.get(c);
    }
    v[10] = i + 1L;
    v[11] = ranks[1][i];
    return RowFactory.create(v);
  }

  /** The scored documents of the inputs, one row of {@link ScanScorer#SCORED} each. */
  private static JavaRDD<Row> documents(SparkSession spark, JavaSparkContext jsc, Broadcast<ScanScorer> shared,
      Settings s) {
    if (s.format() == Format.PARQUET) {
      Dataset<Row> in = spark.read().parquet(s.inputs().toArray(new String[0]))
          .select(col(s.idColumn()).cast(DataTypes.StringType), col(s.textColumn()).cast(DataTypes.StringType),
              col("_metadata.file_path"));
      return in.javaRDD().mapPartitions(parquetRows(shared));
    }
    Format format = s.format();
    return jsc.binaryFiles(String.join(",", s.inputs())).values()
        .flatMap(stream -> shared.value().file(stream.getPath(), stream.open(), format));
  }

  /** The scoring of a partition of Parquet rows (a static method: the function captures the broadcast only). */
  private static FlatMapFunction<Iterator<Row>, Row> parquetRows(Broadcast<ScanScorer> shared) {
    return rows -> {
      ScanScorer scorer = shared.value();
      io.tracemark.api.Detector detector = scorer.detector();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row r = rows.next();
          return scorer.parquetRow(r.getString(2), r.isNullAt(0) ? null : r.getString(0),
              r.isNullAt(1) ? null : r.getString(1), detector);
        }
      };
    };
  }

  /**
   * Runs a Spark action; a task that failed on bad input (a document over the record limit, an unreadable file) is
   * rethrown as an {@link InputException} with the task's own message, which names the file, without Spark's wrapping.
   */
  private static <T> T unwrap(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) { // Spark throws its checked SparkException from actions without declaring it
      Throwable c = e;
      while (c.getCause() != null && c.getCause() != c) {
        c = c.getCause();
      }
      if (c instanceof InputException || c instanceof java.io.UncheckedIOException
          || c instanceof IllegalArgumentException) {
        throw new InputException(c.getMessage(), c);
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("the scan failed: " + c, e);
    }
  }

  /**
   * The job's entry point for {@code spark-submit}: options as {@code scan --help} lists them, checked and worded as
   * {@code tracemark detect} and {@code verify} check the same options (the CLI's option classes); exit codes as the
   * CLI's: 0 on success, 2 on a usage error, 3 on bad input (one line on stderr each), 1 for an internal error.
   */
  public static void main(String[] args) {
    int code = commandLine(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true)).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The command line of {@link #main}, with the CLI's error handling, printing to {@code out} and {@code err}. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Cli()).setExpandAtFiles(true).setOut(out).setErr(err);
    return Tracemark.withErrorHandling(cli, "scan", command -> "scan --help");
  }

  /** The command line of {@link #main}. */
  @Command(name = "scan", mixinStandardHelpOptions = true,
      description = "Scans documents for the watermark on Spark, with false-discovery-rate control (docs/spark.md).")
  static final class Cli implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", arity = "1..*", description = "inputs: Hadoop paths, directories or globs")
    List<String> inputs;

    @Option(names = "--format", paramLabel = "F", defaultValue = "jsonl",
        description = "jsonl, text-lines (a document per line), text-files (a document per file) or parquet")
    String format;

    @Option(names = "--scheme", required = true, paramLabel = "SPEC", description = "scheme, e.g. kgw:gamma=0.25,"
        + "delta=2,h=1; an interop SPEC carries its key: pass it in an @FILE so it stays out of the process list")
    String scheme;

    @Option(names = "--key", paramLabel = "KEY.json", description = "watermark key file (kgw:, gumbel:), read on "
        + "the driver")
    Path key;

    @Option(names = "--strict-key-permissions", description = "refuse a key file that its group or others can read "
        + "(default: a warning)")
    boolean strictKeyPermissions;

    @CommandLine.Mixin
    TokenizerOptions tokenizerOptions = new TokenizerOptions();

    @Option(names = "--dedup", paramLabel = "MODE", description = "window+token (default for kgw:), window or none, "
        + "per document as detect dedups one text")
    String dedup;

    @CommandLine.Mixin
    NormalizeOption normalizeOption = new NormalizeOption();

    @CommandLine.Mixin
    LocalizeOption localizeOption = new LocalizeOption();

    @Option(names = "--fdr", paramLabel = "bh|holm", defaultValue = "bh", description = "Benjamini-Hochberg "
        + "(default) or Holm")
    String fdr;

    @Option(names = "--q", paramLabel = "Q", defaultValue = "0.01", description = "the level (default 0.01)")
    double q;

    @Option(names = "--on-bad-record", paramLabel = "fail|skip", defaultValue = "fail",
        description = "stop at a bad document (default) or skip and list it in the summary")
    String onBad;

    @CommandLine.Mixin
    InputOptions inputOptions = new InputOptions();

    @CommandLine.Mixin
    JsonlFieldOptions fieldOptions = new JsonlFieldOptions();

    @Option(names = "--id-column", defaultValue = "id", paramLabel = "NAME", description = "Parquet id column")
    String idColumn;

    @Option(names = "--text-column", defaultValue = "text", paramLabel = "NAME", description = "Parquet text column")
    String textColumn;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory on the driver")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      CommandLine cli = spec.commandLine();
      // the scan's own options first, then the checks and messages of 'tracemark detect' in its order, all before a
      // Spark session starts
      Format inputFormat = option("--format", () -> Format.byId(format));
      ScanFdr.Procedure procedure = option("--fdr", () -> ScanFdr.Procedure.byId(fdr));
      if (!(q > 0 && q < 1)) {
        throw new CommandLine.ParameterException(cli, String.format(Locale.ROOT, "--q must be in (0, 1), got %s", q));
      }
      Scheme sc = Scheme.parse(cli, scheme);
      sc.checkKeyOption(cli, key != null);
      sc.refusePayload(cli, "scan", "a scan tests each document under the one key, not a message out of 2^b");
      DedupMode mode = Common.dedupMode(cli, dedup);
      Normalization normalization = normalizeOption.normalization(cli);
      RegionSearch search = localizeOption.search(cli);
      TextTokenizer tok = tokenizerOptions.tokenizer(cli);
      int vocab = tokenizerOptions.vocabulary(cli, sc, tok);
      tokenizerOptions.refuseVocabSizeForInterop(cli, sc);
      BadRecordPolicy policy = Common.badRecordPolicy(cli, onBad);
      long maxRecordBytes = inputOptions.maxRecordBytes(cli);
      Settings s;
      try {
        s = new Settings(inputs, inputFormat, fieldOptions.fields(), idColumn,
            textColumn, scheme, key, tokenizerOptions.nameOrPath(), tokenizerOptions.vocabSize(),
            normalization.isNone() ? "none" : String.join(",", normalization.names()),
            mode == null ? null : mode.label(), search == null ? null : search.id(), policy, maxRecordBytes,
            procedure, q, out);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cli, e.getMessage());
      }
      if (!sc.interop()) {
        Common.checkKeyUse(Common.readKey(cli, key, strictKeyPermissions), sc.spec(), tok.name(), vocab);
      }
      boolean running = running();
      SparkSession spark = SparkSession.builder().appName("tracemark scan").getOrCreate();
      try {
        Result r = run(spark, s);
        cli.getOut().printf(Locale.ROOT, "scanned %d documents (%d skipped), %d flagged at q=%s (%s); summary in "
            + "%s%n", r.documentsRead(), r.documentsSkipped(), r.flaggedCount(), q, s.procedure().id(),
            out.resolve(ScanSummary.JSON));
        return 0;
      } finally {
        if (!running) {
          spark.stop(); // a session this job started; one that was running (a caller's) stays up
        }
      }
    }

    /** An option's value; one that does not parse is a usage error of {@code name}. */
    private <T> T option(String name, java.util.function.Supplier<T> parse) {
      try {
        return parse.get();
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), name + ": " + e.getMessage());
      }
    }

    /** Whether a session is running already (a caller's, which the scan uses and leaves up). */
    private static boolean running() {
      // SparkSession.active() throws when there is none (a SparkException since Spark 4): ask without throwing
      return SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    }
  }
}
