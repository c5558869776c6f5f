package io.tracemark.examples.lm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextIdsTest {

  /** cl100k_base leaves 16 ids without text (100,256 and 100,261 to 100,275); the model never emits them. */
  @Test
  void idsWithoutTextAreKnown() {
    boolean[] text = TextIds.of("cl100k_base", 100_277);
    int without = 0;
    for (boolean t : text) {
      without += t ? 0 : 1;
    }
    assertThat(without).isEqualTo(16);
    assertThat(text[100_255]).isTrue();
    assertThat(text[100_256]).isFalse();
    assertThat(text[100_257]).as("<|endoftext|>").isTrue();
    assertThat(text[100_275]).isFalse();
    assertThat(TextIds.of("toy", 10)).containsOnly(true);
  }

  @Test
  void theModelGivesIdsWithoutTextProbabilityZero() {
    NGramModel m = NGramModel.train(java.util.List.of(new int[] {1, 2, 3, 1, 2, 4}), 2, 100_277, "cl100k_base");
    float[] logits = new float[100_277];
    m.nextTokenLogits(new int[] {2}, 1, logits);
    assertThat(logits[100_256]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(logits[100_270]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(logits[100_257]).isFinite();
    assertThat(logits[5]).isFinite();
    double sum = 0;
    for (float l : logits) {
      sum += Math.exp(l);
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
  }
}
