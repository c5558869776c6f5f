package io.tracemark.core;

import io.tracemark.api.UnitFingerprints;

/**
 * Unkeyed 64-bit fingerprints of scoring units, for deduplication: the same functions as
 * {@link UnitFingerprints}, kept here for callers of the core module.
 */
public final class TupleHash {
  private TupleHash() {}

  /** Fingerprint of the window {@code tokens[from, from + h)}. */
  public static long window(int[] tokens, int from, int h) {
    return UnitFingerprints.window(tokens, from, h);
  }

  /** Fingerprint of the tuple (window {@code tokens[from, from + h)}, token {@code token}). */
  public static long tuple(int[] tokens, int from, int h, int token) {
    return UnitFingerprints.tuple(tokens, from, h, token);
  }

  /** Fingerprint of a tuple from its window fingerprint and its token. */
  public static long tupleFromWindow(long windowHash, int token) {
    return UnitFingerprints.tupleFromWindow(windowHash, token);
  }
}
