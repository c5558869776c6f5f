package io.tracemark.core.stats;

import io.tracemark.api.Checks;

/**
 * Exact upper tails, in log space, of weighted statistics S = Σ levelᵢ·scoreᵢ over distinct scored
 * tuples with key-independent integer levels (see {@link WeightGrid}). Stateless and thread-safe.
 *
 * <p>Inputs are tuple counts per level: {@code tuplesPerLevel[l]} tuples have level l; entry 0 (level-0
 * tuples, which are not scored) is ignored. Under H0 each tuple is green with probability γ
 * independently (green-list schemes: S = Σ l·X_l, X_l ~ Binomial(n_l, γ)) or has an Exp(1) score
 * (Aaronson/Gumbel schemes: S = Σ l·G_l, G_l ~ Gamma(n_l, 1)).
 *
 * <p>Method (details in docs/statistics.md, "Weighted statistics"): exact Fourier inversion of the
 * lattice law along the saddle-point contour, with the trapezoidal rule's aliasing bounded by
 * Chernoff bounds (it can only overestimate), negligible nodes skipped by a Lipschitz bound, and a
 * rounding-error certificate; uncertified binomial cases are recomputed by direct convolution of
 * the tilted per-level binomials. The gamma sum is turned into a lattice tail first: with
 * m = min level and ρ = Σ n_l, S = m·Gamma(ρ + K) where K = Σ_l NegBin(n_l, m/l), so
 * P(S ≥ s) = P(K − Poisson(s/m) ≥ 1 − ρ). One populated level reduces exactly to
 * {@link PValues}. Accuracy: relative error of log10 p below 1e-9, certified per call (within 1e-15
 * of p = 1, an absolute error of ln p below 1e-25), for up to 10^9 tuples and p far below
 * 1e-100000; a call that cannot be certified throws {@link ArithmeticException} rather than
 * return an uncertain value (no such input is known).
 */
public final class WeightedPValues {
  private WeightedPValues() {}

  private static final double LN10 = Math.log(10);

  /**
   * log10 P(S ≥ s) for S = Σ_l l·X_l, X_l ~ Binomial(tuplesPerLevel[l], gamma) independent.
   *
   * @param tuplesPerLevel tuples per level (entries ≥ 0; entry 0 ignored); not modified or kept
   * @param s the observed statistic; s ≤ 0 gives 0 (p = 1), s above Σ l·n_l gives −∞
   * @param gamma the green probability, in (0, 1)
   */
  public static double log10BinomialUpperTail(long[] tuplesPerLevel, long s, double gamma) {
    return binomialEvaluation(tuplesPerLevel, s, gamma).lnP() / LN10;
  }

  /** The binomial tail in natural log with how it was computed. */
  static LatticeTail.Evaluation binomialEvaluation(long[] tuplesPerLevel, long s, double gamma) {
    Checks.require(gamma > 0 && gamma < 1, "gamma must be in (0, 1), was %s", gamma);
    Levels lv = Levels.of(tuplesPerLevel);
    if (s <= 0) {
      return exact(0.0);
    }
    if (lv.total == 0 || s > lv.maxSum) {
      return exact(Double.NEGATIVE_INFINITY);
    }
    if (lv.populated == 1) {
      return single(PValues.lnBinomialUpperTail(lv.total, ceilDiv(s, lv.minLevel), gamma));
    }
    long g = lv.gcd;
    LatticeTail.Builder b = new LatticeTail.Builder();
    for (int l = 1; l < tuplesPerLevel.length; l++) {
      b.binomial(l / g, tuplesPerLevel[l], gamma);
    }
    return b.build().evaluate(ceilDiv(s, g));
  }

  /**
   * log10 P(S ≥ s) for S = Σ_l l·G_l, G_l ~ Gamma(tuplesPerLevel[l], 1) independent (a sum of
   * Exp(1) scores per level).
   *
   * @param tuplesPerLevel tuples per level (entries ≥ 0; entry 0 ignored); not modified or kept
   * @param s the observed statistic, not NaN; s ≤ 0 gives 0 (p = 1)
   */
  public static double log10GammaUpperTail(long[] tuplesPerLevel, double s) {
    return gammaEvaluation(tuplesPerLevel, s).lnP() / LN10;
  }

