package io.tracemark.verifier;

import io.tracemark.api.NullDistribution;
import io.tracemark.core.stats.WeightedPValues;
import java.util.ArrayList;
import java.util.List;

/**
 * The weighted statistic of every key from the partitions' ledgers: S = Σ_l l·(score sum at level
 * l), its exact upper tail from the tuple counts per level ({@link WeightedPValues}: weighted
 * binomial for green counts, weighted gamma sum for Gumbel-style scores), its z-score and its rate
 * S / Σ_l l·n_l (the weighted green rate, to compare with γ; with 1 for gamma sums). Pure function
 * of its inputs.
 */
final class WeightedStatistic {
  private final NullDistribution law;
  private final WeightSource weights;
  private final long[][] perLevel;
  private final double[] score;

  WeightedStatistic(NullDistribution law, WeightSource weights, List<ScoreLedger> ledgers, int keys) {
    this.law = law;
    this.weights = weights;
    int levels = weights.grid().maxLevel();
    perLevel = new long[keys][levels + 1];
    score = new double[keys];
    for (ScoreLedger l : ledgers) {
      for (int level = 1; level <= Math.min(levels, l.levels); level++) {
        for (int k = 0; k < keys; k++) {
          perLevel[k][level] += l.scored[level * keys + k];
          score[k] += level * l.sums[level * keys + k];
        }
      }
    }
    if (law instanceof NullDistribution.Binomial) {
      for (int k = 0; k < keys; k++) {
        score[k] = Math.rint(score[k]); // Σ level·green is an integer; the sums are exact below 2^53
      }
    }
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
    return law instanceof NullDistribution.Binomial b
        ? WeightedPValues.log10BinomialUpperTail(perLevel[k], (long) score[k], b.gamma())
        : WeightedPValues.log10GammaUpperTail(perLevel[k], score[k]);
  }

  double z(int k) {
    return law instanceof NullDistribution.Binomial b
        ? WeightedPValues.binomialZScore(perLevel[k], (long) score[k], b.gamma())
        : WeightedPValues.gammaZScore(perLevel[k], score[k]);
  }

  double nullMean(int k) {
    return law instanceof NullDistribution.Binomial b ? WeightedPValues.binomialMean(perLevel[k], b.gamma())
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
