package io.tracemark.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Exactness of the weighted tails against exact sums, independent computations and bounds. */
class WeightedPValuesTest {
  private static final double LN10 = Math.log(10);
  /** The contract: relative error of log10 p. */
  private static final double CONTRACT = 1e-9;

  static long[] counts(int[] levels, int[] n) {
    int top = 0;
    for (int l : levels) {
      top = Math.max(top, l);
    }
    long[] c = new long[top + 1];
    for (int i = 0; i < levels.length; i++) {
      c[levels[i]] += n[i];
    }
    return c;
  }

  /** |actual − expected| / |expected|, with exact agreement required at 0 and −∞. */
  static double relativeError(double actual, double expected) {
    if (expected == 0 || Double.isInfinite(expected)) {
      return actual == expected ? 0 : Double.POSITIVE_INFINITY;
    }
    return Math.abs(actual - expected) / Math.abs(expected);
  }

  static Stream<Arguments> smallConfigurations() {
    int[][][] configs = {
        {{1, 2}, {60, 60}},
        {{1, 3, 7}, {40, 40, 40}},
        {{2, 5, 11, 13}, {40, 40, 40, 40}},
        {{1, 64}, {2, 150}},
        {{3, 64}, {3, 100}},
        {{10, 20, 33, 47, 64}, {40, 40, 40, 40, 40}},
        {{60, 61, 62, 63, 64}, {5, 5, 5, 5, 5}},
        {{4, 6, 10}, {30, 30, 30}},
        {{1, 2, 3, 4, 5}, {1, 1, 1, 1, 1}},
        {{17, 64}, {1, 199}},
        {{5, 9}, {1, 1}},
    };
    int[][] gammas = {{1, 10}, {1, 4}, {1, 2}};
    Stream.Builder<Arguments> b = Stream.builder();
    for (int[][] c : configs) {
      for (int[] g : gammas) {
        b.add(Arguments.of(c[0], c[1], g[0], g[1]));
      }
    }
    return b.build();
  }

  @ParameterizedTest
  @MethodSource("smallConfigurations")
  void binomialTailsEqualExactIntegerSumsAcrossTheWholeRange(int[] levels, int[] n, int a, int b) {
    double[] exact = ExactSums.binomialTails(levels, n, a, b);
    long[] c = counts(levels, n);
    double gamma = (double) a / b;
    int max = exact.length - 2;
    int stride = Math.max(1, max / 150);
    for (int s = -1; s <= max + 2; s++) {
      boolean edge = s < 40 || s > max - 40;
      if (!edge && s % stride != 0) {
        continue;
      }
      double expected = s < 0 ? 0 : s > max + 1 ? Double.NEGATIVE_INFINITY : exact[s];
      double actual = WeightedPValues.log10BinomialUpperTail(c, s, gamma);
      assertThat(relativeError(actual, expected)).as("s=%d: %s vs exact %s", s, actual, expected)
          .isLessThanOrEqualTo(1e-11);
    }
  }

  /** The Fourier inversion and the direct convolution each meet exact sums (both paths run here). */
  @Test
  void bothEnginesMeetExactSums() {
    Map<LatticeTail.Method, Integer> seen = new EnumMap<>(LatticeTail.Method.class);
    int[][][] configs = {{{10, 20, 33, 47, 64}, {40, 40, 40, 40, 40}}, {{1, 64}, {2, 150}}, {{1, 3, 7}, {40, 40, 40}}};
    for (int[][] config : configs) {
      double[] exact = ExactSums.binomialTails(config[0], config[1], 1, 4);
      long[] c = counts(config[0], config[1]);
      for (int s = 1; s < exact.length - 1; s += 7) {
        LatticeTail.Evaluation e = WeightedPValues.binomialEvaluation(c, s, 0.25);
        seen.merge(e.method(), 1, Integer::sum);
        assertThat(relativeError(e.lnP() / LN10, exact[s])).as("s=%d %s", s, e).isLessThanOrEqualTo(1e-11);
        assertThat(e.relativeError()).isLessThanOrEqualTo(LatticeTail.MAX_RELATIVE_ERROR);
      }
    }
    assertThat(seen.getOrDefault(LatticeTail.Method.FOURIER, 0)).isGreaterThan(100);
    assertThat(seen.getOrDefault(LatticeTail.Method.CONVOLUTION, 0)).isGreaterThan(100);
  }

