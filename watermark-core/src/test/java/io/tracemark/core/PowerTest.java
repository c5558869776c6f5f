package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.Detection;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.TokenSampler;
import io.tracemark.core.sampling.Samplers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Power in a synthetic sampling loop: every next-token distribution is a Zipf law p(rank r) ∝
 * r^-1.5 over the 32,000-token vocabulary, whose entropy is 3.14 nats (measured and asserted to
 * lie in [2, 4]), with the ranks assigned to token ids by a fresh pseudo-random affine bijection
 * at each step; δ = 2, γ = 0.25; 200 sequences of 200 tokens. At least 95 % must reach p < 1e-6.
 */
@Tag("slow")
class PowerTest {
  static final int VOCAB = 32_000;
  static final double ZIPF = 1.5;

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void ninetyFivePercentOfWatermarkedSequencesReachOneInAMillion(int h) {
    SplittableRandom r = new SplittableRandom(1000 + h);
    float[] profile = new float[VOCAB];
    for (int rank = 0; rank < VOCAB; rank++) {
      profile[rank] = (float) (-ZIPF * Math.log(rank + 1));
    }
    KgwWatermark wm = new KgwWatermark(KgwWatermarkTest.key(h), KgwSpec.of(0.25, 2, h), VOCAB);
    TokenSampler draw = Samplers.multinomial(r.split());
    int sequences = 200;
    int length = 200;
    int reached = 0;
    double entropySum = 0;
    long steps = 0;
    double minLog10 = 0;
    double sumLog10 = 0;
    float[] logits = new float[VOCAB];
    for (int s = 0; s < sequences; s++) {
      int[] tokens = new int[length];
      for (int i = 0; i < h; i++) {
        tokens[i] = r.nextInt(VOCAB);
      }
      for (int n = h; n < length; n++) {
        // token id of rank q: (offset + q * stride) mod V, stride coprime with V = 2^8 * 5^3
        int offset = r.nextInt(VOCAB);
        int stride;
        do {
          stride = 1 + r.nextInt(VOCAB - 1);
        } while (stride % 2 == 0 || stride % 5 == 0);
        for (int q = 0, id = offset; q < VOCAB; q++) {
          logits[id] = profile[q];
          id += stride;
          if (id >= VOCAB) {
            id -= VOCAB;
          }
        }
        if (s < 20) {
          entropySum += entropy(logits);
          steps++;
        }
        wm.apply(tokens, n, logits);
        tokens[n] = draw.sample(logits);
      }
      Detection res = wm.detector().detect(tokens);
      reached += res.log10PValue() < -6 ? 1 : 0;
      minLog10 = Math.min(minLog10, res.log10PValue());
      sumLog10 += res.log10PValue();
    }
    double meanEntropy = entropySum / steps;
    System.out.printf(java.util.Locale.ROOT,
        "power h=%d: mean entropy %.2f nats, %d/%d sequences with p < 1e-6, mean log10 p %.1f%n",
        h, meanEntropy, reached, sequences, sumLog10 / sequences);
    assertThat(meanEntropy).isBetween(2.0, 4.0);
    assertThat(reached).isGreaterThanOrEqualTo(190);
  }

  static double entropy(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double z = 0;
    double s = 0;
    for (float v : logits) {
      double e = Math.exp(v - max);
      z += e;
      s += e * (v - max);
    }
    return Math.log(z) - s / z;
  }
}
