package io.tracemark.verifier.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CalibrationTest {
  @Test
  void insideTheReferenceItIsTheConformalPValue() {
    Calibration c = Calibration.of(new double[] {1, 2, 3, 4, Double.NaN});
    assertThat(c.size()).isEqualTo(4);
    assertThat(c.log10p(0)).isEqualTo(Math.log10(5 / 5.0));
    assertThat(c.log10p(3)).isEqualTo(Math.log10(3 / 5.0));
    assertThat(c.log10p(4)).isEqualTo(Math.log10(2 / 5.0));
    assertThat(c.log10p(Double.NaN)).isZero();
    // too few excesses over the 75 % quantile to fit a tail: no extrapolation past 1 / (N + 1)
    assertThat(c.log10p(100)).isEqualTo(Math.log10(1 / 5.0));
  }

  @Test
  void beyondTheReferenceTheTailIsExtrapolatedFromTheMedianExcess() {
    double[] ref = new double[100];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = i;
    }
    Calibration c = Calibration.of(ref);
    // quantile 74, excesses 1..25, median excess 13, scale 13 / ln 2
    double scale = 13 / Math.log(2);
    assertThat(c.log10p(99 + scale)).isCloseTo((-Math.log(101) - 1) / Math.log(10),
        org.assertj.core.data.Offset.offset(1e-12));
  }

  /**
   * Benign accounts exchangeable with the reference reach p ≤ α at most at rate α: 20,000 draws of
   * a heavy-tailed (log-normal) statistic, calibrated on 2,000 others; the tolerance is four
   * binomial standard deviations.
   */
  @Test
  void falsePositiveRateOfExchangeableBenignValuesStaysAtAlpha() {
    SplittableRandom rnd = new SplittableRandom(11);
    double[] ref = new double[2000];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = Math.exp(gaussian(rnd));
    }
    Calibration c = Calibration.of(ref);
    int n = 20_000;
    for (double alpha : new double[] {0.05, 0.01, 0.002}) {
      int hits = 0;
      for (int i = 0; i < n; i++) {
        if (c.log10p(Math.exp(gaussian(rnd))) <= Math.log10(alpha)) {
          hits++;
        }
      }
      double sd = Math.sqrt(n * alpha * (1 - alpha));
      assertThat((double) hits).as("alpha %s", alpha).isLessThanOrEqualTo(n * alpha + 4 * sd);
    }
  }

  /**
   * A tail made of a sub-population unlike the bulk (5 % batch-like values from 10 to 100 among
   * people's values from 0 to 1) is extrapolated at its own scale, not the bulk's: of 200,000 draws
   * of the same mixture, those past the reference's largest value keep p above 10⁻⁵ (the
   * tolerance is the binomial mean plus four standard deviations, about 8 draws).
   */
  @Test
  void aTailOfAnotherSubPopulationIsExtrapolatedAtItsOwnScale() {
    SplittableRandom rnd = new SplittableRandom(12);
    double[] ref = new double[2000];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = mixture(rnd);
    }
    Calibration c = Calibration.of(ref);
    int n = 200_000;
    double alpha = 1e-5;
    int hits = 0;
    for (int i = 0; i < n; i++) {
      if (c.log10p(mixture(rnd)) <= Math.log10(alpha)) {
        hits++;
      }
    }
    assertThat((double) hits).isLessThanOrEqualTo(n * alpha + 4 * Math.sqrt(n * alpha * (1 - alpha)));
  }

  private static double mixture(SplittableRandom rnd) {
    return rnd.nextDouble() < 0.05 ? rnd.nextDouble(10, 100) : rnd.nextDouble();
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