  @ParameterizedTest
  @CsvSource({"1, 1099511627776", "1099511627775, 1099511627776"})
  void gammaNearZeroAndNearOneIsExact(long a, long b) {
    // γ = 2^-40 and 1 − 2^-40 are exact doubles; exact sums with integer a, b as BigInteger
    int[] levels = {1, 3, 8};
    int[] n = {4, 3, 2};
    double gamma = (double) a / b;
    double[] reference = binomialTailsLong(levels, n, a, b);
    long[] c = counts(levels, n);
    for (int s = 0; s < reference.length; s++) {
      double actual = WeightedPValues.log10BinomialUpperTail(c, s, gamma);
      assertThat(relativeError(actual, reference[s])).as("s=%d", s).isLessThanOrEqualTo(1e-11);
    }
  }

  /** The exact tails of {@link ExactSums#binomialTails} for γ = a/b with long a, b. */
  private static double[] binomialTailsLong(int[] levels, int[] n, long a, long b) {
    int max = 0;
    int total = 0;
    for (int i = 0; i < levels.length; i++) {
      max += levels[i] * n[i];
      total += n[i];
    }
    java.math.BigInteger[] poly = new java.math.BigInteger[max + 1];
    java.util.Arrays.fill(poly, java.math.BigInteger.ZERO);
    poly[0] = java.math.BigInteger.ONE;
    java.math.BigInteger ba = java.math.BigInteger.valueOf(a);
    java.math.BigInteger bq = java.math.BigInteger.valueOf(b - a);
    for (int i = 0; i < levels.length; i++) {
      for (int k = 0; k < n[i]; k++) {
        for (int j = max - levels[i]; j >= 0; j--) {
          poly[j + levels[i]] = poly[j + levels[i]].add(poly[j].multiply(ba));
          poly[j] = poly[j].multiply(bq);
        }
        // positions above the running degree stay zero because they start at zero
      }
    }
    java.math.BigInteger den = java.math.BigInteger.valueOf(b).pow(total);
    double[] out = new double[max + 2];
    out[max + 1] = Double.NEGATIVE_INFINITY;
    java.math.BigInteger suffix = java.math.BigInteger.ZERO;
    for (int s = max; s >= 0; s--) {
      suffix = suffix.add(poly[s]);
      if (suffix.shiftLeft(1).compareTo(den) >= 0) {
        double q = new BigDecimal(den.subtract(suffix)).divide(new BigDecimal(den), new MathContext(30)).doubleValue();
        out[s] = Math.log1p(-q) / LN10;
      } else {
        out[s] = ExactSums.log10(suffix) - ExactSums.log10(den);
      }
    }
    return out;
  }

  /**
   * n = 10,000 tuples on levels 1, 2 and 5: an independent log-space direct convolution of the
   * per-level binomials (log-pmfs by the ratio recurrence, online log-sum-exp) down to p = 10^-6020.
   */
  @Test
  void mediumCaseMatchesAnIndependentLogSpaceConvolution() {
    int[] levels = {1, 2, 5};
    int[] n = {4000, 3000, 3000};
    double gamma = 0.25;
    double[] dist = {0.0};
    for (int i = 0; i < levels.length; i++) {
      double[] own = new double[n[i] + 1];
      double lnC = 0;
      for (int x = 0; x <= n[i]; x++) {
        if (x > 0) {
          lnC += Math.log(n[i] - x + 1) - Math.log(x);
        }
        own[x] = lnC + x * Math.log(gamma) + (n[i] - x) * Math.log1p(-gamma);
      }
      int l = levels[i];
      double[] next = new double[dist.length + l * n[i]];
      for (int k = 0; k < next.length; k++) {
        double m = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int lo = Math.max(0, (k - dist.length + 1 + l - 1) / l);
        int hi = Math.min(n[i], k / l);
        for (int x = lo; x <= hi; x++) {
          double v = own[x] + dist[k - l * x];
          if (v > m) {
            sum = sum * Math.exp(m - v) + 1;
            m = v;
          } else {
            sum += Math.exp(v - m);
          }
        }
        next[k] = m + Math.log(sum);
      }
      dist = next;
    }
    // suffix log-sums: ln P(S ≥ s)
    double[] tail = new double[dist.length + 1];
    tail[dist.length] = Double.NEGATIVE_INFINITY;
    for (int s = dist.length - 1; s >= 0; s--) {
      tail[s] = LatticeTail.logAddExp(tail[s + 1], dist[s]);
    }
    long[] c = counts(levels, n);
    int max = dist.length - 1;
    double mean = WeightedPValues.binomialMean(c, gamma);
    for (int s = 0; s <= max + 1; s += (s > mean - 600 && s < mean + 3000) ? 37 : 211) {
      check(c, s, gamma, tail[s]);
    }
    for (int s = max - 20; s <= max + 1; s++) {
      check(c, s, gamma, tail[s]);
    }
    assertThat(WeightedPValues.log10BinomialUpperTail(c, max, gamma)).isLessThan(-6000);
  }

