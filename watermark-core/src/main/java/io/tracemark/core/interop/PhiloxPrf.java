package io.tracemark.core.interop;

import io.tracemark.core.internal.Digests;
import java.nio.ByteBuffer;

/**
 * vLLM's {@code philox4x32-10-v1} watermark PRF ({@code vllm/v1/watermarking/prfs/philox.py}): a
 * keyed uniform per (context, token), computed with Philox4x32-10 (Salmon et al., SC'11).
 *
 * <p>The 64-bit key gives the two 32-bit key words (low, high). The context, a window of token ids
 * with −1 for positions before the first output token (taken as unsigned 32-bit words), is
 * absorbed four words at a time: the state starts as ("WMCX", context length, 0, 0), each block is
 * XORed into it (missing words of the last block are 0xFFFFFFFF − index), and Philox is applied
 * with key (k0 XOR block offset, k1). A token t then selects the output word {@code t & 3} of
 * Philox applied to counter (t >>> 2, s0, s1, s2) with key (k0 XOR s3, k1 XOR "WMTK"). The uniform
 * is the float32 nearest to ((word >>> 8) + 1) / (2^24 + 1).
 *
 * <p>Immutable and thread-safe.
 */
final class PhiloxPrf {
  private static final int M0 = 0xD2511F53;
  private static final int M1 = 0xCD9E8D57;
  private static final int W0 = 0x9E3779B9;
  private static final int W1 = 0xBB67AE85;
  private static final int CONTEXT_DOMAIN = 0x574D4358; // "WMCX"
  private static final int TOKEN_DOMAIN = 0x574D544B; // "WMTK"

  private final long key;
  private final int k0;
  private final int k1;

  PhiloxPrf(long key) {
    this.key = key;
    this.k0 = (int) key;
    this.k1 = (int) (key >>> 32);
  }

  long key() {
    return key;
  }

  /** Ten Philox4x32 rounds on {@code c} in place, key words bumped between rounds. */
  static void philox10(int[] c, int key0, int key1) {
    int c0 = c[0];
    int c1 = c[1];
    int c2 = c[2];
    int c3 = c[3];
    for (int round = 0; round < 10; round++) {
      long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
      long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
      int hi0 = (int) (p0 >>> 32);
      int lo0 = (int) p0;
      int hi1 = (int) (p1 >>> 32);
      int lo1 = (int) p1;
      c0 = hi1 ^ c1 ^ key0;
      c1 = lo1;
      c2 = hi0 ^ c3 ^ key1;
      c3 = lo0;
      if (round != 9) {
        key0 += W0;
        key1 += W1;
      }
    }
    c[0] = c0;
    c[1] = c1;
    c[2] = c2;
    c[3] = c3;
  }

  /**
   * Absorbs the context {@code ctx[off, off + width)} into {@code state} (length 4).
   */
  void contextState(int[] ctx, int off, int width, int[] state) {
    state[0] = CONTEXT_DOMAIN;
    state[1] = width;
    state[2] = 0;
    state[3] = 0;
    for (int offset = 0; offset < width; offset += 4) {
      for (int i = 0; i < 4; i++) {
        int pos = offset + i;
        state[i] ^= pos < width ? ctx[off + pos] : (int) (0xFFFFFFFFL - i);
      }
      philox10(state, k0 ^ offset, k1);
    }
  }

  /** The raw 32-bit word for {@code token} after a context state; {@code out} is scratch of length 4. */
  int word(int[] state, int token, int[] out) {
    out[0] = token >>> 2;
    out[1] = state[0];
    out[2] = state[1];
    out[3] = state[2];
    philox10(out, k0 ^ state[3], k1 ^ TOKEN_DOMAIN);
    return out[token & 3];
  }

  /** The float32 uniform in (0, 1) of a raw word. */
  static float uniform(int word) {
    return (float) (((word >>> 8) + 1.0) / (double) ((1 << 24) + 1));
  }

  /** vLLM {@code derive_watermark_key}: the first 8 bytes (big-endian) of SHA-256(domain ‖ key as 8 bytes big-endian). */
  static long deriveKey(long key, String domain) {
    return ByteBuffer.wrap(Digests.sha256(domain, ByteBuffer.allocate(8).putLong(key).array())).getLong();
  }
}
