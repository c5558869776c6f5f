package io.tracemark.core.stats;

import io.tracemark.api.Checks;
import java.util.Locale;

/**
 * The integer grid on which weighted statistics are tested: a real weight w ≥ 0 maps to the level
 * {@code round(w / scale)} (halves round up) clamped to 0..maxLevel. Level-0 tuples are not scored.
 * Immutable and thread-safe; equal inputs always give the same grid.
 *
 * <p>The statistic actually tested is S = Σ levelᵢ·scoreᵢ, whose null law is exact (see
 * {@link WeightedPValues}); the quantization only changes which statistic is tested, never its
 * validity. With weights spread over [0, max] and {@code scale = max / maxLevel}, rounding moves a
 * weight by at most scale/2, which at the default 64 levels costs under 0.01 % of the statistic's
 * efficiency (squared correlation with the unquantized statistic ≥ 1 − 1/(4·64²) for uniform
 * weights), while the tail's cost grows with the number of distinct levels.
 */
public final class WeightGrid {
  /** The default largest level. */
  public static final int DEFAULT_MAX_LEVEL = 64;
  /** The largest accepted {@code maxLevel}. */
  public static final int LIMIT_MAX_LEVEL = 4096;

  private final double scale;
  private final int maxLevel;

  private WeightGrid(double scale, int maxLevel) {
    this.scale = scale;
    this.maxLevel = maxLevel;
  }

  /** The grid whose top level {@code maxLevel} is the weight {@code maxWeight}: scale = maxWeight / maxLevel. */
  public static WeightGrid ofMaximum(double maxWeight, int maxLevel) {
    checkMaxLevel(maxLevel);
    Checks.require(maxWeight > 0 && Double.isFinite(maxWeight), "maxWeight must be finite and > 0, was %s",
        maxWeight);
    return of(maxWeight / maxLevel, maxLevel);
  }

  /** {@link #ofMaximum(double, int)} with {@link #DEFAULT_MAX_LEVEL} levels. */
  public static WeightGrid ofMaximum(double maxWeight) {
    return ofMaximum(maxWeight, DEFAULT_MAX_LEVEL);
  }

  /** The grid of the largest of {@code weights} (each finite and ≥ 0, at least one > 0). */
  public static WeightGrid ofWeights(double[] weights, int maxLevel) {
    checkMaxLevel(maxLevel);
    double max = 0;
    for (int i = 0; i < weights.length; i++) {
      checkWeight(weights[i], i);
      max = Math.max(max, weights[i]);
    }
    Checks.require(max > 0, "weights must contain a weight > 0 (all %d are 0)", weights.length);
    return ofMaximum(max, maxLevel);
  }

  /** The grid with the given scale (weight per level). */
  public static WeightGrid of(double scale, int maxLevel) {
    checkMaxLevel(maxLevel);
    Checks.require(scale > 0 && Double.isFinite(scale), "scale must be finite and > 0, was %s", scale);
    return new WeightGrid(scale, maxLevel);
  }

  private static void checkMaxLevel(int maxLevel) {
    Checks.require(maxLevel >= 1 && maxLevel <= LIMIT_MAX_LEVEL, "maxLevel must be between 1 and %d, was %d",
        LIMIT_MAX_LEVEL, maxLevel);
  }

  private static void checkWeight(double w, int index) {
    if (!(w >= 0) || w == Double.POSITIVE_INFINITY) {
      throw Checks.illegal("weight at index %d must be finite and >= 0, was %s", index, w);
    }
  }

  /** The level of a weight (finite, ≥ 0): round(w / scale) with halves up, clamped to 0..maxLevel. */
  public int level(double weight) {
    if (!(weight >= 0) || weight == Double.POSITIVE_INFINITY) {
      throw Checks.illegal("weight must be finite and >= 0, was %s", weight);
    }
    double x = Math.floor(weight / scale + 0.5);
    return x >= maxLevel ? maxLevel : (int) x;
  }

  /** The weight a level stands for: level·scale. */
  public double weight(int level) {
    Checks.require(level >= 0 && level <= maxLevel, "level must be between 0 and %d, was %d", maxLevel, level);
    return level * scale;
  }

  /** The weight per level. */
  public double scale() {
    return scale;
  }

  /** The largest level. */
  public int maxLevel() {
    return maxLevel;
  }

  /** One line for a report, e.g. "weights quantized to integers 0..64, scale 0.0213 (level = round(w / scale))". */
  public String describe() {
    return String.format(Locale.ROOT, "weights quantized to integers 0..%d, scale %s (level = round(w / scale))",
        maxLevel, Double.toString(scale));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WeightGrid && ((WeightGrid) o).maxLevel == maxLevel
        && Double.compare(((WeightGrid) o).scale, scale) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * Double.hashCode(scale) + maxLevel;
  }

  @Override
  public String toString() {
    return "WeightGrid[scale=" + scale + ", maxLevel=" + maxLevel + "]";
  }
}
