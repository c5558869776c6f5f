package io.tracemark.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The law of a sum of per-position maxima of gamma sums, against closed forms and Monte Carlo. */
class MaxGammaSumLawTest {
  private static final double TIGHT = Math.log10(MaxGammaSumLaw.TIGHT);

  /** Asserts lower ≤ truth ≤ upper (truth in log10, with a relative slack for its own rounding) and tightness. */
  private static void assertBrackets(MaxGammaSumLaw.Tail t, double log10Truth) {
    double slack = 1e-12 * Math.max(1, Math.abs(log10Truth));
    assertThat(t.log10Upper()).as("upper of %s", log10Truth).isGreaterThanOrEqualTo(log10Truth - slack);
    assertThat(t.log10Lower()).as("lower of %s", log10Truth).isLessThanOrEqualTo(log10Truth + slack);
    assertThat(t.tight()).as("tight %s", t).isTrue();
  }

  @Test
  void oneValueAtOnePositionIsTheGammaTail() {
    for (long n : new long[] {1, 7, 1000, 1_000_000}) {
      double sd = Math.sqrt(n);
      for (double z : new double[] {-0.8, 1, 4, 20}) {
        double s = n + z * sd;
        assertBrackets(MaxGammaSumLaw.log10UpperTail(new long[] {n}, 1, s), PValues.log10GammaUpperTail(n, s));
      }
    }
  }

  @Test
  void oneValueAtSeveralPositionsIsTheGammaTailOfTheTotal() {
    long[] units = {3, 0, 12, 5, 40, 1, 0, 9};
    long total = Arrays.stream(units).sum();
    for (double s : new double[] {60, 100, 150}) {
      assertBrackets(MaxGammaSumLaw.log10UpperTail(units, 1, s), PValues.log10GammaUpperTail(total, s));
    }
  }

  @Test
  void onePositionIsOneMinusTheGammaCdfToTheK() {
    for (int k : new int[] {2, 4, 16}) {
      for (long n : new long[] {1, 6, 300}) {
        for (double s : new double[] {n, n + 3 * Math.sqrt(n), n + 10 * Math.sqrt(n) + 10}) {
          double lnQ = PValues.lnGammaUpperTail(n, s);
          // 1 − (1 − Q)^K without cancellation
          double truth = Math.log10(-Math.expm1(k * Math.log1p(-Math.exp(lnQ))));
          assertBrackets(MaxGammaSumLaw.log10UpperTail(new long[] {n}, k, s), truth);
        }
      }
    }
  }

  /**
   * 400,000 seeded draws of S (3 positions, K = 4): the share with S ≥ s lies within 4.5 binomial
   * standard deviations of the bracket at three thresholds (tails about 0.55, 0.07 and 0.006). The
   * Gamma(Σ n_p) tail at the same thresholds (a wrong law: the sum of one message) lies far outside.
   */
  @Test
  void theTailMatchesMonteCarloOnSmallCases() {
    long[] units = {2, 5, 9};
    int k = 4;
    int draws = 400_000;
    double[] thresholds = {22.5, 29, 34};
    long[] hits = new long[thresholds.length];
    SplittableRandom random = new SplittableRandom(2026);
    for (int d = 0; d < draws; d++) {
      double sum = 0;
      for (long n : units) {
        double max = 0;
        for (int v = 0; v < k; v++) {
          double g = 0;
          for (long i = 0; i < n; i++) {
            g -= Math.log(1 - random.nextDouble());
          }
          max = Math.max(max, g);
        }
        sum += max;
      }
      for (int t = 0; t < thresholds.length; t++) {
        if (sum >= thresholds[t]) {
          hits[t]++;
        }
      }
    }
    for (int t = 0; t < thresholds.length; t++) {
      MaxGammaSumLaw.Tail tail = MaxGammaSumLaw.log10UpperTail(units, k, thresholds[t]);
      assertThat(tail.tight()).isTrue();
      double upper = Math.pow(10, tail.log10Upper());
      double lower = Math.pow(10, tail.log10Lower());
      double sigma = Math.sqrt(draws * upper * (1 - lower));
      assertThat((double) hits[t]).as("threshold %s", thresholds[t])
          .isBetween(draws * lower - 4.5 * sigma, draws * upper + 4.5 * sigma);
      double wrong = Math.pow(10, PValues.log10GammaUpperTail(16, thresholds[t]));
      assertThat(Math.abs(hits[t] - draws * wrong)).isGreaterThan(4.5 * Math.sqrt(draws * wrong) + 10);
    }
    assertThat(hits[0]).isBetween(150_000L, 250_000L);
    assertThat(hits[2]).isBetween(1500L, 3500L);
  }