  private static void check(long[] c, int s, double gamma, double lnExpected) {
    double actual = WeightedPValues.log10BinomialUpperTail(c, s, gamma);
    double expected = lnExpected / LN10;
    if (Double.isInfinite(expected)) {
      assertThat(actual).as("s=%d", s).isEqualTo(expected);
    } else if (expected > -1e-3) {
      // the reference's log-pmfs carry about 1e-12 of absolute error, which near p = 1 is all of log10 p
      assertThat(actual).as("s=%d", s).isCloseTo(expected, within(3e-12));
    } else {
      // the reference accumulates about 1e-12 of absolute error in its log-pmfs
      assertThat(Math.abs(actual - expected)).as("s=%d: %s vs %s", s, actual, expected)
          .isLessThanOrEqualTo(Math.max(CONTRACT * Math.abs(expected), 2e-12));
    }
  }

  @Test
  void equalWeightsEqualTheBinomialTailOfPValues() {
    for (long n : new long[] {1, 7, 1000, 1_000_000, 1_000_000_000L}) {
      for (double gamma : new double[] {0.1, 0.25, 0.5, 0.9}) {
        long[] c = new long[8];
        c[7] = n;
        double sd = Math.sqrt(n * gamma * (1 - gamma));
        for (double z : new double[] {-40, -3, -0.3, 0, 0.2, 1, 4, 25, 300}) {
          long s = (long) Math.floor(7 * (n * gamma + z * sd)) + 3;
          long k = -Math.floorDiv(-s, 7);
          double expected = PValues.log10BinomialUpperTail(n, k, gamma);
          double actual = WeightedPValues.log10BinomialUpperTail(c, s, gamma);
          assertThat(relativeError(actual, expected)).as("n=%d s=%d", n, s).isLessThanOrEqualTo(1e-12);
        }
      }
    }
  }

  @Test
  void theFourierEngineAloneAgreesWithPValuesUpToABillionTuples() {
    // one binomial component forced through the lattice engine (no single-level shortcut)
    for (long n : new long[] {50, 3000, 1_000_000, 1_000_000_000L}) {
      for (double gamma : new double[] {0.1, 0.25, 0.5}) {
        LatticeTail t = new LatticeTail.Builder().binomial(1, n, gamma).build();
        double sd = Math.sqrt(n * gamma * (1 - gamma));
        for (double z : new double[] {-30, -2, -0.5, 0, 0.5, 2, 10, 40, 400}) {
          long k = (long) Math.floor(n * gamma + z * sd);
          if (k < 0 || k > n) {
            continue;
          }
          double expected = PValues.lnBinomialUpperTail(n, k, gamma);
          LatticeTail.Evaluation e = t.evaluate(k);
          assertThat(relativeError(e.lnP(), expected)).as("n=%d k=%d %s", n, k, e).isLessThanOrEqualTo(CONTRACT);
          if (expected < -1e-15) {
            // (within 1e-15 of p = 1 the certificate is an absolute one)
            assertThat(e.relativeError()).isLessThanOrEqualTo(LatticeTail.MAX_RELATIVE_ERROR);
          }
        }
      }
    }
  }

  @Test
  void commonFactorsOfTheLevelsReduceExactly() {
    // 2·X + 4·Y ≥ s  ⇔  X + 2·Y ≥ ⌈s/2⌉
    long[] even = {0, 0, 300, 0, 200};
    long[] reduced = {0, 300, 200};
    for (long s = 0; s <= 1402; s += 7) {
      assertThat(WeightedPValues.log10BinomialUpperTail(even, s, 0.25))
          .isEqualTo(WeightedPValues.log10BinomialUpperTail(reduced, (s + 1) / 2, 0.25));
    }
  }

  /**
   * Two levels with 10^6 tuples each, by conditioning on the level-2 count: P(S ≥ s) = Σ_x
   * P(X₂ = x)·P(X₁ ≥ s − 2x), from {@link PValues} pmfs and tails summed in log space (the summand
   * is log-concave in x, so stopping 50 nats below the peak on each side drops less than 1e-19).
   * Reaches p = 10^-200000.
   */
  @Test
  void twoMillionTuplesMatchASumOfExactBinomialTails() {
    long n = 1_000_000;
    double gamma = 0.25;
    long[] c = {0, n, n};
    double mean = WeightedPValues.binomialMean(c, gamma);
    double sd = Math.sqrt(WeightedPValues.binomialVariance(c, gamma));
    for (double z : new double[] {0.3, 2, 8, 30, 120, 600, 1200}) {
      long s = (long) (mean + z * sd);
      double expected = conditionedTail(n, s, gamma) / LN10;
      double actual = WeightedPValues.log10BinomialUpperTail(c, s, gamma);
      assertThat(relativeError(actual, expected)).as("z=%s: %s vs %s", z, actual, expected)
          .isLessThanOrEqualTo(CONTRACT);
    }
    assertThat(WeightedPValues.log10BinomialUpperTail(c, (long) (mean + 1200 * sd), gamma)).isLessThan(-100_000);
  }

