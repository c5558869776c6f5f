package io.tracemark.verifier.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.core.stats.PValues;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The pilot's exact binomial budget: critical values, power, intervals and the query search. */
class BudgetTest {
  /** P(X ≥ k), X ~ Binomial(n, p), summed exactly in BigDecimal. */
  static double exactTail(int n, int k, double p) {
    MathContext mc = new MathContext(50);
    BigDecimal bp = new BigDecimal(p);
    BigDecimal bq = BigDecimal.ONE.subtract(bp);
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal choose = BigDecimal.ONE;
    for (int x = 0; x <= n; x++) {
      if (x > 0) {
        choose = choose.multiply(BigDecimal.valueOf(n - x + 1)).divide(BigDecimal.valueOf(x), mc);
      }
      if (x >= k) {
        sum = sum.add(choose.multiply(bp.pow(x, mc), mc).multiply(bq.pow(n - x, mc), mc), mc);
      }
    }
    return sum.doubleValue();
  }

  @Test
  void theCriticalValueIsTheSmallestWithATailAtMostAlphaAndThePowerIsItsExactTail() {
    for (int n : new int[] {10, 57, 200, 611}) {
      long[] levels = Budget.unweighted(n);
      long k = Budget.critical(levels, 0.25, 1e-3);
      assertThat(exactTail(n, (int) k, 0.25)).isLessThanOrEqualTo(1e-3);
      if (k <= n) {
        assertThat(exactTail(n, (int) k - 1, 0.25)).isGreaterThan(1e-3);
        assertThat(Budget.power(levels, 0.25, 0.4, 1e-3)).isCloseTo(exactTail(n, (int) k, 0.4),
            Offset.offset(1e-9));
      }
    }
  }

  @Test
  void theIntervalIsClopperPearson() {
    long[] levels = Budget.unweighted(400);
    double[] ci = Budget.interval(levels, 130, 0.95);
    assertThat(ci[0]).isLessThan(130 / 400.0);
    assertThat(ci[1]).isGreaterThan(130 / 400.0);
    // each bound leaves 2.5 % in its tail
    assertThat(Math.pow(10, PValues.log10BinomialUpperTail(400, 130, ci[0]))).isCloseTo(0.025, Offset.offset(1e-6));
    assertThat(1 - Math.pow(10, PValues.log10BinomialUpperTail(400, 131, ci[1]))).isCloseTo(0.025,
        Offset.offset(1e-6));
    // weighted: two levels; a one-level case equals the unweighted interval
    double[] two = Budget.interval(new long[] {0, 0, 400}, 260, 0.95);
    assertThat(two[0]).isCloseTo(ci[0], Offset.offset(1e-9));
    assertThat(two[1]).isCloseTo(ci[1], Offset.offset(1e-9));
  }

  /**
   * The budget for 90 % power, checked by simulation: at the returned number of tuples the test
   * rejects in 90 % of 4,000 binomial draws (within 3.3 binomial standard deviations), and with
   * half as many tuples clearly less often.
   */
  @Test
  void theBudgetHasTheRequestedPowerBySimulation() {
    double gamma = 0.25;
    double p = 0.3;
    double alpha = 1e-6;
    long pilotQueries = 50;
    long[] pilot = Budget.unweighted(50 * 40); // 40 tuples a query, growing linearly
    long q = Budget.queries(pilot, pilotQueries, 1.0, gamma, p, alpha, 0.9);
    assertThat(q).isPositive();
    long n = q * 40;
    long k = Budget.critical(Budget.unweighted(n), gamma, alpha);
    SplittableRandom random = new SplittableRandom(1);
    int draws = 4000;
    int rejected = 0;
    for (int d = 0; d < draws; d++) {
      long x = 0;
      for (long i = 0; i < n; i++) {
        x += random.nextDouble() < p ? 1 : 0;
      }
      rejected += x >= k ? 1 : 0;
    }
    double sd = Math.sqrt(draws * 0.9 * 0.1);
    assertThat(rejected).isGreaterThanOrEqualTo((int) Math.floor(0.9 * draws - 3.3 * sd));
    assertThat(Budget.power(Budget.unweighted(n), gamma, p, alpha)).isGreaterThanOrEqualTo(0.9);
    assertThat(Budget.power(Budget.unweighted((q - 1) * 40), gamma, p, alpha)).isLessThan(0.9);
    assertThat(Budget.power(Budget.unweighted(n / 2), gamma, p, alpha)).isLessThan(0.5);
    // no uplift: no budget
    assertThat(Budget.queries(pilot, pilotQueries, 1.0, gamma, gamma, alpha, 0.9)).isEqualTo(-1);
    // slower growth of new tuples asks for more queries
    assertThat(Budget.queries(pilot, pilotQueries, 0.8, gamma, p, alpha, 0.9)).isGreaterThan(q);
  }

