package io.tracemark.verifier.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The one number format of everything tracemark shows to people: command-line text, the HTML
 * report, the demo's table. JSON output keeps plain numbers and does not use this class.
 *
 * <ul>
 *   <li>counts and other integral values: every digit, with thousands separators ({@code 1,234,567});
 *   <li>parameters such as α and γ ({@link #exact}): the shortest decimal that reads back as the
 *       same double, in exponent form below 10⁻³ ({@code 1e-6}, {@code 0.01}, {@code 0.25});
 *   <li>measured values such as z or log10 p ({@link #human}): six significant digits, trailing
 *       zeros dropped ({@code 42.434}, {@code -342.592}), exponent form below 10⁻³;
 *   <li>table columns ({@link #fixed}): a fixed number of decimals ({@code -1,705.8});
 *   <li>chart axes ({@link #ticks}, {@link #tick}): round steps of 1, 2 or 5 × 10^k.
 * </ul>
 *
 * Exponents are written {@code e-6}, never {@code E-6} or {@code e-06}; the decimal point is
 * {@code .} and the group separator {@code ,} in every locale. Stateless and thread-safe.
 */
public final class Numbers {
  private Numbers() {}

  /** Values at or above this magnitude are written in exponent form. */
  private static final double LARGE = 1e15;
  /** Values below this magnitude (and not zero) are written in exponent form. */
  private static final double SMALL = 1e-3;

  /** A count with thousands separators: {@code 1234567 -> "1,234,567"}. */
  public static String count(long n) {
    String digits = Long.toString(n);
    boolean negative = n < 0;
    return (negative ? "-" : "") + group(negative ? digits.substring(1) : digits);
  }

  /**
   * The shortest decimal that parses back to {@code v}, for parameters people type: {@code 1e-6},
   * {@code 0.01}, {@code 0.25}, {@code 100,277}.
   */
  public static String exact(double v) {
    if (!Double.isFinite(v)) {
      return special(v);
    }
    if (v == 0) {
      return "0";
    }
    BigDecimal d = new BigDecimal(v);
    for (int digits = 1; digits <= 17; digits++) {
      BigDecimal r = d.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == v) {
        return write(r, Math.abs(v));
      }
    }
    return write(d.round(MathContext.DECIMAL64), Math.abs(v));
  }

  /**
   * A measured value: integral values in full with separators, others to six significant digits
   * with trailing zeros dropped, exponent form below 10⁻³: {@code 42.434}, {@code 0.474296},
   * {@code 2.5e-7}, {@code 1,561,753}.
   */
  public static String human(double v) {
    if (!Double.isFinite(v)) {
      return special(v);
    }
    if (v == 0) {
      return "0";
    }
    if (v == Math.rint(v) && Math.abs(v) < LARGE) {
      return count((long) v);
    }
    BigDecimal r = new BigDecimal(v).round(new MathContext(6, RoundingMode.HALF_EVEN));
    return write(r, Math.abs(r.doubleValue()));
  }

  /** {@code v} with exactly {@code decimals} decimals and thousands separators: {@code fixed(-1705.83, 1) = "-1,705.8"}. */
  public static String fixed(double v, int decimals) {
    if (decimals < 0 || decimals > 12) {
      throw new IllegalArgumentException("decimals must be between 0 and 12, was " + decimals);
    }
    if (!Double.isFinite(v)) {
      return special(v);
    }
    BigDecimal r = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN);
    if (r.signum() == 0) {
      r = r.abs(); // no "-0.0"
    }
    return plain(r);
  }

  /** A p-value: the number when the double holds it, else {@code 10^log10p} ({@code 10^-342.592}). */
  public static String pValue(double p, double log10p) {
    return p > 0 ? human(p) : "10^" + human(log10p);
  }

  /**
   * Round tick values covering {@code [lo, hi]}: multiples of a step of 1, 2 or 5 × 10^k chosen so
   * that there are about {@code target} intervals; the first tick is at or below {@code lo}, the
   * last at or above {@code hi}.
   */
  public static double[] ticks(double lo, double hi, int target) {
    if (!(Double.isFinite(lo) && Double.isFinite(hi)) || target < 1) {
      throw new IllegalArgumentException("ticks need a finite range and target >= 1, was [" + lo + ", " + hi + "], "
          + target);
    }
    if (hi < lo) {
      double t = lo;
      lo = hi;
      hi = t;
    }
    if (hi == lo) {
      hi = lo + 1;
    }
    double step = step(hi - lo, target);
    long first = (long) Math.floor(lo / step + 1e-9);
    long last = (long) Math.ceil(hi / step - 1e-9);
    double[] out = new double[(int) (last - first + 1)];
    for (int i = 0; i < out.length; i++) {
      // computed from the integer multiple, so 0.1 + 0.2 drift never reaches a label
      out[i] = new BigDecimal(first + i).multiply(new BigDecimal(Double.toString(step))).doubleValue();
    }
    return out;
  }

  /** The step {@link #ticks} uses: 1, 2 or 5 × 10^k, about {@code span / target}. */
  public static double step(double span, int target) {
    double raw = span / target;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / magnitude;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return Double.parseDouble(nice + "e" + (long) Math.floor(Math.log10(raw)));
  }

  /** A tick label: as many decimals as the step needs, thousands separators ({@code 1,500,000}, {@code 0.25}). */
  public static String tick(double v, double step) {
    int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
    if (step * Math.pow(10, decimals) != Math.rint(step * Math.pow(10, decimals))) {
      decimals++; // a step of 2.5 × 10^k
    }
    return fixed(v, Math.min(decimals, 12));
  }

  // ------------------------------------------------------------------ helpers

  private static String special(double v) {
    return Double.isNaN(v) ? "NaN" : v > 0 ? "∞" : "-∞";
  }

  /** {@code r} in plain form, or exponent form when {@code magnitude} is outside [10⁻³, 10¹⁵). */
  private static String write(BigDecimal r, double magnitude) {
    if (magnitude >= SMALL && magnitude < LARGE) {
      return plain(r.stripTrailingZeros());
    }
    BigDecimal s = r.stripTrailingZeros();
    int exponent = s.precision() - s.scale() - 1;
    BigDecimal mantissa = s.movePointLeft(exponent);
    return mantissa.toPlainString() + "e" + exponent;
  }

  /** Plain digits with thousands separators in the integer part. */
  private static String plain(BigDecimal r) {
    String s = r.toPlainString();
    boolean negative = s.startsWith("-");
    if (negative) {
      s = s.substring(1);
    }
    int dot = s.indexOf('.');
    String integer = dot < 0 ? s : s.substring(0, dot);
    String fraction = dot < 0 ? "" : s.substring(dot);
    return (negative ? "-" : "") + group(integer) + fraction;
  }

  private static String group(String digits) {
    StringBuilder b = new StringBuilder(digits.length() + digits.length() / 3);
    int lead = digits.length() % 3;
    for (int i = 0; i < digits.length(); i++) {
      if (i > 0 && (i - lead) % 3 == 0) {
        b.append(',');
      }
      b.append(digits.charAt(i));
    }
    return b.toString();
  }
}
