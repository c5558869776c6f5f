package io.tracemark.examples.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import io.tracemark.api.GreenListSpec;
import io.tracemark.api.GreenListWatermark;
import io.tracemark.core.Watermarks;
import io.tracemark.examples.demo.Seeds;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenizersTest {

  /** The recorded size is the encoding's: id V − 1 decodes, id V does not (it is unused or special). */
  @ParameterizedTest
  @ValueSource(strings = {"r50k_base", "cl100k_base"})
  void vocabularySizeIsTheEncodingsOrdinaryTokens(String name) {
    Encoding enc = Tokenizers.encoding(name);
    int v = Tokenizers.vocabularySize(name);
    IntArrayList last = new IntArrayList();
    last.add(v - 1);
    assertThat(enc.decodeBytes(last)).isNotEmpty();
    IntArrayList past = new IntArrayList();
    past.add(v);
    boolean decodes;
    try {
      decodes = enc.decodeBytes(past).length > 0 && !enc.decode(past).startsWith("<|");
    } catch (RuntimeException e) {
      decodes = false;
    }
    assertThat(decodes).as("id %d decodes to an ordinary token", v).isFalse();
  }

  @Test
  void unknownTokenizerNamesTheChoices() {
    assertThatThrownBy(() -> Tokenizers.vocabularySize("gpt9"))
        .hasMessageStartingWith("tokenizer must be one of r50k_base").hasMessageEndingWith("was \"gpt9\"");
  }

  /**
   * The verifier records cl100k_base as 100,277 ids (special tokens included); this module uses the
   * 100,256 ordinary ones. Green lists do not depend on the vocabulary size (the PRF's per-token tag
   * depends on the key and the id only), so text generated here is scored identically there.
   */
  @Test
  void greenListsDoNotDependOnTheVocabularySize() {
    GreenListSpec spec = GreenListSpec.parse("kgw:gamma=0.25,delta=2,h=1");
    GreenListWatermark a = Watermarks.greenList(Seeds.demoKey(5), spec, 100_256);
    GreenListWatermark b = Watermarks.greenList(Seeds.demoKey(5), spec, 100_277);
    SplittableRandom r = new SplittableRandom(1);
    int[] t = new int[2];
    for (int i = 0; i < 10_000; i++) {
      t[0] = r.nextInt(100_256);
      t[1] = r.nextInt(100_256);
      assertThat(a.isGreen(t, 1)).isEqualTo(b.isGreen(t, 1));
    }
  }
}
