package io.tracemark.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The lattice engine's components and numerical helpers, each against an independent reference. */
class LatticeTailTest {
  private static double relativeError(double actual, double expected) {
    if (expected == 0 || Double.isInfinite(expected)) {
      return actual == expected ? 0 : Double.POSITIVE_INFINITY;
    }
    return Math.abs(actual - expected) / Math.abs(expected);
  }

  /** P(K ≥ k) for K ~ NegBin(n, p) is P(fewer than n successes in n + k − 1 trials). */
  @Test
  void negativeBinomialTailsMatchTheBinomialIdentity() {
    for (long n : new long[] {1, 3, 40, 5000, 2_000_000}) {
      for (double p : new double[] {0.5, 0.25, 0.0625}) {
        LatticeTail t = new LatticeTail.Builder().negativeBinomial(1, n, p).build();
        double mean = n * (1 - p) / p;
        double sd = Math.sqrt(n * (1 - p)) / p;
        for (double z : new double[] {-3, -0.5, 0, 0.7, 3, 12, 60}) {
          long k = (long) Math.floor(mean + z * sd);
          if (k < 1) {
            continue;
          }
          long trials = n + k - 1;
          // P(Bin(trials, p) ≤ n − 1) = P(Bin(trials, 1 − p) ≥ trials − n + 1)
          double expected = PValues.lnBinomialUpperTail(trials, trials - n + 1, 1 - p);
          LatticeTail.Evaluation e = t.evaluate(k);
          assertThat(relativeError(e.lnP(), expected)).as("n=%d p=%s k=%d %s", n, p, k, e).isLessThan(1e-10);
        }
      }
    }
  }

  /** P(Poisson(x) ≤ a − 1) = Q(a, x), the regularized upper incomplete gamma function. */
  @Test
  void poissonTailsMatchTheGammaFunction() {
    for (double x : new double[] {0.5, 7, 300, 1e6, 3e9}) {
      LatticeTail negated = new LatticeTail.Builder().poisson(-1, x).build();
      for (double z : new double[] {-50, -4, -1, 0, 1, 4, 50}) {
        long a = (long) Math.floor(x + z * Math.sqrt(x));
        if (a < 1) {
          continue;
        }
        double expected = PValues.lnGammaUpperTail(a, x);
        LatticeTail.Evaluation e = negated.evaluate(1 - a);
        assertThat(relativeError(e.lnP(), expected)).as("x=%s a=%d %s", x, a, e).isLessThan(1e-10);
      }
    }
  }

