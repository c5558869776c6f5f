package io.tracemark.api;

/**
 * An in-place transformation of next-token logits that does not depend on the context, such as
 * temperature, top-k or top-p. The standard ones are made by
 * {@code io.tracemark.core.sampling.Samplers}; implementations document their thread-safety.
 */
@FunctionalInterface
public interface LogitsProcessor {
  /** Transforms {@code logits} in place. */
  void process(float[] logits);
}
