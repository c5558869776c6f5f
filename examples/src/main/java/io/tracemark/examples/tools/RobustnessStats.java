package io.tracemark.examples.tools;

import java.util.Arrays;

/**
 * AUC and TPR at a fixed empirical FPR, with their 95 % interval half-widths, for scores where
 * larger means "more watermarked" (here −log10 p).
 */
final class RobustnessStats {
  private RobustnessStats() {}

  /** P(positive > null) + ½ P(tie), by ranks (Mann–Whitney). */
  static double auc(double[] positives, double[] nulls) {
    double[] n = nulls.clone();
    Arrays.sort(n);
    double sum = 0;
    for (double p : positives) {
      int below = lowerBound(n, p);
      int notAbove = upperBound(n, p);
      sum += below + 0.5 * (notAbove - below);
    }
    return sum / ((double) positives.length * n.length);
  }

  /** Hanley and McNeil's standard error of an AUC, times 1.96: the half-width of its 95 % interval. */
  static double aucHalfWidth(double auc, int positives, int nulls) {
    double q1 = auc / (2 - auc);
    double q2 = 2 * auc * auc / (1 + auc);
    double var = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (nulls - 1) * (q2 - auc * auc))
        / ((double) positives * nulls);
    return 1.96 * Math.sqrt(Math.max(0, var));
  }

  /**
   * The detection threshold at empirical FPR {@code fpr}: a score is detected when it is strictly
   * above the (⌊fpr·N⌋ + 1)-th largest null score, so at most ⌊fpr·N⌋ of the N null texts are.
   */
  static double threshold(double[] nulls, double fpr) {
    double[] n = nulls.clone();
    Arrays.sort(n);
    int allowed = (int) Math.floor(fpr * n.length);
    return n[n.length - 1 - allowed];
  }

  /** The share of positives strictly above the threshold. */
  static double tpr(double[] positives, double threshold) {
    return Arrays.stream(positives).filter(p -> p > threshold).count() / (double) positives.length;
  }

  /** Half-width of the 95 % Wilson interval of a proportion p over n draws (the larger side). */
  static double wilsonHalfWidth(double p, int n) {
    double z = 1.96;
    double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
    double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / (1 + z * z / n);
    return Math.max(centre + half - p, p - (centre - half));
  }

  private static int lowerBound(double[] a, double v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static int upperBound(double[] a, double v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
