package io.tracemark.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

/**
 * Under H0 the weighted p-values are exact: over seeded null corpora (weights drawn once per corpus,
 * greens Bernoulli(γ) or Exp(1) scores) the rejection rate at α matches α, and fixed configurations
 * agree with Monte Carlo frequencies.
 *
 * <p>Tolerances. Rejections R over M corpora: an exact p-value of a discrete statistic is
 * super-uniform, so R is stochastically at most Binomial(M, α); R above its 99.9 % quantile fails.
 * The gamma sum is continuous, so R ~ Binomial(M, α) exactly and R below the 0.1 % quantile fails
 * too. For the binomial statistic on 64 levels P(p ≤ α) = α − (the part of the atom at the critical
 * value that the test cannot take), which is below the largest atom near the α-quantile; by the
 * local limit theorem that atom is about φ(z_α)/σ_S for a lattice of span 1 (σ_S ≥ 100 here, so
 * Edgeworth corrections are far below a factor 2). R below the 0.1 % quantile of Binomial(M, α')
 * with α' = α − mean(2·φ(z_α)/σ_S) fails.
 */
class WeightedCalibrationTest {
  private static final double[] ALPHAS = {1e-2, 1e-3};
  private static final int CORPORA = 10_000;
  private static final double GAMMA = 0.25;

  /** A corpus's weights: log(1 + count) with counts spread log-uniformly over 1..3000, on 64 levels. */
  static long[] randomLevels(SplittableRandom r, int tuples) {
    double[] w = new double[tuples];
    for (int i = 0; i < tuples; i++) {
      w[i] = Math.log1p(Math.floor(Math.exp(8 * r.nextDouble())));
    }
    WeightGrid grid = WeightGrid.ofWeights(w, WeightGrid.DEFAULT_MAX_LEVEL);
    long[] counts = new long[grid.maxLevel() + 1];
    for (double x : w) {
      counts[grid.level(x)]++;
    }
    return counts;
  }

  private static int quantile(int trials, double p, double q) {
    return new BinomialDistribution(null, trials, p).inverseCumulativeProbability(q);
  }

  private static double phi(double z) {
    return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  }

  @Test
  void binomialNullCorporaAreCalibrated() {
    SplittableRandom r = new SplittableRandom(20261201L);
    int[] flagged = new int[ALPHAS.length];
    double[] atoms = new double[ALPHAS.length];
    double[] z = {2.3263478740408408, 3.090232306167813};
    for (int corpus = 0; corpus < CORPORA; corpus++) {
      int tuples = 200 + r.nextInt(400);
      long[] counts = randomLevels(r, tuples);
      long s = 0;
      for (int l = 1; l < counts.length; l++) {
        for (long i = 0; i < counts[l]; i++) {
          if (r.nextDouble() < GAMMA) {
            s += l;
          }
        }
      }
      double log10p = WeightedPValues.log10BinomialUpperTail(counts, s, GAMMA);
      double sigma = Math.sqrt(WeightedPValues.binomialVariance(counts, GAMMA));
      for (int a = 0; a < ALPHAS.length; a++) {
        if (log10p <= Math.log10(ALPHAS[a])) {
          flagged[a]++;
        }
        atoms[a] += 2 * phi(z[a]) / sigma / CORPORA;
      }
    }
    report("binomial", flagged);
    System.out.printf(Locale.ROOT, "weighted binomial: lower bounds %d at 1e-2 (alpha' %.5f), %d at 1e-3 (alpha' %.6f)%n",
        quantile(CORPORA, ALPHAS[0] - atoms[0], 0.001), ALPHAS[0] - atoms[0],
        quantile(CORPORA, ALPHAS[1] - atoms[1], 0.001), ALPHAS[1] - atoms[1]);
    for (int a = 0; a < ALPHAS.length; a++) {
      double alphaLow = ALPHAS[a] - atoms[a];
      assertThat(flagged[a]).as("null corpora flagged at alpha=%s", ALPHAS[a])
          .isLessThanOrEqualTo(quantile(CORPORA, ALPHAS[a], 0.999))
          .isGreaterThanOrEqualTo(quantile(CORPORA, alphaLow, 0.001));
    }
  }

  @Test
  void gammaNullCorporaAreCalibrated() {
    SplittableRandom r = new SplittableRandom(20261202L);
    int[] flagged = new int[ALPHAS.length];
    for (int corpus = 0; corpus < CORPORA; corpus++) {
      int tuples = 200 + r.nextInt(400);
      long[] counts = randomLevels(r, tuples);
      double s = 0;
      for (int l = 1; l < counts.length; l++) {
        for (long i = 0; i < counts[l]; i++) {
          s += l * -Math.log(1 - r.nextDouble());
        }
      }
      double log10p = WeightedPValues.log10GammaUpperTail(counts, s);
      for (int a = 0; a < ALPHAS.length; a++) {
        if (log10p <= Math.log10(ALPHAS[a])) {
          flagged[a]++;
        }
      }
    }
    report("gamma", flagged);
    for (int a = 0; a < ALPHAS.length; a++) {
      assertThat(flagged[a]).as("null corpora flagged at alpha=%s", ALPHAS[a])
          .isBetween(quantile(CORPORA, ALPHAS[a], 0.001), quantile(CORPORA, ALPHAS[a], 0.999));
    }
  }

