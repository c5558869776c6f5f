package io.tracemark.api;

import java.util.random.RandomGenerator;

/**
 * A watermark that replaces the engine's random draw (Gumbel/Aaronson family, tournaments): the
 * next token is chosen by keyed pseudo-random numbers seeded by the context. Implementations are
 * immutable and thread-safe; whatever randomness a draw needs beyond the keyed numbers (e.g. for
 * a context that is not watermarked) comes from the caller's generator.
 */
public interface SamplingScheme {
  /**
   * Chooses the next token after the first {@code length} tokens of {@code tokens} from the
   * next-token {@code logits} (after the engine's temperature / top-k / top-p), drawing any
   * randomness it needs from {@code random} (use one generator per sequence).
   *
   * @throws IllegalArgumentException if {@code logits.length} exceeds the vocabulary size or
   *     {@code length} is out of range
   */
  int sample(int[] tokens, int length, float[] logits, RandomGenerator random);

  /** The vocabulary size this scheme was built for. */
  int vocabularySize();

  /** The specification of this scheme. */
  SchemeSpec spec();
}
