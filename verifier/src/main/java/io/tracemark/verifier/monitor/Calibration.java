package io.tracemark.verifier.monitor;

import java.util.Arrays;

/**
 * Turns a signal's raw statistic into a tail probability against benign reference values (the
 * statistic of the baseline's accounts, or of random groups of them). Inside the reference's range
 * it is the conformal p-value (1 + #{b ≥ x}) / (N + 1), valid for an account exchangeable with the
 * reference (and conservative when the reference holds extraction accounts too, as a
 * self-calibrated log does). Beyond the reference's largest value it extrapolates with an
 * exponential tail, p = 1 / (N + 1) · exp(−(x − max) / β). Its scale β is the larger of two
 * peaks-over-threshold fits: the median excess over the reference's 75 % quantile divided by ln 2
 * (robust: up to a quarter of extraction accounts in the reference barely move it) and the mean
 * excess over its 95 % quantile (the exponential fit of the top twentieth: when the tail is made
 * of a sub-population unlike the bulk, such as batch jobs among people, the bulk's scale alone
 * would extrapolate far too steeply). Without enough excesses (fewer than {@value #MIN_EXCESSES})
 * there is no extrapolation. NaN (a statistic that does not apply,
 * e.g. too few requests) has p = 1. Immutable.
 */
final class Calibration {
  /** Excesses needed to fit the tail. */
  static final int MIN_EXCESSES = 5;
  private static final double QUANTILE = 0.75;
  private static final double TOP_QUANTILE = 0.95;

  private final double[] sorted;
  private final double scale;

  private Calibration(double[] sorted, double scale) {
    this.sorted = sorted;
    this.scale = scale;
  }

  /** A calibration on the reference values (NaN values are left out). */
  static Calibration of(double[] reference) {
    double[] s = Arrays.stream(reference).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (s.length == 0) {
      return new Calibration(s, 0);
    }
    double[] excess = excesses(s, QUANTILE);
    double scale = 0;
    if (excess.length >= MIN_EXCESSES) {
      scale = excess[excess.length / 2] / Math.log(2);
      double[] top = excesses(s, TOP_QUANTILE);
      if (top.length >= MIN_EXCESSES) {
        scale = Math.max(scale, Arrays.stream(top).average().orElse(0));
      }
    }
    return new Calibration(s, scale);
  }

  /** The excesses of the sorted values over their {@code quantile} quantile, ascending. */
  private static double[] excesses(double[] sorted, double quantile) {
    double q = sorted[Math.max(0, (int) Math.ceil(quantile * sorted.length) - 1)];
    return Arrays.stream(sorted).filter(x -> x > q).map(x -> x - q).toArray();
  }

  /** Reference values (not NaN). */
  int size() {
    return sorted.length;
  }

  /** log10 of the tail probability of {@code x}; 0 for NaN or an empty reference. */
  double log10p(double x) {
    if (Double.isNaN(x) || sorted.length == 0) {
      return 0;
    }
    double max = sorted[sorted.length - 1];
    if (x > max) {
      double lnp = -Math.log(sorted.length + 1.0) - (scale > 0 ? (x - max) / scale : 0);
      return lnp / Math.log(10);
    }
    int from = lowerBound(x);
    long atLeast = sorted.length - from;
    return Math.log10((1.0 + atLeast) / (sorted.length + 1.0));
  }

  private int lowerBound(double x) {
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
}
