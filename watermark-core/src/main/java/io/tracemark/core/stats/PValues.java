package io.tracemark.core.stats;

import io.tracemark.api.Checks;
import io.tracemark.api.NullDistribution;
import org.apache.commons.math3.special.Gamma;

/**
 * Exact upper-tail p-values in log space.
 *
 * <p>Never {@code 1 - CDF} (which collapses to 0 below about 1e-16) and never a normal
 * approximation. The binomial tail P(X ≥ k) is the point probability at k, computed with
 * Loader's saddle-point decomposition (the one R's {@code dbinom} uses: Stirling remainders and
 * the deviance {@code bd0}, so nothing cancels even for n = 10^9), times the sum of the ratios of
 * the following terms, which converges geometrically beyond the mean. Below the mean the tail is
 * 1 − P(X ≤ k − 1), with the lower tail summed the same way and {@code log1p} for the
 * subtraction. The gamma tail Q(a, x) uses the same Poisson-form prefactor with a continued
 * fraction (x > a + 1) or the power series (otherwise).
 *
 * <p>Accuracy: the relative error of log10 p is below 1e-12 in the tests against exact rational
 * sums (see {@code PValuesTest}), for n up to 10^9 and p down to 1e-100000.
 */
public final class PValues {
  private PValues() {}

  private static final double LN10 = Math.log(10);
  private static final double LN_2PI = Math.log(2 * Math.PI);
  private static final double LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

  /**
   * log10 P(X ≥ k) for X ~ Binomial(n, p).
   *
   * @param n trials, ≥ 0
   * @param k successes; k ≤ 0 gives 0 (p = 1), k > n gives −∞
   * @param p success probability in (0, 1)
   */
  public static double log10BinomialUpperTail(long n, long k, double p) {
    Checks.require(n >= 0, "n must be >= 0, was %d", n);
    Checks.require(p > 0 && p < 1, "p must be in (0, 1), was %s", p);
    return lnBinomialUpperTail(n, k, p) / LN10;
  }

  /** Natural log of P(X ≥ k) for X ~ Binomial(n, p). */
  public static double lnBinomialUpperTail(long n, long k, double p) {
    if (k <= 0) {
      return 0.0;
    }
    if (k > n) {
      return Double.NEGATIVE_INFINITY;
    }
    double q = 1 - p;
    double odds = p / q;
    if (k > n * p - q) {
      // terms decrease from k upward: sum ratio products
      double lead = lnBinomialPmf(k, n, p);
      double sum = 1.0;
      double term = 1.0;
      for (long j = k; j < n; j++) {
        term *= ((double) (n - j) / (double) (j + 1)) * odds;
        double next = sum + term;
        if (next == sum) {
          break;
        }
        sum = next;
      }
      return lead + Math.log(sum);
    }
    // k - 1 lies at or below the mean: lower tail summed downward, then 1 - lower
    long x = k - 1;
    double lead = lnBinomialPmf(x, n, p);
    double sum = 1.0;
    double term = 1.0;
    double inverseOdds = q / p;
    for (long j = x; j > 0; j--) {
      term *= ((double) j / (double) (n - j + 1)) * inverseOdds;
      double next = sum + term;
      if (next == sum) {
        break;
      }
      sum = next;
    }
    double lower = Math.exp(lead + Math.log(sum));
    return Math.log1p(-Math.min(lower, 1.0));
  }

  /** Natural log of the binomial point probability P(X = x), Loader's algorithm. */
  public static double lnBinomialPmf(long x, long n, double p) {
    if (x < 0 || x > n) {
      return Double.NEGATIVE_INFINITY;
    }
    double q = 1 - p;
    if (x == 0) {
      return n == 0 ? 0.0 : n * Math.log1p(-p);
    }
    if (x == n) {
      return n * Math.log(p);
    }
    double dn = n;
    double dx = x;
    double lc = stirlerr(dn) - stirlerr(dx) - stirlerr(dn - dx) - bd0(dx, dn * p) - bd0(dn - dx, dn * q);
    double lf = LN_2PI + Math.log(dx) + Math.log1p(-dx / dn);
    return lc - 0.5 * lf;
  }