  private static void report(String what, int[] flagged) {
    System.out.printf(Locale.ROOT, "weighted %s: %d null corpora, flagged at 1e-2: %d (99.9%% bound %d), at 1e-3: %d (%d)%n",
        what, CORPORA, flagged[0], quantile(CORPORA, 1e-2, 0.999), flagged[1], quantile(CORPORA, 1e-3, 0.999));
  }

  /** Clopper–Pearson 99.9 % interval [lo, hi] for k successes in m trials. */
  static double[] clopperPearson(long k, long m) {
    double lo = k == 0 ? 0 : new BetaDistribution(null, k, m - k + 1).inverseCumulativeProbability(0.0005);
    double hi = k == m ? 1 : new BetaDistribution(null, k + 1, m - k).inverseCumulativeProbability(0.9995);
    return new double[] {lo, hi};
  }

  /** The statistic value whose computed tail is closest above the target p (bisection on s). */
  private static long criticalValue(java.util.function.LongToDoubleFunction log10Tail, long hi, double target) {
    long lo = 0;
    while (hi - lo > 1) {
      long mid = (lo + hi) >>> 1;
      if (log10Tail.applyAsDouble(mid) > Math.log10(target)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Test
  void binomialTailsAgreeWithMonteCarloFrequencies() {
    SplittableRandom r = new SplittableRandom(77);
    long[] counts = randomLevels(r, 500);
    long max = 0;
    for (int l = 1; l < counts.length; l++) {
      max += l * counts[l];
    }
    // inverse-CDF tables of each level's Binomial(n_l, γ)
    double[][] cdf = new double[counts.length][];
    for (int l = 1; l < counts.length; l++) {
      int n = (int) counts[l];
      cdf[l] = new double[n + 1];
      double acc = 0;
      for (int x = 0; x <= n; x++) {
        acc += Math.exp(PValues.lnBinomialPmf(x, n, GAMMA));
        cdf[l][x] = acc;
      }
    }
    int draws = 2_000_000;
    long[] sample = new long[draws];
    for (int i = 0; i < draws; i++) {
      long s = 0;
      for (int l = 1; l < counts.length; l++) {
        if (counts[l] == 0) {
          continue;
        }
        double u = r.nextDouble();
        int x = 0;
        while (x < counts[l] && u > cdf[l][x]) {
          x++;
        }
        s += (long) l * x;
      }
      sample[i] = s;
    }
    for (double target : new double[] {1e-2, 1e-3, 1e-4}) {
      long s = criticalValue(v -> WeightedPValues.log10BinomialUpperTail(counts, v, GAMMA), max + 1, target);
      double p = Math.pow(10, WeightedPValues.log10BinomialUpperTail(counts, s, GAMMA));
      long hits = 0;
      for (long v : sample) {
        if (v >= s) {
          hits++;
        }
      }
      double[] ci = clopperPearson(hits, draws);
      assertThat(p).as("P(S >= %d) with %d of %d draws", s, hits, draws).isBetween(ci[0], ci[1]);
    }
  }

  /** Gamma(shape ≥ 1, 1) by Marsaglia and Tsang's squeeze method. */
  static double gammaVariate(SplittableRandom r, double shape) {
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = r.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = r.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  @Test
  void gammaTailsAgreeWithMonteCarloFrequencies() {
    SplittableRandom r = new SplittableRandom(78);
    long[] counts = randomLevels(r, 500);
    int draws = 1_000_000;
    double[] sample = new double[draws];
    for (int i = 0; i < draws; i++) {
      double s = 0;
      for (int l = 1; l < counts.length; l++) {
        if (counts[l] > 0) {
          s += l * gammaVariate(r, counts[l]);
        }
      }
      sample[i] = s;
    }
    double mean = WeightedPValues.gammaMean(counts);
    double sd = Math.sqrt(WeightedPValues.gammaVariance(counts));
    for (double z : new double[] {2.3, 3.1, 3.7}) {
      double s = mean + z * sd;
      double p = Math.pow(10, WeightedPValues.log10GammaUpperTail(counts, s));
      long hits = 0;
      for (double v : sample) {
        if (v >= s) {
          hits++;
        }
      }
      double[] ci = clopperPearson(hits, draws);
      assertThat(p).as("P(S >= %s) with %d of %d draws", s, hits, draws).isBetween(ci[0], ci[1]);
      assertThat(p).isBetween(1e-5, 2e-2);
    }
  }
}
