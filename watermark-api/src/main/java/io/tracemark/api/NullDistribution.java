package io.tracemark.api;

/**
 * The law of one scored unit's score under H0 (text independent of the key), which decides how a
 * sum of scores becomes a p-value. Distinct units are independent under H0.
 *
 * <ul>
 *   <li>{@link Binomial}: the score is 1 (green) with probability γ, else 0; a sum over n units is
 *       Binomial(n, γ) (green-list schemes);
 *   <li>{@link GammaSum}: the score is Exp(1) (e.g. −ln(1 − u) of a keyed uniform u); a sum over n
 *       units is Gamma(n, 1) (Gumbel/Aaronson-style schemes);
 *   <li>{@link LayeredBinomial}: the score is Σ_l level_l·g_l over m layers of bits g_l, each
 *       Bernoulli(p) independently (tournament schemes: one unit is an n-gram with its m g-values).
 * </ul>
 *
 * <p>Weighted statistics S = Σ wᵢ·scoreᵢ with key-independent integer weights will get their own
 * forms here (a weighted binomial and a weighted gamma sum); their law needs the weights of the
 * units, so they are not laws of one unit alone.
 */
public sealed interface NullDistribution
    permits NullDistribution.Binomial, NullDistribution.GammaSum, NullDistribution.LayeredBinomial {
  /** The mean of one unit's score under H0. */
  double mean();

  /** The variance of one unit's score under H0. */
  double variance();

  /** The name reports print: {@code binomial}, {@code gamma_sum} or {@code layered_binomial}. */
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

  /**
   * The score of a unit with m layers: Σ_l level_l·g_l, the g_l independent Bernoulli(p) bits, with
   * fixed positive integer levels (all 1 for the plain mean g-value). A sum over n units is
   * Σ_l level_l·Binomial(n, p) per level, whose exact tail {@code io.tracemark.core.stats} computes.
   * Immutable: the levels are copied in and out.
   *
   * @param levels the integer weight of each layer, 1 to {@value #MAX_LEVEL}, at least one layer
   * @param p the probability that a g-value is 1, in (0, 1)
   */
  record LayeredBinomial(int[] levels, double p) implements NullDistribution {
    /** The largest level accepted. */
    public static final int MAX_LEVEL = 1 << 20;

    /** Checks and copies the levels, checks p. */
    public LayeredBinomial {
      if (levels == null) {
        throw new NullPointerException("levels");
      }
      levels = levels.clone();
      Checks.require(levels.length >= 1, "levels must hold at least one layer, held %d", levels.length);
      for (int i = 0; i < levels.length; i++) {
        Checks.require(levels[i] >= 1 && levels[i] <= MAX_LEVEL, "level of layer %d must be between 1 and %d, was %d",
            i, MAX_LEVEL, levels[i]);
      }
      Checks.require(p > 0 && p < 1, "p must be in (0, 1), was %s", p);
    }

    /** m levels of 1: the plain mean g-value. */
    public static int[] equalLevels(int depth) {
      Checks.require(depth >= 1, "depth must be at least 1, was %d", depth);
      int[] out = new int[depth];
      java.util.Arrays.fill(out, 1);
      return out;
    }

    /**
     * SynthID-Text's default weights 10 − 9l/(m − 1) for layers l = 0 … m − 1 (10 for m = 1) as the
     * smallest proportional integers: 10(m − 1) − 9l divided by their greatest common divisor (1 for
     * m = 1). A weighted mean Σ w·g / (T·Σ w) equals Σ level·g / (T·Σ level) exactly.
     */
    public static int[] linearLevels(int depth) {
      int[] out = equalLevels(depth);
      if (depth == 1) {
        return out;
      }
      int gcd = 0;
      for (int l = 0; l < depth; l++) {
        out[l] = 10 * (depth - 1) - 9 * l;
        gcd = gcd(gcd, out[l]);
      }
      for (int l = 0; l < depth; l++) {
        out[l] /= gcd;
      }
      return out;
    }

    private static int gcd(int a, int b) {
      return b == 0 ? a : gcd(b, a % b);
    }

    /** A copy of the levels. */
    @Override
    public int[] levels() {
      return levels.clone();
    }

    /** m, the number of layers. */
    public int depth() {
      return levels.length;
    }

    /** Σ_l level_l: the score of a unit whose g-values are all 1. */
    public long levelSum() {
      long s = 0;
      for (int l : levels) {
        s += l;
      }
      return s;
    }

    @Override
    public double mean() {
      return p * levelSum();
    }

    @Override
    public double variance() {
      double s = 0;
      for (int l : levels) {
        s += (double) l * l;
      }
      return p * (1 - p) * s;
    }

    @Override
    public String label() {
      return "layered_binomial";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LayeredBinomial && java.util.Arrays.equals(levels, ((LayeredBinomial) o).levels)
          && Double.compare(p, ((LayeredBinomial) o).p) == 0;
    }

    @Override
    public int hashCode() {
      return 31 * java.util.Arrays.hashCode(levels) + Double.hashCode(p);
    }

    @Override
    public String toString() {
      return "LayeredBinomial[levels=" + java.util.Arrays.toString(levels) + ", p=" + p + "]";
    }
  }
}
