package io.tracemark.core.stats;

import io.tracemark.api.Checks;

/**
 * The exact null law of a multi-bit payload's decoding statistic. At one symbol position, n units
 * fall into K = 2^r colours uniformly and independently; the decoded symbol is the fullest colour
 * and M = its count. The statistic of a message of L symbols is S = Σ_p M_p, so S is the green
 * count of the best of all K^L messages and its upper tail is the p-value corrected for every
 * message, conditionally on the units per position (which do not depend on the colours).
 *
 * <p>The law of M is a sum of positive terms, so it is computed without cancellation (never as
 * 1 − CDF): P(M = m) = Σ_{j ≥ 1} C(K, j) · P(j given colours hold m units each, the other n − jm
 * fall in the other K − j) · h_{K−j}(n − jm), where h_k(s) is the probability that s units spread
 * uniformly over k colours leave every colour at most m − 1; h is a dynamic programme over colours
 * with binomial splits (probabilities in [0, 1]). The laws of the positions are convolved in log
 * space. Cost about K·n³/2 operations for the largest n, so {@link #affordable} bounds it;
 * beyond, callers use the union bound over the K^L messages, which is conservative.
 */
public final class MaxMultinomialLaw {
  /** The most operations {@link #lnPmfsOfMax} may cost (about a second on one core). */
  public static final double BUDGET = 2.5e8;

  private MaxMultinomialLaw() {}

  /** Whether the exact law of the maximum for up to {@code maxUnits} units in {@code colours} colours fits the budget. */
  public static boolean affordable(long maxUnits, int colours) {
    return (double) colours * maxUnits * maxUnits * maxUnits / 2 <= BUDGET;
  }

  /**
   * ln P(M = m), m = 0 … n, for every n in {@code units}: the law of the largest count when n
   * units fall uniformly into {@code colours} colours.
   *
   * @return one array of length n + 1 per entry of {@code units}, −∞ where impossible
   * @throws IllegalArgumentException if a count is negative or {@code colours} is below 2
   */
  public static double[][] lnPmfsOfMax(int[] units, int colours) {
    Checks.require(colours >= 2, "colours must be >= 2, was %d", colours);
    int nMax = 0;
    for (int n : units) {
      Checks.require(n >= 0, "units must be >= 0, was %d", n);
      nMax = Math.max(nMax, n);
    }
    int k = colours;
    double[] lnFact = new double[nMax + 1];
    for (int i = 1; i <= nMax; i++) {
      lnFact[i] = lnFact[i - 1] + Math.log(i);
    }
    // split[c][s][a] = P(Binomial(s, 1/c) = a) for c = 2 … K − 1 (c = 1 puts everything in one colour)
    double[][][] split = new double[k][][];
    for (int c = 2; c < k; c++) {
      split[c] = new double[nMax + 1][];
      for (int s = 0; s <= nMax; s++) {
        split[c][s] = new double[s + 1];
        for (int a = 0; a <= s; a++) {
          split[c][s][a] = Math.exp(PValues.lnBinomialPmf(a, s, 1.0 / c));
        }
      }
    }
    double[][] out = new double[units.length][];
    for (int i = 0; i < units.length; i++) {
      out[i] = new double[units[i] + 1];
      java.util.Arrays.fill(out[i], Double.NEGATIVE_INFINITY);
      if (units[i] == 0) {
        out[i][0] = 0.0;
      }
    }
    double[][] h = new double[k][nMax + 1];
    double lnK = Math.log(k);
    for (int m = 1; m <= nMax; m++) {
      fillBelow(h, m - 1, split, nMax);
      for (int i = 0; i < units.length; i++) {
        int n = units[i];
        if (m > n || (long) m * k < n) {
          continue;
        }
        double best = Double.NEGATIVE_INFINITY;
        double[] terms = new double[k + 1];
        int count = 0;
        for (int j = 1; j <= k && (long) j * m <= n; j++) {
          int rest = n - j * m;
          int others = k - j;
          double hv = h[others][rest];
          if (hv <= 0) {
            continue;
          }
          double t = lnChoose(k, j) + lnFact[n] - j * lnFact[m] - lnFact[rest] - (double) j * m * lnK
              + (rest == 0 ? 0.0 : rest * Math.log((double) others / k)) + Math.log(hv);
          terms[count++] = t;
          best = Math.max(best, t);
        }
        if (count > 0) {
          double sum = 0;
          for (int q = 0; q < count; q++) {
            sum += Math.exp(terms[q] - best);
          }
          out[i][m] = best + Math.log(sum);
        }
      }
    }
    return out;
  }

