package io.tracemark.core.interop;

import io.tracemark.core.stats.PValues;
import org.apache.commons.math3.special.Erf;

/**
 * The p-value formulas of the reference detectors, reproduced as they compute them (they are
 * approximations; tracemark's own exact p-values come from {@code PValues}).
 */
final class ReferenceStats {
  private ReferenceStats() {}

  /** lm-watermarking and Hugging Face: {@code (g − γT) / sqrt(T γ (1 − γ))}, evaluated in that order. */
  static double kgwZ(long green, long scored, double gamma) {
    double numer = green - gamma * scored;
    double denom = Math.sqrt(scored * gamma * (1 - gamma));
    return numer / denom;
  }

  /** lm-watermarking: {@code scipy.stats.norm.sf(z)}. */
  static double normalSurvival(double z) {
    return 0.5 * Erf.erfc(z / Math.sqrt(2));
  }

  /**
   * Hugging Face {@code WatermarkDetector._compute_pval}: the closed-form approximation
   * {@code 1 − ½(1 + sign(z)(1 − exp(−2z²/π)))} (it saturates at 0 for large z).
   */
  static double hfPValue(double z) {
    return 1 - (0.5 * (1 + Math.signum(z) * (1 - Math.exp(-2 * (z * z) / Math.PI))));
  }

  /**
   * vLLM {@code _gamma_survival_integer_shape(score, shape)}: P(Gamma(shape, 1) > score) as
   * e^−x Σ_{i<shape} x^i / i!, summed in log space as vLLM does, clamped to [0, 1].
   */
  static double vllmGammaSurvivalIntegerShape(double score, long shape) {
    if (shape <= 0 || score <= 0) {
      return 1.0;
    }
    double logScore = Math.log(score);
    double logTerm = 0.0;
    double maxLogTerm = 0.0;
    double[] logTerms = new double[(int) shape];
    logTerms[0] = 0.0;
    for (int index = 1; index < shape; index++) {
      logTerm += logScore - Math.log(index);
      logTerms[index] = logTerm;
      maxLogTerm = Math.max(maxLogTerm, logTerm);
    }
    double sum = 0.0;
    for (double t : logTerms) {
      sum += Math.exp(t - maxLogTerm);
    }
    double logSum = maxLogTerm + Math.log(sum);
    return Math.min(1.0, Math.exp(Math.min(0.0, -score + logSum)));
  }
}