  private static double conditionedTail(long n, long s, double gamma) {
    // peak of ln P(X₂ = x) + ln P(X₁ ≥ s − 2x) by ternary search (log-concave), then walk out
    long lo = Math.max(0, (s - n + 1) / 2);
    long hi = Math.min(n, s / 2 + 1);
    while (hi - lo > 2) {
      long m1 = lo + (hi - lo) / 3;
      long m2 = hi - (hi - lo) / 3;
      if (term(n, s, gamma, m1) < term(n, s, gamma, m2)) {
        lo = m1;
      } else {
        hi = m2;
      }
    }
    long peak = lo;
    for (long x = lo; x <= hi; x++) {
      if (term(n, s, gamma, x) > term(n, s, gamma, peak)) {
        peak = x;
      }
    }
    double top = term(n, s, gamma, peak);
    double sum = 1;
    for (int dir = -1; dir <= 1; dir += 2) {
      for (long x = peak + dir; x >= 0 && x <= n; x += dir) {
        double t = term(n, s, gamma, x) - top;
        if (t < -50) {
          break;
        }
        sum += Math.exp(t);
      }
    }
    return top + Math.log(sum);
  }

  private static double term(long n, long s, double gamma, long x) {
    return PValues.lnBinomialPmf(x, n, gamma) + PValues.lnBinomialUpperTail(n, s - 2 * x, gamma);
  }

