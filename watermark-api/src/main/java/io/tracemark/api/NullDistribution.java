package io.tracemark.api;

/**
 * The law of one scored unit's score under H0 (text independent of the key), which decides how a
 * sum of scores becomes a p-value. Distinct units are independent under H0.
 *
 * <ul>
 *   <li>{@link Binomial}: the score is 1 (green) with probability γ, else 0; a sum over n units is
 *       Binomial(n, γ) (green-list schemes);
 *   <li>{@link GammaSum}: the score is Exp(1) (e.g. −ln(1 − u) of a keyed uniform u); a sum over n
 *       units is Gamma(n, 1) (Gumbel/Aaronson-style schemes).
 * </ul>
 *
 * <p>Weighted statistics S = Σ wᵢ·scoreᵢ with key-independent integer weights will get their own
 * forms here (a weighted binomial and a weighted gamma sum); their law needs the weights of the
 * units, so they are not laws of one unit alone.
 */
public sealed interface NullDistribution permits NullDistribution.Binomial, NullDistribution.GammaSum {
  /** The mean of one unit's score under H0. */
  double mean();

  /** The variance of one unit's score under H0. */
  double variance();

  /** The name reports print: {@code binomial} or {@code gamma_sum}. */
  String label();

  /**
   * 0/1 scores, Bernoulli(γ) under H0.
   *
   * @param gamma the probability that a unit is green, in (0, 1)
   */
  record Binomial(double gamma) implements NullDistribution {
    /** Checks γ. */
    public Binomial {
      Checks.require(gamma > 0 && gamma < 1, "gamma must be in (0, 1), was %s", gamma);
    }

    @Override
    public double mean() {
      return gamma;
    }

    @Override
    public double variance() {
      return gamma * (1 - gamma);
    }

    @Override
    public String label() {
      return "binomial";
    }
  }

  /** Non-negative scores, Exp(1) under H0: mean 1, variance 1. */
  record GammaSum() implements NullDistribution {
    @Override
    public double mean() {
      return 1.0;
    }

    @Override
    public double variance() {
      return 1.0;
    }

    @Override
    public String label() {
      return "gamma_sum";
    }
  }
}
