package io.tracemark.verifier.plan;

import io.tracemark.api.Checks;
import io.tracemark.api.NullDistribution;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs the planned test on a pilot — the suspect's answers to the first queries — and turns it
 * into a {@link Plan.PilotEstimate}: the rate and its exact 95 % interval, the tuples per query,
 * their growth (the same test on the pilot's first half), and the budgets for 90 % and 50 % power
 * at α ({@link Budget}). The pilot is analysed with the plan's own statistic, weights, dedup and
 * filter (the builder given), without control keys. For a green count the rate is the green
 * fraction and γ its null value; for the gamma sum of Gumbel-max schemes the rate is the mean
 * score per tuple (per level unit when weighted), its null value 1, and the interval and budgets
 * those of {@link Budget}'s scale model. Other statistics (mean g-values) get no budget.
 */
public final class Pilot {
  /** The power the plan's budget is for. */
  public static final double POWER = 0.9;

  private Pilot() {}

  /**
   * Estimates from {@code records} (in query order, at least 2).
   *
   * @param test the planned verification, without its suspect (records are set here)
   * @param alpha the planned significance level
   * @throws IllegalArgumentException for a statistic that is neither a green count nor a gamma sum
   */
  public static Plan.PilotEstimate estimate(Verification.Builder test, List<SuspectRecord> records, double alpha) {
    Objects.requireNonNull(test, "test");
    Checks.require(records.size() >= 2, "a pilot needs at least 2 answers, has %d", records.size());
    List<SuspectRecord> half = new ArrayList<>(records.subList(0, records.size() / 2));
    InheritanceResult firstHalf = test.records(half).controlKeys(0).build().run();
    InheritanceResult all = test.records(List.copyOf(records)).controlKeys(0).build().run();
    long[] levels = levels(all);
    long q = records.size();
    double growth = Budget.growth(firstHalf.tuplesScored(), half.size(), all.tuplesScored(), q);
    double rate = all.rate();
    List<Long> perLevel = new ArrayList<>();
    for (long l : levels) {
      perLevel.add(l);
    }
    if (all.nullDistribution() instanceof NullDistribution.Binomial b) {
      double gamma = b.gamma();
      double[] ci = Budget.interval(levels, Math.round(all.score()), 0.95);
      return new Plan.PilotEstimate(q, all.tuplesScored(), firstHalf.tuplesScored(), perLevel, all.score(), gamma,
          rate, ci[0], ci[1], growth, Budget.queries(levels, q, growth, gamma, rate, alpha, POWER),
          Budget.queries(levels, q, growth, gamma, rate, alpha, 0.5), all.log10P());
    }
    if (all.nullDistribution() instanceof NullDistribution.GammaSum) {
      // the null mean score per tuple is 1; the rate is the mean score per level unit
      double[] ci = all.tuplesScored() == 0 || !(all.score() > 0) ? new double[] {0, Double.POSITIVE_INFINITY}
          : Budget.gammaInterval(levels, all.score(), 0.95);
      return new Plan.PilotEstimate(q, all.tuplesScored(), firstHalf.tuplesScored(), perLevel, all.score(), 1.0,
          rate, ci[0], ci[1], growth, Budget.gammaQueries(levels, q, growth, rate, alpha, POWER),
          Budget.gammaQueries(levels, q, growth, rate, alpha, 0.5), all.log10P());
    }
    throw new IllegalArgumentException("a pilot's budget needs a green-count (binomial) or gamma-sum statistic; "
        + "this scheme's is " + all.nullDistribution().label());
  }

  private static long[] levels(InheritanceResult r) {
    if (r.weighting() == null) {
      return Budget.unweighted(r.tuplesScored());
    }
    List<Long> l = r.weighting().tuplesPerLevel();
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l.get(i);
    }
    return out;
  }
}
