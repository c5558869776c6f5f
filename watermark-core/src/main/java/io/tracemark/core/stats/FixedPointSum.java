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
  /** Terms of magnitude at least this are refused (the sum of 2^62 such terms would still fit). */
  private static final double MAX_TERM = 0x1p62;

  private long high;
  private long low;

  /** An empty sum (zero). */
  public FixedPointSum() {}

  /** The sum whose 128-bit value is {@code high · 2^64 + low} units of 2^−64 ({@code low} unsigned). */
  public static FixedPointSum of(long high, long low) {
    FixedPointSum s = new FixedPointSum();
    s.high = high;
    s.low = low;
    return s;
  }

  /**
   * Adds one term, truncated toward zero to a multiple of 2^−64.
   *
   * @throws IllegalArgumentException if {@code x} is NaN or infinite, or |x| ≥ 2^62
   * @throws ArithmeticException if the sum leaves the range |sum| &lt; 2^63
   */
  public void add(double x) {
    long bits = termBits(x);
    if (bits == 0) {
      return;
    }
    long h = termHigh(x);
    add128(h, termLow(x));
  }

  /** Adds another sum (a partial sum of other terms). */
  public void add(FixedPointSum other) {
    add128(other.high, other.low);
  }

  /** Adds the sum whose value is {@code high · 2^64 + low} units of 2^−64. */
  public void add(long high, long low) {
    add128(high, low);
  }

  /** The upper 64 bits (signed): the integer part, floored. */
  public long high() {
    return high;
  }

  /** The lower 64 bits (unsigned): the fraction, in units of 2^−64. */
  public long low() {
    return low;
  }

  /** True when the sum is zero. */
  public boolean isZero() {
    return high == 0 && low == 0;
  }

  /** The sum, rounded once to the nearest double (ties to even). */
  public double value() {
    return value(high, low);
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
   * Adds term {@code x} to the sum held in {@code slots[2·index]} (high) and {@code slots[2·index + 1]} (low): an
   * array of sums without an object per sum.
   */
  public static void addTo(long[] slots, int index, double x) {
    if (termBits(x) == 0) {
      return;
    }
    addTo(slots, index, termHigh(x), termLow(x));
  }

  /** Adds the 128-bit sum {@code (high, low)} to the sum held in slot {@code index} of {@code slots}. */
  public static void addTo(long[] slots, int index, long high, long low) {
    int i = 2 * index;
    long sumLow = slots[i + 1] + low;
    long carry = Long.compareUnsigned(sumLow, low) < 0 ? 1 : 0;
    slots[i] = Math.addExact(Math.addExact(slots[i], high), carry);
    slots[i + 1] = sumLow;
  }

  /** The value of the sum in slot {@code index} of {@code slots}, rounded to the nearest double. */
  public static double valueAt(long[] slots, int index) {
    return value(slots[2 * index], slots[2 * index + 1]);
  }

  private void add128(long h, long l) {
    long sumLow = low + l;
    long carry = Long.compareUnsigned(sumLow, l) < 0 ? 1 : 0;
    high = Math.addExact(Math.addExact(high, h), carry);
    low = sumLow;
  }

  /** Checks the term; 0 when it contributes nothing (zero, or below 2^−64 in magnitude), else its bits. */
  private static long termBits(double x) {
    if (!(Math.abs(x) < MAX_TERM)) {
      throw new IllegalArgumentException(Double.isNaN(x) ? "a term of the sum is NaN"
          : String.format(Locale.ROOT, "a term of the sum is %s; terms must be finite and below 2^62 in magnitude", x));
    }
    return Math.getExponent(x) < -FRACTION_BITS ? 0 : Double.doubleToRawLongBits(x);
  }

  /**
   * The magnitude of x in units of 2^−64, truncated: the 53-bit significand m times 2^(e + 12) for x = m · 2^(e −
   * 52), as 128 bits; negative terms are then negated in two's complement.
   */
  private static long termHigh(double x) {
    long m = significand(x);
    int shift = Math.getExponent(x) + 12;
    long h = shift >= 64 ? m << (shift - 64) : shift > 11 ? m >>> (64 - shift) : 0;
    if (x < 0) {
      long l = magnitudeLow(m, shift);
      return l == 0 ? -h : ~h;
    }
    return h;
  }

  private static long termLow(double x) {
    long l = magnitudeLow(significand(x), Math.getExponent(x) + 12);
    return x < 0 ? -l : l;
  }

  private static long magnitudeLow(long m, int shift) {
    return shift >= 64 ? 0 : shift >= 0 ? m << shift : m >>> -shift;
  }

  private static long significand(double x) {
    return (Double.doubleToRawLongBits(x) & 0x000F_FFFF_FFFF_FFFFL) | 0x0010_0000_0000_0000L;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FixedPointSum s && s.high == high && s.low == low;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(high) * 31 + Long.hashCode(low);
  }

  @Override
  public String toString() {
    return "FixedPointSum[" + value() + "]";
  }
}
