package io.tracemark.api;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The immutable outcome of scoring one token sequence against one key, for every scheme family.
 *
 * <p>The statistic is the sum of the scores of the {@code tuplesScored} distinct units: a green
 * count for {@link NullDistribution.Binomial} schemes, a score sum for
 * {@link NullDistribution.GammaSum} schemes. {@code log10PValue} is the exact log10 of its upper
 * tail under H0 (binomial or gamma upper tail, computed in log space, so values far below 1e-308
 * are exact: then {@link #pValue()} underflows to 0 but {@code log10PValue} does not). When
 * nothing was scored, log10 p = 0 and z = 0.
 *
 * @param tokensRead tokens in the sequence
 * @param tuplesScored units scored (after the context warm-up, exclusions and deduplication)
 * @param green scored units that were green; for score sums, scored units whose score is at least
 *     its null median (u ≥ ½)
 * @param score the statistic: the green count (binomial), or the score sum (gamma sums; for
 *     vLLM's dual-key scheme the sum vLLM reports, whose per-unit transform to Exp(1) the p-value
 *     uses)
 * @param nullDistribution the law of one unit's score under H0
 * @param z the statistic standardised by its null mean and variance, for familiarity only
 * @param log10PValue exact log10 of the p-value
 * @param mask the outcome at every position
 * @param referencePValue the p-value as another system's own detector computes it, for the
 *     families that reproduce one (an approximation: normal tail for lm-watermarking, a closed form
 *     for transformers, vLLM's gamma survival); empty otherwise
 */
public record Detection(long tokensRead, long tuplesScored, long green, double score,
    NullDistribution nullDistribution, double z, double log10PValue, PositionMask mask,
    OptionalDouble referencePValue) {

  /** Checks that the law, the mask and the reference p-value are present and the counts consistent. */
  public Detection {
    Objects.requireNonNull(nullDistribution, "nullDistribution");
    Objects.requireNonNull(mask, "mask");
    Objects.requireNonNull(referencePValue, "referencePValue");
    Checks.require(tuplesScored >= 0 && green >= 0 && green <= tuplesScored && tuplesScored <= tokensRead,
        "counts must satisfy 0 <= green <= tuplesScored <= tokensRead, were %d, %d, %d", green, tuplesScored,
        tokensRead);
  }

  /** The p-value 10^log10PValue (underflows to 0 below about 1e-308; the log does not). */
  public double pValue() {
    return Math.pow(10, log10PValue);
  }

  /** green / tuplesScored; 0 when nothing was scored. */
  public double greenFraction() {
    return tuplesScored == 0 ? 0.0 : (double) green / tuplesScored;
  }

  /** score / tuplesScored, to compare with the null mean of one unit; 0 when nothing was scored. */
  public double meanScore() {
    return tuplesScored == 0 ? 0.0 : score / tuplesScored;
  }

  /** Whether at least one unit was scored. */
  public boolean scoredAnything() {
    return tuplesScored > 0;
  }

  /** Whether the p-value is below {@code alpha} (compared in log space); never when nothing was scored. */
  public boolean significantAt(double alpha) {
    Checks.require(alpha > 0 && alpha < 1, "alpha must be in (0, 1), was %s", alpha);
    return scoredAnything() && log10PValue < Math.log10(alpha);
  }
}
