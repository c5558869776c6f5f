package io.tracemark.api;

/**
 * A watermark that biases the logits of one generation step (the green-list family).
 *
 * <p>Call {@link #apply} after the engine's own logits processors (temperature, top-k, top-p)
 * and before the final draw: masked tokens ({@code -Infinity}) stay masked, and the bias then has
 * the strength δ the specification states. Implementations are immutable and thread-safe; one
 * instance serves every sequence.
 */
public interface BiasScheme {
  /**
   * Adds the watermark bias in place to {@code logits}, the next-token logits after the first
   * {@code length} tokens of {@code tokens}. Reads only the last h tokens of
   * {@code tokens[0, length)}. Allocates nothing.
   *
   * @throws IllegalArgumentException if {@code logits.length} differs from the vocabulary size,
   *     a logit is NaN, {@code length} is out of range, or a context token id is outside the
   *     vocabulary
   */
  void apply(int[] tokens, int length, float[] logits);

  /** The vocabulary size this scheme was built for. */
  int vocabularySize();

  /** The specification of this scheme. */
  SchemeSpec spec();
}
