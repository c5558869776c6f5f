package io.tracemark.core.stats;

import io.tracemark.api.Checks;
import io.tracemark.api.NullDistribution;
import java.util.List;

/**
 * The immutable outcome of localised detection on one document: the best-scoring regions and the
 * whole-document test beside them.
 *
 * <p>A region is a window of consecutive scored units; its span is given in token offsets. Its
 * corrected p-value bounds the probability under H0 that any of the windows tried has a raw p-value
 * at most the region's (a union bound over exactly those windows, see {@link Localizer}), so the
 * corrected p-values of all reported regions hold simultaneously: under H0 the probability that
 * any of them is at most α is at most α.
 *
 * @param method what was tried, e.g. {@code winmax} or {@code cover(min-length=16,ratio=1.4142135623730951,stride-divisor=4)}
 * @param nullDistribution the law of one unit's score under H0
 * @param tokensRead positions in the document
 * @param unitsScored scored units (the positions the windows run over)
 * @param globalScore the whole document's green count or score sum
 * @param globalLog10P exact log10 p of the whole document (0 when nothing was scored)
 * @param windowsTried the exact number of windows tried
 * @param regions the best region first, then further regions disjoint from all before them, each the
 *     best window not overlapping those; a single empty region {@code [0, 0)} when nothing was scored
 */
public record Localization(String method, NullDistribution nullDistribution, long tokensRead, long unitsScored, double globalScore,
    double globalLog10P, long windowsTried, List<Region> regions) {

  /** Copies {@code regions}. */
  public Localization {
    regions = List.copyOf(regions);
  }

  /** The best region: the window with the smallest raw p-value. */
  public Region best() {
    return regions.get(0);
  }

  /**
   * One window of consecutive scored units.
   *
   * @param start token offset of its first scored unit (inclusive)
   * @param end token offset after its last scored unit (exclusive)
   * @param units scored units in it
   * @param score its green count or score sum
   * @param log10P exact log10 p of the window alone (binomial or gamma upper tail), uncorrected
   * @param correctedLog10P log10 of the union bound over every window tried (at most 0): for score
   *     sums {@code min(0, log10P + log10(windowsTried))}; for green counts the exact sum over
   *     window lengths described in {@link Localizer}, which is never larger than that
   */
  public record Region(int start, int end, int units, double score, double log10P, double correctedLog10P) {

    /** Whether the corrected p-value is below {@code alpha} (compared in log space). */
    public boolean significantAt(double alpha) {
      Checks.require(alpha > 0 && alpha < 1, "alpha must be in (0, 1), was %s", alpha);
      return units > 0 && correctedLog10P < Math.log10(alpha);
    }
  }
}