  @Test
  void mulModIsExactUpTo2To50() {
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 100_000; i++) {
      long m = 1 + (r.nextLong() >>> (14 + r.nextInt(50)));
      long a = Math.floorMod(r.nextLong(), m);
      long b = Math.floorMod(r.nextLong(), m);
      long expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(BigInteger.valueOf(m)).longValue();
      assertThat(LatticeTail.mulMod(a, b, m)).as("%d * %d mod %d", a, b, m).isEqualTo(expected);
    }
  }

  @Test
  void expm1mxAndLog1pmxKeepRelativeAccuracyNearZero() {
    MathContext mc = new MathContext(50);
    for (double x : new double[] {-0.9, -0.49, -0.3, -1e-3, -1e-9, 1e-12, 1e-6, 0.01, 0.2, 0.49, 0.5, 3}) {
      BigDecimal bx = new BigDecimal(x);
      double e = ExactSums.exp(bx, mc).subtract(BigDecimal.ONE).subtract(bx).doubleValue();
      assertThat(relativeError(LatticeTail.expm1mx(x), e)).as("expm1mx(%s)", x).isLessThan(4e-16);
      // ln(1 + x) − x = Σ_{k≥2} (−1)^{k+1} x^k / k, summed in 50 digits for |x| < 1
      BigDecimal sum = BigDecimal.ZERO;
      BigDecimal power = bx;
      for (int k = 2; k < 2000; k++) {
        power = power.multiply(bx, mc);
        BigDecimal term = power.divide(BigDecimal.valueOf(k), mc);
        sum = k % 2 == 0 ? sum.subtract(term, mc) : sum.add(term, mc);
        if (term.abs().compareTo(new BigDecimal("1e-45")) < 0) {
          break;
        }
      }
      if (x < 1) {
        assertThat(relativeError(LatticeTail.log1pmx(x), sum.doubleValue())).as("log1pmx(%s)", x).isLessThan(4e-16);
      }
    }
    assertThat(LatticeTail.expm1mx(0)).isZero();
    assertThat(LatticeTail.log1pmx(0)).isZero();
  }

  @Test
  void logisticSoftplusAndLogAddExpStayFinite() {
    assertThat(LatticeTail.softplus(1000)).isEqualTo(1000);
    assertThat(LatticeTail.softplus(-1000)).isZero();
    assertThat(LatticeTail.softplus(0)).isCloseTo(Math.log(2), within(1e-16));
    assertThat(LatticeTail.logistic(-800)).isZero();
    assertThat(LatticeTail.logistic(800)).isEqualTo(1);
    assertThat(LatticeTail.logAddExp(Double.NEGATIVE_INFINITY, -3)).isEqualTo(-3);
    assertThat(LatticeTail.logAddExp(-1000, -1000)).isCloseTo(-1000 + Math.log(2), within(1e-12));
  }

  /** A Poisson minus a binomial and a negative binomial, against a direct sum of the exact pmfs. */
  @Test
  void mixedComponentsMatchADirectConvolution() {
    double x = 6.5;
    long nb = 12;
    double pb = 0.3;
    long nn = 4;
    double pn = 0.4;
    LatticeTail t = new LatticeTail.Builder().poisson(-1, x).binomial(2, nb, pb).negativeBinomial(3, nn, pn).build();
    // pmfs on truncated supports (the dropped mass is below 1e-40)
    int poissonMax = 120;
    int negMax = 400;
    double[] lnPoisson = new double[poissonMax + 1];
    for (int k = 0; k <= poissonMax; k++) {
      lnPoisson[k] = -x + k * Math.log(x) - org.apache.commons.math3.special.Gamma.logGamma(k + 1);
    }
    double[] lnNeg = new double[negMax + 1];
    for (int k = 0; k <= negMax; k++) {
      lnNeg[k] = org.apache.commons.math3.special.Gamma.logGamma(nn + k) - org.apache.commons.math3.special.Gamma.logGamma(k + 1)
          - org.apache.commons.math3.special.Gamma.logGamma(nn) + nn * Math.log(pn) + k * Math.log1p(-pn);
    }
    double[] lnBinomial = new double[(int) nb + 1];
    for (int b = 0; b <= nb; b++) {
      lnBinomial[b] = PValues.lnBinomialPmf(b, nb, pb);
    }
    for (long d : new long[] {-20, -5, 0, 3, 10, 40, 150, 600}) {
      double m = Double.NEGATIVE_INFINITY;
      double sum = 0;
      for (int a = 0; a <= poissonMax; a++) {
        for (int b = 0; b <= nb; b++) {
          for (int c = 0; c <= negMax; c++) {
            if (-a + 2 * b + 3 * c >= d) {
              double v = lnPoisson[a] + lnBinomial[b] + lnNeg[c];
              if (v > m) {
                sum = sum * Math.exp(m - v) + 1;
                m = v;
              } else {
                sum += Math.exp(v - m);
              }
            }
          }
        }
      }
      double expected = m + Math.log(sum);
      double actual = t.lnUpperTail(d);
      if (expected > -0.5) {
        // the reference's log-gamma pmfs carry about 1e-14 of error each, all of ln p near p = 1
        assertThat(actual).as("d=%d", d).isCloseTo(expected, within(1e-13));
      } else {
        assertThat(relativeError(actual, expected)).as("d=%d: %s vs %s", d, actual, expected).isLessThan(1e-11);
      }
    }
  }
}
