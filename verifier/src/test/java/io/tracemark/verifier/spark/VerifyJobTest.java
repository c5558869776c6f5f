package io.tracemark.verifier.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.cli.Tracemark;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.report.EvidenceReport;
import io.tracemark.verifier.report.ReportWriter;
import io.tracemark.verifier.text.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VerifyJob against the single-machine Verification (what {@code tracemark verify} runs) on the same files. */
class VerifyJobTest {
  static final KgwSpec SPEC = KgwSpec.parse("kgw:gamma=0.25,delta=2,h=1");
  static final WatermarkKey KEY = WatermarkKey.fromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
      15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
  static final Instant CREATED = Instant.parse("2026-11-30T00:00:00Z");

  static SparkSession spark;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSessions.local("tracemark-verify-test", 2, 4);
    // inputs under tmtest: are listed and read through Hadoop only (java.nio knows no such scheme)
    spark.sparkContext().hadoopConfiguration().set("fs." + TmTestFileSystem.SCHEME + ".impl",
        TmTestFileSystem.class.getName());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Verification.Builder builder(List<Path> suspect) {
    return Verification.builder().scheme(SPEC).key(KEY).tokenizer(Tokenizers.byNameOrPath("cl100k_base"))
        .suspect(suspect).created(CREATED).threads(2);
  }

  /** Runs both on the files and asserts the results and the report bytes are the same; returns the result. */
  static InheritanceResult assertSame(Path work, List<Path> files, Consumer<Verification.Builder> options)
      throws IOException {
    Verification.Builder single = builder(files);
    options.accept(single);
    Verification one = single.build();
    InheritanceResult expected = one.run();
    Verification.Builder distributed = builder(files);
    options.accept(distributed);
    Verification two = distributed.build();
    InheritanceResult actual = VerifyJob.run(spark, two);

    assertThat(actual.recordsRead()).isEqualTo(expected.recordsRead());
    assertThat(actual.tokensRead()).isEqualTo(expected.tokensRead());
    assertThat(actual.tuplesScored()).isEqualTo(expected.tuplesScored());
    assertThat(actual.counts()).isEqualTo(expected.counts());
    assertThat(actual.keys()).isEqualTo(expected.keys());
    assertThat(actual.controls()).isEqualTo(expected.controls());
    assertThat(actual.log10P()).isEqualTo(expected.log10P());
    assertThat(actual).isEqualTo(expected);

    Path a = Files.createDirectories(work.resolve("single"));
    Path b = Files.createDirectories(work.resolve("spark"));
    ReportWriter.write(a, EvidenceReport.of(expected, one.reportInputs()), null);
    ReportWriter.write(b, EvidenceReport.of(actual, two.reportInputs()), null);
    assertThat(Files.readString(b.resolve(EvidenceReport.JSON_FILE)))
        .isEqualTo(Files.readString(a.resolve(EvidenceReport.JSON_FILE)));
    assertThat(Files.readString(b.resolve(EvidenceReport.HTML_FILE)))
        .isEqualTo(Files.readString(a.resolve(EvidenceReport.HTML_FILE)));
    return expected;
  }

