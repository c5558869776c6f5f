package io.tracemark.verifier.plan;

import io.tracemark.api.Checks;
import io.tracemark.core.stats.PValues;
import io.tracemark.core.stats.WeightedPValues;

/**
 * What a pilot predicts: the green rate of the suspect's tuples with its exact confidence
 * interval, and the number of queries at which the test reaches α with a given power. Pure
 * functions, exact binomial laws throughout (no normal approximation).
 *
 * <p>The model: every distinct tuple is green with one probability p (γ under H0, the pilot's rate
 * under H1), at whatever weight level it has; the statistic is S = Σ level·green (one level for
 * the unweighted count), whose exact tail {@link WeightedPValues} (or {@link PValues} for one
 * level) gives. The budget extrapolates the pilot's tuples with a power law T(Q) = T(q)·(Q/q)^b,
 * b measured between the pilot's first half and the whole pilot (the global dedup tape makes later
 * queries add fewer new tuples), and keeps the pilot's share of tuples per level. For Q queries the
 * critical value s* is the smallest s with P_γ(S ≥ s) ≤ α, and the power P_p(S ≥ s*), both exact.
 *
 * <p>The gamma-sum statistic of Gumbel-max schemes has the same budget under a scale model of the
 * suspect's scores (see {@link #gammaPower}).
 */
public final class Budget {
  /** The largest budget searched. */
  public static final long MAX_QUERIES = 1_000_000_000L;

  private Budget() {}

  /** log10 P(S ≥ s) with tuples per level {@code levels} and green probability p. */
  static double log10Tail(long[] levels, long s, double p) {
    if (s <= 0) {
      return 0;
    }
    boolean single = true;
    for (int l = 2; l < levels.length; l++) {
      single &= levels[l] == 0;
    }
    if (single) {
      long n = levels.length > 1 ? levels[1] : 0;
      return s > n ? Double.NEGATIVE_INFINITY : PValues.log10BinomialUpperTail(n, s, p);
    }
    return WeightedPValues.log10BinomialUpperTail(levels, s, p);
  }

  /** Σ l·n_l, the largest value of S. */
  static long top(long[] levels) {
    long t = 0;
    for (int l = 1; l < levels.length; l++) {
      t += l * levels[l];
    }
    return t;
  }

