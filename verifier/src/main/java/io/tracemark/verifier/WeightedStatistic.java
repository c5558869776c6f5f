package io.tracemark.verifier;

import io.tracemark.api.NullDistribution;
import io.tracemark.core.stats.FixedPointSum;
import io.tracemark.core.stats.WeightedPValues;
import java.util.ArrayList;
import java.util.List;

/**
 * The weighted statistic of every key from the partitions' ledgers: S = Σ_l l·(score sum at level
 * l), its exact upper tail from the tuple counts per level ({@link WeightedPValues}: weighted
 * binomial for green counts, weighted gamma sum for Gumbel-style scores), its z-score and its rate
 * S / Σ_l l·n_l (the weighted green rate, to compare with γ; with 1 for gamma sums). S is computed
 * exactly from the ledgers' {@link FixedPointSum}s (the levels are integers) and rounded once, so it
 * does not depend on the partitioning. Supports the {@link NullDistribution.Binomial} and {@link
 * NullDistribution.GammaSum} laws. Pure function of its inputs.
 */
final class WeightedStatistic {
  private final NullDistribution.Binomial binomial;
  private final WeightSource weights;
  private final long[][] perLevel;
  private final double[] score;

  /**
   * The statistic of {@code keys} keys.
   *
   * @throws IllegalArgumentException if {@code law} is neither binomial nor a gamma sum
   */
  WeightedStatistic(NullDistribution law, WeightSource weights, List<ScoreLedger> ledgers, int keys) {
    if (law instanceof NullDistribution.Binomial b) {
      this.binomial = b;
    } else if (law instanceof NullDistribution.GammaSum) {
      this.binomial = null;
    } else {
      throw new IllegalArgumentException("the weighted statistic supports the binomial and gamma_sum null "
          + "distributions, not " + law.label());
    }
    this.weights = weights;
    int levels = weights.grid().maxLevel();
    perLevel = new long[keys][levels + 1];
    score = new double[keys];
    for (int k = 0; k < keys; k++) {
      FixedPointSum s = new FixedPointSum();
      for (ScoreLedger l : ledgers) {
        for (int level = 1; level <= Math.min(levels, l.levels); level++) {
          perLevel[k][level] += l.scored[level * keys + k];
          addMultiple(s, l, k, level);
        }
      }
      // Σ level·green is an integer, so for green counts the rounding is exact below 2^53
      score[k] = s.value();
    }
  }

  /** Adds {@code level} times key k's score sum at {@code level} in ledger {@code l} to {@code s}, exactly. */
  private static void addMultiple(FixedPointSum s, ScoreLedger l, int k, int level) {
    FixedPointSum one = new FixedPointSum();
    l.addSum(k, level, one);
    long high = one.high();
    long low = one.low();
    // (high·2^64 + low)·level with low unsigned: the low word's product spills into the high word
    long carry = Math.multiplyHigh(low, level) + (low < 0 ? level : 0);
    s.add(Math.addExact(Math.multiplyExact(high, (long) level), carry), low * level);
  }

  double score(int k) {
    return score[k];
  }

  /** S / Σ l·n_l, 0 when nothing is scored. */
  double rate(int k) {
    long total = 0;
    for (int l = 1; l < perLevel[k].length; l++) {
      total += l * perLevel[k][l];
    }
    return total == 0 ? 0.0 : score[k] / total;
  }

  double log10P(int k) {
    return binomial != null
        ? WeightedPValues.log10BinomialUpperTail(perLevel[k], (long) score[k], binomial.gamma())
        : WeightedPValues.log10GammaUpperTail(perLevel[k], score[k]);
  }

  double z(int k) {
    return binomial != null
        ? WeightedPValues.binomialZScore(perLevel[k], (long) score[k], binomial.gamma())
        : WeightedPValues.gammaZScore(perLevel[k], score[k]);
  }

  double nullMean(int k) {
    return binomial != null ? WeightedPValues.binomialMean(perLevel[k], binomial.gamma())
        : WeightedPValues.gammaMean(perLevel[k]);
  }

  InheritanceResult.Weighting weighting(int k) {
    List<Long> levels = new ArrayList<>(perLevel[k].length);
    for (long c : perLevel[k]) {
      levels.add(c);
    }
    return new InheritanceResult.Weighting(weights.description(), weights.grid().describe(), levels, nullMean(k));
  }
}
