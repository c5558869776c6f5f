package io.tracemark.examples.lm;

import io.tracemark.verifier.text.TextTokenizer;

/**
 * The tokenizers of the embedded model: the verifier's registry
 * ({@link io.tracemark.verifier.text.Tokenizers}), so that model, watermark, demo and
 * {@code tracemark verify} use one vocabulary size per encoding — one past the largest token id,
 * special tokens included (100,277 for {@code cl100k_base}), because a green list and a report are
 * functions of it. Text is encoded without special tokens.
 */
public final class Tokenizers {
  private Tokenizers() {}

  /** The default encoding. */
  public static final String DEFAULT = "cl100k_base";

  /**
   * The JTokkit encoding of that name ({@code r50k_base}, {@code p50k_base}, {@code p50k_edit},
   * {@code cl100k_base}, {@code o200k_base}).
   *
   * @throws IllegalArgumentException naming the choices when the name is not one of them
   */
  public static TextTokenizer get(String name) {
    return io.tracemark.verifier.text.Tokenizers.jtokkit(name.trim());
  }

  /**
   * Which ids in {@code [0, n)} stand for text: every id the encoding decodes. The other ids of
   * the range (cl100k_base leaves 16 unassigned, such as 100,256) are never emitted by the
   * embedded model. A name that is not an encoding (models of a toy vocabulary in tests) has every
   * id.
   */
  static boolean[] hasText(String name, int n) {
    boolean[] out = new boolean[n];
    TextTokenizer tok;
    try {
      tok = get(name);
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
