package io.tracemark.api;

/**
 * Picks the next token from (already processed and watermarked) logits: the engine's final draw.
 * The standard ones (greedy, multinomial) are made by {@code io.tracemark.core.sampling.Samplers};
 * implementations document their thread-safety.
 */
@FunctionalInterface
public interface TokenSampler {
  /**
   * Returns the id of the chosen token, an index of {@code logits}.
   *
   * @throws IllegalArgumentException if a logit is NaN or every logit is {@code -Infinity}
   */
  int sample(float[] logits);
}
