package io.tracemark.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.PositionMask;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

/**
 * Under H0 the corrected p-value of the best region is valid: over 10,000 null documents (lengths
 * log-uniform in 50–2,000 scored units, a quarter of them with unscored positions mixed in) the
 * fraction whose best region has corrected p ≤ α must not exceed α beyond the upper 99.9 %
 * binomial bound, for WinMax and the cover, for green counts (γ ∈ {0.1, 0.25, 0.5}) and Exp(1)
 * score sums. The uncorrected best-window p-value is shown to fail the same check, so the test
 * can tell a missing correction. Measured counts are in docs/statistics.md.
 */
class LocalizerCalibrationTest {
  static final int DOCUMENTS = 10_000;
  static final double[] ALPHAS = {5e-2, 1e-2, 1e-3};
  static final double[] GAMMAS = {0.1, 0.25, 0.5};
  static final Localizer[] LOCALIZERS = {Localizer.winMax(), Localizer.cover()};

  /** The upper 99.9 % quantile of Binomial(trials, alpha): the most rejections a valid test allows. */
  static int upper999(int trials, double alpha) {
    return new BinomialDistribution(null, trials, alpha).inverseCumulativeProbability(0.999);
  }

  /** Document d: its length and whether (and which) positions are unscored. */
  static byte[] nullStates(SplittableRandom r, int d, double gamma) {
    int units = (int) Math.round(Math.exp(Math.log(50) + r.nextDouble() * Math.log(2000.0 / 50)));
    double unscored = d % 4 == 3 ? 0.15 : 0;
    byte[] s = new byte[(int) Math.ceil(units / (1 - unscored)) + 5];
    for (int i = 0; i < s.length; i++) {
      if (r.nextDouble() < unscored) {
        s[i] = LocalizerTest.UNSCORED[r.nextInt(LocalizerTest.UNSCORED.length)];
      } else {
        s[i] = r.nextDouble() < gamma ? LocalizerTest.GREEN : LocalizerTest.RED;
      }
    }
    return s;
  }

  @Test
  void greenCountsAreCalibrated() {
    SplittableRandom r = new SplittableRandom(20260301L);
    int[][] rejected = new int[LOCALIZERS.length][ALPHAS.length];
    int[] rawRejected = new int[LOCALIZERS.length];
    for (int d = 0; d < DOCUMENTS; d++) {
      double gamma = GAMMAS[d % GAMMAS.length];
      PositionMask mask = new PositionMask(nullStates(r, d, gamma));
      for (int m = 0; m < LOCALIZERS.length; m++) {
        Localization.Region best = LOCALIZERS[m].localizeBinomial(mask, gamma).best();
        count(best, rejected[m]);
        rawRejected[m] += best.log10P() <= -3 ? 1 : 0;
      }
    }
    check("binomial", rejected, rawRejected);
  }

  @Test
  void scoreSumsAreCalibrated() {
    SplittableRandom r = new SplittableRandom(20260302L);
    int[][] rejected = new int[LOCALIZERS.length][ALPHAS.length];
    int[] rawRejected = new int[LOCALIZERS.length];
    for (int d = 0; d < DOCUMENTS; d++) {
      byte[] s = nullStates(r, d, 0.5);
      double[] scores = new double[s.length];
      for (int i = 0; i < s.length; i++) {
        scores[i] = -Math.log(1 - r.nextDouble());
      }
      PositionMask mask = new PositionMask(s);
      for (int m = 0; m < LOCALIZERS.length; m++) {
        Localization.Region best = LOCALIZERS[m].localizeGammaSum(mask, scores).best();
        count(best, rejected[m]);
        rawRejected[m] += best.log10P() <= -3 ? 1 : 0;
      }
    }
    check("gamma sum", rejected, rawRejected);
  }

  static void count(Localization.Region best, int[] rejected) {
    for (int a = 0; a < ALPHAS.length; a++) {
      // p ≤ α, in log space
      if (best.correctedLog10P() <= Math.log10(ALPHAS[a])) {
        rejected[a]++;
      }
    }
  }

  static void check(String statistic, int[][] rejected, int[] rawRejected) {
    for (int m = 0; m < LOCALIZERS.length; m++) {
      System.out.printf(Locale.ROOT, "%s %s: %d null documents, corrected p <= 5e-2: %d, <= 1e-2: %d, <= 1e-3: %d;"
          + " uncorrected p <= 1e-3: %d%n", statistic, LOCALIZERS[m], DOCUMENTS, rejected[m][0], rejected[m][1],
          rejected[m][2], rawRejected[m]);
    }
    for (int m = 0; m < LOCALIZERS.length; m++) {
      for (int a = 0; a < ALPHAS.length; a++) {
        assertThat(rejected[m][a]).as("%s %s: null documents with corrected p <= %s", statistic, LOCALIZERS[m],
            ALPHAS[a]).isLessThanOrEqualTo(upper999(DOCUMENTS, ALPHAS[a]));
      }
      // without the correction the best window is far from calibrated: the check above would fail
      assertThat(rawRejected[m]).as("%s %s: null documents with uncorrected p <= 1e-3", statistic, LOCALIZERS[m])
          .isGreaterThan(upper999(DOCUMENTS, 1e-3));
    }
  }
}
