package io.tracemark.examples.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.verifier.text.TextTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenizersTest {

  /**
   * One vocabulary rule for the model, the demo and {@code tracemark verify}: the verifier's
   * registry, one past the largest id with special tokens included.
   */
  @ParameterizedTest
  @CsvSource({"r50k_base, 50257", "cl100k_base, 100277", "o200k_base, 200019"})
  void theExamplesUseTheVerifiersVocabulary(String name, int vocabulary) {
    TextTokenizer tok = Tokenizers.get(name);
    assertThat(tok.vocabularySize()).isEqualTo(vocabulary)
        .isEqualTo(io.tracemark.verifier.text.Tokenizers.byNameOrPath(name).vocabularySize());
    assertThat(tok.name()).isEqualTo(name);
  }

  /** cl100k_base leaves 16 ids without text (100,256 and 100,261 to 100,275); the model never emits them. */
  @Test
  void idsWithoutTextAreKnown() {
    boolean[] text = Tokenizers.hasText("cl100k_base", 100_277);
    int without = 0;
    for (boolean t : text) {
      without += t ? 0 : 1;
    }
    assertThat(without).isEqualTo(16);
    assertThat(text[100_255]).isTrue();
    assertThat(text[100_256]).isFalse();
    assertThat(text[100_257]).as("<|endoftext|>").isTrue();
    assertThat(text[100_275]).isFalse();
    assertThat(Tokenizers.hasText("toy", 10)).containsOnly(true);
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

  @Test
  void unknownTokenizerNamesTheChoices() {
    assertThatThrownBy(() -> Tokenizers.get("gpt9")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tokenizer must be one of").hasMessageEndingWith("was \"gpt9\"");
  }
}
