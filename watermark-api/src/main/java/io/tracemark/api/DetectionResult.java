package io.tracemark.api;

/**
 * The immutable outcome of scoring one token sequence against one key.
 *
 * <p>Under the null hypothesis (the text is independent of the key) the green count of the
 * {@code tuplesScored} distinct tuples is Binomial(tuplesScored, γ); {@code log10PValue} is the
 * exact log10 of its upper tail P(X ≥ green), computed in log space so that values far below
 * 1e-308 are exact (then {@code pValue} underflows to 0 but {@code log10PValue} does not). When
 * nothing was scored, p = 1, log10 p = 0 and z = 0.
 *
 * @param tokensRead tokens in the sequence
 * @param tuplesScored positions scored (after the context warm-up, exclusions and dedup)
 * @param green scored positions that were green
 * @param gamma the scheme's green fraction (the expected green rate under H0)
 * @param greenFraction green / tuplesScored (0 when nothing was scored)
 * @param z (green − γn) / sqrt(nγ(1 − γ)), for familiarity only
 * @param pValue exact P(X ≥ green) under H0, as a double (may underflow to 0)
 * @param log10PValue exact log10 of the p-value
 * @param mask per-position outcome
 */
public record DetectionResult(long tokensRead, long tuplesScored, long green, double gamma, double greenFraction,
    double z, double pValue, double log10PValue, PositionMask mask) {

  /** Whether at least one tuple was scored. */
  public boolean scoredAnything() {
    return tuplesScored > 0;
  }

  /** Whether the p-value is below {@code alpha} (compared in log space). */
  public boolean significantAt(double alpha) {
    Checks.require(alpha > 0 && alpha < 1, "alpha must be in (0, 1), was %s", alpha);
    return scoredAnything() && log10PValue < Math.log10(alpha);
  }
}