  @Test
  void twoFilesWithPromptsRepeatsTextAndBadRecordsSkippedGiveTheSameResultAndReport() throws IOException {
    Path in = Files.createDirectories(dir.resolve("small"));
    List<Path> files = SyntheticCorpus.write(in, Watermarks.create(KEY, SPEC, 100_277).scorer(), 150_000, 3, 11,
        true);
    InheritanceResult r = assertSame(dir.resolve("small-out"), files, b -> b.onBadRecord(BadRecordPolicy.SKIP)
        .controlKeys(20));
    assertThat(r.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(r.counts().excludedPrompt()).isPositive();
    assertThat(r.counts().duplicates()).isPositive();
    assertThat(r.tokensRead()).isGreaterThan(140_000);
  }

  @Test
  void aFileSplitIntoSeveralPartitionsNamesItsRecordsAndBadLinesByTheLinesOfTheFile() throws IOException {
    Path in = Files.createDirectories(dir.resolve("split"));
    Path file = in.resolve("answers.jsonl");
    StringBuilder b = new StringBuilder();
    java.util.SplittableRandom random = new java.util.SplittableRandom(16);
    for (int r = 0; r < 3000; r++) {
      int kind = random.nextInt(40);
      if (kind == 0) {
        b.append("{\"tokens\": [1, 2,\n"); // malformed: named by its line
      } else if (kind == 1) {
        b.append('\n');
      } else {
        StringBuilder tokens = new StringBuilder();
        for (int t = 0, n = 5 + random.nextInt(40); t < n; t++) {
          tokens.append(t == 0 ? "" : ",").append(random.nextInt(3000));
        }
        // records without an id are named by their line, in the report's records and skipped lists
        b.append(kind < 20 ? "{\"tokens\": [" : "{\"id\": \"r" + r + "\", \"tokens\": [").append(tokens)
            .append("]}\n");
      }
    }
    Files.writeString(file, b);
    String maxSplit = "mapreduce.input.fileinputformat.split.maxsize";
    spark.sparkContext().hadoopConfiguration().setLong(maxSplit, Files.size(file) / 5);
    try {
      InheritanceResult r = assertSame(dir.resolve("split-out"), List.of(file), o -> o.onBadRecord(BadRecordPolicy.SKIP)
          .controlKeys(3));
      assertThat(r.recordsRead()).isGreaterThan(2500);
      Throwable single = org.assertj.core.api.Assertions.catchThrowable(() -> builder(List.of(file)).controlKeys(1)
          .build().run());
      assertThat(single).hasMessageContaining(file + ":");
      assertThatThrownBy(() -> VerifyJob.run(spark, builder(List.of(file)).controlKeys(1).build()))
          .isInstanceOf(InputException.class).hasMessage(single.getMessage());
    } finally {
      spark.sparkContext().hadoopConfiguration().unset(maxSplit);
    }
  }

  @Test
  void aBadRecordUnderTheFailPolicyStopsTheRunWithTheSameMessage() throws IOException {
    Path in = Files.createDirectories(dir.resolve("fail"));
    List<Path> files = SyntheticCorpus.write(in, Watermarks.create(KEY, SPEC, 100_277).scorer(), 20_000, 2, 12,
        true);
    Throwable single = org.assertj.core.api.Assertions.catchThrowable(() -> builder(files).controlKeys(2).build()
        .run());
    assertThat(single).isInstanceOf(InputException.class);
    assertThatThrownBy(() -> VerifyJob.run(spark, builder(files).controlKeys(2).build()))
        .isInstanceOf(InputException.class).hasMessage(single.getMessage());
  }

  @Test
  void textTokenizedByATokenizerJsonShippedToTheExecutorsGivesTheSameResult() throws IOException {
    Path in = Files.createDirectories(dir.resolve("hf"));
    List<Path> files = SyntheticCorpus.write(in, Watermarks.create(KEY, SPEC, 100_277).scorer(), 20_000, 2, 14,
        false);
    Path tokenizer = byteLevelTokenizer(dir.resolve("tokenizer.json"));
    InheritanceResult r = assertSame(dir.resolve("hf-out"), files, b -> b.tokenizer(
        Tokenizers.byNameOrPath(tokenizer.toString())).vocabularySize(100_277).controlKeys(5));
    assertThat(r.recordsRead()).isPositive();
  }

  /** A byte-level BPE tokenizer.json with the 256 byte tokens and two merges ("th", "the"). */
  static Path byteLevelTokenizer(Path file) throws IOException {
    StringBuilder vocab = new StringBuilder();
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
      char c = printable ? (char) b : (char) (256 + extra++);
      String key = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.valueOf(c);
      vocab.append(b == 0 ? "" : ",").append('"').append(key).append("\":").append(b);
    }
    vocab.append(",\"th\":256,\"the\":257");
    Files.writeString(file, "{\"model\":{\"type\":\"BPE\",\"vocab\":{" + vocab + "},\"merges\":[\"t h\",\"th e\"]},"
        + "\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":true}}",
        StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void filesOnAHadoopFileSystemGiveTheCliResultAndReportNamedByTheirUris() throws IOException {
    Path in = Files.createDirectories(dir.resolve("hadoop"));
    SyntheticCorpus.write(in, Watermarks.create(KEY, SPEC, 100_277).scorer(), 40_000, 2, 15, true);
    Files.createDirectories(in.resolve("sub"));
    Files.writeString(in.resolve("sub").resolve("answers.txt"), "the model answer of a watermark key");
    Files.writeString(in.resolve(".hidden.jsonl"), "{\"tokens\":[1,2,3]}\n");
    Files.createDirectories(in.resolve(".cache"));
    Consumer<Verification.Builder> options = b -> b.onBadRecord(BadRecordPolicy.SKIP).controlKeys(10);
    Verification.Builder local = builder(List.of(in));
    options.accept(local);
    Verification one = local.build();
    InheritanceResult expected = one.run();
    Verification.Builder remote = builder(List.of()).suspect(VerifyJob.list(spark, List.of(uri(in))));
    options.accept(remote);
    Verification two = remote.build();
    InheritanceResult actual = VerifyJob.run(spark, two);

    assertThat(actual.counts()).isEqualTo(expected.counts());
    assertThat(actual.keys()).isEqualTo(expected.keys());
    assertThat(actual.log10P()).isEqualTo(expected.log10P());
    assertThat(actual).isEqualTo(expected);
    assertThat(two.notRead()).extracting(n -> n.path() + ": " + n.reason()).containsExactly(
        "tmtest:" + in.resolve(".cache") + ": hidden directory, not read",
        "tmtest:" + in.resolve(".hidden.jsonl") + ": hidden file, not read");
    Path a = Files.createDirectories(dir.resolve("hadoop-out").resolve("single"));
    Path b = Files.createDirectories(dir.resolve("hadoop-out").resolve("spark"));
    ReportWriter.write(a, EvidenceReport.of(expected, one.reportInputs()), null);
    ReportWriter.write(b, EvidenceReport.of(actual, two.reportInputs()), null);
    String json = Files.readString(b.resolve(EvidenceReport.JSON_FILE));
    // the same report, with every input (files, skipped records, entries not read) named by its URI
    assertThat(json).contains("\"tmtest:" + in.resolve("part-0.jsonl") + "\"", "\"tmtest:" + in.resolve("sub")
        .resolve("answers.txt") + "\"", "tmtest:" + in.resolve("part-0.jsonl") + ":");
    assertThat(json.replace("tmtest:", "")).isEqualTo(Files.readString(a.resolve(EvidenceReport.JSON_FILE)));

    // the command line lists a --suspect URI through Hadoop too
    Path keyFile = dir.resolve("hadoop-key.json");
    KeyFiles.write(KEY, keyFile);
    Path cliOut = dir.resolve("hadoop-out").resolve("cli");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = VerifyJob.verify(spark, new PrintStream(OutputStream.nullOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), "--key", keyFile.toString(), "--scheme", "kgw:gamma=0.25,delta=2,h=1",
        "--tokenizer", "cl100k_base", "--suspect", uri(in), "--out", cliOut.toString(), "--on-bad-record", "skip",
        "--control-keys", "10", "--quiet");
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(Tracemark.OK);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("2 directory entries are not read");
    String cliJson = Files.readString(cliOut.resolve(EvidenceReport.JSON_FILE));
    assertThat(cliJson).contains("\"tmtest:" + in.resolve("part-0.jsonl") + "\"")
        .contains("\"log10_p\" : " + expected.log10P());
  }

