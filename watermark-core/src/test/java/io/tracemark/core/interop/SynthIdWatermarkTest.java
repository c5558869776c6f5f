package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.HfSynthIdSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.Watermark;
import io.tracemark.core.Watermarks;
import io.tracemark.core.stats.PValues;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SynthIdWatermarkTest {
  static SynthIdWatermark watermark(String spec, int vocab) {
    return (SynthIdWatermark) Watermarks.create(null, SchemeSpec.parse(spec), vocab);
  }

  /**
   * Beyond the context history a repeated n-gram is scored again (as the reference does), but its
   * g-values are the same bits: the p-value counts each unit once, so a periodic text of 4 n-grams
   * is evidence of 4·m bits, not of T·m.
   */
  @Test
  void aUnitMetTwiceCountsOnceInThePValue() {
    SynthIdWatermark wm = watermark("hf-synthid:keys=11/22,ngram-len=2,gvals=hash,context-history=1", 100);
    int[] tokens = new int[200];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = 1 + i % 4;
    }
    Detection d = wm.detector().detect(tokens);
    assertThat(d.tuplesScored()).isEqualTo(199); // no context repeats within a history of 1
    long ones = 0;
    for (int j = 1; j <= 4; j++) {
      long context = wm.contextHash(tokens, j - 1);
      for (int l = 0; l < 2; l++) {
        ones += wm.gValue(wm.layerKey(context, tokens[j], l));
      }
    }
    assertThat(d.log10PValue()).isEqualTo(PValues.log10BinomialUpperTail(8, ones, 0.5));
    assertThat(d.score()).isGreaterThan(ones); // the reference's statistic counts every scored n-gram
  }

  @Test
  void masksSayWhyAPositionIsNotScored() {
    SynthIdWatermark wm = watermark("hf-synthid:keys=5/6/7,ngram-len=3,gvals=table,eos-token-id=9", 10);
    Detection d = wm.detector().detect(new int[] {1, 2, 3, 1, 2, 4, 9, 5, 5});
    // n-grams end at 2..8: (1 2)3 scored, (2 3)1, (3 1)2, (1 2)4 repeats context (1 2), EOS at 6 and after
    String m = d.mask().toString();
    assertThat(m).startsWith("cc").endsWith("xxx");
    assertThat(m.charAt(5)).isEqualTo('d');
    assertThat(d.tuplesScored()).isEqualTo(3);
    assertThat(wm.detector(DedupMode.NONE).detect(new int[] {1, 2, 3, 1, 2, 4, 9, 5, 5}).tuplesScored()).isEqualTo(4);
    assertThat(wm.detector().detect(new int[] {1, 2}).tuplesScored()).isZero();
    assertThat(wm.detector().detect(new int[] {1, 2}).log10PValue()).isZero();
    assertThatThrownBy(() -> wm.detector(DedupMode.WINDOW_AND_TOKEN)).hasMessageContaining("window")
        .hasMessageContaining("none");
    assertThatThrownBy(() -> wm.detector().detect(new int[] {1, 2, 10}))
        .hasMessage("token id at index 2 must be between 0 and 9, was 10");
  }

  @Test
  void theTableLawUsesTheTablesFractionOfOnes() {
    Watermark wm = Watermarks.create(null, SchemeSpec.parse("hf-synthid:keys=1/2,ngram-len=2,gvals=table"), 100);
    assertThat(wm.scorer().nullDistribution())
        .isEqualTo(new NullDistribution.LayeredBinomial(new int[] {1, 1}, 32743 / 65536.0));
    assertThat(wm.toString()).doesNotContain("keys=1/2");
  }

  /**
   * Calibration: 20,000 texts independent of the keys (uniform tokens, 60 per text) reject at α no
   * more often than α allows (one-sided binomial bound at z = 3.29, i.e. 0.05% of runs fail by
   * chance), and the discrete tails are not far below α (at least a third of it).
   */
  @ParameterizedTest
  @ValueSource(strings = {"gvals=hash", "gvals=table", "gvals=hash,score=weighted-mean",
      "gvals=table,score=weighted-mean"})
  void nullRejectionRatesStayWithinAlpha(String params) {
    Watermark wm = Watermarks.create(null, SchemeSpec.parse(
        "hf-synthid:keys=654/400/836/123/340,ngram-len=3," + params), 5000);
    SplittableRandom random = new SplittableRandom(params.hashCode());
    int runs = 20_000;
    int[] rejected = new int[2];
    double[] alphas = {1e-2, 1e-3};
    for (int r = 0; r < runs; r++) {
      int[] tokens = random.ints(60, 0, 5000).toArray();
      double lp = wm.detector().detect(tokens).log10PValue();
      for (int a = 0; a < 2; a++) {
        if (lp <= Math.log10(alphas[a])) {
          rejected[a]++;
        }
      }
    }
    for (int a = 0; a < 2; a++) {
      double mean = runs * alphas[a];
      double sd = Math.sqrt(mean * (1 - alphas[a]));
      assertThat((double) rejected[a]).as("rejections at %s", alphas[a]).isLessThanOrEqualTo(mean + 3.29 * sd);
      assertThat((double) rejected[a]).as("rejections at %s", alphas[a]).isGreaterThanOrEqualTo(mean / 3);
    }
  }

  /** A toy model's logits: N(0, 1)·scale, fresh at every step (entropy of about 4.5 nats at scale 1.5). */
  static float[] logits(SplittableRandom random, int vocab, double scale) {
    float[] x = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      x[i] = (float) (gaussian(random) * scale);
    }
    return x;
  }

  static double gaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
  }

  /** Power in the synthetic loop: 200 tokens generated with the tournament are detected at α = 1e-3. */
  @ParameterizedTest
  @ValueSource(strings = {"gvals=hash", "gvals=table"})
  void generatedTextIsDetectedAt200Tokens(String params) {
    StringBuilder keys = new StringBuilder();
    SplittableRandom kr = new SplittableRandom(3);
    for (int l = 0; l < 30; l++) {
      keys.append(l == 0 ? "" : "/").append(kr.nextLong());
    }
    Watermark wm = Watermarks.create(null, SchemeSpec.parse("hf-synthid:keys=" + keys + ",ngram-len=5," + params),
        1000);
    SamplingScheme s = wm.sampling().orElseThrow();
    SplittableRandom random = new SplittableRandom(17);
    int runs = 40;
    int detected = 0;
    for (int r = 0; r < runs; r++) {
      int[] tokens = new int[200];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = s.sample(tokens, i, logits(random, 1000, 2.0), random);
      }
      if (wm.detector().detect(tokens).significantAt(1e-3)) {
        detected++;
      }
    }
    assertThat(detected).isGreaterThanOrEqualTo(runs * 9 / 10);
  }

  /**
   * The sampler draws from the tournament's distribution: over a 6-token vocabulary, 60,000 draws
   * in one context match p within 4.5 standard deviations per token.
   */
  @Test
  void theSamplerDrawsFromTheTournament() {
    SynthIdWatermark wm = watermark("hf-synthid:keys=9/8/7/6,ngram-len=2,gvals=hash", 6);
    float[] logits = {0.5f, 0.1f, -0.3f, 1.2f, 0f, Float.NEGATIVE_INFINITY};
    int[] tokens = {3, 0};
    boolean[] w = new boolean[1];
    double[] p = new double[6];
    wm.tournament(logits, null, 6, wm.generationContext(tokens, 1, false, w), w[0], p);
    assertThat(w[0]).isTrue();
    double[] plain = new double[6];
    wm.tournament(logits, null, 6, 0, false, plain);
    assertThat(p).isNotEqualTo(plain);
    assertThat(p[5]).isZero();
    SplittableRandom random = new SplittableRandom(5);
    int draws = 60_000;
    int[] counts = new int[6];
    for (int i = 0; i < draws; i++) {
      counts[wm.sampling().orElseThrow().sample(tokens, 1, logits, random)]++;
    }
    for (int t = 0; t < 6; t++) {
      double sd = Math.sqrt(draws * p[t] * (1 - p[t]));
      assertThat((double) counts[t]).as("token %d", t).isBetween(draws * p[t] - 4.5 * sd - 1e-9,
          draws * p[t] + 4.5 * sd + 1e-9);
    }
  }

  @Test
  void aRepeatedContextIsNotWatermarked() {
    SynthIdWatermark wm = watermark("hf-synthid:keys=9/8,ngram-len=3,gvals=hash,context-history=2", 50);
    boolean[] w = new boolean[1];
    int[] out = {4, 5, 4, 5, 4, 5, 7, 7};
    wm.generationContext(out, 0, false, w);
    assertThat(w[0]).isTrue(); // context (0 0)
    wm.generationContext(out, 4, false, w);
    assertThat(w[0]).isFalse(); // (4 5) was the context of call 2
    wm.generationContext(out, 2, true, w);
    assertThat(w[0]).isTrue(); // the first N - 1 calls are skipped and kept out of the history
    wm.generationContext(out, 1, true, w);
    assertThat(w[0]).isFalse();
  }
}