  /** h[c][s] = P(s units spread uniformly over c colours leave each at most {@code cap}), c = 0 … K − 1. */
  private static void fillBelow(double[][] h, int cap, double[][][] split, int nMax) {
    int k = h.length;
    java.util.Arrays.fill(h[0], 0.0);
    h[0][0] = 1.0;
    for (int s = 0; s <= nMax; s++) {
      h[1][s] = s <= cap ? 1.0 : 0.0;
    }
    for (int c = 2; c < k; c++) {
      double[] prev = h[c - 1];
      double[] cur = h[c];
      long reach = (long) c * cap;
      for (int s = 0; s <= nMax; s++) {
        if (s > reach) {
          cur[s] = 0.0;
          continue;
        }
        double[] b = split[c][s];
        double sum = 0;
        for (int a = Math.max(0, s - (int) Math.min(s, (long) (c - 1) * cap)); a <= Math.min(cap, s); a++) {
          sum += b[a] * prev[s - a];
        }
        cur[s] = sum;
      }
    }
  }

  private static double lnChoose(int n, int k) {
    double r = 0;
    for (int i = 1; i <= k; i++) {
      r += Math.log((double) (n - k + i) / i);
    }
    return r;
  }

  /**
   * ln P(Σ X_p ≥ s) for independent X_p with the given laws ({@code lnPmfs[p][x] = ln P(X_p = x)}),
   * by convolution in log space: exact, also far below 1e-308.
   */
  public static double lnUpperTailOfSum(double[][] lnPmfs, long s) {
    double fast = scaledUpperTail(lnPmfs, s);
    if (!Double.isNaN(fast)) {
      return fast;
    }
    double[] acc = {0.0};
    for (double[] pmf : lnPmfs) {
      acc = convolve(acc, pmf);
    }
    if (s <= 0) {
      return 0.0;
    }
    if (s >= acc.length) {
      return Double.NEGATIVE_INFINITY;
    }
    return logSumExp(acc, (int) s, acc.length);
  }

  /**
   * The same tail by convolving each law scaled by its largest term, in plain doubles (no exp in
   * the inner loop); NaN when the tail lies so far below the bulk (1e-250 of it) that scaled terms
   * may have underflowed, and the log-space convolution must decide.
   */
  private static double scaledUpperTail(double[][] lnPmfs, long s) {
    double[] acc = {1.0};
    double lnScale = 0.0;
    for (double[] pmf : lnPmfs) {
      double top = Double.NEGATIVE_INFINITY;
      for (double v : pmf) {
        top = Math.max(top, v);
      }
      double[] b = new double[pmf.length];
      for (int i = 0; i < b.length; i++) {
        b[i] = Math.exp(pmf[i] - top);
      }
      double[] out = new double[acc.length + b.length - 1];
      for (int i = 0; i < acc.length; i++) {
        double ai = acc[i];
        if (ai == 0) {
          continue;
        }
        for (int j = 0; j < b.length; j++) {
          out[i + j] += ai * b[j];
        }
      }
      double outTop = 0;
      for (double v : out) {
        outTop = Math.max(outTop, v);
      }
      for (int i = 0; i < out.length; i++) {
        out[i] /= outTop;
      }
      acc = out;
      lnScale += top + Math.log(outTop);
    }
    if (s <= 0) {
      return 0.0;
    }
    if (s >= acc.length) {
      return Double.NEGATIVE_INFINITY;
    }
    double tail = 0;
    for (int i = (int) s; i < acc.length; i++) {
      tail += acc[i];
    }
    if (!(tail > 1e-250)) {
      return Double.NaN;
    }
    return Math.min(0.0, lnScale + Math.log(tail));
  }

  private static double[] convolve(double[] a, double[] b) {
    double[] out = new double[a.length + b.length - 1];
    java.util.Arrays.fill(out, Double.NEGATIVE_INFINITY);
    double[] terms = new double[Math.min(a.length, b.length)];
    for (int x = 0; x < out.length; x++) {
      int count = 0;
      double best = Double.NEGATIVE_INFINITY;
      for (int i = Math.max(0, x - b.length + 1); i <= Math.min(x, a.length - 1); i++) {
        double t = a[i] + b[x - i];
        if (t == Double.NEGATIVE_INFINITY) {
          continue;
        }
        terms[count++] = t;
        best = Math.max(best, t);
      }
      if (count > 0) {
        double sum = 0;
        for (int q = 0; q < count; q++) {
          sum += Math.exp(terms[q] - best);
        }
        out[x] = best + Math.log(sum);
      }
    }
    return out;
  }

  private static double logSumExp(double[] v, int from, int to) {
    double best = Double.NEGATIVE_INFINITY;
    for (int i = from; i < to; i++) {
      best = Math.max(best, v[i]);
    }
    if (best == Double.NEGATIVE_INFINITY) {
      return best;
    }
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += Math.exp(v[i] - best);
    }
    return Math.min(0.0, best + Math.log(sum));
  }
}
