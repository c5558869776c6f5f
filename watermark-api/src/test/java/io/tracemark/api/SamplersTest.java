package io.tracemark.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
    Sampler s = Samplers.multinomial(new SplittableRandom(7));
    int n = 40_000;
    int ones = 0;
    for (int i = 0; i < n; i++) {
      int t = s.sample(logits);
      assertThat(t).isNotEqualTo(2);
      ones += t;
    }
    // p = 0.75; 99.9% interval half-width 3.29 * sqrt(p(1-p)/n)
    assertThat(ones / (double) n).isCloseTo(0.75, within(3.29 * Math.sqrt(0.75 * 0.25 / n)));
  }

  @Test
  void topKAndTopPMaskTheTail() {
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
}
