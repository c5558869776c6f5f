package io.tracemark.core;

/**
 * Unkeyed 64-bit fingerprints of scoring units, for deduplication. They do not depend on the
 * watermark key, so one deduplication tape serves every key (and every control key) tested on a
 * corpus. Two distinct units collide with probability about 2^-64; over 10^9 distinct units the
 * chance of any collision is below 3 %, and a collision can only drop a unit, never add one.
 */
public final class TupleHash {
  private TupleHash() {}

  private static final long WINDOW_SEED = 0x5441_4d57_494e_4431L; // "TAMWIND1"
  private static final long TUPLE_SEED = 0x5441_4d54_5550_4c31L; // "TAMTUPL1"

  /** Fingerprint of the window {@code tokens[from, from + h)}. */
  public static long window(int[] tokens, int from, int h) {
    long x = WINDOW_SEED + h;
    for (int j = from; j < from + h; j++) {
      x = PrfV1.mix64(x + (tokens[j] & 0xFFFFFFFFL) * PrfV1.GOLDEN);
    }
    return x;
  }

  /** Fingerprint of the tuple (window {@code tokens[from, from + h)}, token {@code token}). */
  public static long tuple(int[] tokens, int from, int h, int token) {
    return tupleFromWindow(window(tokens, from, h), token);
  }

  /** Fingerprint of a tuple from its window fingerprint and its token. */
  public static long tupleFromWindow(long windowHash, int token) {
    return PrfV1.fmix64(windowHash ^ TUPLE_SEED ^ ((token & 0xFFFFFFFFL) * 0xC2B2AE3D27D4EB4FL));
  }
}
