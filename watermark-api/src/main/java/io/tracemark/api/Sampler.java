package io.tracemark.api;

/** Picks the next token from (already processed and watermarked) logits. */
@FunctionalInterface
public interface Sampler {
  /** Returns the id of the chosen token. */
  int sample(float[] logits);
}