  /**
   * log10 Q(a, x) = Γ(a, x) / Γ(a), the upper tail of a Gamma(a, 1) variable: the p-value of a sum
   * of a independent Exp(1) scores (Aaronson-style schemes) equal to x.
   */
  public static double log10GammaUpperTail(double a, double x) {
    Checks.require(a > 0 && Double.isFinite(a), "shape must be finite and > 0, was %s", a);
    Checks.require(!Double.isNaN(x), "x must not be NaN");
    return lnGammaUpperTail(a, x) / LN10;
  }

  /** Natural log of Q(a, x). */
  public static double lnGammaUpperTail(double a, double x) {
    if (x <= 0) {
      return 0.0;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    // ln( x^a e^-x / Γ(a+1) )
    double lnPoisson = lnPoissonRaw(a, x);
    if (x > a + 1) {
      // Γ(a,x) / (x^a e^-x) by the continued fraction (modified Lentz), then divide by Γ(a)
      double tiny = 1e-300;
      double b = x + 1 - a;
      double c = 1 / tiny;
      double d = 1 / b;
      double f = d;
      for (int i = 1; i < 100_000_000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (Math.abs(d) < tiny) {
          d = tiny;
        }
        c = b + an / c;
        if (Math.abs(c) < tiny) {
          c = tiny;
        }
        d = 1 / d;
        double delta = d * c;
        f *= delta;
        if (Math.abs(delta - 1) < 1e-16) {
          break;
        }
      }
      // Q = x^a e^-x f / Γ(a) = (x^a e^-x / Γ(a+1)) * a * f
      return lnPoisson + Math.log(a) + Math.log(f);
    }
    // P(a,x) = x^a e^-x / Γ(a+1) * Σ x^n / ((a+1)...(a+n))
    double sum = 1.0;
    double term = 1.0;
    for (int n = 1; n < 100_000_000; n++) {
      term *= x / (a + n);
      double next = sum + term;
      if (next == sum) {
        break;
      }
      sum = next;
    }
    double lower = Math.exp(lnPoisson + Math.log(sum));
    return Math.log1p(-Math.min(lower, 1.0));
  }

  /** ln(x^a e^-x / Γ(a+1)) without cancellation (Loader). */
  static double lnPoissonRaw(double a, double x) {
    return -stirlerr(a) - bd0(a, x) - 0.5 * (LN_2PI + Math.log(a));
  }

  /** Stirling's remainder: ln Γ(n+1) − (n + ½) ln n + n − ln √(2π). */
  static double stirlerr(double n) {
    final double s0 = 1.0 / 12;
    final double s1 = 1.0 / 360;
    final double s2 = 1.0 / 1260;
    final double s3 = 1.0 / 1680;
    final double s4 = 1.0 / 1188;
    if (n <= 15) {
      if (n == 0) {
        return 0.0;
      }
      return Gamma.logGamma(n + 1) - (n + 0.5) * Math.log(n) + n - LN_SQRT_2PI;
    }
    double nn = n * n;
    if (n > 500) {
      return (s0 - s1 / nn) / n;
    }
    if (n > 80) {
      return (s0 - (s1 - s2 / nn) / nn) / n;
    }
    if (n > 35) {
      return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
    }
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
  }

  /** The deviance term x ln(x/np) + np − x, computed stably when x ≈ np. */
  static double bd0(double x, double np) {
    if (Math.abs(x - np) < 0.1 * (x + np)) {
      double v = (x - np) / (x + np);
      double s = (x - np) * v;
      double ej = 2 * x * v;
      v = v * v;
      for (int j = 1; j < 1000; j++) {
        ej *= v;
        double s1 = s + ej / (2 * j + 1);
        if (s1 == s) {
          return s1;
        }
        s = s1;
      }
      return s;
    }
    return x * Math.log(x / np) + np - x;
  }

  /** The z-score (k − np) / sqrt(np(1 − p)); 0 when n = 0. */
  public static double zScore(long n, long k, double p) {
    if (n == 0) {
      return 0.0;
    }
    return (k - n * p) / Math.sqrt(n * p * (1 - p));
  }

  /**
   * The dual-key Gumbel score x = (1 − α)·s_A + α·s_B (s_A, s_B independent Exp(1) under H0) mapped
   * to −ln P(X ≥ x): an exactly Exp(1) score, increasing in x, so that a sum of them has the exact
   * Gamma(n, 1) tail. x itself for α ∈ {0, 1}.
   *
   * @throws IllegalArgumentException if α is outside [0, 1]
   */
  public static double dualKeyExpScore(double x, double alpha) {
    Checks.require(alpha >= 0 && alpha <= 1, "alpha must be in [0, 1], was %s", alpha);
    if (alpha == 0 || alpha == 1) {
      return x;
    }
    double a = Math.max(alpha, 1 - alpha); // the larger scale
    double b = Math.min(alpha, 1 - alpha);
    if (a == b) {
      // (s_A + s_B) / 2 ~ Gamma(2, 1/2): P(X >= x) = e^{-2x} (1 + 2x)
      return 2 * x - Math.log1p(2 * x);
    }
    // P(X >= x) = (a e^{-x/a} - b e^{-x/b}) / (a - b) = e^{-x/a} (a - b e^{x/a - x/b}) / (a - b)
    return x / a - Math.log(a - b * Math.exp(x / a - x / b)) + Math.log(a - b);
  }

  /**
   * log10 P(S ≥ score) for the sum S of {@code n} independent unit scores with the law {@code law}:
   * the binomial upper tail of the green count {@code round(score)}, the exact weighted binomial
   * tail of a layered score ({@link WeightedPValues}: n units of m layers are n g-values per
   * layer), or the gamma upper tail Q(n, score). 0 (p = 1) when nothing was scored.
   */
  public static double log10UpperTail(NullDistribution law, long n, double score) {
    Checks.require(n >= 0, "n must be >= 0, was %d", n);
    if (n == 0) {
      return 0.0;
    }
    if (law instanceof NullDistribution.Binomial) {
      return log10BinomialUpperTail(n, Math.round(score), ((NullDistribution.Binomial) law).gamma());
    }
    if (law instanceof NullDistribution.LayeredBinomial) {
      NullDistribution.LayeredBinomial lb = (NullDistribution.LayeredBinomial) law;
      return WeightedPValues.log10BinomialUpperTail(layerCounts(lb, n), Math.round(score), lb.p());
    }
    return log10GammaUpperTail(n, score);
  }

  /**
   * The sum {@code score} of {@code n} unit scores standardised by the law's null mean and
   * variance, for familiarity only: {@link #zScore(long, long, double)} for green counts,
   * (score − n) / √n for Exp(1) scores; 0 when nothing was scored.
   */
  public static double zScore(NullDistribution law, long n, double score) {
    if (n == 0) {
      return 0.0;
    }
    if (law instanceof NullDistribution.Binomial) {
      return zScore(n, Math.round(score), ((NullDistribution.Binomial) law).gamma());
    }
    if (law instanceof NullDistribution.LayeredBinomial) {
      NullDistribution.LayeredBinomial lb = (NullDistribution.LayeredBinomial) law;
      return WeightedPValues.binomialZScore(layerCounts(lb, n), Math.round(score), lb.p());
    }
    return (score - n) / Math.sqrt(n);
  }

  /** The g-values per level of {@code n} units of a layered law: n per layer, summed over layers of one level. */
  private static long[] layerCounts(NullDistribution.LayeredBinomial law, long n) {
    int[] levels = law.levels();
    int max = 0;
    for (int l : levels) {
      max = Math.max(max, l);
    }
    long[] counts = new long[max + 1];
    for (int l : levels) {
      counts[l] += n;
    }
    return counts;
  }
}
