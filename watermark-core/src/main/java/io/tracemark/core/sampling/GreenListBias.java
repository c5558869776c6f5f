package io.tracemark.core.sampling;

import io.tracemark.api.BiasScheme;

/**
 * A bias scheme whose bias is δ added to the logits of a keyed green list that can be tested one
 * token at a time, in O(1) of the vocabulary: what the fast sampling paths of
 * {@link WatermarkSession} need ({@link WatermarkSession#sampleByRejection},
 * {@link WatermarkSession#sampleCandidates}). tracemark's own green list ({@code kgw:}, both
 * seedings) is one; {@code Watermarks.create} returns it as the watermark's bias. The interop
 * green lists ({@code lmw:}, {@code hf:}) are not: their green list of a context is a
 * {@code torch.randperm} of the whole vocabulary, so testing one token costs the whole
 * permutation. Implementations are immutable and thread-safe; a {@link Probe} is not.
 */
public interface GreenListBias extends BiasScheme {
  /** δ, the bias {@link #apply} adds to a green token's logit. */
  double delta();

  /** A new probe for one sequence (not thread-safe). */
  Probe newProbe();

  /**
   * Green-list membership at one position of one sequence: {@link #seek} sets the context (one
   * keyed hash for left seeding), then {@link #isGreen} costs one mix per token. It agrees exactly
   * with {@link GreenListBias#apply}'s bias for left seeding and with the detector's score for
   * both seedings. Not thread-safe.
   */
  interface Probe {
    /**
     * Sets the context to the first {@code length} tokens of {@code tokens}. Returns false if the
     * context is shorter than the scheme's h, where the step is not watermarked (nothing is green).
     *
     * @throws IllegalArgumentException if {@code length} is out of range or a context token id is
     *     outside the vocabulary
     */
    boolean seek(int[] tokens, int length);

    /**
     * Whether {@code token} is green after the context of the last {@link #seek}; false if that
     * context was too short.
     *
     * @throws IllegalArgumentException if {@code token} is outside the vocabulary
     * @throws IllegalStateException before the first {@link #seek}
     */
    boolean isGreen(int token);
  }
}
