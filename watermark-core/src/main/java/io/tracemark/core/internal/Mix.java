package io.tracemark.core.internal;

/**
 * The two 64-bit mixing functions tracemark uses: the SplitMix64 finalizer and the MurmurHash3
 * finalizer. Both are bijections of the 64-bit words. Frozen: the PRF of format v1 and the unit
 * fingerprints are defined with them. Stateless. Not API: an implementation helper of tracemark's
 * modules, which may change.
 */
public final class Mix {
  private Mix() {}

  /** The SplitMix64 finalizer (Steele, Lea and Flood). */
  public static long splitMix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The MurmurHash3 64-bit finalizer {@code fmix64}. */
  public static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
