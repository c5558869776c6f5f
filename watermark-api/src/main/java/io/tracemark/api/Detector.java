package io.tracemark.api;

/**
 * Scores token sequences against one key and scheme. Immutable and thread-safe: each call keeps
 * its own deduplication state, so one detector serves many threads.
 */
public interface Detector {
  /** Scores {@code tokens[offset, offset + length)}. */
  DetectionResult detect(int[] tokens, int offset, int length);

  /** Scores the whole array. */
  default DetectionResult detect(int[] tokens) {
    return detect(tokens, 0, tokens.length);
  }

  /** The deduplication mode. */
  DedupMode dedup();
}
