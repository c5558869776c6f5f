package io.tracemark.verifier;

import io.tracemark.core.stats.WeightGrid;

/**
 * Where the weights of a weighted inheritance test come from: a weight w ≥ 0 for the token at a
 * position, computed from key-independent information fixed before the suspect is read (the
 * owner's corpus, the owner's model, weights the owner supplies), and the {@link WeightGrid} that
 * quantizes it to an integer level. The test scores S = Σ levelᵢ·scoreᵢ over distinct tuples;
 * level 0 means the position is not scored and does not enter the dedup tape. Because the level
 * never depends on the key, every tuple is still green with probability γ under H0 given its level,
 * and S has an exact tail ({@link io.tracemark.core.stats.WeightedPValues}). The same levels serve
 * the real key, the tenant keys and the control keys.
 *
 * <p>A weight must not depend on the key, and must not depend on whether the owner's watermarked
 * text continued a context with the scored token (a count of (context, token) in the owner's
 * watermarked text is green-biased, so it would make an innocent suspect look guilty).
 *
 * <p>Implementations are immutable and thread-safe: several workers ask at once.
 */
public interface WeightSource {
  /**
   * The weight of {@code tokens[pos]}, finite and ≥ 0, reading at most {@link #contextTokens()}
   * tokens before {@code pos}, and the token itself only if {@link #readsToken()}.
   */
  double weight(int[] tokens, int pos);

  /**
   * Whether the weight depends on the scored token itself (not only on its context); in reading
   * mode such a weight is computed for the suspect's prediction. Default false.
   */
  default boolean readsToken() {
    return false;
  }

  /**
   * How many tokens before a position the weight reads (for the report and for reading mode; a
   * tuple that the dedup tape spills to disk keeps its level, so any width works with a spill).
   */
  int contextTokens();

  /** The grid that quantizes the weights; fixed before the suspect is read. */
  WeightGrid grid();

  /** One line for the report: what the weight is and where it comes from. */
  String description();

  /** The level of {@code tokens[pos]} on the grid (0: not scored). */
  default int level(int[] tokens, int pos) {
    return grid().level(weight(tokens, pos));
  }

  /**
   * The level of the answer token at {@code pos} of {@code seq}, the record's prompt followed by
   * its answer. A source whose weights come with the record ({@link #perRecord()}) reads them
   * here; the default is {@link #level(int[], int)}.
   */
  default int level(SuspectRecord record, int[] seq, int pos) {
    return level(seq, pos);
  }

  /**
   * Whether the weights come with each suspect record ({@link SuspectRecord#weights()}) rather
   * than from the tokens: such a source weights the closed model only, and a record without
   * weights is a bad record. Default false.
   */
  default boolean perRecord() {
    return false;
  }
}
