package io.tracemark.examples.engines.llama3;

/** Mirror of llama3.java's {@code Sampler}: picks the next token from the logits, and sees nothing else. */
@FunctionalInterface
public interface Sampler {
  /** The id of the chosen token. */
  int sampleToken(FloatTensor logits);

  /** Greedy decoding. */
  Sampler ARGMAX = FloatTensor::argmax;
}