  /** The gamma-sum tail in natural log with how it was computed. */
  static LatticeTail.Evaluation gammaEvaluation(long[] tuplesPerLevel, double s) {
    Checks.require(!Double.isNaN(s), "s must not be NaN");
    Levels lv = Levels.of(tuplesPerLevel);
    if (s <= 0) {
      return exact(0.0);
    }
    if (lv.total == 0 || s == Double.POSITIVE_INFINITY) {
      return exact(Double.NEGATIVE_INFINITY);
    }
    long m = lv.minLevel;
    if (lv.populated == 1) {
      return single(PValues.lnGammaUpperTail(lv.total, s / m));
    }
    LatticeTail.Builder b = new LatticeTail.Builder();
    for (int l = (int) m + 1; l < tuplesPerLevel.length; l++) {
      b.negativeBinomial(1, tuplesPerLevel[l], (double) m / l);
    }
    b.poisson(-1, s / m);
    return b.build().evaluate(1 - lv.total);
  }

  private static LatticeTail.Evaluation exact(double lnP) {
    return new LatticeTail.Evaluation(lnP, LatticeTail.Method.BOUND, 0, 0);
  }

  private static LatticeTail.Evaluation single(double lnP) {
    return new LatticeTail.Evaluation(lnP, LatticeTail.Method.SINGLE_LEVEL, 0, 0);
  }

  /** E S = γ·Σ l·n_l under H0 (binomial). */
  public static double binomialMean(long[] tuplesPerLevel, double gamma) {
    Checks.require(gamma > 0 && gamma < 1, "gamma must be in (0, 1), was %s", gamma);
    return gamma * Levels.of(tuplesPerLevel).maxSum;
  }

  /** Var S = γ(1 − γ)·Σ l²·n_l under H0 (binomial). */
  public static double binomialVariance(long[] tuplesPerLevel, double gamma) {
    Checks.require(gamma > 0 && gamma < 1, "gamma must be in (0, 1), was %s", gamma);
    return gamma * (1 - gamma) * Levels.of(tuplesPerLevel).sumSquares;
  }

  /** (s − E S) / sd S under H0 (binomial), for familiarity only; 0 when nothing is scored. */
  public static double binomialZScore(long[] tuplesPerLevel, long s, double gamma) {
    double v = binomialVariance(tuplesPerLevel, gamma);
    return v == 0 ? 0.0 : (s - binomialMean(tuplesPerLevel, gamma)) / Math.sqrt(v);
  }

  /** E S = Σ l·n_l under H0 (gamma sum). */
  public static double gammaMean(long[] tuplesPerLevel) {
    return Levels.of(tuplesPerLevel).maxSum;
  }

  /** Var S = Σ l²·n_l under H0 (gamma sum). */
  public static double gammaVariance(long[] tuplesPerLevel) {
    return Levels.of(tuplesPerLevel).sumSquares;
  }

  /** (s − E S) / sd S under H0 (gamma sum), for familiarity only; 0 when nothing is scored. */
  public static double gammaZScore(long[] tuplesPerLevel, double s) {
    Checks.require(!Double.isNaN(s), "s must not be NaN");
    double v = gammaVariance(tuplesPerLevel);
    return v == 0 ? 0.0 : (s - gammaMean(tuplesPerLevel)) / Math.sqrt(v);
  }

  private static long ceilDiv(long x, long y) {
    return -Math.floorDiv(-x, y);
  }

  /** Validated summary of a counts-per-level array. */
  private static final class Levels {
    long total;
    long maxSum;
    double sumSquares;
    int populated;
    long minLevel;
    long gcd;

    static Levels of(long[] counts) {
      Checks.require(counts != null, "tuplesPerLevel must not be null");
      Checks.require(counts.length <= WeightGrid.LIMIT_MAX_LEVEL + 1,
          "tuplesPerLevel must have at most %d entries (levels 0..%d), had %d", WeightGrid.LIMIT_MAX_LEVEL + 1,
          WeightGrid.LIMIT_MAX_LEVEL, counts.length);
      Levels lv = new Levels();
      for (int l = 1; l < counts.length; l++) {
        long n = counts[l];
        Checks.require(n >= 0, "tuplesPerLevel[%d] must be >= 0, was %d", l, n);
        if (n == 0) {
          continue;
        }
        try {
          lv.total = Math.addExact(lv.total, n);
          lv.maxSum = Math.addExact(lv.maxSum, Math.multiplyExact(n, (long) l));
        } catch (ArithmeticException e) {
          throw Checks.illegal("tuplesPerLevel: the largest statistic sum(l * n_l) exceeds 2^63 at level %d", l);
        }
        lv.sumSquares += (double) l * l * n;
        if (lv.populated == 0) {
          lv.minLevel = l;
        }
        lv.populated++;
        lv.gcd = gcd(lv.gcd, l);
      }
      return lv;
    }

    private static long gcd(long x, long y) {
      while (y != 0) {
        long t = x % y;
        x = y;
        y = t;
      }
      return x;
    }
  }
}
