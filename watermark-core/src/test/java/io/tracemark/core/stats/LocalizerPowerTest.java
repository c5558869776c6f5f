package io.tracemark.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.PositionMask;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Power of localised detection where the whole-document test is diluted: a watermarked block
 * inside a long human text, and a short copy-pasted segment. The green (or score) process is
 * synthetic: Bernoulli(γ) human units and Bernoulli(rate) watermarked units, γ = 0.25. Measured
 * numbers are in docs/statistics.md.
 */
class LocalizerPowerTest {
  static final double GAMMA = 0.25;

  /** {@code human} units of Bernoulli(γ) with {@code block} units of Bernoulli(rate) from {@code at}. */
  static byte[] pasted(SplittableRandom r, int human, int block, int at, double rate) {
    byte[] s = new byte[human + block];
    for (int i = 0; i < s.length; i++) {
      double p = i >= at && i < at + block ? rate : GAMMA;
      s[i] = r.nextDouble() < p ? LocalizerTest.GREEN : LocalizerTest.RED;
    }
    return s;
  }

  @Test
  void aFourHundredUnitBlockInTwelveThousandHumanUnitsIsFoundWhereTheGlobalTestFails() {
    SplittableRandom r = new SplittableRandom(400_12_000L);
    int documents = 30;
    double[] cover = new double[documents];
    double[] winMax = new double[documents];
    double[] global = new double[documents];
    for (int d = 0; d < documents; d++) {
      int at = r.nextInt(12_000);
      PositionMask mask = new PositionMask(pasted(r, 12_000, 400, at, 0.6));
      Localization c = Localizer.cover().localizeBinomial(mask, GAMMA);
      Localization w = Localizer.winMax().localizeBinomial(mask, GAMMA);
      cover[d] = c.best().correctedLog10P();
      winMax[d] = w.best().correctedLog10P();
      global[d] = c.globalLog10P();
      for (Localization.Region region : new Localization.Region[] {c.best(), w.best()}) {
        // most of the region lies in the block
        int inside = Math.min(region.end(), at + 400) - Math.max(region.start(), at);
        assertThat(inside).as("document %d: region [%d, %d), block [%d, %d)", d, region.start(), region.end(), at,
            at + 400).isGreaterThan((region.end() - region.start()) / 2);
      }
      assertThat(cover[d]).as("document %d: cover corrected log10 p", d).isLessThanOrEqualTo(-4);
      assertThat(winMax[d]).as("document %d: winmax corrected log10 p", d).isLessThanOrEqualTo(-4);
    }
    System.out.printf(Locale.ROOT, "400-unit block (green rate 0.6) in 12,000 human units, %d documents:"
        + " median log10 p cover %.1f (max %.1f), winmax %.1f (max %.1f), global %.1f (min %.1f)%n", documents,
        median(cover), max(cover), median(winMax), max(winMax), median(global), min(global));
    // the whole-document test mostly misses what the cover finds
    assertThat(median(global)).isGreaterThan(-4);
    assertThat(max(cover)).isLessThan(min(global) - 10);
  }

  @Test
  void aBlockOfHigherExpScoresIsFoundByTheGammaSum() {
    SplittableRandom r = new SplittableRandom(401);
    int documents = 20;
    double[] cover = new double[documents];
    double[] global = new double[documents];
    for (int d = 0; d < documents; d++) {
      int at = r.nextInt(12_000);
      byte[] s = new byte[12_400];
      double[] scores = new double[s.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = LocalizerTest.GREEN;
        // human units Exp(1); the block's scores have mean 2 (about as much evidence per unit as green rate 0.6 at γ = 0.25)
        scores[i] = (i >= at && i < at + 400 ? -2.0 : -1.0) * Math.log(1 - r.nextDouble());
      }
      Localization c = Localizer.cover().localizeGammaSum(new PositionMask(s), scores);
      cover[d] = c.best().correctedLog10P();
      global[d] = c.globalLog10P();
      assertThat(c.best().end()).isGreaterThan(at);
      assertThat(c.best().start()).isLessThan(at + 400);
      assertThat(cover[d]).as("document %d", d).isLessThanOrEqualTo(-4);
    }
    System.out.printf(Locale.ROOT, "400-unit block of Exp scores with mean 2 in 12,000 Exp(1) units:"
        + " median log10 p cover %.1f (max %.1f), global %.1f (min %.1f)%n", median(cover), max(cover),
        median(global), min(global));
    assertThat(max(cover)).isLessThan(median(global) - 10);
  }

  /**
   * Copy-paste: 60 watermarked units (10 %) pasted as one segment into a 600-unit text. Against
   * 1,000 unwatermarked texts of the same length: detection at α = 1e-3 by each test's own p-value,
   * and the AUC of each statistic.
   */
  @Test
  void tenPercentPastedIntoSixHundredIsDetectedMoreOftenLocally() {
    SplittableRandom r = new SplittableRandom(60_600L);
    int documents = 1_000;
    Localizer[] localizers = {Localizer.cover(), Localizer.winMax()};
    double[][] positive = new double[3][documents];
    double[][] negative = new double[3][documents];
    for (int d = 0; d < documents; d++) {
      PositionMask marked = new PositionMask(pasted(r, 540, 60, r.nextInt(541), 0.6));
      PositionMask human = new PositionMask(pasted(r, 600, 0, 0, GAMMA));
      for (int m = 0; m < 2; m++) {
        Localization p = localizers[m].localizeBinomial(marked, GAMMA);
        Localization n = localizers[m].localizeBinomial(human, GAMMA);
        positive[m][d] = p.best().correctedLog10P();
        negative[m][d] = n.best().correctedLog10P();
        positive[2][d] = p.globalLog10P();
        negative[2][d] = n.globalLog10P();
      }
    }
    String[] names = {"cover", "winmax", "global"};
    double[] tpr = new double[3];
    double[] auc = new double[3];
    for (int m = 0; m < 3; m++) {
      tpr[m] = Arrays.stream(positive[m]).filter(x -> x <= -3).count() / (double) documents;
      auc[m] = auc(positive[m], negative[m]);
      System.out.printf(Locale.ROOT, "10%% pasted into 600 (green rate 0.6): %s TPR at p <= 1e-3 %.3f, AUC %.3f,"
          + " median log10 p %.2f%n", names[m], tpr[m], auc[m], median(positive[m]));
    }
    assertThat(tpr[0]).isGreaterThan(tpr[2] + 0.3);
    assertThat(tpr[1]).isGreaterThan(tpr[2]);
    assertThat(auc[0]).isGreaterThan(auc[2] + 0.05);
    assertThat(auc[1]).isGreaterThan(auc[2] + 0.05);
  }

  /**
   * The probability that a watermarked text's statistic is smaller (more significant) than a human
   * text's, ties counting one half.
   */
  static double auc(double[] positive, double[] negative) {
    double[] n = negative.clone();
    Arrays.sort(n);
    double sum = 0;
    for (double p : positive) {
      int below = lowerBound(n, p);
      int notAbove = upperBound(n, p);
      sum += (n.length - notAbove) + 0.5 * (notAbove - below);
    }
    return sum / ((double) positive.length * n.length);
  }

  private static int lowerBound(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static int upperBound(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }

  static double max(double[] x) {
    return Arrays.stream(x).max().orElseThrow();
  }

  static double min(double[] x) {
    return Arrays.stream(x).min().orElseThrow();
  }
}
