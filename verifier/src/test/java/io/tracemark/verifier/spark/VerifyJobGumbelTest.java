package io.tracemark.verifier.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.DedupMode;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.report.EvidenceReport;
import io.tracemark.verifier.text.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VerifyJob on a Gumbel corpus against the single-machine Verification (what {@code tracemark verify} runs) on the
 * same files: real-valued score sums merged across Spark tasks give the same bits as the CLI's, at one thread or
 * several.
 */
class VerifyJobGumbelTest {
  static final GumbelSpec SPEC = GumbelSpec.parse("gumbel:h=1");
  static final WatermarkKey KEY = WatermarkKey.fromBytes(new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 10, 11, 12, 13, 14,
      15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
  static final Instant CREATED = Instant.parse("2026-11-30T00:00:00Z");

  static SparkSession spark;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSessions.local("tracemark-verify-gumbel-test", 2, 4);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Verification build(List<Path> files, int threads) {
    return Verification.builder().scheme(SPEC).key(KEY).tokenizer(Tokenizers.byNameOrPath("cl100k_base"))
        .suspect(files).created(CREATED).threads(threads).controlKeys(10).onBadRecord(BadRecordPolicy.SKIP).build();
  }

  /**
   * The Gumbel scorer seen as green (1) where the keyed uniform is at least ½, red (0) below: the synthetic corpus
   * draws a red token again with probability 0.6, which over-represents large uniforms, as Gumbel sampling does.
   */
  static TokenScorer halves(TokenScorer gumbel) {
    return new TokenScorer() {
      @Override
      public int contextWidth() {
        return gumbel.contextWidth();
      }

      @Override
      public int vocabularySize() {
        return gumbel.vocabularySize();
      }

      @Override
      public NullDistribution nullDistribution() {
        return new NullDistribution.Binomial(0.5);
      }

      @Override
      public double score(int[] tokens, int position) {
        return gumbel.score(tokens, position) >= Math.log(2) ? 1 : 0;
      }

      @Override
      public long unitFingerprint(int[] tokens, int position, DedupMode mode) {
        return gumbel.unitFingerprint(tokens, position, mode);
      }

      @Override
      public boolean keyDependentUnits() {
        return gumbel.keyDependentUnits();
      }
    };
  }

  @Test
  void aGumbelCorpusGivesTheSameBitsOnSparkAsTheCliAtOneAndTwoThreads() throws IOException {
    Path in = Files.createDirectories(dir.resolve("gumbel"));
    List<Path> files = SyntheticCorpus.write(in, halves(Watermarks.create(KEY, SPEC, 100_277).scorer()), 80_000, 3,
        21, true);
    Verification single = build(files, 1);
    InheritanceResult expected = single.run();
    assertThat(expected.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(expected.tuplesScored()).isGreaterThan(15_000);
    Verification distributed = build(files, 2);
    InheritanceResult actual = VerifyJob.run(spark, distributed);
    Verification two = build(files, 2);
    InheritanceResult twoThreads = two.run();

    for (InheritanceResult r : List.of(actual, twoThreads)) {
      for (int k = 0; k < expected.keys().size(); k++) {
        assertThat(Double.doubleToRawLongBits(r.keys().get(k).score())).as("key %d's score sum", k)
            .isEqualTo(Double.doubleToRawLongBits(expected.keys().get(k).score()));
      }
      assertThat(r.controls()).isEqualTo(expected.controls());
      assertThat(Double.doubleToRawLongBits(r.log10P())).isEqualTo(Double.doubleToRawLongBits(expected.log10P()));
      assertThat(r).isEqualTo(expected);
    }
    String report = report(expected, single);
    assertThat(report(actual, distributed)).isEqualTo(report);
    assertThat(report(twoThreads, two)).isEqualTo(report);
  }

  private static String report(InheritanceResult r, Verification v) {
    return new String(EvidenceReport.of(r, v.reportInputs()).jsonBytes(), StandardCharsets.UTF_8);
  }
}
