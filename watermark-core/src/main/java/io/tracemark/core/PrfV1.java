package io.tracemark.core;

import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.Mix;
import io.tracemark.core.internal.SipHash24;
import io.tracemark.core.keys.Keys;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The keyed pseudo-random function of format {@code v1} for the green-list family. Frozen by the
 * golden vectors in {@code src/test/resources/golden/v1}; any change needs a new version tag.
 *
 * <p>Definition. Let {@code K = HKDF-SHA256(secret, salt="tracemark/hkdf-salt/v1",
 * info="tracemark/v1/kgw/prf", 32 bytes)}; {@code k0, k1} are its first two little-endian 64-bit
 * words (the SipHash key) and {@code kt} its third (the token-tag key).
 * <ol>
 *   <li>Token tag: {@code T(t) = mix64(kt + (t + 1) * 0x9E3779B97F4A7C15)}, where {@code mix64}
 *       is the SplitMix64 finalizer (a bijection, so distinct tokens have distinct tags).
 *   <li>Context seed, left seeding: {@code S = SipHash-2-4(k0, k1, H || x[i-h] || … || x[i-1])}
 *       with every token id as 4 little-endian bytes and H the 8-byte header
 *       {@code "TMv1" 'L' h 0 0}.
 *   <li>Context seed, self seeding: {@code S = SipHash-2-4(k0, k1, H || m || t)} with header
 *       {@code "TMv1" 'S' h 0 0}, {@code m} the unsigned minimum of {@code T(x)} over the h
 *       window tokens (8 bytes LE) and {@code t} the candidate token itself (4 bytes LE).
 *   <li>Per-token value {@code u = fmix64(T(t) XOR S)} (the MurmurHash3 finalizer); the token is
 *       green iff {@code (u >>> 1) < floor(γ · 2^63)}.
 * </ol>
 *
 * <p>So detection costs one short SipHash and one mix per token, and generation one pass over the
 * vocabulary per step (vectorised by C2 where the JIT supports it). Nothing here allocates.
 */
final class PrfV1 {
  static final String VERSION = "v1";
  static final String PURPOSE = "tracemark/v1/kgw/prf";
  static final long GOLDEN = 0x9E3779B97F4A7C15L;

  final long k0;
  final long k1;
  final long kt;

  PrfV1(WatermarkKey key) {
    this(key, PURPOSE);
  }

  /** The same construction under another HKDF purpose (info), so that each scheme family has its own sub-key. */
  PrfV1(WatermarkKey key, String purpose) {
    byte[] sub = Keys.derive(key, purpose, 32);
    ByteBuffer b = ByteBuffer.wrap(sub).order(ByteOrder.LITTLE_ENDIAN);
    this.k0 = b.getLong(0);
    this.k1 = b.getLong(8);
    this.kt = b.getLong(16);
    java.util.Arrays.fill(sub, (byte) 0);
  }

  /** floor(γ · 2^63), the threshold on {@code u >>> 1}. */
  static long threshold63(double gamma) {
    return new BigDecimal(gamma).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(63))).toBigInteger().longValueExact();
  }

  /** The 8-byte header as a little-endian word: "TMv1", seeding code, h, 0, 0. */
  static long header(char seedingCode, int h) {
    return ('T') | ('M' << 8) | ((long) 'v' << 16) | ((long) '1' << 24) | ((long) seedingCode << 32)
        | ((long) h << 40);
  }

  long tag(int token) {
    return Mix.splitMix64(kt + (token + 1L) * GOLDEN);
  }

  /** Green test on a per-token value. */
  static boolean green(long u, long threshold63) {
    return (u >>> 1) < threshold63;
  }

  /** Seed for left seeding from {@code tokens[from, from + h)}. */
  long seedLeft(long header, int[] tokens, int from, int h) {
    return SipHash24.hashHeaderAndInts(k0, k1, header, tokens, from, h);
  }

  /** Seed for self seeding from the min-tag of the window and the candidate token. */
  long seedSelf(long header, long minTag, int token) {
    return SipHash24.hashThreeWords(k0, k1, header, minTag, token);
  }

  /** Unsigned minimum of the tags of {@code tokens[from, from + h)}. */
  long minTag(int[] tokens, int from, int h) {
    long min = -1L; // unsigned max
    for (int j = from; j < from + h; j++) {
      long t = tag(tokens[j]);
      if (Long.compareUnsigned(t, min) < 0) {
        min = t;
      }
    }
    return min;
  }
}
