package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.TokenScorer;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dual-key per-token transform is exactly Exp(1) under the null, whatever α. */
class VllmDualKeyTest {

  /** The tail formula against simulated (1 − α)·E1 + α·E2 (seeded; 5σ binomial tolerance). */
  @ParameterizedTest
  @ValueSource(doubles = {0.1, 0.3, 0.5, 0.7, 0.9})
  void transformIsUniformOnSimulatedNull(double alpha) {
    VllmGumbelWatermark p = (VllmGumbelWatermark) GoldenVectors.watermark(
        "vllm:algorithm=dual_key_gumbel,key=1,alpha=" + alpha);
    SplittableRandom rng = new SplittableRandom(42);
    int n = 200_000;
    double[] quantiles = {0.1, 0.5, 0.9, 0.99};
    int[] below = new int[quantiles.length];
    for (int i = 0; i < n; i++) {
      double x = (1 - alpha) * -Math.log(1 - rng.nextDouble()) + alpha * -Math.log(1 - rng.nextDouble());
      double u = 1 - Math.exp(-p.exactScore(x)); // the null CDF at x
      for (int q = 0; q < quantiles.length; q++) {
        if (u < quantiles[q]) {
          below[q]++;
        }
      }
    }
    for (int q = 0; q < quantiles.length; q++) {
      double sd = Math.sqrt(n * quantiles[q] * (1 - quantiles[q]));
      assertThat((double) below[q]).as("quantile %s", quantiles[q]).isCloseTo(n * quantiles[q], within(5 * sd));
    }
  }

  /** The PRF's scores on random text under a key: mean 1, like Exp(1) (5σ). */
  @ParameterizedTest
  @ValueSource(strings = {"vllm:algorithm=gumbel,key=7,vocab=50000",
      "vllm:algorithm=dual_key_gumbel,key=7,alpha=0.1,vocab=50000",
      "vllm:algorithm=dual_key_gumbel,key=7,alpha=0.5,vocab=50000"})
  void scorerIsExponentialOnRandomText(String spec) {
    TokenScorer s = GoldenVectors.watermark(spec).scorer();
    int[] tokens = new SplittableRandom(3).ints(40_004, 0, 50_000).toArray();
    double sum = 0;
    int n = 0;
    for (int i = s.contextWidth(); i < tokens.length; i++) {
      sum += s.score(tokens, i);
      n++;
    }
    assertThat(sum / n).isCloseTo(1.0, within(5 / Math.sqrt(n)));
  }
}
