package io.tracemark.verifier;

import io.tracemark.api.Detection;
import io.tracemark.api.NullDistribution;
import io.tracemark.core.stats.Localization;
import io.tracemark.core.stats.Localizer;
import java.util.Locale;

/**
 * The window sets localised detection can try (see {@link Localizer} and docs/statistics.md,
 * "Localised detection"), by the names {@code --localize} takes.
 */
public enum RegionSearch {
  /** The geometric cover (default): about 0.87 windows per scored unit, linear time; a p-value per document. */
  COVER("cover", Localizer.cover(), 16),
  /** WinMax: every length at every start (a length grid above 4,096 units); for ranking, quadratic up to 4,096. */
  WINMAX("winmax", Localizer.winMax(), 1);

  private final String id;
  private final Localizer localizer;
  private final int shortestWindow;

  RegionSearch(String id, Localizer localizer, int shortestWindow) {
    this.id = id;
    this.localizer = localizer;
    this.shortestWindow = shortestWindow;
  }

  /** The name {@code --localize} takes. */
  public String id() {
    return id;
  }

  /** The localizer. */
  public Localizer localizer() {
    return localizer;
  }

  /**
   * The shortest window, in scored units ({@code Localizer.cover()}'s minimum length): a document
   * with fewer units is tried as one window, the whole document, and its region's p-value is the
   * global one.
   */
  public int shortestWindow() {
    return shortestWindow;
  }

  /**
   * Localises a detection of green counts.
   *
   * @throws IllegalArgumentException naming the statistic when the detection is not of green
   *     counts (score sums and layered counts keep no per-position scores to localise)
   */
  public Localization localize(Detection detection) {
    requireGreenCounts(detection.nullDistribution());
    return localizer.localize(detection);
  }

  /**
   * Refuses a statistic other than green counts.
   *
   * @throws IllegalArgumentException naming the statistic
   */
  public static void requireGreenCounts(NullDistribution statistic) {
    if (!(statistic instanceof NullDistribution.Binomial)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "localised detection needs green counts "
          + "(kgw:, lmw:, hf: schemes); this scheme's statistic is %s", statistic.label()));
    }
  }

  /**
   * The search named {@code id} ({@code cover} or {@code winmax}, case-insensitive).
   *
   * @throws IllegalArgumentException naming the value
   */
  public static RegionSearch byId(String id) {
    String k = id.trim().toLowerCase(Locale.ROOT);
    for (RegionSearch s : values()) {
      if (s.id.equals(k)) {
        return s;
      }
    }
    throw new IllegalArgumentException(String.format(Locale.ROOT, "must be cover or winmax, was \"%s\"", id));
  }
}