  /**
   * 10^8 tuples on 64 levels: finishes, is monotone in s, sits between the bounds
   * P(X_top ≥ s/64) ≤ P(S ≥ s) ≤ P(ΣX ≥ s/64), reaches γ^n at the maximum, and agrees with Daniels'
   * lattice saddle-point approximation (relative error O(1/n), far below the tolerance at this n).
   */
  @Test
  void hundredMillionTuplesOnSixtyFourLevels() {
    SplittableRandom r = new SplittableRandom(64);
    long[] c = new long[65];
    long total = 0;
    for (int l = 1; l <= 64; l++) {
      c[l] = 500_000 + r.nextInt(1_000_000);
      total += c[l];
    }
    c[64] += 100_000_000 - total;
    total = 100_000_000;
    double gamma = 0.25;
    double mean = WeightedPValues.binomialMean(c, gamma);
    double sd = Math.sqrt(WeightedPValues.binomialVariance(c, gamma));
    long max = 0;
    for (int l = 1; l <= 64; l++) {
      max += l * c[l];
    }
    double previous = 0;
    for (double z = -40; z <= 2000; z = z < 10 ? z + 0.5 : z * 1.3) {
      long s = (long) Math.floor(mean + z * sd);
      double p = WeightedPValues.log10BinomialUpperTail(c, s, gamma);
      assertThat(p).as("z=%s", z).isLessThanOrEqualTo(previous).isLessThanOrEqualTo(0);
      previous = p;
      long k = -Math.floorDiv(-s, 64);
      assertThat(p).isLessThanOrEqualTo(PValues.log10BinomialUpperTail(total, k, gamma) + 1e-12);
      assertThat(p).isGreaterThanOrEqualTo(PValues.log10BinomialUpperTail(c[64], k, gamma) - 1e-12);
      if (z >= 1 && z <= 60) {
        double lr = danielsLatticeLog10(c, s, gamma);
        assertThat(Math.abs(p - lr)).as("z=%s: %s vs saddle point %s", z, p, lr).isLessThan(1e-6 * Math.abs(p));
      }
    }
    assertThat(WeightedPValues.log10BinomialUpperTail(c, max, gamma)).isCloseTo(total * Math.log10(gamma),
        within(1e-12 * total));
    assertThat(WeightedPValues.log10BinomialUpperTail(c, max + 1, gamma)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(WeightedPValues.log10BinomialUpperTail(c, max - 1, gamma)).isGreaterThan(total * Math.log10(gamma));
  }

  /** Daniels (1987) lattice Lugannani–Rice: P ≈ 1 − Φ(w) + φ(w)(1/u − 1/w), u = (1 − e^{−θ})√K''(θ). */
  private static double danielsLatticeLog10(long[] c, long s, double gamma) {
    double theta = 0;
    for (int i = 0; i < 100; i++) {
      double k1 = 0;
      double k2 = 0;
      for (int l = 1; l < c.length; l++) {
        double pi = gamma * Math.exp(theta * l) / (1 - gamma + gamma * Math.exp(theta * l));
        k1 += c[l] * l * pi;
        k2 += c[l] * (double) l * l * pi * (1 - pi);
      }
      theta -= (k1 - s) / k2;
    }
    double k0 = 0;
    double k2 = 0;
    for (int l = 1; l < c.length; l++) {
      k0 += c[l] * Math.log1p(gamma * Math.expm1(theta * l));
      double pi = gamma * Math.exp(theta * l) / (1 - gamma + gamma * Math.exp(theta * l));
      k2 += c[l] * (double) l * l * pi * (1 - pi);
    }
    double w = Math.sqrt(2 * (theta * s - k0));
    double u = -Math.expm1(-theta) * Math.sqrt(k2);
    double lnPhi = -0.5 * w * w - 0.5 * Math.log(2 * Math.PI);
    return (lnPhi + Math.log(mills(w) + 1 / u - 1 / w)) / LN10;
  }

  /** (1 − Φ(w)) / φ(w). */
  private static double mills(double w) {
    if (w < 3) {
      return 0.5 * Erf.erfc(w / Math.sqrt(2)) / Math.exp(-0.5 * w * w - 0.5 * Math.log(2 * Math.PI));
    }
    double f = w;
    for (int k = 60; k >= 1; k--) {
      f = w + k / f;
    }
    return 1 / f;
  }

  // ------------------------------------------------------------------------------- gamma sums

  @Test
  void oneLevelEqualsTheGammaTailOfPValues() {
    for (long n : new long[] {1, 5, 1000, 1_000_000_000L}) {
      long[] c = new long[10];
      c[9] = n;
      for (double x : new double[] {0.5, 0.9 * n, n, 1.1 * n + 3, 3.0 * n + 50}) {
        assertThat(WeightedPValues.log10GammaUpperTail(c, 9 * x)).isEqualTo(PValues.log10GammaUpperTail(n, 9 * x / 9));
      }
    }
  }

  /**
   * Distinct levels with one tuple each: S is hypoexponential and P(S ≥ s) = Σ_i Π_{j≠i} l_i/(l_i − l_j)
   * e^{−s/l_i}, summed in 120-digit arithmetic (the terms cancel heavily).
   */
  @ParameterizedTest
  @CsvSource({"1;2;3", "1;5;64", "7;8;9;10", "2;3;5;7;11;13", "63;64"})
  void distinctSingleTuplesMatchTheHypoexponentialClosedForm(String spec) {
    String[] parts = spec.split(";");
    int[] levels = new int[parts.length];
    int[] ones = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      levels[i] = Integer.parseInt(parts[i]);
      ones[i] = 1;
    }
    long[] c = counts(levels, ones);
    MathContext mc = new MathContext(120);
    double sum = 0;
    for (int l : levels) {
      sum += l;
    }
    for (double s : new double[] {1e-3, 0.3, 0.3 * sum, sum, 2 * sum, 10 * sum, 100 * sum, 2000.0 * levels[0]}) {
      BigDecimal bs = new BigDecimal(s);
      BigDecimal total = BigDecimal.ZERO;
      for (int i = 0; i < levels.length; i++) {
        BigDecimal coef = BigDecimal.ONE;
        for (int j = 0; j < levels.length; j++) {
          if (j != i) {
            coef = coef.multiply(BigDecimal.valueOf(levels[i]))
                .divide(BigDecimal.valueOf(levels[i] - levels[j]), mc);
          }
        }
        total = total.add(coef.multiply(ExactSums.exp(bs.negate().divide(BigDecimal.valueOf(levels[i]), mc), mc)), mc);
      }
      double expected = total.compareTo(new BigDecimal("0.5")) > 0
          ? Math.log1p(-BigDecimal.ONE.subtract(total).doubleValue()) / LN10
          : ExactSums.log10(total);
      double actual = WeightedPValues.log10GammaUpperTail(c, s);
      assertThat(relativeError(actual, expected)).as("s=%s: %s vs %s", s, actual, expected).isLessThanOrEqualTo(1e-11);
    }
  }

