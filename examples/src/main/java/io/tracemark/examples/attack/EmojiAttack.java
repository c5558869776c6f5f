package io.tracemark.examples.attack;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.SchemeSpec;
import java.util.Arrays;

/**
 * The emoji attack (Kirchenbauer et al.): the attacker asks the model to write a symbol after every
 * word of its answer, then deletes the symbols. The watermark's green list at each position was
 * seeded by a context that ended in the symbol, which is gone from the published text, so a
 * detector that reads the published text recomputes other green lists. Its effect is on
 * generation, not on a finished text: it is simulated by generating with the symbols in the
 * watermark's context and recording the answer without them.
 *
 * <p>Simulation: the language model reads the answer without the symbols (a real model would write
 * the same words with the symbols in between, which an n-gram model cannot imitate), while the
 * watermark reads the context with the symbol tokens after every answer token (cl100k tokens of
 * English are mostly whole words; a symbol after a sub-word piece only makes the attack stronger).
 * The prompt carries no symbols. With h = 0 the green list does not depend on the context, so the
 * attack cannot change it.
 */
public final class EmojiAttack {
  private final int[] symbol;

  /**
   * @param symbol the token ids of the symbol (for example the tokenizer's encoding of " 😀")
   * @throws IllegalArgumentException when the symbol has no token or a negative id
   */
  public EmojiAttack(int[] symbol) {
    Checks.require(symbol.length >= 1, "the symbol must have at least one token, had %d", symbol.length);
    for (int i = 0; i < symbol.length; i++) {
      Checks.require(symbol[i] >= 0, "symbol token %d must be >= 0, was %d", i, symbol[i]);
    }
    this.symbol = symbol.clone();
  }

  /** The name in tables. */
  public String name() {
    return "emoji";
  }

  /** The symbol's token ids. */
  public int[] symbol() {
    return symbol.clone();
  }

  /**
   * The watermark as the attacked generation applies it to one answer of the prompt of length
   * {@code promptLength}: the wrapped scheme sees the context with the symbol after every answer
   * token. Not thread-safe (it keeps a buffer): one per sequence.
   */
  public BiasScheme biasFor(BiasScheme watermark, int promptLength) {
    Checks.require(promptLength >= 0, "promptLength must be >= 0, was %d", promptLength);
    return new SymbolContextBias(watermark, promptLength, symbol);
  }

  /** The context the watermark sees: {@code tokens[0, length)} with the symbol after every token from {@code promptLength} on. */
  public int[] withSymbols(int[] tokens, int length, int promptLength) {
    Checks.require(length >= promptLength && length <= tokens.length,
        "length must be between promptLength=%d and tokens.length=%d, was %d", promptLength, tokens.length, length);
    int[] out = new int[promptLength + (length - promptLength) * (1 + symbol.length)];
    fill(tokens, length, promptLength, symbol, out);
    return out;
  }

  /** Writes the context with symbols into {@code out}; returns its length. */
  private static int fill(int[] tokens, int length, int promptLength, int[] symbol, int[] out) {
    System.arraycopy(tokens, 0, out, 0, promptLength);
    int w = promptLength;
    for (int i = promptLength; i < length; i++) {
      out[w++] = tokens[i];
      System.arraycopy(symbol, 0, out, w, symbol.length);
      w += symbol.length;
    }
    return w;
  }

  private static final class SymbolContextBias implements BiasScheme {
    private final BiasScheme inner;
    private final int promptLength;
    private final int[] symbol;
    private int[] buffer = new int[64];

    SymbolContextBias(BiasScheme inner, int promptLength, int[] symbol) {
      this.inner = inner;
      this.promptLength = promptLength;
      this.symbol = symbol;
    }

    @Override
    public void apply(int[] tokens, int length, float[] logits) {
      Checks.require(length >= promptLength, "length must be >= the prompt length %d, was %d", promptLength, length);
      int n = promptLength + (length - promptLength) * (1 + symbol.length);
      if (buffer.length < n) {
        buffer = Arrays.copyOf(buffer, Math.max(n, buffer.length * 2));
      }
      inner.apply(buffer, fill(tokens, length, promptLength, symbol, buffer), logits);
    }

    @Override
    public int vocabularySize() {
      return inner.vocabularySize();
    }

    @Override
    public SchemeSpec spec() {
      return inner.spec();
    }
  }
}
