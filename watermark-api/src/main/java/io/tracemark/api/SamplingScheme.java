package io.tracemark.api;

/**
 * A watermark that replaces the engine's random draw (Gumbel/Aaronson family, tournaments): the
 * next token is chosen by keyed pseudo-random numbers seeded by the context.
 * Implementations are immutable and thread-safe.
 */
public interface SamplingScheme {
  /**
   * Chooses the next token after the first {@code length} tokens of {@code tokens} from the
   * next-token {@code logits} (after the engine's temperature / top-k / top-p).
   */
  int sample(int[] tokens, int length, float[] logits);

  /** The vocabulary size this scheme was built for. */
  int vocabularySize();

  /** The specification of this scheme. */
  SchemeSpec spec();
}