  /**
   * Several tuples per level, against the Moschopoulos mixture P(S ≥ s) = Σ_k P(K = k)·Q(ρ + k, s/m)
   * with K = Σ NegBin(n_l, m/l) (all terms positive), in 60-digit arithmetic; the sum stops when the
   * remaining mass of K is below 1e-40 of the partial result (or 1e-60) (Q ≤ 1 bounds what is dropped).
   */
  @ParameterizedTest
  @CsvSource({"1;2, 3;2", "2;3;5, 2;2;2", "1;4, 5;3", "3;7;20, 4;1;2", "1;64, 2;3"})
  void severalTuplesPerLevelMatchTheMoschopoulosMixture(String ls, String ns) {
    String[] lp = ls.split(";");
    String[] np = ns.split(";");
    int[] levels = new int[lp.length];
    int[] n = new int[lp.length];
    int rho = 0;
    double mean = 0;
    for (int i = 0; i < lp.length; i++) {
      levels[i] = Integer.parseInt(lp[i]);
      n[i] = Integer.parseInt(np[i]);
      rho += n[i];
      mean += levels[i] * n[i];
    }
    long[] c = counts(levels, n);
    int m = levels[0];
    MathContext mc = new MathContext(60);
    // P(K = k) by convolving the negative binomials
    int kMax = 20_000;
    BigDecimal[] pk = new BigDecimal[kMax + 1];
    java.util.Arrays.fill(pk, BigDecimal.ZERO);
    pk[0] = BigDecimal.ONE;
    for (int i = 1; i < levels.length; i++) {
      BigDecimal p = BigDecimal.valueOf(m).divide(BigDecimal.valueOf(levels[i]), mc);
      BigDecimal q = BigDecimal.ONE.subtract(p);
      BigDecimal[] own = new BigDecimal[kMax + 1];
      BigDecimal t = p.pow(n[i], mc);
      for (int k = 0; k <= kMax; k++) {
        own[k] = t;
        t = t.multiply(q, mc).multiply(BigDecimal.valueOf(n[i] + k)).divide(BigDecimal.valueOf(k + 1), mc);
      }
      int support = firstNegligible(own, 1e-70);
      BigDecimal[] next = new BigDecimal[kMax + 1];
      java.util.Arrays.fill(next, BigDecimal.ZERO);
      int top = firstNegligible(pk, 1e-70);
      for (int a = 0; a <= top; a++) {
        for (int b = 0; b <= support && a + b <= kMax; b++) {
          next[a + b] = next[a + b].add(pk[a].multiply(own[b], mc), mc);
        }
      }
      pk = next;
    }
    for (double factor : new double[] {0.05, 0.4, 1, 1.7, 3, 6}) {
      double s = Math.rint(factor * mean * 4) / 4 + 0.25;
      BigDecimal x = new BigDecimal(s).divide(BigDecimal.valueOf(m), mc);
      BigDecimal ex = ExactSums.exp(x.negate(), mc);
      // Q(a, x) for a = 1, 2, ...: e^{-x} Σ_{j<a} x^j/j!
      BigDecimal term = ex;
      BigDecimal q = BigDecimal.ZERO;
      for (int j = 0; j < rho; j++) {
        q = q.add(term, mc);
        term = term.multiply(x, mc).divide(BigDecimal.valueOf(j + 1), mc);
      }
      BigDecimal total = BigDecimal.ZERO;
      BigDecimal mass = BigDecimal.ZERO;
      int k = 0;
      for (; k <= kMax; k++) {
        total = total.add(pk[k].multiply(q, mc), mc);
        mass = mass.add(pk[k], mc);
        q = q.add(term, mc);
        term = term.multiply(x, mc).divide(BigDecimal.valueOf(rho + k + 1), mc);
        BigDecimal rest = BigDecimal.ONE.subtract(mass);
        if (rest.compareTo(total.multiply(new BigDecimal("1e-40"))) < 0 || rest.compareTo(new BigDecimal("1e-60")) < 0) {
          break;
        }
      }
      assertThat(k).as("mixture converged").isLessThan(kMax);
      double expected = total.compareTo(new BigDecimal("0.5")) > 0
          ? Math.log1p(-BigDecimal.ONE.subtract(total).doubleValue()) / LN10
          : ExactSums.log10(total);
      double actual = WeightedPValues.log10GammaUpperTail(c, s);
      assertThat(relativeError(actual, expected)).as("s=%s: %s vs %s", s, actual, expected).isLessThanOrEqualTo(1e-11);
    }
  }

