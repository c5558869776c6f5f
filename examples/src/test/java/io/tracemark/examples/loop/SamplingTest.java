package io.tracemark.examples.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.DetectionResult;
import io.tracemark.api.GreenListWatermark;
import io.tracemark.examples.TestModels;
import io.tracemark.examples.lm.NGramModel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplingTest {

  /**
   * 200,000 draws from a 6-token softmax (one token masked): each count must lie within 5 standard
   * deviations of its binomial expectation (a two-sided 5.7e-7 tail per token).
   */
  @Test
  void fastMultinomialDrawsFromTheSoftmax() {
    float[] logits = {0f, 1f, -2f, Float.NEGATIVE_INFINITY, 0.5f, 3f};
    double[] p = new double[logits.length];
    double z = 0;
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp(logits[i]);
      z += p[i];
    }
    int n = 200_000;
    int[] counts = new int[logits.length];
    FastMultinomial s = new FastMultinomial(new SplittableRandom(11));
    for (int i = 0; i < n; i++) {
      counts[s.sample(logits.clone())]++;
    }
    for (int i = 0; i < logits.length; i++) {
      double q = p[i] / z;
      double sd = Math.sqrt(n * q * (1 - q));
      assertThat((double) counts[i]).as("token %d", i).isBetween(n * q - 5 * sd, n * q + 5 * sd);
    }
    assertThat(counts[3]).isZero();
  }

  @Test
  void fastMultinomialOverAWholeVocabularyWithBlocks() {
    // more than one block of 512, mass concentrated in the last block
    float[] logits = new float[2000];
    java.util.Arrays.fill(logits, -30f);
    logits[1999] = 5f;
    logits[600] = 5f;
    FastMultinomial s = new FastMultinomial(new SplittableRandom(3));
    int last = 0;
    for (int i = 0; i < 10_000; i++) {
      int t = s.sample(logits);
      assertThat(t).isIn(600, 1999);
      last += t == 1999 ? 1 : 0;
    }
    assertThat(last).isBetween(5000 - 250, 5000 + 250); // 5 sd of Binomial(10000, 1/2)
  }

  @Test
  void generationWithTheKeyIsDetectedAndWithoutItIsNot() {
    NGramModel model = TestModels.small();
    GreenListWatermark wm = TestModels.watermark(3);
    int[] prompt = TestModels.prompt("It was the first time that");
    SamplingLoop plainLoop = SamplingLoop.of(model).withTopK(100);
    SamplingLoop markedLoop = plainLoop.withWatermark(wm);
    for (long seed = 1; seed <= 3; seed++) {
      int[] marked = markedLoop.generate(prompt, 300, new SplittableRandom(seed));
      int[] plain = plainLoop.generate(prompt, 300, new SplittableRandom(seed));
      assertThat(marked).startsWith(prompt).hasSize(prompt.length + 300);
      DetectionResult m = wm.detector().detect(marked, prompt.length, 300);
      DetectionResult p = wm.detector().detect(plain, prompt.length, 300);
      assertThat(m.log10PValue()).as("watermarked, seed %d", seed).isLessThan(-8);
      assertThat(p.log10PValue()).as("plain, seed %d", seed).isGreaterThan(-3);
      assertThat(m.greenFraction()).isGreaterThan(0.4);
    }
    // nucleus sampling too (slower: top-p sorts the candidates every step)
    SamplingLoop nucleus = SamplingLoop.of(model).withTopP(0.9).withWatermark(wm);
    assertThat(wm.detector().detect(nucleus.generate(prompt, 150, new SplittableRandom(5)), prompt.length, 150)
        .log10PValue()).isLessThan(-4);
  }

  @Test
  void topOneIsGreedyAndLowTemperatureConcentrates() {
    NGramModel model = TestModels.small();
    int[] prompt = TestModels.prompt("The man");
    int[] greedy = java.util.Arrays.copyOf(prompt, prompt.length + 50);
    float[] logits = new float[model.vocabularySize()];
    for (int n = prompt.length; n < greedy.length; n++) {
      model.nextTokenLogits(greedy, n, logits);
      greedy[n] = io.tracemark.api.Samplers.greedy().sample(logits);
    }
    assertThat(SamplingLoop.of(model).withTopK(1).generate(prompt, 50, new SplittableRandom(1))).containsExactly(greedy);
    // at temperature 0.2 most steps pick the greedy token; at temperature 1 far fewer do
    int[] cold = SamplingLoop.of(model).withTemperature(0.2).generate(prompt, 50, new SplittableRandom(2));
    int[] warm = SamplingLoop.of(model).generate(prompt, 50, new SplittableRandom(2));
    assertThat(agreeWithGreedy(model, cold, prompt.length)).isGreaterThan(agreeWithGreedy(model, warm, prompt.length));
  }

  private static int agreeWithGreedy(NGramModel model, int[] tokens, int from) {
    float[] logits = new float[model.vocabularySize()];
    int agree = 0;
    for (int n = from; n < tokens.length; n++) {
      model.nextTokenLogits(tokens, n, logits);
      agree += io.tracemark.api.Samplers.greedy().sample(logits) == tokens[n] ? 1 : 0;
    }
    return agree;
  }

  /** FastTopP keeps exactly the tokens Samplers.topP keeps, on random logits and on the model's. */
  @Test
  void fastTopPMatchesTheApisTopP() {
    SplittableRandom r = new SplittableRandom(4);
    for (int trial = 0; trial < 200; trial++) {
      int v = 1 + r.nextInt(3000);
      float[] logits = new float[v];
      for (int i = 0; i < v; i++) {
        logits[i] = r.nextInt(10) == 0 ? Float.NEGATIVE_INFINITY : (float) (r.nextGaussian() * (1 + trial % 7));
      }
      logits[r.nextInt(v)] = 1f;
      double p = trial % 10 == 0 ? 1.0 : 0.05 + 0.9 * r.nextDouble();
      float[] a = logits.clone();
      float[] b = logits.clone();
      io.tracemark.api.Samplers.topP(p).process(a);
      new FastTopP(p).process(b);
      assertThat(b).as("trial %d, p %s", trial, p).isEqualTo(a);
    }
    // ties: all equal (everything kept), and a tie group straddling p (the whole group kept)
    float[][] ties = {{2f, 2f, 2f, 2f}, {3f, 1f, 1f, 1f, 1f, -5f}};
    for (float[] t : ties) {
      for (double p : new double[] {0.01, 0.5, 0.99}) {
        float[] a = t.clone();
        float[] b = t.clone();
        io.tracemark.api.Samplers.topP(p).process(a);
        new FastTopP(p).process(b);
        assertThat(b).as("ties %s, p %s", java.util.Arrays.toString(t), p).isEqualTo(a);
      }
    }
    NGramModel model = TestModels.small();
    int[] text = TestModels.brown().get(150).tokens();
    float[] logits = new float[model.vocabularySize()];
    for (int n = 1; n < 60; n++) {
      model.nextTokenLogits(text, n, logits);
      float[] a = logits.clone();
      io.tracemark.api.Samplers.topP(0.9).process(a);
      new FastTopP(0.9).process(logits);
      assertThat(logits).as("position %d", n).isEqualTo(a);
    }
  }
}
