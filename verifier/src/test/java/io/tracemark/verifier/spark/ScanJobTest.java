package io.tracemark.verifier.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.KeyUse;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.RegionSearch;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ScanJob on local[2] against the single-document scoring of {@code detect} (the same pipeline, called directly)
 * and the textbook Benjamini–Hochberg and Holm procedures.
 */
class ScanJobTest {
  private static final String SPEC = "kgw:gamma=0.25,delta=2,h=1";
  private static final double Q = 0.05;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  private static SparkSession spark;
  private static Path events;
  private static WatermarkKey key;
  private static Path keyFile;
  private static TextTokenizer tok;
  private static Watermark watermark;
  private static int[] words;

  /** Each document's text or tokens, by the id the scan gives it. */
  private static final Map<String, int[]> JSONL_DOCS = new LinkedHashMap<>();
  private static final Map<String, String> TEXT_LINES = new LinkedHashMap<>();
  private static final Map<String, String> TEXT_FILES = new LinkedHashMap<>();
  private static final Map<String, String> PARQUET = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    // a local session as SparkSessions.local makes it, with an event log to search for the key
    events = Files.createDirectories(dir.resolve("events"));
    spark = SparkSession.builder().appName("ScanJobTest").master("local[2]").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2").config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.compress", "false")
        .config("spark.eventLog.dir", events.toUri().toString()).getOrCreate();
    byte[] secret = new byte[32];
    new SplittableRandom(14).nextBytes(secret);
    key = WatermarkKey.fromBytes(secret);
    keyFile = dir.resolve("key.json");
    KeyFiles.write(key, keyFile);
    tok = Tokenizers.jtokkit("cl100k_base");
    watermark = Watermarks.create(key, SchemeSpec.parse(SPEC), tok.vocabularySize());
    // single-token words with a leading space: their text tokenizes back to the same ids
    List<Integer> w = new ArrayList<>();
    for (String s : ("the of and to in is was for on that with as by at from his her they this had not are but "
        + "one all were when we there can an which their said if do will each about how up out them then she many "
        + "some so these would other into has more two like him see time could no make than first been its who now "
        + "people my made over did down only way find use may water long little very after words called just where "
        + "most know get through back much before go good new write our used me man too any day same right look "
        + "think also around another came come work three word must because does part even place well such here "
        + "take why things help put years different away again off went old number great tell men say small every "
        + "found still between name should home big give air line set own under read last never us left end along "
        + "while might next sound below saw something thought both few those always looked show large often together "
        + "asked house world going want school important until form food keep children feet land side without boy "
        + "once animals life enough took sometimes four head above kind began almost live page got earth need far "
        + "hand high year mother light parts country father let night following picture being study second eyes "
        + "soon times story boys since white days paper hard near sentence better best across during today others "
        + "however sure means knew try told young miles sun ways thing whole hear example heard several change "
        + "answer room sea against top turned learn point city play toward five using himself usually").split(" ")) {
      int[] t = tok.encode(" " + s);
      if (t.length == 1 && !w.contains(t[0])) {
        w.add(t[0]);
      }
    }
    words = w.stream().mapToInt(Integer::intValue).toArray();
    SplittableRandom rnd = new SplittableRandom(20261130);
    // JSONL: token arrays and text fields, watermarked at strengths from faint to strong, and unwatermarked
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      double green = i % 3 == 0 ? 0.25 + 0.05 * (i % 12) : 0.25;
      int[] doc = generate(rnd, 30 + rnd.nextInt(120), green);
      String id = "j" + i;
      if (i % 2 == 0) {
        JSONL_DOCS.put(id, doc);
        jsonl.append("{\"id\":\"").append(id).append("\",\"tokens\":").append(ids(doc)).append("}\n");
      } else {
        String text = tok.decode(doc);
        JSONL_DOCS.put(id, tok.encode(text));
        jsonl.append("{\"id\":\"").append(id).append("\",\"text\":").append(JSON.writeValueAsString(text))
            .append("}\n");
      }
    }
    Files.createDirectories(dir.resolve("jsonl"));
    Files.writeString(dir.resolve("jsonl/a.jsonl"), jsonl);
    StringBuilder lines = new StringBuilder();
    Files.createDirectories(dir.resolve("lines"));
    Files.createDirectories(dir.resolve("files"));
    for (int i = 0; i < 30; i++) {
      String text = tok.decode(generate(rnd, 20 + rnd.nextInt(100), i % 4 == 0 ? 0.6 : 0.25)).strip();
      lines.append(text).append('\n');
      TEXT_LINES.put(dir.resolve("lines/b.txt").toUri().toString().replace("file:///", "file:/") + ":" + (i + 1),
          text);
      if (i < 8) {
        Path f = dir.resolve("files/d" + i + ".txt");
        // a watermarked passage inside unwatermarked text, for the localised detector
        String t = tok.decode(generate(rnd, 200, 0.25)) + tok.decode(generate(rnd, 60, i % 2 == 0 ? 0.95 : 0.25))
            + tok.decode(generate(rnd, 200, 0.25));
        Files.writeString(f, t);
        TEXT_FILES.put(f.toUri().toString().replace("file:///", "file:/"), t);
      }
    }
    Files.writeString(dir.resolve("lines/b.txt"), lines);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String text = tok.decode(generate(rnd, 40 + rnd.nextInt(100), i % 5 == 0 ? 0.5 : 0.25));
      PARQUET.put("p" + i, text);
      rows.add(RowFactory.create((long) i, text));
    }
    StructType schema = new StructType().add("doc", DataTypes.LongType).add("body", DataTypes.StringType);
    spark.createDataFrame(rows, schema).coalesce(2).write().parquet(dir.resolve("parquet").toString());
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** Tokens from the word list where each token is green with probability about {@code green}. */
  private static int[] generate(SplittableRandom rnd, int n, double green) {
    TokenScorer scorer = watermark.scorer();
    int[] t = new int[n];
    t[0] = words[rnd.nextInt(words.length)];
    for (int i = 1; i < n; i++) {
      boolean wantGreen = rnd.nextDouble() < (green - 0.25) / 0.75;
      for (int tries = 0; tries < 64; tries++) {
        t[i] = words[rnd.nextInt(words.length)];
        if (!wantGreen || scorer.score(t, i) >= 1) {
          break;
        }
      }
    }
    return t;
  }

  private static String ids(int[] t) {
    return "[" + java.util.Arrays.stream(t).mapToObj(Integer::toString).collect(Collectors.joining(",")) + "]";
  }

  /** log10 p of each document as {@code detect} scores it: the text pipeline, the detector, optionally the region. */
  private static Map<String, Double> reference(Map<String, ?> docs, RegionSearch search) {
    TextPipeline pipeline = new TextPipeline(tok, Normalization.NONE);
    Map<String, Double> out = new LinkedHashMap<>();
    docs.forEach((id, doc) -> {
      int[] t = doc instanceof String s ? pipeline.encode(s) : (int[]) doc;
      var d = watermark.detector().detect(t);
      out.put(id, search == null ? d.log10PValue() : search.localize(d).best().correctedLog10P());
    });
    return out;
  }

  /** The textbook procedure over all m p-values: the flagged ids. */
  private static TreeSet<String> textbook(Map<String, Double> log10P, ScanFdr.Procedure proc, double q) {
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(log10P.entrySet());
    sorted.sort(Map.Entry.comparingByValue());
    int m = sorted.size();
    int k = 0;
    if (proc == ScanFdr.Procedure.BH) {
      for (int i = 1; i <= m; i++) {
        if (Math.pow(10, sorted.get(i - 1).getValue()) <= i * q / m) {
          k = i;
        }
      }
    } else {
      while (k < m && Math.pow(10, sorted.get(k).getValue()) <= q / (m - k)) {
        k++;
      }
    }
    TreeSet<String> ids = new TreeSet<>();
    sorted.subList(0, k).forEach(e -> ids.add(e.getKey()));
    return ids;
  }

  private static TreeSet<String> flaggedIds(ScanJob.Result r) {
    return r.flagged().stream().map(ScanJob.Flagged::id).collect(Collectors.toCollection(TreeSet::new));
  }

  private static ScanJob.Settings settings(String input, String out) {
    return ScanJob.Settings.of(List.of(dir.resolve(input).toString()), SPEC, keyFile, Q, dir.resolve(out));
  }

  @Test
  void jsonlFlagsWhatDetectAndBenjaminiHochbergFlag() throws Exception {
    ScanJob.Result r = ScanJob.run(spark, settings("jsonl", "out-jsonl"));
    TreeSet<String> expected = textbook(reference(JSONL_DOCS, null), ScanFdr.Procedure.BH, Q);
    assertThat(r.documentsScored()).isEqualTo(JSONL_DOCS.size());
    assertThat(expected).hasSizeBetween(3, JSONL_DOCS.size() - 3);
    assertThat(flaggedIds(r)).isEqualTo(expected);
    // the per-document statistics are detect's
    Map<String, Double> ref = reference(JSONL_DOCS, null);
    double cutoff = r.flagged().get(r.flagged().size() - 1).log10Threshold();
    for (ScanJob.Flagged f : r.flagged()) {
      assertThat(f.log10P()).isEqualTo(ref.get(f.id()));
      assertThat(f.log10P()).isLessThanOrEqualTo(cutoff + ScanFdr.TIE_TOLERANCE);
      assertThat(f.rank()).isEqualTo(1 + ref.values().stream().filter(p -> p < f.log10P()).count());
    }
    assertThat(r.flaggedCount()).isEqualTo(expected.size());
    // the Parquet output holds the same documents, and the summary the counts and no key material
    List<Row> written = spark.read().parquet(dir.resolve("out-jsonl/flagged").toString()).collectAsList();
    TreeSet<String> writtenIds = new TreeSet<>();
    written.forEach(x -> writtenIds.add(x.getString(x.fieldIndex("id"))));
    assertThat(writtenIds).isEqualTo(expected);
    JsonNode summary = JSON.readTree(dir.resolve("out-jsonl/summary.json").toFile());
    assertThat(summary.get("m").asLong()).isEqualTo(JSONL_DOCS.size());
    assertThat(summary.get("flagged").asInt()).isEqualTo(expected.size());
    assertThat(summary.get("procedure").asText()).isEqualTo("bh");
    assertThat(summary.get("key_id").asText()).isEqualTo(key.keyId());
    String html = Files.readString(dir.resolve("out-jsonl/summary.html"));
    assertThat(html).contains(key.keyId()).doesNotContain("<script").doesNotContain("http");
    assertNoKeyMaterial(Files.readString(dir.resolve("out-jsonl/summary.json")) + html);
  }

  @Test
  void parquetFlagsWhatDetectAndBenjaminiHochbergFlag() throws Exception {
    ScanJob.Settings s = settings("parquet", "out-parquet").withFormat(ScanJob.Format.PARQUET);
    s = new ScanJob.Settings(s.inputs(), s.format(), s.fields(), "doc", "body", s.scheme(), s.keyFile(),
        s.tokenizer(), null, "none", null, null, BadRecordPolicy.FAIL, s.maxRecordBytes(), ScanFdr.Procedure.BH, Q,
        s.out());
    ScanJob.Result r = ScanJob.run(spark, s);
    Map<String, String> byId = new LinkedHashMap<>();
    PARQUET.forEach((id, text) -> byId.put(id.substring(1), text));
    TreeSet<String> expected = textbook(reference(byId, null), ScanFdr.Procedure.BH, Q);
    assertThat(expected).hasSizeBetween(2, PARQUET.size() - 2);
    assertThat(flaggedIds(r)).isEqualTo(expected);
    assertThat(r.documentsScored()).isEqualTo(PARQUET.size());
    assertThat(r.flagged()).allSatisfy(f -> assertThat(f.source()).endsWith(".parquet"));
  }

  @Test
  void textLinesUnderHolmFlagWhatTheTextbookHolmFlags() throws Exception {
    ScanJob.Result r = ScanJob.run(spark, settings("lines", "out-lines").withFormat(ScanJob.Format.TEXT_LINES)
        .with(ScanFdr.Procedure.HOLM, null, dir.resolve("out-lines")));
    TreeSet<String> expected = textbook(reference(TEXT_LINES, null), ScanFdr.Procedure.HOLM, Q);
    assertThat(expected).isNotEmpty();
    assertThat(flaggedIds(r)).isEqualTo(expected);
    assertThat(r.flagged()).allSatisfy(f -> assertThat(f.line()).isNotNull());
  }

  @Test
  void textFilesLocalisedFlagTheirBestRegions() throws Exception {
    ScanJob.Result r = ScanJob.run(spark, settings("files", "out-files").withFormat(ScanJob.Format.TEXT_FILES)
        .with(ScanFdr.Procedure.BH, "cover", dir.resolve("out-files")));
    TreeSet<String> expected = textbook(reference(TEXT_FILES, RegionSearch.COVER), ScanFdr.Procedure.BH, Q);
    assertThat(expected).hasSizeBetween(1, TEXT_FILES.size() - 1);
    assertThat(flaggedIds(r)).isEqualTo(expected);
    assertThat(r.flagged()).allSatisfy(f -> {
      assertThat(f.regionStart()).isNotNull();
      assertThat(f.regionEnd()).isGreaterThan(f.regionStart());
      assertThat(f.log10P()).isNotEqualTo(f.globalLog10P());
    });
  }

  @Test
  void badRecordsAreSkippedCountedAndListed() throws Exception {
    Path in = dir.resolve("bad");
    Files.createDirectories(in);
    Files.writeString(in.resolve("c.jsonl"), "{\"id\":\"ok1\",\"tokens\":[1,2,3,4,5,6]}\n"
        + "{\"id\":\"broken\",\"tokens\":[1,2\n"
        + "{\"id\":\"oov\",\"tokens\":[1,2,100277]}\n"
        + "{\"id\":\"empty\",\"text\":\"   \"}\n"
        + "{\"id\":\"ok2\",\"text\":\"plain words\"}\n");
    ScanJob.Result r = ScanJob.run(spark, settings("bad", "out-bad").withBadRecords(BadRecordPolicy.SKIP));
    assertThat(r.documentsRead()).isEqualTo(5);
    assertThat(r.documentsScored()).isEqualTo(2);
    assertThat(r.documentsSkipped()).isEqualTo(3);
    assertThat(r.skipped()).extracting(k -> k.id().replaceAll(".*/", ""))
        .containsExactly("c.jsonl:2", "c.jsonl:3 (oov)", "c.jsonl:4 (empty)");
    assertThat(r.skipped()).extracting(k -> k.reason()).satisfiesExactly(
        a -> assertThat(a).startsWith("malformed JSON"),
        b -> assertThat(b).contains("token id must be between 0 and 100276, was 100277"),
        c -> assertThat(c).isEqualTo("empty record"));
    JsonNode summary = JSON.readTree(dir.resolve("out-bad/summary.json").toFile());
    assertThat(summary.at("/documents/skipped").asLong()).isEqualTo(3);
    assertThat(summary.at("/documents/skipped_listed/1/reason").asText()).contains("100277");
    // under fail, the first bad record stops the scan, named by file and line
    assertThatThrownBy(() -> ScanJob.run(spark, settings("bad", "out-bad-fail")))
        .isInstanceOf(InputException.class).hasMessageContaining("c.jsonl:2: malformed JSON")
        .hasMessageContaining("3 bad records");
  }

  @Test
  void aWrongVocabularyIsAClearError() throws Exception {
    // a vocabulary smaller than the tokenizer's: the tokens above it are out of range, named with file and line
    assertThatThrownBy(() -> ScanJob.run(spark, settings("jsonl", "out-vocab").withVocabularySize(1000)))
        .isInstanceOf(InputException.class).hasMessageContaining("a.jsonl:1 (j0)")
        .hasMessageContaining("must be between 0 and 999");
    // a key made for another vocabulary is refused before any work
    Path other = dir.resolve("key-o200k.json");
    KeyFiles.write(key.withUse(new KeyUse((KgwSpec) SchemeSpec.parse(SPEC), "o200k_base", 200_019)), other);
    ScanJob.Settings s = ScanJob.Settings.of(List.of(dir.resolve("jsonl").toString()), SPEC, other, Q,
        dir.resolve("out-key"));
    assertThatThrownBy(() -> ScanJob.run(spark, s)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the key was made for another tokenizer, another vocabulary size");
    assertThat(dir.resolve("out-key")).doesNotExist();
  }

  /** The key's hex and base64 forms (padded and not, standard and URL-safe) appear nowhere in {@code text}. */
  private static void assertNoKeyMaterial(String text) {
    byte[] s = key.secretBytes();
    for (String form : List.of(HexFormat.of().formatHex(s), HexFormat.of().withUpperCase().formatHex(s),
        Base64.getEncoder().encodeToString(s), Base64.getEncoder().withoutPadding().encodeToString(s),
        Base64.getUrlEncoder().withoutPadding().encodeToString(s))) {
      assertThat(text).doesNotContain(form);
    }
  }

  @Test
  void theCommandLineRunsAScanAndRefusesBadOptions() throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(new ScanJob.Cli()).setOut(new java.io.PrintWriter(out, true))
        .setErr(new java.io.PrintWriter(err, true));
    int code = cli.execute(dir.resolve("jsonl").toString(), "--scheme", SPEC, "--key", keyFile.toString(), "--q",
        "0.05", "--fdr", "holm", "--out", dir.resolve("out-cli").toString());
    assertThat(code).as(err.toString()).isZero();
    TreeSet<String> expected = textbook(reference(JSONL_DOCS, null), ScanFdr.Procedure.HOLM, Q);
    assertThat(out.toString()).contains(expected.size() + " flagged at q=0.05 (holm)");
    assertThat(spark.sparkContext().isStopped()).as("a session the job did not start stays up").isFalse();
    assertThat(new picocli.CommandLine(new ScanJob.Cli()).setErr(new java.io.PrintWriter(err, true))
        .execute("x", "--scheme", SPEC, "--q", "2", "--out", "y")).isEqualTo(2);
    assertThat(err.toString()).contains("q must be in (0, 1), got 2.0");
  }

  @Test
  void theKeyStaysOutOfTheLogAndTheEventLog() throws Exception {
    StringWriter captured = new StringWriter();
    LoggerContext context = LoggerContext.getContext(false);
    LoggerConfig root = context.getConfiguration().getRootLogger();
    Level level = root.getLevel();
    WriterAppender appender = WriterAppender.newBuilder().setName("ScanJobTest").setTarget(captured)
        .setLayout(PatternLayout.newBuilder().withPattern("%p %c: %m%n").build()).build();
    appender.start();
    root.addAppender(appender, null, null);
    root.setLevel(Level.INFO);
    context.updateLoggers();
    try {
      ScanJob.run(spark, settings("jsonl", "out-log").with(ScanFdr.Procedure.BH, "cover", dir.resolve("out-log")));
    } finally {
      root.removeAppender(appender.getName());
      root.setLevel(level);
      context.updateLoggers();
      appender.stop();
    }
    String log = captured.toString();
    assertThat(log).contains("INFO").contains("broadcast"); // Spark's own lines were captured
    StringBuilder eventLog = new StringBuilder();
    try (Stream<Path> files = Files.walk(events)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        eventLog.append(Files.readString(f, StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(eventLog).contains("SparkListenerJobEnd").contains("SparkListenerSQLExecutionStart");
    assertNoKeyMaterial(log);
    assertNoKeyMaterial(eventLog.toString());
  }
}