  @Test
  void theTailDecreasesInS() {
    long[] units = {12, 14, 9, 15, 0, 11, 13, 10, 16};
    double previous = 0;
    for (double s = 100; s <= 220; s += 15) {
      MaxGammaSumLaw.Tail t = MaxGammaSumLaw.log10UpperTail(units, 4, s);
      assertThat(t.tight()).isTrue();
      assertThat(t.log10Upper()).isLessThan(previous);
      previous = t.log10Upper();
    }
  }

  /**
   * Far tails stay finite; where the cost cap stops the bracket short of 1 % it stays within 5 % for a
   * corpus (p ≈ 10^−211 over 10^8 units) and 20 % for a text (p ≈ 10^−288, L = 8). The union bound K^L · P(Gamma(Σ n_p) ≥ s) bounds the same tail, so
   * it is never below the certified lower bound; this far out it lies inside the bracket (the largest of K
   * sums has almost exactly K times one sum's tail), whereas near p = 10^−3 it is about 10 times the
   * exact tail ({@link #theUnionBoundIsLooseInTheModerateTail}).
   */
  @Test
  void farTailsAreFiniteAndTheUnionBoundLiesAboveTheLowerBound() {
    long[] corpus = new long[10];
    Arrays.fill(corpus, 10_000_000L);
    corpus[3] = 9_990_000L;
    long total = Arrays.stream(corpus).sum();
    double s = total + 1.03 * Math.sqrt(1e7) * 10 + 40 * Math.sqrt(0.5e8);
    MaxGammaSumLaw.Tail t = MaxGammaSumLaw.log10UpperTail(corpus, 4, s);
    double union = 20 * Math.log10(2) + PValues.log10GammaUpperTail(total, s);
    assertThat(t.ratio()).isLessThan(1.05);
    assertThat(t.log10Upper()).isLessThan(-200).isGreaterThan(union - 0.01);
    assertThat(t.log10Lower()).isLessThanOrEqualTo(union);

    long[] text = {12, 14, 9, 15, 11, 13, 10, 16};
    MaxGammaSumLaw.Tail far = MaxGammaSumLaw.log10UpperTail(text, 4, 1000);
    double textUnion = 16 * Math.log10(2) + PValues.log10GammaUpperTail(100, 1000);
    assertThat(far.log10Upper()).isLessThan(-280).isGreaterThan(textUnion - 0.01);
    assertThat(far.log10Lower()).isLessThanOrEqualTo(textUnion);
    assertThat(far.ratio()).isLessThan(1.2);
  }

  @Test
  void theUnionBoundIsLooseInTheModerateTail() {
    long[] text = {12, 14, 9, 15, 11, 13, 10, 16};
    MaxGammaSumLaw.Tail t = MaxGammaSumLaw.log10UpperTail(text, 4, 160);
    double union = 16 * Math.log10(2) + PValues.log10GammaUpperTail(100, 160);
    assertThat(t.tight()).isTrue();
    assertThat(t.log10Upper()).isBetween(-3.2, -3.0);
    assertThat(union - t.log10Upper()).isGreaterThan(0.9);
  }

  @Test
  void positionsWithoutUnitsAddNothing() {
    MaxGammaSumLaw.Tail a = MaxGammaSumLaw.log10UpperTail(new long[] {4, 9, 2}, 4, 30);
    MaxGammaSumLaw.Tail b = MaxGammaSumLaw.log10UpperTail(new long[] {0, 4, 0, 9, 2, 0}, 4, 30);
    assertThat(b).isEqualTo(a);
    assertThat(MaxGammaSumLaw.log10UpperTail(new long[] {0, 0}, 4, 1e-9).log10Upper()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(MaxGammaSumLaw.log10UpperTail(new long[] {0, 0}, 4, 0).log10Upper()).isZero();
    assertThatThrownBy(() -> MaxGammaSumLaw.log10UpperTail(new long[] {-1}, 4, 1)).hasMessageContaining("units");
    assertThatThrownBy(() -> MaxGammaSumLaw.log10UpperTail(new long[] {1}, 0, 1)).hasMessageContaining("values");
  }
}
