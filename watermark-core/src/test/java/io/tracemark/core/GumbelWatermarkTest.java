package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.Mix;
import io.tracemark.core.sampling.WatermarkSession;
import io.tracemark.core.stats.PValues;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GumbelWatermarkTest {
  static final WatermarkKey KEY = WatermarkKey.fromBytes(HexFormat.of().parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));

  static GumbelWatermark watermark(String spec, int vocab) {
    return (GumbelWatermark) Watermarks.create(KEY, SchemeSpec.parse(spec), vocab);
  }

  static double[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    double[] p = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  @Test
  void aSpecWithoutAKeyIsRefusedAndTheKeyIsNeverShown() {
    assertThatThrownBy(() -> Watermarks.create(null, SchemeSpec.parse("gumbel"), 100))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("WatermarkKey");
    GumbelWatermark wm = watermark("gumbel:h=2,dual,alpha=0.3", 100);
    for (String s : new String[] {wm.toString(), wm.detector().toString(), wm.scorer().toString()}) {
      assertThat(s).contains("gumbel:h=2,dual,alpha=0.3,score=sum").contains(KEY.keyId())
          .doesNotContain("0001020304").doesNotContain("000102030405060708090a0b0c0d0e0f");
    }
    assertThatThrownBy(() -> wm.detector().detect(new int[] {1, 2, 100}))
        .hasMessage("token id at index 2 must be between 0 and 99, was 100");
  }

  /** The uniforms, the single-key score −ln(1 − u) and the dual-key transform, from the PRF words. */
  @Test
  void scoresAreTheUniformsOfThePrfWords() {
    GumbelWatermark one = watermark("gumbel:h=2", 1000);
    int[] tokens = {4, 9, 17};
    long w = Mix.fmix64(new PrfV1(KEY, GumbelWatermark.PURPOSE_A).tag(17)
        ^ new PrfV1(KEY, GumbelWatermark.PURPOSE_A).seedLeft(PrfV1.header('G', 2), tokens, 0, 2));
    double u = ((w >>> 12) + 0.5) / 4503599627370496.0;
    assertThat(one.scorer().score(tokens, 2)).isEqualTo(-Math.log1p(-u));
    assertThat(GumbelWatermark.uniform(0L)).isEqualTo(0x1.0p-53);
    assertThat(GumbelWatermark.uniform(-1L)).isEqualTo(1 - 0x1.0p-53).isLessThan(1);
    GumbelWatermark two = watermark("gumbel:h=2,dual,alpha=0.25", 1000);
    double sA = -Math.log1p(-GumbelWatermark.uniform(two.word(false, two.seed(false, tokens, 0), 17)));
    double sB = -Math.log1p(-GumbelWatermark.uniform(two.word(true, two.seed(true, tokens, 0), 17)));
    assertThat(sA).isEqualTo(-Math.log1p(-u)); // stream A is the single-key stream
    assertThat(sB).isNotEqualTo(sA);
    assertThat(two.scorer().score(tokens, 2)).isEqualTo(PValues.dualKeyExpScore(0.75 * sA + 0.25 * sB, 0.25));
  }

  /** P((1 − α)E_A + αE_B ≥ x) = e^(−score): checked against numerical integration. */
  @ParameterizedTest
  @CsvSource({"0.1,0.3", "0.1,4", "0.5,2", "0.3,7.5", "0.9,1"})
  void theDualKeyTransformIsTheExactSurvival(double alpha, double x) {
    // P(X >= x) = ∫_0^∞ e^-b P((1-α) a >= x - α b) db, trapezoid on a fine grid
    int steps = 400_000;
    double hi = 60;
    double sum = 0;
    for (int i = 0; i <= steps; i++) {
      double b = hi * i / steps;
      double rest = x - alpha * b;
      double f = Math.exp(-b) * (rest <= 0 ? 1 : Math.exp(-rest / (1 - alpha)));
      sum += (i == 0 || i == steps ? 0.5 : 1) * f;
    }
    double survival = sum * hi / steps;
    assertThat(PValues.dualKeyExpScore(x, alpha)).isCloseTo(-Math.log(survival), within(1e-6));
  }

  @Test
  void duplicatesCountOnceAndTheMaskMarksTheMedian() {
    GumbelWatermark wm = watermark("gumbel:h=1", 10);
    int[] tokens = {4, 7, 4, 7, 4, 7};
    Detection d = wm.detector().detect(tokens);
    assertThat(d.tuplesScored()).isEqualTo(2);
    assertThat(d.mask().toString()).matches("c[Gr][Gr]ddd");
    assertThat(d.score()).isEqualTo(wm.scorer().score(tokens, 1) + wm.scorer().score(tokens, 2));
    assertThat(d.log10PValue()).isEqualTo(PValues.log10GammaUpperTail(2, d.score()));
    assertThat(d.green()).isEqualTo((wm.scorer().score(tokens, 1) >= Math.log(2) ? 1 : 0)
        + (wm.scorer().score(tokens, 2) >= Math.log(2) ? 1 : 0));
    assertThat(wm.detector(DedupMode.NONE).detect(tokens).tuplesScored()).isEqualTo(5);
    assertThat(wm.detector(DedupMode.WINDOW).detect(tokens).tuplesScored()).isEqualTo(2);
    assertThat(d.nullDistribution()).isEqualTo(new NullDistribution.GammaSum());
    Detection none = wm.detector().detect(new int[] {3});
    assertThat(none.tuplesScored()).isZero();
    assertThat(none.log10PValue()).isZero();
  }

  /**
   * With fresh contexts the Gumbel-max choice is an exact draw from softmax(logits): 60,000 draws,
   * each after a new random context, match p within 4.5 standard deviations per token; a −∞ logit
   * is never drawn.
   */
  @ParameterizedTest
  @ValueSource(strings = {"gumbel:h=2", "gumbel:h=2,dual,alpha=0.3"})
  void freshContextsDrawFromTheEnginesDistribution(String spec) {
    GumbelWatermark wm = watermark(spec, 1 << 20);
    SamplingScheme s = wm.sampling().orElseThrow();
    float[] logits = {0.5f, 0.1f, -0.3f, 1.2f, 0f, Float.NEGATIVE_INFINITY, -2f};
    double[] p = softmax(logits);
    SplittableRandom random = new SplittableRandom(5);
    int draws = 60_000;
    int[] counts = new int[logits.length];
    int[] tokens = new int[2];
    for (int i = 0; i < draws; i++) {
      tokens[0] = random.nextInt(1 << 20);
      tokens[1] = random.nextInt(1 << 20);
      counts[s.sample(tokens, 2, logits, random)]++;
    }
    assertThat(counts[5]).isZero();
    for (int t = 0; t < logits.length; t++) {
      double sd = Math.sqrt(draws * p[t] * (1 - p[t]));
      assertThat((double) counts[t]).as("token %d", t).isBetween(draws * p[t] - 4.5 * sd, draws * p[t] + 4.5 * sd);
    }
  }

  /** The single-key choice is a function of the context; the dual-key one follows the caller's coin. */
  @Test
  void theChoiceIsKeyedByTheContext() {
    GumbelWatermark wm = watermark("gumbel:h=2", 1000);
    float[] logits = TournamentWatermarkTest.logits(new SplittableRandom(3), 1000, 1.0);
    int[] tokens = {11, 12};
    int first = wm.sampling().orElseThrow().sample(tokens, 2, logits, new SplittableRandom(1));
    for (int seed = 2; seed < 20; seed++) {
      assertThat(wm.sampling().orElseThrow().sample(tokens, 2, logits, new SplittableRandom(seed))).isEqualTo(first);
    }
    GumbelWatermark dual = watermark("gumbel:h=2,dual,alpha=0.5", 1000);
    int a = dual.argmax(false, dual.seed(false, tokens, 0), logits);
    int b = dual.argmax(true, dual.seed(true, tokens, 0), logits);
    assertThat(a).isEqualTo(first).isNotEqualTo(b);
    int[] seen = new int[2];
    for (int seed = 0; seed < 200; seed++) {
      int t = dual.sampling().orElseThrow().sample(tokens, 2, logits, new SplittableRandom(seed));
      assertThat(t).isIn(a, b);
      seen[t == a ? 0 : 1]++;
    }
    assertThat(seen[0]).isBetween(60, 140);
  }

  /**
   * A position whose context occurred before in the sequence (or without h tokens before it) is a
   * plain multinomial draw with the caller's generator: its draws follow softmax(logits) although the
   * context is fixed.
   */
  @Test
  void aRepeatedContextIsDrawnWithoutTheWatermark() {
    GumbelWatermark wm = watermark("gumbel:h=2", 10);
    assertThat(wm.repeatedContext(new int[] {1, 2, 3, 1, 2}, 5)).isTrue();
    assertThat(wm.repeatedContext(new int[] {1, 2, 3, 2, 1}, 5)).isFalse();
    assertThat(wm.repeatedContext(new int[] {1, 2}, 2)).isFalse();
    float[] logits = {0.3f, -0.2f, 1.0f, 0f, 0.5f, -1f, 0.2f, 0.1f, 0f, -0.5f};
    double[] p = softmax(logits);
    SplittableRandom random = new SplittableRandom(9);
    int draws = 20_000;
    int[] counts = new int[10];
    int[] repeated = {1, 2, 3, 1, 2};
    int[] shortPrefix = {1};
    for (int i = 0; i < draws; i++) {
      counts[wm.sampling().orElseThrow().sample(i % 2 == 0 ? repeated : shortPrefix, i % 2 == 0 ? 5 : 1, logits,
          random)]++;
    }
    for (int t = 0; t < 10; t++) {
      double sd = Math.sqrt(draws * p[t] * (1 - p[t]));
      assertThat((double) counts[t]).as("token %d", t).isBetween(draws * p[t] - 4.5 * sd, draws * p[t] + 4.5 * sd);
    }
  }

  @Test
  void nanLogitsAreRefused() {
    GumbelWatermark wm = watermark("gumbel:h=1", 10);
    float[] logits = new float[10];
    logits[6] = Float.NaN;
    assertThatThrownBy(() -> wm.sampling().orElseThrow().sample(new int[] {3}, 1, logits, new SplittableRandom(1)))
        .hasMessage("logits[6] is NaN");
    assertThatThrownBy(() -> wm.sampling().orElseThrow().sample(new int[] {3}, 0, logits, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    float[] all = new float[10];
    java.util.Arrays.fill(all, Float.NEGATIVE_INFINITY);
    assertThatThrownBy(() -> wm.sampling().orElseThrow().sample(new int[] {3}, 1, all, new SplittableRandom(1)))
        .hasMessage("logits must hold a finite value, all 10 were -infinity");
    assertThatThrownBy(() -> wm.sampling().orElseThrow().sample(new int[] {3}, 1, new float[11],
        new SplittableRandom(1))).hasMessage("logits.length must be at most vocab 10, was 11");
  }

  /** A token whose logit is far below the largest can never win: skipping it changes nothing. */
  @Test
  void tokensThatCannotWinAreSkippedWithoutChangingTheChoice() {
    GumbelWatermark wm = watermark("gumbel:h=1", 5000);
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < 300; i++) {
      float[] logits = TournamentWatermarkTest.logits(random, 5000, 12.0);
      long seed = wm.seed(false, new int[] {i}, 0);
      int best = 0;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < logits.length; t++) {
        double v = logits[t] - Math.log(-Math.log(GumbelWatermark.uniform(wm.word(false, seed, t))));
        if (v > bestValue) {
          best = t;
          bestValue = v;
        }
      }
      assertThat(wm.argmax(false, seed, logits)).isEqualTo(best);
    }
  }

  /** A WatermarkSession runs the scheme: it draws, appends, and its text is detected. */
  @Test
  void aSessionRunsTheScheme() {
    Watermark wm = watermark("gumbel:h=2", 1000);
    WatermarkSession session = new WatermarkSession(wm.sampling().orElseThrow(), new int[] {5, 6});
    SplittableRandom random = new SplittableRandom(23);
    for (int i = 0; i < 150; i++) {
      int t = session.sample(TournamentWatermarkTest.logits(random, 1000, 3.0), random);
      assertThat(session.tokens()[session.length() - 1]).isEqualTo(t);
    }
    assertThat(session.length()).isEqualTo(152);
    assertThat(wm.detector().detect(session.tokens()).significantAt(1e-6)).isTrue();
  }

  /** The windowed test counts its windows and corrects the best one's tail by their number. */
  @Test
  void theWindowedTestIsTheCorrectedBestWindow() {
    assertThat(GumbelWatermark.windowCount(10)).isEqualTo(1);
    assertThat(GumbelWatermark.windowCount(16)).isEqualTo(1);
    assertThat(GumbelWatermark.windowCount(17)).isEqualTo(2);
    // n = 64: lengths 16 (7 windows), 32 (3), plus the whole: 11
    assertThat(GumbelWatermark.windowCount(64)).isEqualTo(11);
    double[] scores = new double[64];
    java.util.Arrays.fill(scores, 1.0);
    for (int i = 16; i < 32; i++) {
      scores[i] = 5.0;
    }
    Detection d = GumbelWatermark.windowed(70, scores, 64, 0, new io.tracemark.api.PositionMask(new byte[70]));
    assertThat(d.score()).isEqualTo(80.0);
    assertThat(d.log10PValue()).isCloseTo(PValues.log10GammaUpperTail(16, 80) + Math.log10(11), within(1e-12));
    assertThat(d.tuplesScored()).isEqualTo(64);
    java.util.Arrays.fill(scores, 0.1);
    assertThat(GumbelWatermark.windowed(70, scores, 64, 0, new io.tracemark.api.PositionMask(new byte[70]))
        .log10PValue()).isZero();
  }

  /**
   * Calibration: 20,000 uniform texts of 100 tokens (96 distinct pairs each) under each variant;
   * the exact Gamma tail (continuous) rejects at α within 4.5 binomial standard deviations of
   * 20,000·α, the windowed (Bonferroni) test at most α + 3.29 σ.
   */
  @ParameterizedTest
  @CsvSource({"gumbel:h=4,0.01", "gumbel:h=4,0.001", "'gumbel:h=4,dual,alpha=0.1',0.01",
      "'gumbel:h=4,dual,alpha=0.1',0.001", "'gumbel:h=4,score=windowed',0.01", "'gumbel:h=4,score=windowed',0.001"})
  void nullTextsAreRejectedAtAlpha(String spec, double alpha) {
    GumbelWatermark wm = watermark(spec, 50_000);
    SplittableRandom random = new SplittableRandom(41);
    int runs = 20_000;
    int rejected = 0;
    for (int r = 0; r < runs; r++) {
      Detection d = wm.detector().detect(random.ints(100, 0, 50_000).toArray());
      assertThat(d.tuplesScored()).isEqualTo(96);
      rejected += d.log10PValue() <= Math.log10(alpha) ? 1 : 0;
    }
    double mean = runs * alpha;
    double sd = Math.sqrt(mean * (1 - alpha));
    if (wm.spec().score() == GumbelSpec.Score.WINDOWED) {
      assertThat((double) rejected).isLessThanOrEqualTo(mean + 3.29 * sd);
    } else {
      assertThat((double) rejected).isBetween(mean - 4.5 * sd, mean + 4.5 * sd);
    }
  }

  /**
   * Power in the synthetic loop: 200 generated tokens (toy logits N(0, σ²) over V = 1000 drawn
   * afresh at each step, about 2.3 to 3.4 nats) are detected at α = 1e-3.
   */
  @ParameterizedTest
  @CsvSource({"gumbel:h=4,4.0", "'gumbel:h=4,dual,alpha=0.1',4.0", "gumbel:h=4,3.0",
      "'gumbel:h=4,dual,alpha=0.1',3.0"})
  void generatedTextIsDetectedAt200Tokens(String spec, double sigma) {
    GumbelWatermark wm = watermark(spec, 1000);
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
        tokens[i] = s.sample(tokens, i, TournamentWatermarkTest.logits(random, 1000, sigma), random);
      }
      detected += wm.detector().detect(tokens).significantAt(1e-3) ? 1 : 0;
    }
    assertThat(detected).isGreaterThanOrEqualTo(runs * 9 / 10);
  }
}
