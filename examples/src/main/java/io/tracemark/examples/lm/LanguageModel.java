package io.tracemark.examples.lm;

/**
 * The one thing a sampling loop needs from a model: next-token logits over the whole vocabulary.
 * This is the shape of a neural model's forward pass in llama3.java, Jlama or DJL, so a loop
 * written against it is the loop a user writes for a real model. Implementations document their
 * thread-safety.
 */
public interface LanguageModel {
  /** Token ids lie in {@code [0, vocabularySize())}; {@code logits.length} must equal it. */
  int vocabularySize();

  /**
   * Writes into {@code logits} the next-token logits after the first {@code length} tokens of
   * {@code tokens} (softmax of the logits is the model's next-token distribution).
   *
   * @throws IllegalArgumentException if {@code logits.length != vocabularySize()}, {@code length}
   *     is out of range, or a context token id is outside the vocabulary
   */
  void nextTokenLogits(int[] tokens, int length, float[] logits);
}
