package io.tracemark.examples.engines.llama3;

/**
 * Mirror of llama3.java's {@code Sampler} interface (named for its engine here, since tracemark's own
 * {@link io.tracemark.api.TokenSampler} is the same idea): picks the next token from the logits, and
 * sees nothing else.
 */
@FunctionalInterface
public interface Llama3Sampler {
  /** The id of the chosen token. */
  int sampleToken(FloatTensor logits);

  /** Greedy decoding. */
  Llama3Sampler ARGMAX = FloatTensor::argmax;
}