  private static int firstNegligible(BigDecimal[] a, double below) {
    BigDecimal limit = new BigDecimal(below);
    int last = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i].compareTo(limit) > 0) {
        last = i;
      }
    }
    return Math.min(a.length - 1, last + 1);
  }

  /**
   * 10^8 Exp(1) scores on 64 levels and 1,000 on five levels down to p = 10^-100000: monotone, and
   * between P(l_max·Gamma(n_top) ≥ s) (only the top level) and P(l_max·Gamma(ρ) ≥ s) (every score at
   * the top level).
   */
  @Test
  void gammaSumsAreMonotoneAndBetweenTheirOneLevelBoundsDownToTinyP() {
    long[] big = new long[65];
    long total = 0;
    for (int l = 1; l <= 64; l++) {
      big[l] = 100_000_000L / 64;
      total += big[l];
    }
    long[] small = {0, 0, 200, 0, 0, 0, 0, 200, 0, 200, 0, 0, 200, 0, 0, 0, 200};
    for (long[] c : new long[][] {big, small}) {
      int top = c.length - 1;
      long rho = c == big ? total : 1000;
      double mean = WeightedPValues.gammaMean(c);
      double sd = Math.sqrt(WeightedPValues.gammaVariance(c));
      double previous = 0;
      double last = 0;
      for (double z = -30; z < 1e7; z = z < 5 ? z + 0.5 : z * 1.4) {
        double s = mean + z * sd;
        if (s <= 0) {
          continue;
        }
        double p = WeightedPValues.log10GammaUpperTail(c, s);
        assertThat(p).as("z=%s", z).isLessThanOrEqualTo(previous);
        assertThat(p).isLessThanOrEqualTo(PValues.log10GammaUpperTail(rho, s / top) * (1 - 1e-12) + 1e-12);
        assertThat(p).isGreaterThanOrEqualTo(PValues.log10GammaUpperTail(c[top], s / top) * (1 + 1e-12) - 1e-12);
        previous = p;
        last = p;
      }
      assertThat(last).isLessThan(-100_000);
    }
  }

  /**
   * Seeded random level sets (1 to 64 levels, 1 to 10^9 tuples per level, γ from 10^-6 to 1 − 10^-6)
   * at random s from far below the mean to far above it: every tail is certified (no exception),
   * monotone in s, and between the one-level bounds P(X_top ≥ ⌈s/l_max⌉) ≤ P(S ≥ s) ≤ P(ΣX ≥ ⌈s/l_max⌉)
   * (and the gamma analogues).
   */
  @Test
  void randomConfigurationsAreCertifiedMonotoneAndWithinBounds() {
    SplittableRandom r = new SplittableRandom(2026);
    for (int config = 0; config < 60; config++) {
      int top = 1 + r.nextInt(r.nextBoolean() ? 8 : 64);
      long[] c = new long[top + 1];
      int populated = 1 + r.nextInt(top);
      int decades = r.nextInt(10);
      for (int i = 0; i < populated; i++) {
        c[1 + r.nextInt(top)] += 1 + (long) Math.floor(Math.pow(10, decades * r.nextDouble()));
      }
      double gamma;
      switch (r.nextInt(4)) {
        case 0: gamma = 0.5; break;
        case 1: gamma = 0.25; break;
        case 2: gamma = Math.pow(10, -1 - 5 * r.nextDouble()); break;
        default: gamma = 1 - Math.pow(10, -1 - 5 * r.nextDouble()); break;
      }
      long n = 0;
      long max = 0;
      int high = 0;
      for (int l = 1; l <= top; l++) {
        n += c[l];
        max += l * c[l];
        if (c[l] > 0) {
          high = l;
        }
      }
      double mean = WeightedPValues.binomialMean(c, gamma);
      double sd = Math.sqrt(WeightedPValues.binomialVariance(c, gamma));
      java.util.TreeSet<Long> values = new java.util.TreeSet<>(java.util.List.of(1L, max, Math.max(1, max - 1)));
      for (int i = 0; i < 12; i++) {
        double z = r.nextInt(3) == 0 ? -60 + 120 * r.nextDouble() : r.nextBoolean() ? 3 * r.nextGaussian()
            : 5 + 1000 * r.nextDouble();
        long s = (long) Math.floor(mean + z * sd);
        if (s >= 1 && s <= max) {
          values.add(s);
        }
      }
      double previous = 0;
      for (long s : values) {
        double p = WeightedPValues.log10BinomialUpperTail(c, s, gamma);
        long k = -Math.floorDiv(-s, high);
        String where = String.format("config %d: %s gamma=%s s=%d", config, java.util.Arrays.toString(c), gamma, s);
        assertThat(p).as(where).isLessThanOrEqualTo(previous + 1e-12 * Math.abs(previous))
            .isLessThanOrEqualTo(PValues.log10BinomialUpperTail(n, k, gamma) * (1 - 1e-9) + 1e-12)
            .isGreaterThanOrEqualTo(PValues.log10BinomialUpperTail(c[high], k, gamma) * (1 + 1e-9) - 1e-12);
        previous = p;
      }
      double gammaMean = WeightedPValues.gammaMean(c);
      double gammaSd = Math.sqrt(WeightedPValues.gammaVariance(c));
      previous = 0;
      for (double z = -20; z < 3000; z = z < 5 ? z + 2.5 : z * 2.2) {
        double s = gammaMean + z * gammaSd;
        if (s <= 0) {
          continue;
        }
        double p = WeightedPValues.log10GammaUpperTail(c, s);
        String where = String.format("config %d: %s s=%s", config, java.util.Arrays.toString(c), s);
        assertThat(p).as(where).isLessThanOrEqualTo(previous + 1e-12 * Math.abs(previous))
            .isLessThanOrEqualTo(PValues.log10GammaUpperTail(n, s / high) * (1 - 1e-9) + 1e-12)
            .isGreaterThanOrEqualTo(PValues.log10GammaUpperTail(c[high], s / high) * (1 + 1e-9) - 1e-12);
        previous = p;
      }
    }
  }

  // ------------------------------------------------------------------------------- edges, moments

  @Test
  void edgesOfTheSupport() {
    long[] c = {5, 0, 3, 0, 2};
    // level 0 is ignored; S ∈ [0, 2·3 + 4·2 = 14]
    assertThat(WeightedPValues.log10BinomialUpperTail(c, 0, 0.3)).isZero();
    assertThat(WeightedPValues.log10BinomialUpperTail(c, -5, 0.3)).isZero();
    assertThat(WeightedPValues.log10BinomialUpperTail(c, 15, 0.3)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(WeightedPValues.log10BinomialUpperTail(c, 14, 0.3)).isCloseTo(5 * Math.log10(0.3), within(1e-14));
    assertThat(WeightedPValues.log10BinomialUpperTail(new long[] {7}, 1, 0.3)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(WeightedPValues.log10BinomialUpperTail(new long[0], 0, 0.3)).isZero();
    // one tuple
    long[] one = {0, 0, 0, 1};
    assertThat(WeightedPValues.log10BinomialUpperTail(one, 1, 0.3)).isCloseTo(Math.log10(0.3), within(1e-15));
    assertThat(WeightedPValues.log10BinomialUpperTail(one, 3, 0.3)).isCloseTo(Math.log10(0.3), within(1e-15));
    assertThat(WeightedPValues.log10BinomialUpperTail(one, 4, 0.3)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(WeightedPValues.log10GammaUpperTail(one, 6)).isCloseTo(-2 / LN10, within(1e-15));
    assertThat(WeightedPValues.log10GammaUpperTail(c, 0)).isZero();
    assertThat(WeightedPValues.log10GammaUpperTail(c, -1)).isZero();
    assertThat(WeightedPValues.log10GammaUpperTail(c, Double.POSITIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(WeightedPValues.log10GammaUpperTail(new long[] {3}, 0.5)).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void momentsAndZScores() {
    long[] c = {9, 10, 0, 20};
    // Σ l·n = 10 + 60 = 70, Σ l²·n = 10 + 180 = 190
    assertThat(WeightedPValues.binomialMean(c, 0.25)).isEqualTo(17.5);
    assertThat(WeightedPValues.binomialVariance(c, 0.25)).isEqualTo(0.1875 * 190);
    assertThat(WeightedPValues.binomialZScore(c, 30, 0.25)).isCloseTo(12.5 / Math.sqrt(0.1875 * 190), within(1e-15));
    assertThat(WeightedPValues.gammaMean(c)).isEqualTo(70);
    assertThat(WeightedPValues.gammaVariance(c)).isEqualTo(190);
    assertThat(WeightedPValues.gammaZScore(c, 70 + Math.sqrt(190))).isCloseTo(1, within(1e-15));
    assertThat(WeightedPValues.binomialZScore(new long[] {4}, 0, 0.25)).isZero();
    assertThat(WeightedPValues.gammaZScore(new long[0], 1)).isZero();
  }

  @Test
  void badInputIsRejectedWithTheFieldAndIndex() {
    assertThatThrownBy(() -> WeightedPValues.log10BinomialUpperTail(new long[] {0, 3, -1}, 2, 0.25))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("tuplesPerLevel[2] must be >= 0, was -1");
    assertThatThrownBy(() -> WeightedPValues.log10BinomialUpperTail(new long[] {0, 3}, 2, 1.0))
        .hasMessage("gamma must be in (0, 1), was 1.0");
    assertThatThrownBy(() -> WeightedPValues.log10GammaUpperTail(new long[] {0, 3}, Double.NaN))
        .hasMessage("s must not be NaN");
    assertThatThrownBy(() -> WeightedPValues.log10GammaUpperTail(null, 1)).hasMessage("tuplesPerLevel must not be null");
    assertThatThrownBy(() -> WeightedPValues.gammaMean(new long[4098]))
        .hasMessage("tuplesPerLevel must have at most 4097 entries (levels 0..4096), had 4098");
    long[] huge = new long[4097];
    huge[4096] = Long.MAX_VALUE / 1000;
    assertThatThrownBy(() -> WeightedPValues.gammaMean(huge))
        .hasMessage("tuplesPerLevel: the largest statistic sum(l * n_l) exceeds 2^63 at level 4096");
  }
}
