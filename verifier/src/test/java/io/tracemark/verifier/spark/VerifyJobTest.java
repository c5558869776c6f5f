package io.tracemark.verifier.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.report.EvidenceReport;
import io.tracemark.verifier.report.ReportWriter;
import io.tracemark.verifier.text.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
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
        java.nio.charset.StandardCharsets.UTF_8);
    return file;
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
