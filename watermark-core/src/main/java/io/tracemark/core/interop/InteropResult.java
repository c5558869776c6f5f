package io.tracemark.core.interop;

import io.tracemark.api.DetectionResult;
import io.tracemark.api.PositionMask;
import io.tracemark.api.TokenScorer.Statistic;

/**
 * The immutable outcome of a profile's detector on one token sequence: the reference's own
 * numbers (counts, z-score, p-value, computed as the reference computes them) next to tracemark's
 * exact p-value for the same counts.
 *
 * <p>For {@link Statistic#BINOMIAL} profiles ({@code lmw}, {@code hf}) {@code green} is the green
 * count and {@code score} equals it; {@code log10PValue} is the exact binomial upper tail. For
 * {@link Statistic#GAMMA_SUM} profiles ({@code vllm}) {@code score} is the reference's statistic
 * (the sum of −ln(1 − u) over scored tokens, weighted for the dual-key scheme), {@code green}
 * counts scored positions with u ≥ ½, and {@code log10PValue} is the gamma upper tail.
 *
 * @param tokensRead tokens in the sequence
 * @param tuplesScored positions scored (the reference's {@code num_tokens_scored})
 * @param statistic the null distribution of one score
 * @param green green count (binomial) or positions with u ≥ ½ (gamma sum)
 * @param score the statistic: green count, or the score sum
 * @param gamma γ for binomial profiles, NaN otherwise
 * @param z the reference's z-score (lmw, hf); (score − n)/√n for gamma sums; 0 if nothing scored
 * @param referencePValue the p-value as the reference computes it (normal approximation for lmw,
 *     Hugging Face's closed-form approximation for hf, vLLM's gamma survival for vllm)
 * @param log10PValue tracemark's log10 p: the exact binomial or gamma upper tail of the counts
 * @param mask per-position outcome
 */
public record InteropResult(long tokensRead, long tuplesScored, Statistic statistic, long green, double score,
    double gamma, double z, double referencePValue, double log10PValue, PositionMask mask) {

  /** The p-value 10^log10PValue (underflows to 0 below about 1e-308; the log does not). */
  public double pValue() {
    return Math.pow(10, log10PValue);
  }

  /** As a {@link DetectionResult}, for binomial profiles. */
  public DetectionResult toDetectionResult() {
    if (statistic != Statistic.BINOMIAL) {
      throw new IllegalStateException("only binomial profiles have a DetectionResult, this is " + statistic);
    }
    double fraction = tuplesScored == 0 ? 0.0 : (double) green / tuplesScored;
    return new DetectionResult(tokensRead, tuplesScored, green, gamma, fraction, z, pValue(), log10PValue, mask);
  }
}
