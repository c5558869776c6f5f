package io.tracemark.core.stats;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/** Exact and high-precision reference values for the weighted-tail tests. */
final class ExactSums {
  private ExactSums() {}

  private static final double LOG10_2 = Math.log10(2);

  /** log10 of a positive BigInteger to double precision. */
  static double log10(BigInteger x) {
    int shift = Math.max(0, x.bitLength() - 60);
    return Math.log10(x.shiftRight(shift).doubleValue()) + shift * LOG10_2;
  }

  /** log10 of a positive BigDecimal to double precision. */
  static double log10(BigDecimal x) {
    BigDecimal r = x.round(new MathContext(20, RoundingMode.HALF_EVEN));
    return log10(r.unscaledValue()) - r.scale();
  }

  /**
   * Exact log10 P(S ≥ s) for every s in 0..max+1, S = Σ levels[i]·Binomial(counts[i], a/b), by
   * multiplying the integer generating polynomials Π (a z^l + (b − a))^n (all coefficients exact).
   */
  static double[] binomialTails(int[] levels, int[] counts, int a, int b) {
    int max = 0;
    int n = 0;
    for (int i = 0; i < levels.length; i++) {
      max += levels[i] * counts[i];
      n += counts[i];
    }
    BigInteger[] poly = new BigInteger[max + 1];
    java.util.Arrays.fill(poly, BigInteger.ZERO);
    poly[0] = BigInteger.ONE;
    int degree = 0;
    for (int i = 0; i < levels.length; i++) {
      int l = levels[i];
      int m = counts[i];
      // the level's own polynomial: Σ_x C(m, x) a^x (b−a)^(m−x) z^(l·x)
      BigInteger[] own = new BigInteger[m + 1];
      BigInteger c = BigInteger.ONE;
      for (int x = 0; x <= m; x++) {
        own[x] = c.multiply(BigInteger.valueOf(a).pow(x)).multiply(BigInteger.valueOf(b - a).pow(m - x));
        c = c.multiply(BigInteger.valueOf(m - x)).divide(BigInteger.valueOf(x + 1));
      }
      BigInteger[] next = new BigInteger[max + 1];
      java.util.Arrays.fill(next, BigInteger.ZERO);
      for (int k = 0; k <= degree; k++) {
        if (poly[k].signum() == 0) {
          continue;
        }
        for (int x = 0; x <= m; x++) {
          next[k + l * x] = next[k + l * x].add(poly[k].multiply(own[x]));
        }
      }
      poly = next;
      degree += l * m;
    }
    BigInteger den = BigInteger.valueOf(b).pow(n);
    double[] out = new double[max + 2];
    out[max + 1] = Double.NEGATIVE_INFINITY;
    BigInteger suffix = BigInteger.ZERO;
    for (int s = max; s >= 0; s--) {
      suffix = suffix.add(poly[s]);
      if (suffix.shiftLeft(1).compareTo(den) >= 0) {
        // p ≥ 1/2: log10 p = log1p(−q)/ln 10 with q = 1 − p exact
        double q = new BigDecimal(den.subtract(suffix)).divide(new BigDecimal(den), new MathContext(30)).doubleValue();
        out[s] = Math.log1p(-q) / Math.log(10);
      } else {
        out[s] = log10(suffix) - log10(den);
      }
    }
    return out;
  }

  /** e^x in BigDecimal to the given precision (argument halving, Taylor series, squaring). */
  static BigDecimal exp(BigDecimal x, MathContext mc) {
    MathContext work = new MathContext(mc.getPrecision() + 20, RoundingMode.HALF_EVEN);
    int halvings = 0;
    BigDecimal y = x;
    while (y.abs().compareTo(new BigDecimal("0.01")) > 0) {
      y = y.divide(BigDecimal.valueOf(2), work);
      halvings++;
    }
    BigDecimal sum = BigDecimal.ONE;
    BigDecimal term = BigDecimal.ONE;
    BigDecimal eps = BigDecimal.ONE.movePointLeft(work.getPrecision() + 5);
    for (int k = 1; k < 1000; k++) {
      term = term.multiply(y, work).divide(BigDecimal.valueOf(k), work);
      sum = sum.add(term, work);
      if (term.abs().compareTo(eps) < 0) {
        break;
      }
    }
    for (int i = 0; i < halvings; i++) {
      sum = sum.multiply(sum, work);
    }
    return sum.round(mc);
  }
}
