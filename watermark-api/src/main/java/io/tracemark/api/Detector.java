package io.tracemark.api;

/**
 * Scores token sequences against one key and scheme with one deduplication. Immutable and
 * thread-safe: each call keeps its own deduplication state, so one detector serves many threads.
 */
public interface Detector {
  /**
   * Scores {@code tokens[offset, offset + length)}.
   *
   * @throws IllegalArgumentException if the range lies outside {@code tokens} or a token id is
   *     outside the vocabulary
   */
  Detection detect(int[] tokens, int offset, int length);

  /** Scores the whole array. */
  default Detection detect(int[] tokens) {
    return detect(tokens, 0, tokens.length);
  }

  /** The deduplication mode. */
  DedupMode dedup();

  /**
   * How many threads a call may use at most: the calling thread and tasks of the common
   * fork-join pool. 1 for schemes fast enough on one thread.
   */
  int parallelism();

  /**
   * The same detector using at most {@code threads} threads per call (1: the calling thread only).
   * The result is identical, bit for bit, whatever the parallelism; detectors fast enough on one
   * thread return themselves.
   *
   * @throws IllegalArgumentException if {@code threads} is below 1
   */
  Detector withParallelism(int threads);
}
