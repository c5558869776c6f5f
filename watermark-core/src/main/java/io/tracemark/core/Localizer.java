package io.tracemark.core;

import io.tracemark.api.DetectionResult;
import io.tracemark.api.PositionMask;
import io.tracemark.api.TokenScorer.Statistic;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Localised detection: scores the windows of consecutive scored units of one document and reports
 * the best one (and optionally further disjoint ones) with a p-value corrected for every window
 * tried, next to the whole-document p-value. It finds watermarked text pasted into human text,
 * where the whole-document test dilutes the signal with the human part.
 *
 * <p>Windows run over the scored units in token order (positions that are not scored, e.g. the
 * context warm-up or duplicates, are skipped and do not break a window); a region's span is
 * reported in token offsets. A window's raw p-value is the exact binomial upper tail of its green
 * count (or the gamma upper tail of its Exp(1) score sum). Its corrected p-value is
 * {@code min(1, W · p)} with W the exact number of windows tried: under H0 every window's p-value
 * is a valid p-value, so by the union bound the probability that any window reaches {@code α / W}
 * is at most α, whatever the dependence between overlapping windows.
 *
 * <p>Two sets of windows:
 * <ul>
 *   <li>{@link #winMax()}: every length at every start, n(n+1)/2 windows for n scored units, when
 *       n ≤ 4,096; above that the lengths 1, 2, …, 32 and then a geometric grid of ratio 1 + 1/32
 *       (each at every start, and the whole document), so that about 32 · n · (1 + ln(n/32))
 *       windows are tried and every region is matched by a window inside it covering more than 96 % of it;
 *   <li>{@link #cover()}: a geometric cover, the default for long documents: lengths
 *       {@code L_0 = minLength}, {@code L_{j+1} = ⌈ratio · L_j⌉}, and the whole document; starts at
 *       a stride of {@code ⌊L / strideDivisor⌋} plus one window ending at the document's end. For any
 *       region of m ≥ minLength units some window lies with at least {@code 1 − 1/strideDivisor} of
 *       its units inside the region and covers more than {@code (1 − 1/strideDivisor) / ratio} of it.
 *       About {@code n · strideDivisor · ratio / (minLength · (ratio − 1))} windows, in linear time.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Localizer {
  /** WinMax tries every length at every start up to this many scored units. */
  static final int ALL_LENGTHS_LIMIT = 4096;
  /** The ratio of WinMax's length grid above {@link #ALL_LENGTHS_LIMIT} units. */
  static final double GRID_RATIO = 1 + 1.0 / 32;
  static final int MAX_REGIONS = 100;
  static final double MAX_RATIO = 16;

  private static final double LN10 = Math.log(10);

  private final boolean winMax;
  private final int minLength;
  private final double ratio;
  private final int strideDivisor;
  private final int regions;

  private Localizer(boolean winMax, int minLength, double ratio, int strideDivisor, int regions) {
    this.winMax = winMax;
    this.minLength = minLength;
    this.ratio = ratio;
    this.strideDivisor = strideDivisor;
    this.regions = regions;
  }

  /** WinMax: the best window over all lengths and starts (a length grid above 4,096 units). */
  public static Localizer winMax() {
    return new Localizer(true, 1, GRID_RATIO, 1, 1);
  }

  /** The default geometric cover: minimum length 16 units, ratio √2, stride a quarter of the length. */
  public static Localizer cover() {
    return cover(16, Math.sqrt(2), 4);
  }

  /**
   * A geometric cover of windows.
   *
   * @param minLength the shortest window, in scored units, ≥ 1
   * @param ratio the growth of the length from one level to the next, in (1, 16]
   * @param strideDivisor the stride of a level of length L is {@code ⌊L / strideDivisor⌋}; between 1
   *     and {@code minLength}
   * @throws IllegalArgumentException naming the parameter, its bounds and the value
   */
  public static Localizer cover(int minLength, double ratio, int strideDivisor) {
    Checks.require(minLength >= 1, "minLength must be >= 1, was %d", minLength);
    Checks.require(ratio > 1 && ratio <= MAX_RATIO, "ratio must be in (1, %s], was %s", MAX_RATIO, ratio);
    Checks.require(strideDivisor >= 1 && strideDivisor <= minLength,
        "strideDivisor must be between 1 and minLength = %d, was %d", minLength, strideDivisor);
    return new Localizer(false, minLength, ratio, strideDivisor, 1);
  }

  /**
   * The same windows, reporting up to {@code regions} disjoint regions: the best window, then the
   * best window disjoint from it, and so on (fewer when no window is left).
   *
   * @param regions between 1 and 100
   */
  public Localizer withRegions(int regions) {
    Checks.require(regions >= 1 && regions <= MAX_REGIONS, "regions must be between 1 and %d, was %d", MAX_REGIONS,
        regions);
    return new Localizer(winMax, minLength, ratio, strideDivisor, regions);
  }

  /**
   * Localises the green counts of a binomial detection: its mask and γ.
   *
   * @throws NullPointerException if the result has no mask
   */
  public Localization localize(DetectionResult result) {
    Objects.requireNonNull(result, "result");
    return localizeBinomial(Objects.requireNonNull(result.mask(), "result.mask()"), result.gamma());
  }

  /**
   * Localises green counts: each scored position of {@code mask} is green with probability γ
   * under H0.
   *
   * @param gamma in (0, 1)
   */
  public Localization localizeBinomial(PositionMask mask, double gamma) {
    Objects.requireNonNull(mask, "mask");
    Checks.require(gamma > 0 && gamma < 1, "gamma must be in (0, 1), was %s", gamma);
    int tokens = mask.length();
    int[] positions = new int[tokens];
    double[] prefix = new double[tokens + 1];
    int n = 0;
    for (int i = 0; i < tokens; i++) {
      PositionMask.State state = mask.state(i);
      if (state == PositionMask.State.GREEN || state == PositionMask.State.RED) {
        positions[n] = i;
        prefix[n + 1] = prefix[n] + (state == PositionMask.State.GREEN ? 1 : 0);
        n++;
      }
    }
    return scan(Statistic.BINOMIAL, tokens, positions, prefix, n,
        (length, score) -> PValues.lnBinomialUpperTail(length, (long) score, gamma));
  }

  /**
   * Localises score sums: the scored positions of {@code mask} carry Exp(1) scores under H0
   * (e.g. −ln(1 − u) of a keyed uniform u); a window of L units is tested with the Gamma(L, 1) upper
   * tail of its sum. Scores at positions the mask does not score are ignored.
   *
   * @param scores one per position of {@code mask}; finite and ≥ 0 where the mask scores
   */
  public Localization localizeGammaSum(PositionMask mask, double[] scores) {
    Objects.requireNonNull(mask, "mask");
    Objects.requireNonNull(scores, "scores");
    int tokens = mask.length();
    Checks.require(scores.length == tokens, "scores.length must equal mask.length() = %d, was %d", tokens,
        scores.length);
    int[] positions = new int[tokens];
    double[] prefix = new double[tokens + 1];
    int n = 0;
    // compensated running sum, so that a window's sum (a difference of two prefixes) is accurate
    // to a few ulps of the total even over millions of units
    double sum = 0;
    double carry = 0;
    for (int i = 0; i < tokens; i++) {
      if (mask.scored(i)) {
        double s = scores[i];
        Checks.require(s >= 0 && s < Double.POSITIVE_INFINITY,
            "scores[%d] (a scored position) must be finite and >= 0, was %s", i, s);
        double y = s - carry;
        double t = sum + y;
        carry = (t - sum) - y;
        sum = t;
        positions[n] = i;
        prefix[++n] = sum;
      }
    }
    return scan(Statistic.GAMMA_SUM, tokens, positions, prefix, n, PValues::lnGammaUpperTail);
  }

  /** The windows tried on a document of {@code units} scored units. */
  WindowPlan plan(int units) {
    if (winMax) {
      return units <= ALL_LENGTHS_LIMIT ? WindowPlan.allWindows(units) : WindowPlan.grid(units, GRID_RATIO);
    }
    return WindowPlan.cover(units, minLength, ratio, strideDivisor);
  }

  /** The natural log of a window's p-value from its length and score. */
  @FunctionalInterface
  private interface Tail {
    double ln(int length, double score);
  }

  private Localization scan(Statistic statistic, int tokens, int[] positions, double[] prefix, int n, Tail tail) {
    WindowPlan plan = plan(n);
    long windows = plan.windows();
    double log10Windows = windows == 0 ? 0.0 : Math.log10(windows);
    double globalLog10 = n == 0 ? 0.0 : tail.ln(n, prefix[n]) / LN10;
    List<Localization.Region> found = new ArrayList<>();
    if (n == 0) {
      found.add(new Localization.Region(0, 0, 0, 0.0, 0.0, 0.0));
    }
    // blocked[i] = units in [0, i) that lie in a region already reported; null before the first
    int[] blocked = null;
    for (int round = 0; round < regions && n > 0; round++) {
      double bestLn = Double.POSITIVE_INFINITY;
      int bestStart = -1;
      int bestLength = 0;
      double bestScore = 0;
      for (int j = 0; j < plan.lengthCount(); j++) {
        int length = plan.length(j);
        int stride = plan.stride(j);
        int last = n - length;
        double max = Double.NEGATIVE_INFINITY;
        int arg = -1;
        if (blocked == null) {
          for (int i = 0; i <= last; i += stride) {
            double d = prefix[i + length] - prefix[i];
            if (d > max) {
              max = d;
              arg = i;
            }
          }
        } else {
          for (int i = 0; i <= last; i += stride) {
            double d = prefix[i + length] - prefix[i];
            if (d > max && blocked[i + length] == blocked[i]) {
              max = d;
              arg = i;
            }
          }
        }
        if (last % stride != 0) {
          double d = prefix[n] - prefix[last];
          if (d > max && (blocked == null || blocked[n] == blocked[last])) {
            max = d;
            arg = last;
          }
        }
        if (arg < 0) {
          continue;
        }
        // for a fixed length the p-value decreases in the score: the best window of this length
        double ln = tail.ln(length, max);
        if (ln < bestLn) {
          bestLn = ln;
          bestStart = arg;
          bestLength = length;
          bestScore = max;
        }
      }
      if (bestStart < 0) {
        break;
      }
      double log10 = bestLn / LN10;
      found.add(new Localization.Region(positions[bestStart], positions[bestStart + bestLength - 1] + 1, bestLength,
          bestScore, log10, Math.min(0.0, log10 + log10Windows)));
      if (round + 1 < regions) {
        blocked = block(blocked, n, bestStart, bestLength);
      }
    }
    return new Localization(toString(), statistic, tokens, n, n == 0 ? 0.0 : prefix[n], globalLog10, windows, found);
  }

  /** Adds units {@code [start, start + length)} to the blocked prefix counts. */
  private static int[] block(int[] blocked, int n, int start, int length) {
    int[] next = new int[n + 1];
    for (int i = 0; i < n; i++) {
      boolean inside = (blocked != null && blocked[i + 1] != blocked[i]) || (i >= start && i < start + length);
      next[i + 1] = next[i] + (inside ? 1 : 0);
    }
    return next;
  }

  /** {@code winmax} or {@code cover(min-length=…,ratio=…,stride-divisor=…)}, with {@code regions=k} when k > 1. */
  @Override
  public String toString() {
    String base = winMax ? "winmax"
        : String.format(Locale.ROOT, "cover(min-length=%d,ratio=%s,stride-divisor=%d)", minLength, ratio,
            strideDivisor);
    return regions == 1 ? base : base + String.format(Locale.ROOT, "+regions=%d", regions);
  }
}
