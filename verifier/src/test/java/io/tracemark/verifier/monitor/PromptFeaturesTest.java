package io.tracemark.verifier.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.core.internal.Mix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PromptFeaturesTest {
  /**
   * The word hashes by the definition, one character at a time with {@link Character}'s
   * predicates: a word is a maximal run of letters and digits, hashed (FNV-1a over its lowercase
   * characters, then fmix64) unless it has a digit or is longer than 24 characters.
   */
  private static long[] referenceWords(String text) {
    List<Long> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      if (!Character.isLetterOrDigit(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      long h = 0xcbf29ce484222325L;
      boolean digit = false;
      while (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
        char c = text.charAt(i++);
        digit |= Character.isDigit(c);
        h = (h ^ Character.toLowerCase(c)) * 0x100000001b3L;
      }
      out.add(digit || i - start > PromptFeatures.LONG_WORD ? Mix.fmix64(0x6d61736b6564L) : Mix.fmix64(h));
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** Random text over ASCII, Latin-1, Greek, Cyrillic, CJK, Hangul, non-ASCII digits and others. */
  private static String randomText(SplittableRandom rnd) {
    char[][] ranges = {{' ', '~'}, {'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {0xa0, 0xff}, {0x370, 0x3ff},
        {0x400, 0x4ff}, {0x660, 0x669}, {0x4e00, 0x4e40}, {0xac00, 0xac40}, {0xff10, 0xff5a}, {0x2000, 0x206f}};
    StringBuilder b = new StringBuilder();
    for (int n = rnd.nextInt(0, 120); n > 0; n--) {
      char[] r = ranges[rnd.nextInt(ranges.length)];
      b.append((char) rnd.nextInt(r[0], r[1] + 1));
      if (rnd.nextInt(5) == 0) {
        b.append(' ');
      }
    }
    return b.toString();
  }

  @Test
  void theWordsAreTheDefinitionsOnAnyText() {
    SplittableRandom rnd = new SplittableRandom(5);
    PromptFeatures f = new PromptFeatures();
    PromptFeatures byTokens = new PromptFeatures();
    for (int t = 0; t < 4_000; t++) {
      String text = randomText(rnd);
      long[] words = referenceWords(text);
      f.ofText(text);
      assertThat(f.words).as(text).isEqualTo(words.length);
      assertThat(f.hasWords).isEqualTo(words.length > 0);
      // the vector and the band keys are a function of the word hashes alone
      byTokens.ofWordHashes(words);
      assertThat(f.vector).as(text).containsExactly(byTokens.vector);
      assertThat(f.bandKeys).as(text).containsExactly(byTokens.bandKeys);
    }
  }

  @Test
  void caseIsFoldedAndDigitsAndLongWordsAreMasked() {
    String text = "Explain Photosynthesis step by step, item #42, in ÉTÉ and été; ключ КЛЮЧ x7 "
        + "abcdefghijklmnopqrstuvwxyz";
    PromptFeatures f = new PromptFeatures();
    f.ofText(text);
    long[] w = referenceWords(text);
    assertThat(f.words).isEqualTo(w.length).isEqualTo(15);
    assertThat(w[2]).isEqualTo(w[4]);
    assertThat(w[8]).isEqualTo(w[10]).isNotEqualTo(w[9]);
    assertThat(w[11]).isEqualTo(w[12]);
    assertThat(w[6]).isEqualTo(w[13]).isEqualTo(w[14]).isNotEqualTo(w[5]);
  }
}