  /** The smallest s with P_γ(S ≥ s) ≤ α (top + 1 when none is). */
  static long critical(long[] levels, double gamma, double alpha) {
    double target = Math.log10(alpha);
    long lo = 0;
    long hi = top(levels) + 1;
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      if (log10Tail(levels, mid, gamma) <= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** The exact power P_p(S ≥ s*) of the level-α test. */
  public static double power(long[] levels, double gamma, double p, double alpha) {
    long s = critical(levels, gamma, alpha);
    return s > top(levels) ? 0 : Math.pow(10, log10Tail(levels, s, p));
  }

  /**
   * An exact two-sided confidence interval for p, the common green probability, from S = s (the
   * Clopper–Pearson construction: each bound leaves (1 − level)/2 in its tail).
   *
   * @return {lower, upper}
   */
  public static double[] interval(long[] levels, long s, double level) {
    Checks.require(level > 0 && level < 1, "the confidence level must be in (0, 1), was %s", level);
    double half = Math.log10((1 - level) / 2);
    long top = top(levels);
    double lower = s <= 0 ? 0 : solve(p -> log10Tail(levels, s, p), half, true);
    // P_p(S ≤ s) = P_{1-p}(top − S ≥ top − s): the same law with the levels' complements
    double upper = s >= top ? 1 : 1 - solve(q -> log10Tail(levels, top - s, q), half, true);
    return new double[] {lower, upper};
  }

  /** The p in (0, 1) where the increasing function f(p) crosses {@code target}, by bisection. */
  private static double solve(java.util.function.DoubleUnaryOperator f, double target, boolean increasing) {
    double lo = 1e-12;
    double hi = 1 - 1e-12;
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      if ((f.applyAsDouble(mid) < target) == increasing) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }

  /** The pilot's tuples per level scaled to {@code tuples} tuples (each level keeps its share). */
  static long[] scale(long[] levels, double factor) {
    long[] out = new long[levels.length];
    for (int l = 1; l < levels.length; l++) {
      out[l] = Math.round(levels[l] * factor);
    }
    return out;
  }

  /**
   * The smallest number of queries whose extrapolated tuples reach α with at least {@code target}
   * power at green probability p, or −1 when p ≤ γ or no budget up to {@link #MAX_QUERIES} does.
   *
   * @param levels the pilot's tuples per level
   * @param pilotQueries q, the pilot's queries
   * @param growth b, the exponent of the tuples' growth with the queries
   */
  public static long queries(long[] levels, long pilotQueries, double growth, double gamma, double p, double alpha,
      double target) {
    Checks.require(pilotQueries >= 1, "pilot queries must be >= 1, was %d", pilotQueries);
    if (!(p > gamma) || top(levels) == 0) {
      return -1;
    }
    return smallest(q -> power(scale(levels, Math.pow((double) q / pilotQueries, growth)), gamma, p, alpha)
        >= target);
  }

  /** The smallest q in [1, {@link #MAX_QUERIES}] with {@code enough(q)} (monotone), or −1. */
  private static long smallest(java.util.function.LongPredicate enough) {
    long hi = 1;
    while (!enough.test(hi)) {
      if (hi >= MAX_QUERIES) {
        return -1;
      }
      hi = Math.min(MAX_QUERIES, hi * 2);
    }
    long lo = hi / 2 + 1;
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      if (enough.test(mid)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return hi;
  }

  // The gamma-sum statistic (Gumbel-max schemes): S = Σ_l l·G_l with G_l the sum of the scores
  // of the n_l tuples at level l, each Exp(1) under H0. Under H1 the model is a scale family:
  // each score has mean μ (the pilot's mean score per level unit) and the law μ·Exp(1), so S/μ
  // has the H0 law and every quantity below is an exact tail of the H0 law, which
  // WeightedPValues computes (PValues for one level). For a radioactive suspect μ is close to 1
  // and the model's variance μ² per score is close to that of the real mixture of unmarked Exp(1)
  // scores and a few larger ones.

  /** log10 P_H0(S ≥ s) of the gamma sum. */
  static double log10GammaTail(long[] levels, double s) {
    return io.tracemark.core.stats.WeightedPValues.log10GammaUpperTail(levels, s);
  }

  /** The s with P_H0(S ≥ s) = α (continuous law), by bisection; +∞ without tuples. */
  static double gammaCritical(long[] levels, double alpha) {
    if (top(levels) == 0) {
      return Double.POSITIVE_INFINITY;
    }
    double target = Math.log10(alpha);
    double lo = 0;
    double hi = Math.max(1, top(levels));
    while (log10GammaTail(levels, hi) > target) {
      hi *= 2;
    }
    for (int i = 0; i < 100 && hi - lo > 1e-9 * hi; i++) {
      double mid = (lo + hi) / 2;
      if (log10GammaTail(levels, mid) > target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  /** The power P_μ(S ≥ s*) = P_H0(S ≥ s* / μ) of the level-α gamma-sum test under the scale model. */
  public static double gammaPower(long[] levels, double mu, double alpha) {
    Checks.require(mu > 0 && Double.isFinite(mu), "the mean score must be finite and > 0, was %s", mu);
    double critical = gammaCritical(levels, alpha);
    return critical == Double.POSITIVE_INFINITY ? 0 : Math.pow(10, log10GammaTail(levels, critical / mu));
  }

  /**
   * An exact two-sided confidence interval for μ under the scale model from S = s: S/μ has the H0
   * law, so each bound leaves (1 − level)/2 in its tail.
   *
   * @return {lower, upper}
   */
  public static double[] gammaInterval(long[] levels, double s, double level) {
    Checks.require(level > 0 && level < 1, "the confidence level must be in (0, 1), was %s", level);
    Checks.require(s > 0 && top(levels) > 0, "the interval needs tuples and a positive score");
    // P_μ(S' ≥ s) = P_H0(T ≥ s/μ) grows with μ; the lower bound puts (1 − level)/2 above s, the
    // upper bound 1 − (1 − level)/2 above s (so (1 − level)/2 below)
    double lower = solveScale(levels, s, Math.log10((1 - level) / 2));
    double upper = solveScale(levels, s, Math.log10(1 - (1 - level) / 2));
    return new double[] {lower, upper};
  }

  /** The μ with log10 P_H0(T ≥ s/μ) = target, by bisection on ln μ. */
  private static double solveScale(long[] levels, double s, double target) {
    double lo = Math.log(1e-9);
    double hi = Math.log(1e9);
    for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
      double mid = (lo + hi) / 2;
      if (log10GammaTail(levels, s / Math.exp(mid)) < target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.exp((lo + hi) / 2);
  }

  /**
   * The smallest number of queries whose extrapolated tuples reach α with at least {@code target}
   * power at mean score μ (scale model), or −1 when μ ≤ 1 or no budget up to {@link #MAX_QUERIES}
   * does.
   */
  public static long gammaQueries(long[] levels, long pilotQueries, double growth, double mu, double alpha,
      double target) {
    Checks.require(pilotQueries >= 1, "pilot queries must be >= 1, was %d", pilotQueries);
    if (!(mu > 1) || top(levels) == 0) {
      return -1;
    }
    return smallest(q -> gammaPower(scale(levels, Math.pow((double) q / pilotQueries, growth)), mu, alpha)
        >= target);
  }

  /**
   * The growth exponent b from the tuples of the pilot's first {@code halfQueries} queries and of
   * all {@code queries}: ln(T / T_half) / ln(q / q_half), kept in [0.05, 1] (1 when undefined).
   */
  public static double growth(long tuplesHalf, long halfQueries, long tuples, long queries) {
    if (tuplesHalf <= 0 || tuples <= tuplesHalf || halfQueries <= 0 || queries <= halfQueries) {
      return tuples > 0 && tuples == tuplesHalf ? 0.05 : 1.0;
    }
    double b = Math.log((double) tuples / tuplesHalf) / Math.log((double) queries / halfQueries);
    return Math.max(0.05, Math.min(1.0, b));
  }

  /** The tuples per level of the unweighted count of n tuples (all at level 1). */
  public static long[] unweighted(long n) {
    return new long[] {0, n};
  }
}
