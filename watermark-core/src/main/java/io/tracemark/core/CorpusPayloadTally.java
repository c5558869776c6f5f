package io.tracemark.core;

import io.tracemark.api.PayloadDetection;

/**
 * What a payload decoder accumulates over one text or a corpus, whatever the family ({@link
 * PayloadTally}: colour counts; {@link GumbelPayloadTally}: score sums): units are added one record
 * at a time with one deduplication across all of them ({@link #add}) or one at a time by a caller
 * with its own tape ({@link #addUnit}), and the tallies of partitions that share no unit are merged
 * ({@link #addAll}) into the corpus's. Merging is exact and order-free: the corpus's tally, and so
 * its message and p-value, are the same bits however the units were split. Not thread-safe: one
 * per text, or per corpus and thread.
 */
public sealed interface CorpusPayloadTally permits PayloadTally, GumbelPayloadTally {
  /** The decoder that made this tally. */
  CorpusPayloadDecoder decoder();

  /**
   * Adds {@code tokens[offset, offset + length)} as one record: its first h tokens are context
   * only, and units already seen (in any record) are skipped.
   *
   * @throws IllegalArgumentException if the range is outside {@code tokens} or a token id is outside
   *     the vocabulary (naming its index)
   */
  CorpusPayloadTally add(int[] tokens, int offset, int length);

  /**
   * Scores the unit at {@code position} without deduplication, for callers that deduplicate with
   * their own tape; its h tokens of context are {@code tokens[position − h, position)}. Counts one
   * token read.
   */
  void addUnit(int[] tokens, int position);

  /**
   * Adds the units of {@code other}, a tally of the same decoder over units this one has not seen
   * (another partition's); {@code other} is unchanged.
   *
   * @throws IllegalArgumentException if {@code other} comes from another decoder
   */
  void addAll(CorpusPayloadTally other);

  /** Tokens read so far (each {@link #addUnit} counts one). */
  long tokensRead();

  /** The message decoded from everything added so far. */
  PayloadDetection decode();
}
