package io.tracemark.examples.lm;

import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;

/**
 * Which token ids of an encoding stand for text. The model's vocabulary is the verifier's
 * ({@link Tokenizers}: one past the largest id, special tokens included, 100,277 for
 * {@code cl100k_base}); the ids of that range without text (cl100k_base leaves 16 unassigned, such
 * as 100,256) get probability 0, so the model never emits them.
 */
final class TextIds {
  private TextIds() {}

  /**
   * For each id in {@code [0, n)}: whether the encoding {@code name} decodes it. A name that is not
   * an encoding (models of a toy vocabulary in tests) has every id.
   */
  static boolean[] of(String name, int n) {
    boolean[] out = new boolean[n];
    TextTokenizer tok;
    try {
      tok = Tokenizers.jtokkit(name);
    } catch (IllegalArgumentException e) {
      java.util.Arrays.fill(out, true);
      return out;
    }
    int[] one = new int[1];
    for (int id = 0; id < n; id++) {
      one[0] = id;
      try {
        tok.decode(one);
        out[id] = true;
      } catch (RuntimeException e) {
        out[id] = false; // JTokkit has no bytes for this id
      }
    }
    return out;
  }
}
