package io.tracemark.core.stats;

import java.math.BigInteger;
import java.util.Locale;

/**
 * A sum of doubles whose bits do not depend on the order of its terms, nor on how they were split
 * into partial sums that were then merged: each term is truncated toward zero to a multiple of
 * 2^−64 (its bits below 2^−64 are dropped), and the truncated terms are added exactly, in a
 * 128-bit two's-complement integer counting units of 2^−64. Integer addition is associative, so
 * one thread, sixteen threads or a Spark shuffle give the same sum, which a plain {@code double}
 * sum does not (it rounds after every addition, and the roundings depend on the order).
 *
 * <p>For a sum of non-negative scores tested in its upper tail the truncation is conservative
 * (each term can only shrink, by less than 2^−64 ≈ 5.4e−20), and {@link #value()} is then within
 * n · 2^−64 plus one rounding of the exact sum of n terms. The range is |sum| &lt; 2^63.
 *
 * <p>Hand-written rather than a library's: Commons Math and Guava offer compensated sums (Kahan,
 * Neumaier), which are more accurate than a plain sum but still depend on the order, and
 * {@code BigDecimal} is exact but allocates on every addition. The accumulator is two longs, so
 * partial sums also travel as two longs ({@link #high()}, {@link #low()}; arrays of slots with
 * {@link #addTo(long[], int, double)}). Not thread-safe.
 */
public final class FixedPointSum {
  /** Bits of the fraction: one unit is 2^−64. */
  public static final int FRACTION_BITS = 64;
  private static final long SIGNIFICAND = 0x000F_FFFF_FFFF_FFFFL;
  private static final long IMPLICIT_BIT = 0x0010_0000_0000_0000L;

  /** The sum as one slot: high 64 bits (signed) at 0, low 64 bits (unsigned) at 1. */
  private final long[] slot = new long[2];

  /** An empty sum (zero). */
  public FixedPointSum() {}

  /** The sum whose 128-bit value is {@code high · 2^64 + low} units of 2^−64 ({@code low} unsigned). */
  public static FixedPointSum of(long high, long low) {
    FixedPointSum s = new FixedPointSum();
    s.slot[0] = high;
    s.slot[1] = low;
    return s;
  }

  /**
   * Adds one term, truncated toward zero to a multiple of 2^−64.
   *
   * @throws IllegalArgumentException if {@code x} is NaN or infinite, or |x| ≥ 2^62
   * @throws ArithmeticException if the sum leaves the range |sum| &lt; 2^63
   */
  public void add(double x) {
    addTo(slot, 0, x);
  }

  /** Adds another sum (a partial sum of other terms). */
  public void add(FixedPointSum other) {
    addTo(slot, 0, other.slot[0], other.slot[1]);
  }

  /** Adds the sum whose value is {@code high · 2^64 + low} units of 2^−64. */
  public void add(long high, long low) {
    addTo(slot, 0, high, low);
  }

  /** The upper 64 bits (signed): the integer part, floored. */
  public long high() {
    return slot[0];
  }

  /** The lower 64 bits (unsigned): the fraction, in units of 2^−64. */
  public long low() {
    return slot[1];
  }

  /** True when the sum is zero. */
  public boolean isZero() {
    return slot[0] == 0 && slot[1] == 0;
  }

  /** The sum, rounded once to the nearest double (ties to even). */
  public double value() {
    return value(slot[0], slot[1]);
  }

  /** The value of the 128-bit sum {@code high · 2^64 + low} units of 2^−64, rounded to the nearest double. */
  public static double value(long high, long low) {
    if (high == 0 && low >= 0) {
      return Math.scalb((double) low, -FRACTION_BITS); // exact conversion up to 2^63, then one rounding
    }
    // BigInteger.doubleValue rounds to nearest, ties to even; the scaling by 2^-64 is exact (no subnormals here)
    BigInteger v = BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
    return Math.scalb(v.doubleValue(), -FRACTION_BITS);
  }

  /**
   * Adds term {@code x}, truncated toward zero to a multiple of 2^−64, to the sum held in {@code slots[2·index]}
   * (high) and {@code slots[2·index + 1]} (low): an array of sums without an object per sum.
   *
   * @throws IllegalArgumentException if {@code x} is NaN or infinite, or |x| ≥ 2^62
   * @throws ArithmeticException if the sum leaves the range |sum| &lt; 2^63
   */
  public static void addTo(long[] slots, int index, double x) {
    // x = ±m · 2^(e − 52) with the 53-bit significand m; in units of 2^−64 that is m · 2^(e + 12), whose 128 bits
    // are m shifted by e + 12 (to the right, truncating, below the unit); one branch refuses NaN, infinities and
    // |x| >= 2^62, one skips zero, subnormals and |x| < 2^-64
    long bits = Double.doubleToRawLongBits(x);
    int e = (int) (bits >>> 52 & 0x7FF) - 1023;
    if (e >= 62) {
      throw new IllegalArgumentException(Double.isNaN(x) ? "a term of the sum is NaN"
          : String.format(Locale.ROOT, "a term of the sum is %s; terms must be finite and below 2^62 in magnitude", x));
    }
    if (e < -FRACTION_BITS) {
      return;
    }
    long m = bits & SIGNIFICAND | IMPLICIT_BIT;
    int shift = e + 12;
    long high;
    long low;
    if (shift < 0) {
      high = 0;
      low = m >>> -shift;
    } else if (shift < 64) {
      // m >>> (64 - shift) without a branch on shift (0 for shift = 0, where Java would shift by 64 mod 64 = 0)
      high = (m >>> 1) >>> (63 - shift);
      low = m << shift;
    } else {
      high = m << (shift - 64);
      low = 0;
    }
    if (bits < 0) { // two's complement of the 128 bits
      high = low == 0 ? -high : ~high;
      low = -low;
    }
    addTo(slots, index, high, low);
  }

  /** Adds the 128-bit sum {@code (high, low)} to the sum held in slot {@code index} of {@code slots}. */
  public static void addTo(long[] slots, int index, long high, long low) {
    int i = 2 * index;
    long a = slots[i + 1];
    long sumLow = a + low;
    // the carry out of the unsigned low words, without a branch (it is 1 about half the time)
    long carry = ((a & low) | ((a | low) & ~sumLow)) >>> 63;
    slots[i] = Math.addExact(Math.addExact(slots[i], high), carry);
    slots[i + 1] = sumLow;
  }

  /** The value of the sum in slot {@code index} of {@code slots}, rounded to the nearest double. */
  public static double valueAt(long[] slots, int index) {
    return value(slots[2 * index], slots[2 * index + 1]);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FixedPointSum s && s.slot[0] == slot[0] && s.slot[1] == slot[1];
  }

  @Override
  public int hashCode() {
    return Long.hashCode(slot[0]) * 31 + Long.hashCode(slot[1]);
  }

  @Override
  public String toString() {
    return "FixedPointSum[" + value() + "]";
  }
}
