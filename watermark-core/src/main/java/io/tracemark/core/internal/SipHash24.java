package io.tracemark.core.internal;

/**
 * SipHash-2-4 (Aumasson and Bernstein) over the two message shapes the PRF needs, without
 * allocating. Not API: an implementation helper of the core module, which may change. Hand-written because Guava's {@code Hashing.sipHash24} allocates a hasher per call,
 * which costs more than the hash itself on the per-token detection path; the tests check this
 * implementation against Guava and the reference test vectors.
 */
public final class SipHash24 {
  private SipHash24() {}

  private static final long C0 = 0x736f6d6570736575L;
  private static final long C1 = 0x646f72616e646f6dL;
  private static final long C2 = 0x6c7967656e657261L;
  private static final long C3 = 0x7465646279746573L;

  /** SipHash-2-4 of an 8-byte header followed by {@code count} ints (4 bytes LE each). */
  public static long hashHeaderAndInts(long k0, long k1, long header, int[] ints, int from, int count) {
    long v0 = k0 ^ C0;
    long v1 = k1 ^ C1;
    long v2 = k0 ^ C2;
    long v3 = k1 ^ C3;
    long m = header;
    int pairs = count >>> 1;
    int at = from;
    // first word: the header; then one word per pair of ints
    for (int w = -1; w < pairs; w++) {
      if (w >= 0) {
        m = (ints[at] & 0xFFFFFFFFL) | ((long) ints[at + 1] << 32);
        at += 2;
      }
      v3 ^= m;
      for (int r = 0; r < 2; r++) {
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= m;
    }
    long length = 8L + 4L * count;
    long last = (length & 0xFF) << 56;
    if ((count & 1) != 0) {
      last |= ints[at] & 0xFFFFFFFFL;
    }
    return finish(v0, v1, v2, v3, last);
  }

  /** SipHash-2-4 of two 8-byte words followed by one int (20 bytes). */
  public static long hashThreeWords(long k0, long k1, long w0, long w1, int tail) {
    long v0 = k0 ^ C0;
    long v1 = k1 ^ C1;
    long v2 = k0 ^ C2;
    long v3 = k1 ^ C3;
    for (int w = 0; w < 2; w++) {
      long m = w == 0 ? w0 : w1;
      v3 ^= m;
      for (int r = 0; r < 2; r++) {
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= m;
    }
    return finish(v0, v1, v2, v3, (20L << 56) | (tail & 0xFFFFFFFFL));
  }

  /** SipHash-2-4 of arbitrary bytes (for tests and non-hot paths). */
  public static long hashBytes(long k0, long k1, byte[] data) {
    long v0 = k0 ^ C0;
    long v1 = k1 ^ C1;
    long v2 = k0 ^ C2;
    long v3 = k1 ^ C3;
    int full = data.length & ~7;
    for (int i = 0; i < full; i += 8) {
      long m = 0;
      for (int b = 7; b >= 0; b--) {
        m = (m << 8) | (data[i + b] & 0xFF);
      }
      v3 ^= m;
      for (int r = 0; r < 2; r++) {
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= m;
    }
    long last = ((long) data.length & 0xFF) << 56;
    for (int b = data.length - full - 1; b >= 0; b--) {
      last |= (data[full + b] & 0xFFL) << (8 * b);
    }
    return finish(v0, v1, v2, v3, last);
  }

  private static long finish(long v0, long v1, long v2, long v3, long last) {
    v3 ^= last;
    for (int r = 0; r < 2; r++) {
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
    }
    v0 ^= last;
    v2 ^= 0xFF;
    for (int r = 0; r < 4; r++) {
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
    }
    return v0 ^ v1 ^ v2 ^ v3;
  }
}
