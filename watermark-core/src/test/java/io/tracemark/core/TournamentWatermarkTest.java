package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.SynthIdSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.stats.PValues;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TournamentWatermarkTest {
  static final WatermarkKey KEY = WatermarkKey.fromBytes(HexFormat.of().parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));

  static TournamentWatermark watermark(String spec, int vocab) {
    return (TournamentWatermark) Watermarks.create(KEY, SchemeSpec.parse(spec), vocab);
  }

  @Test
  void aSpecWithoutAKeyIsRefusedAndTheKeyIsNeverShown() {
    assertThatThrownBy(() -> Watermarks.create(null, SchemeSpec.parse("synthid"), 100))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("WatermarkKey");
    TournamentWatermark wm = watermark("synthid:depth=30,h=4", 100);
    assertThat(wm.toString()).contains("synthid:depth=30,h=4,score=mean").contains(KEY.keyId())
        .doesNotContain("0001020304");
  }

  /**
   * Calibration of the mean-g test: 20,000 uniform texts of 100 tokens (96 distinct (context,
   * token) pairs, 2,880 g-values each) reject at α as often as the exact binomial tail's attained
   * size says, within 4.5 binomial standard deviations.
   */
  @ParameterizedTest
  @CsvSource({"0.01", "0.001"})
  void meanTestRejectsAtItsExactSize(double alpha) {
    TournamentWatermark wm = watermark("synthid:depth=30,h=4", 50_000);
    SplittableRandom random = new SplittableRandom(41);
    int runs = 20_000;
    int rejected = 0;
    for (int r = 0; r < runs; r++) {
      Detection d = wm.detector().detect(random.ints(100, 0, 50_000).toArray());
      assertThat(d.tuplesScored()).isEqualTo(96);
      rejected += d.log10PValue() <= Math.log10(alpha) ? 1 : 0;
    }
    long bits = 96 * 30;
    long k = 0;
    while (PValues.log10BinomialUpperTail(bits, k, 0.5) > Math.log10(alpha)) {
      k++;
    }
    double size = Math.pow(10, PValues.log10BinomialUpperTail(bits, k, 0.5));
    double sd = Math.sqrt(runs * size * (1 - size));
    assertThat(size).isLessThanOrEqualTo(alpha).isGreaterThan(alpha / 2);
    assertThat((double) rejected).isBetween(runs * size - 4.5 * sd, runs * size + 4.5 * sd);
  }

  /** The weighted-mean test's exact tail keeps the rejection rate at or below α (20,000 texts, z = 3.29). */
  @ParameterizedTest
  @CsvSource({"0.01", "0.001"})
  void weightedTestStaysWithinAlpha(double alpha) {
    TournamentWatermark wm = watermark("synthid:depth=10,h=2,score=weighted-mean", 50_000);
    SplittableRandom random = new SplittableRandom(43);
    int runs = 20_000;
    int rejected = 0;
    for (int r = 0; r < runs; r++) {
      rejected += wm.detector().detect(random.ints(60, 0, 50_000).toArray()).log10PValue() <= Math.log10(alpha)
          ? 1 : 0;
    }
    double mean = runs * alpha;
    double sd = Math.sqrt(mean * (1 - alpha));
    assertThat((double) rejected).isLessThanOrEqualTo(mean + 3.29 * sd).isGreaterThanOrEqualTo(mean / 3);
  }

  static float[] logits(SplittableRandom random, int vocab, double scale) {
    float[] x = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      double u = random.nextDouble();
      double v = random.nextDouble();
      x[i] = (float) (Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v) * scale);
    }
    return x;
  }

  /**
   * Power in the synthetic loop: 200 tokens from the tournament are detected at α = 1e-3 (toy logits
   * N(0, 4²) over V = 1000, about 2.3 nats of entropy per step).
   */
  @ParameterizedTest
  @CsvSource({"mean", "weighted-mean"})
  void generatedTextIsDetectedAt200Tokens(String score) {
    TournamentWatermark wm = watermark("synthid:depth=30,h=4,score=" + score, 1000);
    SamplingScheme s = wm.sampling().orElseThrow();
    SplittableRandom random = new SplittableRandom(19);
    int runs = 40;
    int detected = 0;
    for (int r = 0; r < runs; r++) {
      int[] tokens = new int[204];
      for (int i = 0; i < 4; i++) {
        tokens[i] = random.nextInt(1000);
      }
      for (int i = 4; i < tokens.length; i++) {
        tokens[i] = s.sample(tokens, i, logits(random, 1000, 4.0), random);
      }
      detected += wm.detector().detect(tokens).significantAt(1e-3) ? 1 : 0;
    }
    assertThat(detected).isGreaterThanOrEqualTo(runs * 9 / 10);
  }

  /** The sampler draws from the tournament: 60,000 draws over 6 tokens match p within 4.5 standard deviations. */
  @Test
  void theSamplerDrawsFromTheTournament() {
    TournamentWatermark wm = watermark("synthid:depth=8,h=1", 6);
    float[] logits = {0.5f, 0.1f, -0.3f, 1.2f, 0f, Float.NEGATIVE_INFINITY};
    int[] tokens = {3};
    double[] p = new double[6];
    wm.tournament(logits, wm.seed(tokens, 0), true, p);
    double[] plain = new double[6];
    wm.tournament(logits, 0, false, plain);
    assertThat(p).isNotEqualTo(plain);
    double sum = 0;
    for (double x : p) {
      sum += x;
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
    SplittableRandom random = new SplittableRandom(5);
    int draws = 60_000;
    int[] counts = new int[6];
    for (int i = 0; i < draws; i++) {
      counts[wm.sampling().orElseThrow().sample(tokens, 1, logits, random)]++;
    }
    assertThat(counts[5]).isZero();
    for (int t = 0; t < 5; t++) {
      double sd = Math.sqrt(draws * p[t] * (1 - p[t]));
      assertThat((double) counts[t]).as("token %d", t).isBetween(draws * p[t] - 4.5 * sd, draws * p[t] + 4.5 * sd);
    }
  }

  /**
   * After a top-k (most logits −∞) the tournament runs its layers over the tokens of positive
   * probability only: the distribution equals, bit for bit, the layers' update written over every id.
   */
  @Test
  void theTournamentAfterTopKEqualsTheUpdateOverEveryId() {
    int vocab = 5000;
    TournamentWatermark wm = watermark("synthid:depth=30,h=1", vocab);
    SplittableRandom random = new SplittableRandom(11);
    for (int round = 0; round < 20; round++) {
      float[] logits = logits(random, vocab, 3.0);
      for (int i = 0; i < vocab; i++) {
        if (random.nextInt(100) != 0) {
          logits[i] = Float.NEGATIVE_INFINITY; // about 50 candidates left
        }
      }
      logits[round] = 1f;
      int[] tokens = {round};
      long seed = wm.seed(tokens, 0);
      double[] p = new double[vocab];
      wm.tournament(logits, seed, true, p);
      double[] q = new double[vocab];
      wm.tournament(logits, 0, false, q);
      for (int l = 0; l < 30; l++) {
        double mass = 0;
        for (int i = 0; i < vocab; i++) {
          mass += ((q[i] > 0 ? wm.word(seed, i) : 0) >>> (63 - l) & 1) * q[i];
        }
        for (int i = 0; i < vocab; i++) {
          q[i] *= 1 + ((q[i] > 0 ? wm.word(seed, i) : 0) >>> (63 - l) & 1) - mass;
        }
      }
      assertThat(p).as("round %d", round).isEqualTo(q);
    }
  }

  @Test
  void scoresAreTheLayersBitsAndDuplicatesCountOnce() {
    TournamentWatermark wm = watermark("synthid:depth=3,h=1,score=weighted-mean", 10);
    int[] levels = wm.spec().levels();
    assertThat(levels).containsExactly(20, 11, 2);
    long word = wm.word(wm.seed(new int[] {4}, 0), 7);
    long expected = 20 * (word >>> 63) + 11 * ((word >>> 62) & 1) + 2 * ((word >>> 61) & 1);
    assertThat(wm.scorer().score(new int[] {4, 7}, 1)).isEqualTo((double) expected);
    Detection d = wm.detector().detect(new int[] {4, 7, 4, 7, 4, 7});
    assertThat(d.tuplesScored()).isEqualTo(2); // (4,7) and (7,4)
    assertThat(d.mask().toString()).matches("c[Gr][Gr]ddd");
    assertThat(wm.detector(DedupMode.NONE).detect(new int[] {4, 7, 4, 7, 4, 7}).tuplesScored()).isEqualTo(5);
    assertThat(d.nullDistribution()).isEqualTo(new NullDistribution.LayeredBinomial(new int[] {20, 11, 2}, 0.5));
  }

  /** A WatermarkSession runs the tournament: it draws, appends, and its text is detected. */
  @Test
  void aSessionRunsTheTournament() {
    TournamentWatermark wm = watermark("synthid:depth=30,h=2", 1000);
    io.tracemark.core.sampling.WatermarkSession session =
        new io.tracemark.core.sampling.WatermarkSession(wm.sampling().orElseThrow(), new int[] {5, 6});
    SplittableRandom random = new SplittableRandom(23);
    for (int i = 0; i < 150; i++) {
      int t = session.sample(logits(random, 1000, 3.0), random);
      assertThat(session.tokens()[session.length() - 1]).isEqualTo(t);
    }
    assertThat(session.length()).isEqualTo(152);
    assertThat(wm.detector().detect(session.tokens()).significantAt(1e-6)).isTrue();
    assertThatThrownBy(() -> session.bias(new float[1000])).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sample(logits, random)");
  }

  @Test
  void aRepeatedContextIsDrawnWithoutTheWatermark() {
    TournamentWatermark wm = watermark("synthid:depth=4,h=2", 10);
    assertThat(wm.repeatedContext(new int[] {1, 2, 3, 1, 2}, 5)).isTrue();
    assertThat(wm.repeatedContext(new int[] {1, 2, 3, 2, 1}, 5)).isFalse();
    assertThat(wm.repeatedContext(new int[] {1, 2}, 2)).isFalse();
  }

  @Test
  void theFamilyParsesAndRefusesBadParameters() {
    assertThat(SchemeSpec.parse("synthid")).isEqualTo(new SynthIdSpec(30, 4,
        io.tracemark.api.HfSynthIdSpec.Score.MEAN));
    assertThat(SchemeSpec.parse("synthid:depth=64,h=1,score=weighted-mean").canonical())
        .isEqualTo("synthid:depth=64,h=1,score=weighted-mean");
    assertThatThrownBy(() -> SchemeSpec.parse("synthid:depth=65")).hasMessage("depth must be between 1 and 64, was 65");
    assertThatThrownBy(() -> SchemeSpec.parse("synthid:h=0")).hasMessage("h must be between 1 and 255, was 0");
    Watermark wm = Watermarks.create(KEY, SchemeSpec.parse("synthid:depth=2,h=1"), 10);
    assertThatThrownBy(() -> wm.detector().detect(new int[] {1, 10}))
        .hasMessage("token id at index 1 must be between 0 and 9, was 10");
  }
}
