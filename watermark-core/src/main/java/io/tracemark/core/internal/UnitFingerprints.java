package io.tracemark.core.internal;

/**
 * Unkeyed 64-bit fingerprints of scoring units, for deduplication. They do not depend on the
 * watermark key, so one deduplication tape serves every key (and every control key) tested on a
 * corpus, for schemes whose score depends on the whole window (see
 * {@link io.tracemark.api.TokenScorer#keyDependentUnits()}). Two distinct units collide with probability about
 * 2^-64; over 10^9 distinct units the chance of any collision is below 3 %, and a collision can
 * only drop a unit, never add one. Stateless and thread-safe. Not API: an implementation helper of
 * tracemark's modules, which may change.
 */
public final class UnitFingerprints {
  private UnitFingerprints() {}

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long WINDOW_SEED = 0x5441_4d57_494e_4431L; // "TAMWIND1"
  private static final long TUPLE_SEED = 0x5441_4d54_5550_4c31L; // "TAMTUPL1"

  /** Fingerprint of the window {@code tokens[from, from + h)}. */
  public static long window(int[] tokens, int from, int h) {
    long x = WINDOW_SEED + h;
    for (int j = from; j < from + h; j++) {
      x = Mix.splitMix64(x + (tokens[j] & 0xFFFFFFFFL) * GOLDEN);
    }
    return x;
  }

  /** Fingerprint of the tuple (window {@code tokens[from, from + h)}, token {@code token}). */
  public static long tuple(int[] tokens, int from, int h, int token) {
    return tupleFromWindow(window(tokens, from, h), token);
  }

  /** Fingerprint of a tuple from its window fingerprint (or any 64-bit window value) and its token. */
  public static long tupleFromWindow(long windowFingerprint, int token) {
    long k = windowFingerprint ^ TUPLE_SEED ^ ((token & 0xFFFFFFFFL) * 0xC2B2AE3D27D4EB4FL);
    return Mix.fmix64(k);
  }
}
