package io.tracemark.api;

/**
 * A language model as tracemark sees it: next-token logits over the whole vocabulary after a
 * prefix. This is the shape of a neural model's forward pass in llama3.java, Jlama or DJL, so one
 * interface serves the owner's model in a sampling loop, a student trained on its outputs, and a
 * suspect model read by the verifier ("reading mode"). Implementations document their
 * thread-safety; one that keeps a cache keyed on the prefix is used from one thread at a time.
 */
public interface LogitsModel {
  /** Token ids lie in {@code [0, vocabularySize())}; {@code logits.length} must equal it. */
  int vocabularySize();

  /**
   * Writes into {@code logits} the next-token logits after the first {@code length} tokens of
   * {@code tokens} (softmax of the logits is the model's next-token distribution). Does not modify
   * {@code tokens}.
   *
   * @throws IllegalArgumentException if {@code logits.length != vocabularySize()}, {@code length}
   *     is out of range, or a context token id is outside the vocabulary
   */
  void nextTokenLogits(int[] tokens, int length, float[] logits);
}
