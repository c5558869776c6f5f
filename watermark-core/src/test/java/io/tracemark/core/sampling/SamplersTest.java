package io.tracemark.core.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.TokenSampler;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplersTest {
  @Test
  void greedyPicksTheMaximumAndRejectsNaN() {
    assertThat(Samplers.greedy().sample(new float[] {1, 3, 2})).isEqualTo(1);
    assertThat(Samplers.greedy().sample(new float[] {Float.NEGATIVE_INFINITY, 0})).isEqualTo(1);
    assertThatThrownBy(() -> Samplers.greedy().sample(new float[] {1, Float.NaN}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("logits[1] is NaN");
  }

  @Test
  void multinomialFollowsSoftmaxWithinABinomialInterval() {
    float[] logits = {0, (float) Math.log(3), Float.NEGATIVE_INFINITY};
    TokenSampler s = Samplers.multinomial(new SplittableRandom(7));
    int n = 40_000;
    int ones = 0;
    for (int i = 0; i < n; i++) {
      int t = s.sample(logits);
      assertThat(t).isNotEqualTo(2);
      ones += t;
    }
    // p = 0.75; 99.9% interval half-width 3.29 * sqrt(p(1-p)/n)
    assertThat(ones / (double) n).isCloseTo(0.75, within(3.29 * Math.sqrt(0.75 * 0.25 / n)));
    assertThatThrownBy(() -> s.sample(new float[] {1, Float.NaN})).hasMessage("logits[1] is NaN");
  }

  /**
   * 200,000 draws from a 6-token softmax (one token masked): each count must lie within 5 standard
   * deviations of its binomial expectation (a two-sided 5.7e-7 tail per token).
   */
  @Test
  void theDrawFollowsTheSoftmaxOfEveryToken() {
    float[] logits = {0f, 1f, -2f, Float.NEGATIVE_INFINITY, 0.5f, 3f};
    double[] p = new double[logits.length];
    double z = 0;
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp(logits[i]);
      z += p[i];
    }
    int n = 200_000;
    int[] counts = new int[logits.length];
    Multinomial draw = new Multinomial();
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < n; i++) {
      counts[draw.draw(logits.clone(), random)]++;
    }
    for (int i = 0; i < logits.length; i++) {
      double q = p[i] / z;
      double sd = Math.sqrt(n * q * (1 - q));
      assertThat((double) counts[i]).as("token %d", i).isBetween(n * q - 5 * sd, n * q + 5 * sd);
    }
    assertThat(counts[3]).isZero();
  }

  @Test
  void theDrawOverAWholeVocabularyWithBlocks() {
    // more than one block of 512, mass concentrated in two tokens of different blocks
    float[] logits = new float[2000];
    Arrays.fill(logits, -30f);
    logits[1999] = 5f;
    logits[600] = 5f;
    TokenSampler s = Samplers.multinomial(new SplittableRandom(3));
    int last = 0;
    for (int i = 0; i < 10_000; i++) {
      int t = s.sample(logits);
      assertThat(t).isIn(600, 1999);
      last += t == 1999 ? 1 : 0;
    }
    assertThat(last).isBetween(5000 - 250, 5000 + 250); // 5 sd of Binomial(10000, 1/2)
  }

  @Test
  void topKTopPAndTemperature() {
    float[] l = {5, 1, 4, 3, 2};
    Samplers.topK(2).process(l);
    assertThat(l).containsExactly(5, Float.NEGATIVE_INFINITY, 4, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
    float[] p = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
    Samplers.topP(0.75).process(p);
    assertThat(p[0]).isFinite();
    assertThat(p[1]).isFinite();
    assertThat(p[2]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(p[3]).isEqualTo(Float.NEGATIVE_INFINITY);
    float[] t = {2, 4};
    Samplers.temperature(2).process(t);
    assertThat(t).containsExactly(1, 2);
    assertThatThrownBy(() -> Samplers.temperature(0)).hasMessageContaining("temperature");
    assertThatThrownBy(() -> Samplers.topK(0)).hasMessage("top-k must be >= 1, was 0");
    assertThatThrownBy(() -> Samplers.topP(1.5)).hasMessageContaining("top-p");
  }

  /**
   * The linear-time top-p keeps exactly the tokens a sorting nucleus keeps: on random logits, on
   * ties, and on logits shaped like an n-gram model's (a flat backoff floor of equal values under
   * a few peaks).
   */
  @Test
  void topPKeepsWhatASortingNucleusKeeps() {
    SplittableRandom r = new SplittableRandom(4);
    for (int trial = 0; trial < 200; trial++) {
      int v = 1 + r.nextInt(3000);
      float[] logits = new float[v];
      for (int i = 0; i < v; i++) {
        logits[i] = r.nextInt(10) == 0 ? Float.NEGATIVE_INFINITY : (float) (r.nextGaussian() * (1 + trial % 7));
      }
      logits[r.nextInt(v)] = 1f;
      double p = trial % 10 == 0 ? 1.0 : 0.05 + 0.9 * r.nextDouble();
      assertSameNucleus(logits, p, "trial " + trial);
    }
    float[][] ties = {{2f, 2f, 2f, 2f}, {3f, 1f, 1f, 1f, 1f, -5f}};
    for (float[] t : ties) {
      for (double p : new double[] {0.01, 0.5, 0.99}) {
        assertSameNucleus(t, p, "ties " + Arrays.toString(t));
      }
    }
    for (int trial = 0; trial < 20; trial++) {
      float[] ngram = new float[100_277];
      Arrays.fill(ngram, -9.25f);
      for (int k = 0; k < 200 + 50 * trial; k++) {
        ngram[r.nextInt(ngram.length)] = (float) (-9 + 8 * r.nextDouble());
      }
      assertSameNucleus(ngram, 0.9, "n-gram-like " + trial);
    }
  }

  static void assertSameNucleus(float[] logits, double p, String what) {
    float[] expected = logits.clone();
    sortingTopP(expected, p);
    float[] actual = logits.clone();
    Samplers.topP(p).process(actual);
    assertThat(actual).as("%s, p %s", what, p).isEqualTo(expected);
  }

  /** The oracle: sort the tokens by logit, keep them until the mass reaches p, and everything tied with the last. */
  static void sortingTopP(float[] logits, double p) {
    if (p >= 1) {
      return;
    }
    float max = Float.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double total = 0;
    for (float v : logits) {
      total += Math.exp(v - max);
    }
    Integer[] order = new Integer[logits.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : logits[a] != logits[b] ? Float.compare(logits[b], logits[a])
        : Integer.compare(a, b));
    double mass = 0;
    float cutoff = Float.NEGATIVE_INFINITY;
    for (int id : order) {
      mass += Math.exp(logits[id] - max) / total;
      if (mass >= p) {
        cutoff = logits[id];
        break;
      }
    }
    if (cutoff == Float.NEGATIVE_INFINITY) {
      return;
    }
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] < cutoff) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }
}
