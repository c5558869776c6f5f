package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.GumbelSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.verifier.report.EvidenceReport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-valued score sums (the Gumbel family's −ln(1 − u)) are the same bits whatever the number of
 * worker threads, the spilling of the tape, or the split of the units into ledgers.
 */
class OrderFreeSumsTest {
  static final GumbelSpec SPEC = GumbelSpec.parse("gumbel:h=1");
  static final WatermarkKey KEY = WatermarkKey.fromBytes(new byte[] {7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
      14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31});
  static final int VOCAB = 50_000;
  static final Instant CREATED = Instant.parse("2026-11-30T00:00:00Z");

  @TempDir
  static Path dir;
  static List<Path> files;

  @BeforeAll
  static void corpus() throws IOException {
    files = write(Files.createDirectories(dir.resolve("corpus")),
        Watermarks.create(KEY, SPEC, VOCAB).scorer(), 60_000, 3, 5);
  }

  /**
   * Writes {@code count} JSONL files of about {@code tokens} answer tokens in all: Zipf-shaped ids, a position whose
   * keyed uniform is below ½ drawn again with probability 0.6 (the watermark), a third of the records with a prompt,
   * some answers repeated.
   */
  static List<Path> write(Path at, TokenScorer scorer, int tokens, int count, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    List<Path> out = new ArrayList<>();
    List<int[]> earlier = new ArrayList<>();
    int record = 0;
    for (int f = 0; f < count; f++) {
      Path file = at.resolve("part-" + f + ".jsonl");
      out.add(file);
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (int written = 0; written < tokens / count; ) {
          record++;
          int[] prompt = random.nextInt(3) == 0 ? generate(scorer, new int[0], 10, random) : new int[0];
          int[] answer = random.nextInt(10) == 0 && !earlier.isEmpty() ? earlier.get(random.nextInt(earlier.size()))
              : generate(scorer, prompt, 50 + random.nextInt(200), random);
          earlier.add(answer);
          w.write("{\"id\": \"r" + record + "\"" + (prompt.length > 0 ? ", \"prompt_tokens\": " + json(prompt) : "")
              + ", \"tokens\": " + json(answer) + "}\n");
          written += answer.length;
        }
      }
    }
    return out;
  }

  private static int[] generate(TokenScorer scorer, int[] context, int n, SplittableRandom random) {
    int[] seq = java.util.Arrays.copyOf(context, context.length + n);
    for (int i = context.length; i < seq.length; i++) {
      seq[i] = (int) (3000 * Math.pow(random.nextDouble(), 2.5));
      if (i >= 1 && scorer.score(seq, i) < Math.log(2) && random.nextDouble() < 0.6) {
        seq[i] = (int) (3000 * Math.pow(random.nextDouble(), 2.5));
      }
    }
    return java.util.Arrays.copyOfRange(seq, context.length, seq.length);
  }

  private static String json(int[] ids) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < ids.length; i++) {
      b.append(i == 0 ? "" : ",").append(ids[i]);
    }
    return b.append(']').toString();
  }

  static Verification.Builder builder(SchemeSpec spec) {
    return Verification.builder().scheme(spec).key(KEY).vocabularySize(VOCAB).tenants(0).controlKeys(8)
        .suspect(files).created(CREATED);
  }

  /** The result and the report's bytes of one run. */
  record Run(InheritanceResult result, String report) {}

  static Run run(SchemeSpec spec, Consumer<Verification.Builder> options) {
    Verification.Builder b = builder(spec);
    options.accept(b);
    Verification v = b.build();
    InheritanceResult r = v.run();
    return new Run(r, new String(EvidenceReport.of(r, v.reportInputs()).jsonBytes(), StandardCharsets.UTF_8));
  }

  static void assertSameBits(Run expected, Run actual) {
    for (int k = 0; k < expected.result().keys().size(); k++) {
      assertThat(Double.doubleToRawLongBits(actual.result().keys().get(k).score()))
          .as("key %d's score sum", k).isEqualTo(Double.doubleToRawLongBits(expected.result().keys().get(k).score()));
    }
    assertThat(actual.result().controls()).isEqualTo(expected.result().controls());
    assertThat(Double.doubleToRawLongBits(actual.result().log10P()))
        .isEqualTo(Double.doubleToRawLongBits(expected.result().log10P()));
    assertThat(actual.result()).isEqualTo(expected.result());
    assertThat(actual.report()).isEqualTo(expected.report());
  }

  @Test
  void aGumbelCorpusGivesTheSameBitsAtOneTwoAndThreeThreadsAndWhenTheTapeSpills() {
    Run one = run(SPEC, b -> b.threads(1));
    assertThat(one.result().verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(one.result().tuplesScored()).isGreaterThan(10_000);
    assertThat(one.result().counts().duplicates()).isPositive();
    assertThat(one.result().counts().excludedPrompt()).isPositive();
    assertSameBits(one, run(SPEC, b -> b.threads(2)));
    assertSameBits(one, run(SPEC, b -> b.threads(3)));
    // 1 KB of tape keeps 16 units per worker in memory: every later new unit goes through the spill files
    assertSameBits(one, run(SPEC, b -> b.threads(2).tapeMemory(1024).spillDirectory(dir)));
  }

  @Test
  void theWeightedGumbelStatisticGivesTheSameBitsAtOneTwoAndThreeThreads() {
    Consumer<Verification.Builder> weighted = b -> b.ownerFilter(List.of(files.get(0))).referenceWeights(-1);
    Run one = run(SPEC, weighted.andThen(b -> b.threads(1)));
    assertThat(one.result().weighting()).isNotNull();
    assertThat(one.result().tuplesScored()).isGreaterThan(1_000);
    assertSameBits(one, run(SPEC, weighted.andThen(b -> b.threads(2))));
    assertSameBits(one, run(SPEC, weighted.andThen(b -> b.threads(3))));
  }

  private static final BigDecimal TWO_64 = BigDecimal.valueOf(2).pow(64);

  @Test
  void theWeightedSumIsTheExactSumOfTheTruncatedScoresTimesTheirLevelsWhateverTheLedgers() {
    SplittableRandom random = new SplittableRandom(3);
    int n = 5_000;
    double[] scores = new double[n];
    int[] levels = new int[n];
    BigDecimal exact = BigDecimal.ZERO;
    for (int i = 0; i < n; i++) {
      scores[i] = -Math.log(1 - random.nextDouble());
      levels[i] = 1 + random.nextInt(16);
      // the score truncated toward zero to a multiple of 2^-64 (all exact in BigDecimal)
      BigDecimal truncated = new BigDecimal(scores[i]).multiply(TWO_64).setScale(0, RoundingMode.DOWN)
          .divide(TWO_64);
      exact = exact.add(truncated.multiply(BigDecimal.valueOf(levels[i])));
    }
    WeightSource weights = FieldWeights.of("w", 1.0, 16);
    double whole = new WeightedStatistic(new NullDistribution.GammaSum(), weights, List.of(ledger(scores, levels,
        0, n, 1)), 1).score(0);
    List<ScoreLedger> parts = new ArrayList<>();
    for (int p = 0; p < 7; p++) {
      parts.add(ledger(scores, levels, p * n / 7, (p + 1) * n / 7, -1));
    }
    double split = new WeightedStatistic(new NullDistribution.GammaSum(), weights, parts, 1).score(0);
    assertThat(Double.doubleToRawLongBits(split)).isEqualTo(Double.doubleToRawLongBits(whole));
    assertThat(whole).isEqualTo(exact.doubleValue());
  }

  /** A ledger of one key with scores {@code [from, to)}, added in that order ({@code step} 1) or reversed (-1). */
  private static ScoreLedger ledger(double[] scores, int[] levels, int from, int to, int step) {
    ScoreLedger l = new ScoreLedger(1, 1, 16);
    int base = l.record(0);
    for (int j = 0; j < to - from; j++) {
      int i = step > 0 ? from + j : to - 1 - j;
      l.add(0, levels[i], scores[i], base);
    }
    return l;
  }

  @Test
  void theWeightedStatisticRefusesALawItDoesNotKnow() {
    assertThatThrownBy(() -> new WeightedStatistic(new NullDistribution.LayeredBinomial(new int[] {1, 1}, 0.5),
        FieldWeights.of("w", 1.0, 16), List.of(), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("binomial").hasMessageContaining("gamma_sum")
        .hasMessageContaining(new NullDistribution.LayeredBinomial(new int[] {1, 1}, 0.5).label());
  }
}
