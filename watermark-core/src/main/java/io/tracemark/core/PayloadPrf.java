package io.tracemark.core;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.Mix;

/**
 * The keyed functions of the multi-bit payload ({@code kgw:…,payload=b,symbol-bits=r}), format v1,
 * built on {@link PrfV1} under its own HKDF purpose, so that a payload's colours are independent of
 * the plain green list of the same key.
 *
 * <p>Definition. {@code S} is PrfV1's left-seeding context seed with header {@code "TMv1" 'P' h 0 0}.
 * <ol>
 *   <li>Symbol position of the context: {@code p = ((fmix64(S XOR A) >>> 32) · L) >>> 32} with
 *       {@code L = b / r} and {@code A = 0xA5A5A5A5A5A5A5A5}: one of the message's L symbols.
 *   <li>Colour of token t: {@code c = fmix64(T(t) XOR S) >>> (64 − r)}, one of 2^r classes; the
 *       green list of a context is the class equal to the message's symbol p, so a plain kgw green
 *       test with γ = 2^−r is the case of symbol 0.
 * </ol>
 * Under H0 the colours of distinct (window, token) units are independent and uniform, and
 * independent of the symbol positions. Immutable and thread-safe.
 */
final class PayloadPrf {
  static final String PURPOSE = "tracemark/v1/kgw-payload/prf";
  private static final long ALLOCATION = 0xA5A5A5A5A5A5A5A5L;

  final PrfV1 prf;
  final long header;
  final int h;
  final int symbolBits;
  final int symbols;
  final int colours;

  PayloadPrf(WatermarkKey key, KgwSpec spec) {
    this.prf = new PrfV1(key, PURPOSE);
    this.h = spec.contextWidth();
    this.header = PrfV1.header('P', h);
    this.symbolBits = spec.symbolBits();
    this.symbols = spec.symbols();
    this.colours = 1 << symbolBits;
  }

  /** S of the window {@code tokens[from, from + h)}. */
  long seed(int[] tokens, int from) {
    return prf.seedLeft(header, tokens, from, h);
  }

  /** The symbol position the context of seed {@code s} carries, in [0, L). */
  int symbolIndex(long s) {
    return (int) (((Mix.fmix64(s ^ ALLOCATION) >>> 32) * symbols) >>> 32);
  }

  /** The colour of {@code token} in the context of seed {@code s}, in [0, 2^r). */
  int colour(long s, int token) {
    return (int) (Mix.fmix64(prf.tag(token) ^ s) >>> (64 - symbolBits));
  }

  /** Symbol {@code index} of {@code message}: its bits [index · r, (index + 1) · r). */
  int symbolOf(long message, int index) {
    return (int) ((message >>> (index * symbolBits)) & (colours - 1));
  }
}
