package io.tracemark.verifier;

/**
 * An open suspect model, queried in "reading mode": given a prefix of the owner's watermarked
 * text it returns its next-token logits, and the verifier scores its top-1 prediction against the
 * window that precedes it.
 *
 * <p>The verifier calls it from one thread at a time, position by position; implementations may
 * keep a KV cache keyed on the prefix.
 */
public interface SuspectModel {
  /** The length of the logits vector; predictions at or past the scheme's vocabulary are not scored. */
  int vocabularySize();

  /**
   * Writes the next-token logits after {@code tokens[0, length)} into {@code logits}, which has
   * {@link #vocabularySize()} entries. Must not modify {@code tokens}.
   */
  void nextTokenLogits(int[] tokens, int length, float[] logits);
}