  @Test
  void aMissingPathAnEmptyDirectoryAndAReportOnAHadoopFileSystemAreRefusedByName() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path hiddenOnly = Files.createDirectories(dir.resolve("hidden-only"));
    Files.writeString(hiddenOnly.resolve(".a.jsonl"), "{\"tokens\":[1,2,3]}\n");
    Path withReport = Files.createDirectories(dir.resolve("with-report"));
    Files.writeString(withReport.resolve("a.jsonl"), "{\"tokens\":[1,2,3]}\n");
    Files.writeString(withReport.resolve(EvidenceReport.JSON_FILE), "{\"schema\":\"" + EvidenceReport.SCHEMA + "\"}");

    assertThatThrownBy(() -> VerifyJob.list(spark, List.of(uri(dir.resolve("nowhere")))))
        .isInstanceOf(InputException.class).hasMessage(uri(dir.resolve("nowhere")) + ": no such file or directory");
    assertThatThrownBy(() -> VerifyJob.list(spark, List.of(uri(empty))))
        .isInstanceOf(InputException.class).hasMessage(uri(empty) + ": no input files");
    assertThatThrownBy(() -> VerifyJob.list(spark, List.of(uri(hiddenOnly))))
        .isInstanceOf(InputException.class).hasMessage(uri(hiddenOnly) + ": no input files (1 directory entry not "
            + "read, e.g. tmtest:" + hiddenOnly.resolve(".a.jsonl") + ": hidden file, not read)");
    assertThatThrownBy(() -> VerifyJob.list(spark, List.of(uri(withReport))))
        .isInstanceOf(InputException.class).hasMessageStartingWith("tmtest:"
            + withReport.resolve(EvidenceReport.JSON_FILE) + ": is a tracemark report");
    assertThatThrownBy(() -> VerifyJob.list(spark, List.of("nofs://host/data")))
        .isInstanceOf(InputException.class).hasMessageStartingWith("nofs://host/data: no Hadoop file system for the "
            + "scheme \"nofs\"");
  }

  @Test
  void theCommandLineRefusesTheOptionsOfTheSingleMachineReaderAndSaysWhatSparkUses() {
    String[] common = {"--key", "k.json", "--scheme", "kgw:gamma=0.25,delta=2,h=1", "--suspect", "x", "--out", "o"};
    for (String[] option : new String[][] {{"--threads", "2"}, {"--tape-memory", "64"}, {"--spill-dir", "/tmp"}}) {
      java.io.ByteArrayOutputStream err = new ByteArrayOutputStream();
      String[] args = Stream.concat(Arrays.stream(common), Arrays.stream(option))
          .toArray(String[]::new);
      int code = VerifyJob.verify(spark, new PrintStream(OutputStream.nullOutputStream()),
          new PrintStream(err, true, StandardCharsets.UTF_8), args);
      assertThat(code).as(option[0]).isEqualTo(Tracemark.USAGE);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains(option[0] + " does not apply to a "
          + "run on Spark").contains(option[0].equals("--threads") ? "spark.executor.cores" : "spark.local.dir");
    }
  }

  /** The directory or file as a URI of the test file system (which serves the local files). */
  static String uri(Path p) {
    return TmTestFileSystem.SCHEME + "://" + p.toAbsolutePath();
  }

  @Test
  @Tag("slow")
  void aMillionTokensInTwoFilesGiveTheSameResultAndReport() throws IOException {
    Path in = Files.createDirectories(dir.resolve("large"));
    List<Path> files = SyntheticCorpus.write(in, Watermarks.create(KEY, SPEC, 100_277).scorer(), 1_000_000, 2, 13,
        false);
    InheritanceResult r = assertSame(dir.resolve("large-out"), files, b -> { });
    assertThat(r.tokensRead()).isGreaterThanOrEqualTo(1_000_000);
    assertThat(r.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
  }
}
