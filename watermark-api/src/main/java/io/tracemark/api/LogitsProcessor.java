package io.tracemark.api;

/**
 * An in-place transformation of next-token logits that does not depend on the context, such as
 * temperature, top-k or top-p. See {@link Samplers} for the standard ones.
 */
@FunctionalInterface
public interface LogitsProcessor {
  /** Transforms {@code logits} in place. */
  void process(float[] logits);
}
