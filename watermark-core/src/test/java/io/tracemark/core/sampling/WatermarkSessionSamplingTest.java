package io.tracemark.core.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.HfSpec;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.Seeding;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fast sampling paths of {@link WatermarkSession} draw from the law they document: rejection
 * sampling from softmax(logits + δ·green), the candidate path from the biased softmax of the
 * candidates, which is what {@code bias} after the engine's top-p gives. Every test is seeded;
 * a chi-square test is rejected at p &lt; 1e-6 (a correct sampler fails one such test once in a
 * million seeds), and with 60,000 draws it detects a shift of about 0.015 in a token's probability.
 */
class WatermarkSessionSamplingTest {
  static final double REJECT_BELOW = 1e-6;

  static WatermarkKey key(int salt) {
    byte[] secret = new byte[32];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (31 * i + salt);
    }
    return WatermarkKey.fromBytes(secret);
  }

  static GreenListBias scheme(KgwSpec spec, int vocab) {
    return (GreenListBias) Watermarks.create(key(spec.contextWidth()), spec, vocab).bias().orElseThrow();
  }

  /** softmax(logits + δ·green) computed through {@code apply} itself: the law of the full path. */
  static double[] biasedLaw(BiasScheme scheme, int[] context, float[] logits) {
    float[] biased = logits.clone();
    scheme.apply(context, context.length, biased);
    return softmax(biased);
  }

  static double[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double[] p = new double[logits.length];
    double z = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(logits[i] - max);
      z += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= z;
    }
    return p;
  }

  /** The chi-square p-value of the counts against the law, over the cells of positive probability. */
  static double chiSquareP(double[] law, long[] counts) {
    long n = Arrays.stream(counts).sum();
    int cells = 0;
    for (int i = 0; i < law.length; i++) {
      if (law[i] == 0) {
        assertThat(counts[i]).as("draws of token %d, whose probability is 0", i).isZero();
      } else {
        cells++;
      }
    }
    double[] expected = new double[cells];
    long[] observed = new long[cells];
    for (int i = 0, c = 0; i < law.length; i++) {
      if (law[i] > 0) {
        expected[c] = law[i] * n;
        observed[c++] = counts[i];
      }
    }
    return new ChiSquareTest().chiSquareTest(expected, observed);
  }

  /** Small logits with one masked token and a wide spread, so red and green tokens of all sizes occur. */
  static final float[] SMALL = {0f, 1.5f, -1f, Float.NEGATIVE_INFINITY, 0.5f, 2.5f, -0.5f, 1f, 3f, -2f};

  @ParameterizedTest
  @EnumSource(Seeding.class)
  void rejectionSamplingDrawsFromTheBiasedSoftmaxOnASmallVocabulary(Seeding seeding) {
    // γ = 0.5 on 10 tokens; self seeding with candidates = 10 so that apply biases every token
    KgwSpec spec = new KgwSpec(0.5, 1.5, 1, seeding, 10);
    GreenListBias scheme = scheme(spec, SMALL.length);
    for (int previous : new int[] {0, 4, 7}) {
      int[] context = {previous};
      double[] law = biasedLaw(scheme, context, SMALL);
      assertThat(law).as("the green list must differ from the unbiased law").isNotEqualTo(softmax(SMALL));
      SplittableRandom random = new SplittableRandom(100 + previous);
      long[] counts = new long[SMALL.length];
      for (int i = 0; i < 60_000; i++) {
        WatermarkSession s = new WatermarkSession(scheme, context);
        counts[s.sampleByRejection(SMALL, random)]++;
      }
      assertThat(chiSquareP(law, counts)).as("context %d", previous).isGreaterThan(REJECT_BELOW);
    }
  }

  /**
   * The law of one rejection step computed exactly by enumeration of its branches (a scripted
   * generator returns the uniforms): with the proposal fixed to token y, the step keeps y iff y is
   * green or the coin's uniform is below e^−δ. Summing the first-acceptance probabilities of the
   * geometric number of rounds gives softmax(logits + δ·green) to rounding.
   */
  @Test
  void oneRoundKeepsGreenAlwaysAndRedWithProbabilityExpMinusDelta() {
    KgwSpec spec = new KgwSpec(0.5, 1.5, 1, Seeding.LEFT, 40);
    GreenListBias scheme = scheme(spec, SMALL.length);
    int[] context = {4};
    GreenListBias.Probe probe = scheme.newProbe();
    assertThat(probe.seek(context, 1)).isTrue();
    double[] q = softmax(SMALL);
    double keepRed = Math.exp(-scheme.delta());
    double accept = 0;
    double[] perRound = new double[SMALL.length];
    for (int y = 0; y < SMALL.length; y++) {
      if (q[y] == 0) {
        continue;
      }
      // the proposal lands on y when the uniform falls in y's cumulative interval: script it
      double mid = cumulativeBefore(q, y) + q[y] / 2;
      boolean green = probe.isGreen(y);
      for (double coin : new double[] {keepRed * 0.999, Math.min(keepRed * 1.001, 0.999999)}) {
        // a second proposal at another token, kept by a coin of 0, shows whether y was rejected
        int other = y == 8 ? 5 : 8;
        WatermarkSession s = new WatermarkSession(scheme, context);
        int drawn = s.sampleByRejection(SMALL,
            new ScriptedRandom(mid, coin, cumulativeBefore(q, other) + q[other] / 2, 0.0));
        boolean kept = drawn == y;
        assertThat(kept).as("token %d (green %s), coin %s", y, green, coin).isEqualTo(green || coin < keepRed);
      }
      perRound[y] = q[y] * (green ? 1 : keepRed);
      accept += perRound[y];
    }
    double[] law = biasedLaw(scheme, context, SMALL);
    for (int y = 0; y < SMALL.length; y++) {
      assertThat(perRound[y] / accept).as("token %d", y).isCloseTo(law[y], org.assertj.core.api.Assertions.within(1e-6));
    }
    assertThat(accept).isGreaterThanOrEqualTo(keepRed);
  }

  static double cumulativeBefore(double[] q, int y) {
    double c = 0;
    for (int i = 0; i < y; i++) {
      c += q[i];
    }
    return c;
  }

  /** A generator that replays fixed doubles (and fails if asked for more). */
  static final class ScriptedRandom implements java.util.random.RandomGenerator {
    private final double[] values;
    private int next;

    ScriptedRandom(double... values) {
      this.values = values;
    }

    @Override
    public double nextDouble() {
      return values[next++];
    }

    @Override
    public long nextLong() {
      throw new AssertionError("only nextDouble is scripted");
    }
  }

  /**
   * At δ = 9, with the red tokens at logit 0 and the green ones at −8, a proposal is kept with
   * probability below 0.001, so 64 proposals are all rejected in most steps and the draw comes
   * from the fallback over the whole vocabulary: the mixture must still be softmax(logits + δ·green).
   */
  @Test
  void theFallbackAfterManyRejectionsKeepsTheLaw() {
    GreenListBias scheme = scheme(new KgwSpec(0.5, 9, 1, Seeding.LEFT, 40), 10);
    int[] context = {4};
    GreenListBias.Probe probe = scheme.newProbe();
    probe.seek(context, 1);
    float[] logits = new float[10];
    for (int t = 0; t < logits.length; t++) {
      logits[t] = probe.isGreen(t) ? -8f : 0f;
    }
    double[] q = softmax(logits);
    double greenMass = 0;
    for (int t = 0; t < logits.length; t++) {
      greenMass += probe.isGreen(t) ? q[t] : 0;
    }
    double accept = greenMass + (1 - greenMass) * Math.exp(-9);
    assertThat(greenMass).isPositive();
    assertThat(Math.pow(1 - accept, 64)).as("probability of the fallback").isGreaterThan(0.9);
    SplittableRandom random = new SplittableRandom(77);
    long[] counts = new long[logits.length];
    for (int i = 0; i < 60_000; i++) {
      counts[new WatermarkSession(scheme, context).sampleByRejection(logits, random)]++;
    }
    assertThat(chiSquareP(biasedLaw(scheme, context, logits), counts)).isGreaterThan(REJECT_BELOW);
  }

  @Test
  void aContextShorterThanHIsNotWatermarked() {
    GreenListBias scheme = scheme(KgwSpec.of(0.5, 3, 2), SMALL.length);
    SplittableRandom random = new SplittableRandom(5);
    long[] counts = new long[SMALL.length];
    for (int i = 0; i < 50_000; i++) {
      counts[new WatermarkSession(scheme, new int[] {1}).sampleByRejection(SMALL, random)]++;
    }
    assertThat(chiSquareP(softmax(SMALL), counts)).isGreaterThan(REJECT_BELOW);
  }

  /**
   * The candidate path after the linear-time top-p equals {@code apply} after the same top-p:
   * both are the bias after truncation.
   */
  @ParameterizedTest
  @EnumSource(Seeding.class)
  void candidatesAfterTopPDrawFromWhatApplyAfterTopPGives(Seeding seeding) {
    KgwSpec spec = new KgwSpec(0.5, 2, 1, seeding, 10);
    GreenListBias scheme = scheme(spec, SMALL.length);
    float[] truncated = SMALL.clone();
    Samplers.topP(0.9).process(truncated);
    int[] ids = new int[SMALL.length];
    float[] values = new float[SMALL.length];
    int count = 0;
    for (int t = 0; t < truncated.length; t++) {
      if (truncated[t] != Float.NEGATIVE_INFINITY) {
        ids[count] = t;
        values[count++] = truncated[t];
      }
    }
    assertThat(count).isBetween(2, SMALL.length - 3);
    for (int previous : new int[] {2, 5}) {
      int[] context = {previous};
      double[] law = biasedLaw(scheme, context, truncated);
      SplittableRandom random = new SplittableRandom(200 + previous);
      long[] counts = new long[SMALL.length];
      long[] rejection = new long[SMALL.length];
      for (int i = 0; i < 60_000; i++) {
        counts[new WatermarkSession(scheme, context).sampleCandidates(ids, values, count, random)]++;
        rejection[new WatermarkSession(scheme, context).sampleByRejection(truncated, random)]++;
      }
      assertThat(chiSquareP(law, counts)).as("candidates, context %d", previous).isGreaterThan(REJECT_BELOW);
      assertThat(chiSquareP(law, rejection)).as("rejection, context %d", previous).isGreaterThan(REJECT_BELOW);
    }
  }

  /**
   * The difference the class comment documents: bias then truncation keeps another nucleus than
   * truncation then bias, so the candidate path is not the law of {@code apply} before top-p.
   */
  @Test
  void biasThenTruncationIsAnotherLaw() {
    KgwSpec spec = new KgwSpec(0.5, 2, 1, Seeding.LEFT, 40);
    GreenListBias scheme = scheme(spec, SMALL.length);
    int[] context = {2};
    float[] after = SMALL.clone();
    Samplers.topP(0.9).process(after);
    scheme.apply(context, 1, after);
    float[] before = SMALL.clone();
    scheme.apply(context, 1, before);
    Samplers.topP(0.9).process(before);
    double[] a = softmax(after);
    double[] b = softmax(before);
    double totalVariation = 0;
    for (int i = 0; i < a.length; i++) {
      totalVariation += Math.abs(a[i] - b[i]) / 2;
    }
    assertThat(totalVariation).isGreaterThan(0.005);
  }

  /**
   * A 32,000-token Zipf law (p ∝ rank^−1.5, ranks scattered over the ids) at δ = 2, γ = 0.25, h = 0
   * (one green list for every step, so one session draws every sample):
   * 25,000 rejection draws binned into the 30 most probable tokens one by one and the rest by
   * colour, against softmax(logits + δ·green).
   */
  @Test
  void rejectionSamplingOnALargeVocabularyPassesAChiSquareTest() {
    int vocab = 32_000;
    GreenListBias scheme = scheme(KgwSpec.of(0.25, 2, 0), vocab);
    float[] logits = zipfLogits(vocab, new SplittableRandom(9));
    int[] context = {};
    double[] law = biasedLaw(scheme, context, logits);
    GreenListBias.Probe probe = scheme.newProbe();
    probe.seek(context, 0);
    Integer[] byProbability = new Integer[vocab];
    for (int i = 0; i < vocab; i++) {
      byProbability[i] = i;
    }
    Arrays.sort(byProbability, (x, y) -> Double.compare(law[y], law[x]));
    int top = 30;
    int[] bin = new int[vocab];
    for (int r = 0; r < vocab; r++) {
      int t = byProbability[r];
      bin[t] = r < top ? r : probe.isGreen(t) ? top : top + 1;
    }
    double[] binLaw = new double[top + 2];
    for (int t = 0; t < vocab; t++) {
      binLaw[bin[t]] += law[t];
    }
    long[] counts = new long[top + 2];
    SplittableRandom random = new SplittableRandom(10);
    WatermarkSession s = new WatermarkSession(scheme, context);
    for (int i = 0; i < 25_000; i++) {
      counts[bin[s.sampleByRejection(logits, random)]]++;
    }
    assertThat(binLaw[top]).isGreaterThan(0.05);
    assertThat(chiSquareP(binLaw, counts)).isGreaterThan(REJECT_BELOW);
  }

  static float[] zipfLogits(int vocab, SplittableRandom random) {
    float[] logits = new float[vocab];
    int[] ids = new int[vocab];
    for (int i = 0; i < vocab; i++) {
      ids[i] = i;
    }
    for (int i = vocab - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    for (int rank = 0; rank < vocab; rank++) {
      // rounded to 1/64 nat: the values repeat, as a real model's do, and the exponentials are memoised
      logits[ids[rank]] = (float) (Math.rint(-96 * Math.log(rank + 1)) / 64);
    }
    return logits;
  }

  /** The probe's green test is the detector's score, bit for bit, for both seedings and several h. */
  @ParameterizedTest
  @EnumSource(Seeding.class)
  void theProbeAgreesWithTheScorer(Seeding seeding) {
    for (int h : new int[] {1, 3}) {
      KgwSpec spec = new KgwSpec(0.25, 2, h, seeding, 40);
      Watermark wm = Watermarks.create(key(h), spec, 5000);
      GreenListBias.Probe probe = ((GreenListBias) wm.bias().orElseThrow()).newProbe();
      SplittableRandom r = new SplittableRandom(h);
      int greens = 0;
      for (int i = 0; i < 2000; i++) {
        int[] tokens = r.ints(h + 1, 0, 5000).toArray();
        assertThat(probe.seek(tokens, h)).isTrue();
        boolean green = probe.isGreen(tokens[h]);
        assertThat(green).isEqualTo(wm.scorer().score(tokens, h) == 1.0);
        greens += green ? 1 : 0;
      }
      assertThat(greens).isBetween(400, 600); // γ = 0.25 of 2,000, within 5.8 standard deviations
      assertThat(probe.seek(new int[] {1, 2, 3}, h - 1)).isFalse();
      assertThat(probe.isGreen(7)).isFalse();
    }
  }

  @Test
  void theFastPathsNeedAGreenListTestedPerToken() {
    Watermark hf = Watermarks.create(null, HfSpec.parse("hf:gamma=0.25,delta=2,vocab=1000"), 1000);
    WatermarkSession s = new WatermarkSession(hf.bias().orElseThrow(), new int[] {1, 2});
    float[] logits = new float[1000];
    assertThatThrownBy(() -> s.sampleByRejection(logits, new SplittableRandom(1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("hf");
    assertThatThrownBy(() -> s.sampleCandidates(new int[] {1}, new float[] {0f}, 1, new SplittableRandom(1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void badCandidatesAreNamed() {
    WatermarkSession s = new WatermarkSession(scheme(KgwSpec.of(0.25, 2, 1), 10), new int[] {1});
    SplittableRandom r = new SplittableRandom(1);
    assertThatThrownBy(() -> s.sampleCandidates(new int[] {1, 12}, new float[] {0f, 0f}, 2, r))
        .hasMessage("ids[1] must be between 0 and 9, was 12");
    assertThatThrownBy(() -> s.sampleCandidates(new int[] {1, 2}, new float[] {0f, Float.NaN}, 2, r))
        .hasMessage("candidateLogits[1] is NaN");
    assertThatThrownBy(() -> s.sampleCandidates(new int[] {1, 2}, new float[] {0f, 0f}, 3, r))
        .hasMessageContaining("count must be between 1");
    assertThatThrownBy(() -> s.sampleByRejection(new float[] {0f, Float.NaN, 0, 0, 0, 0, 0, 0, 0, 0}, r))
        .hasMessage("logits[1] is NaN");
    assertThat(s.length()).isEqualTo(1);
  }

  @Test
  void theSampledTokenIsAppended() {
    WatermarkSession s = new WatermarkSession(scheme(KgwSpec.of(0.25, 2, 1), SMALL.length), new int[] {1});
    int a = s.sampleByRejection(SMALL, new SplittableRandom(3));
    int b = s.sampleCandidates(new int[] {4, 5}, new float[] {0f, 1f}, 2, new SplittableRandom(3));
    assertThat(s.tokens()).containsExactly(1, a, b);
    assertThat(b).isIn(4, 5);
  }
}