  @Test
  void theGrowthExponentComesFromTheHalfPilot() {
    assertThat(Budget.growth(500, 25, 1000, 50)).isCloseTo(1.0, Offset.offset(1e-12));
    assertThat(Budget.growth(600, 25, 1000, 50)).isCloseTo(Math.log(1000 / 600.0) / Math.log(2),
        Offset.offset(1e-12));
    assertThat(Budget.growth(0, 25, 1000, 50)).isEqualTo(1.0);
  }

  /** A Gamma(n, 1) draw as a sum of n Exp(1) draws. */
  private static double gammaDraw(SplittableRandom random, long n) {
    double x = 0;
    for (long i = 0; i < n; i++) {
      x -= Math.log(1 - random.nextDouble());
    }
    return x;
  }

  @Test
  void theGammaSumsCriticalValueLeavesAlphaAndItsPowerAtTheNullMeanIsAlpha() {
    for (long[] levels : new long[][] {Budget.unweighted(300), {0, 200, 0, 50}}) {
      double s = Budget.gammaCritical(levels, 1e-4);
      assertThat(Budget.log10GammaTail(levels, s)).isCloseTo(-4, Offset.offset(1e-6));
      assertThat(Budget.gammaPower(levels, 1.0, 1e-4)).isCloseTo(1e-4, Offset.offset(1e-9));
      // a larger mean score rejects more often; a smaller one less
      assertThat(Budget.gammaPower(levels, 1.2, 1e-4)).isGreaterThan(Budget.gammaPower(levels, 1.1, 1e-4));
      assertThat(Budget.gammaPower(levels, 0.9, 1e-4)).isLessThan(1e-4);
    }
    assertThat(Budget.gammaPower(new long[] {0, 0}, 2.0, 1e-4)).isZero();
  }

  /**
   * The gamma-sum budget for 90 % power, by simulation under its model (each score μ·Exp(1)): at
   * the returned number of tuples the test rejects in 90 % of 2,000 draws (within 3.3 binomial
   * standard deviations); one query fewer has less than 90 % power.
   */
  @Test
  void theGammaSumBudgetHasTheRequestedPowerBySimulation() {
    double mu = 1.1;
    double alpha = 1e-6;
    long[] pilot = Budget.unweighted(50 * 20); // 20 tuples a query, growing linearly
    long q = Budget.gammaQueries(pilot, 50, 1.0, mu, alpha, 0.9);
    assertThat(q).isPositive();
    long n = q * 20;
    double critical = Budget.gammaCritical(Budget.unweighted(n), alpha);
    SplittableRandom random = new SplittableRandom(2);
    int draws = 2000;
    int rejected = 0;
    for (int d = 0; d < draws; d++) {
      rejected += mu * gammaDraw(random, n) >= critical ? 1 : 0;
    }
    double sd = Math.sqrt(draws * 0.9 * 0.1);
    assertThat(rejected).isGreaterThanOrEqualTo((int) Math.floor(0.9 * draws - 3.3 * sd));
    assertThat(Budget.gammaPower(Budget.unweighted(n), mu, alpha)).isGreaterThanOrEqualTo(0.9);
    assertThat(Budget.gammaPower(Budget.unweighted((q - 1) * 20), mu, alpha)).isLessThan(0.9);
    assertThat(Budget.gammaQueries(pilot, 50, 1.0, 1.0, alpha, 0.9)).isEqualTo(-1);
    assertThat(Budget.gammaQueries(pilot, 50, 0.8, mu, alpha, 0.9)).isGreaterThan(q);
  }

  /** The 95 % interval of the mean score covers μ in 95 % of 2,000 draws (within 3.3 standard deviations). */
  @Test
  void theGammaSumIntervalCoversTheMeanScore() {
    double mu = 1.05;
    long[] levels = Budget.unweighted(400);
    SplittableRandom random = new SplittableRandom(3);
    int draws = 2000;
    int covered = 0;
    for (int d = 0; d < draws; d++) {
      double[] ci = Budget.gammaInterval(levels, mu * gammaDraw(random, 400), 0.95);
      covered += ci[0] <= mu && mu <= ci[1] ? 1 : 0;
    }
    double sd = Math.sqrt(draws * 0.95 * 0.05);
    assertThat(covered).isBetween((int) Math.floor(0.95 * draws - 3.3 * sd), (int) Math.ceil(0.95 * draws + 3.3 * sd));
  }
}
