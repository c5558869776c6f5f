package io.tracemark.core.stats;

import io.tracemark.api.Checks;
import io.tracemark.api.Detection;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PositionMask;
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
 * count (or the gamma upper tail of its Exp(1) score sum). Its corrected p-value bounds the
 * probability under H0 that any window tried has a raw p-value as small, by the union bound over
 * the exact set of windows tried, so it is valid whatever the dependence between overlapping
 * windows:
 * <ul>
 *   <li>score sums: Bonferroni, {@code min(1, W · p)} for W windows;
 *   <li>green counts: the same union bound computed exactly, {@code Σ_L m_L · P(Bin(L, γ) ≥ k_L)}
 *       over the lengths L with {@code m_L} windows, where {@code k_L} is the smallest green count
 *       whose p-value is at most p; it is at most {@code W · p} and several times smaller because
 *       the counts are discrete. Lengths tried at every start use the first-passage bound when it is
 *       smaller (see {@code BinomialTail.lnFamilyBound}).
 * </ul>
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
   * Localises the green counts of a detection whose units are Bernoulli(γ) under H0
   * ({@link NullDistribution.Binomial}): its mask and γ.
   *
   * @throws IllegalArgumentException for a detection of score sums, whose per-position scores the
   *     detection does not keep (use {@link #localizeGammaSum})
   */
  public Localization localize(Detection detection) {
    Objects.requireNonNull(detection, "detection");
    if (!(detection.nullDistribution() instanceof NullDistribution.Binomial)) {
      throw Checks.illegal("localize needs green counts, this detection has %s scores: use localizeGammaSum with "
          + "the per-position scores", detection.nullDistribution().label());
    }
    return localizeBinomial(detection.mask(), ((NullDistribution.Binomial) detection.nullDistribution()).gamma());
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
    return scan(new NullDistribution.Binomial(gamma), tokens, positions, prefix, n, new BinomialTail(gamma));
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
        if (!(s >= 0 && s < Double.POSITIVE_INFINITY)) {
          // tested before building the message: the varargs would box on every position
          throw Checks.illegal("scores[%d] (a scored position) must be finite and >= 0, was %s", i, s);
        }
        double y = s - carry;
        double t = sum + y;
        carry = (t - sum) - y;
        sum = t;
        positions[n] = i;
        prefix[++n] = sum;
      }
    }
    return scan(new NullDistribution.GammaSum(), tokens, positions, prefix, n, GammaTail.INSTANCE);
  }

  /** The windows tried on a document of {@code units} scored units. */
  WindowPlan plan(int units) {
    if (winMax) {
      return units <= ALL_LENGTHS_LIMIT ? WindowPlan.allWindows(units) : WindowPlan.grid(units, GRID_RATIO);
    }
    return WindowPlan.cover(units, minLength, ratio, strideDivisor);
  }

  /**
   * A window's p-value as a function of its length and score, which decreases in the score for a
   * fixed length and increases in the length for a fixed score.
   */
  private interface Tail {
    /** The natural log of the exact p-value. */
    double ln(int length, double score);

    /** A cheap lower bound of {@link #ln}: a window whose bound exceeds the best so far cannot win. */
    double lnLowerBound(int length, double score);

    /** The score standardised by the null mean and variance, to pick the first length to evaluate. */
    double z(int length, double score);

    /**
     * The natural log of an upper bound, capped at 1, of the probability under H0 that some window
     * of {@code plan} has a p-value at most {@code e^lnT}; nondecreasing in {@code lnT}.
     */
    double lnFamilyBound(WindowPlan plan, double lnT);
  }

  /** ln(e^a + e^b) without overflow. */
  static double logAddExp(double a, double b) {
    double max = Math.max(a, b);
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    return max + Math.log1p(Math.exp(Math.min(a, b) - max));
  }

  /** Green counts: the binomial upper tail, bounded below by the point probability at the count. */
  private static final class BinomialTail implements Tail {
    private final double gamma;
    private final double sd;

    BinomialTail(double gamma) {
      this.gamma = gamma;
      this.sd = Math.sqrt(gamma * (1 - gamma));
    }

    @Override
    public double ln(int length, double score) {
      return PValues.lnBinomialUpperTail(length, (long) score, gamma);
    }

    @Override
    public double lnLowerBound(int length, double score) {
      long k = (long) score;
      return k <= 0 ? 0.0 : PValues.lnBinomialPmf(k, length, gamma);
    }

    @Override
    public double z(int length, double score) {
      return (score - length * gamma) / (sd * Math.sqrt(length));
    }

    /**
     * The union bound over the plan's windows, computed exactly rather than bounded by t: a window
     * of length L has p ≤ t exactly when its green count reaches {@code k_L}, the smallest k with
     * P(Bin(L, γ) ≥ k) ≤ t, so the lengths contribute {@code m_L · P(Bin(L, γ) ≥ k_L)} for their
     * {@code m_L} windows (nothing when even L greens do not reach t), which is at most
     * {@code m_L · t} and often several times less because the counts are discrete.
     *
     * <p>Where the windows of a length start at every unit, the first-passage bound may be
     * smaller: some window of the run reaches {@code k} only if the first does, or some window
     * reaches it while its predecessor (one unit to the left) does not; the second needs the
     * added unit green, the dropped unit red and the {@code L − 1} shared units at least
     * {@code k − 1}, so {@code P ≤ P(Bin(L) ≥ k) + (m_L − 1) · γ(1 − γ) · P(Bin(L − 1) ≥ k − 1)}.
     * Each term decreases in k, so the bound is nondecreasing in t.
     *
     * <p>{@code k_L} is nondecreasing in L and grows by at most {@code L' − L} from L to L', which
     * brackets the search for it.
     */
    @Override
    public double lnFamilyBound(WindowPlan plan, double observedLnT) {
      // a count whose tail equals t in exact arithmetic may round to either side of it (e.g. with
      // γ = 0.1, P(Bin(11) ≥ 10) = 0.1^9 = P(Bin(9) ≥ 9)): the slack, far above the rounding of
      // the tails and far below any gap between distinct tails that matters, counts such ties in
      double lnT = observedLnT + 1e-9 * Math.max(1.0, Math.abs(observedLnT));
      double lnGamma = Math.log(gamma);
      double lnFlip = lnGamma + Math.log1p(-gamma);
      double sum = Double.NEGATIVE_INFINITY;
      long k = 0;
      int previous = -1;
      for (int j = 0; j < plan.lengthCount(); j++) {
        int length = plan.length(j);
        if (length * lnGamma > lnT) {
          continue;
        }
        // the smallest k in [lo, hi] with P(Bin(length) >= k) <= t; hi is known to qualify
        long lo = previous < 0 ? 0 : k;
        long hi = previous < 0 ? length : Math.min(length, k + (length - previous));
        double lnTail = Double.NaN;
        while (lo < hi) {
          long mid = (lo + hi) >>> 1;
          double v = PValues.lnBinomialUpperTail(length, mid, gamma);
          if (v <= lnT) {
            hi = mid;
            lnTail = v;
          } else {
            lo = mid + 1;
          }
        }
        if (Double.isNaN(lnTail)) {
          lnTail = PValues.lnBinomialUpperTail(length, lo, gamma);
        }
        k = lo;
        previous = length;
        long windows = plan.starts(j);
        double lnTerm = Math.log(windows) + lnTail;
        if (plan.stride(j) == 1 && windows > 1) {
          double lnPassage = logAddExp(lnTail,
              Math.log(windows - 1) + lnFlip + PValues.lnBinomialUpperTail(length - 1, k - 1, gamma));
          lnTerm = Math.min(lnTerm, lnPassage);
        }
        sum = logAddExp(sum, lnTerm);
        if (sum >= 0) {
          return 0.0;
        }
      }
      return sum;
    }
  }

  /**
   * Exp(1) score sums: the Gamma(L, 1) upper tail Q(L, x), bounded below by
   * {@code x^(L−1) e^−x / Γ(L)} (the integrand of Γ(L, x) is at least {@code x^(L−1) e^−t} for
   * t ≥ x when L ≥ 1).
   */
  private enum GammaTail implements Tail {
    INSTANCE;

    @Override
    public double ln(int length, double score) {
      return PValues.lnGammaUpperTail(length, score);
    }

    @Override
    public double lnLowerBound(int length, double score) {
      return score <= 0 ? 0.0 : PValues.lnPoissonRaw(length, score) + Math.log(length / score);
    }

    @Override
    public double z(int length, double score) {
      return (score - length) / Math.sqrt(length);
    }

    /** Bonferroni: the plan's window count times t (the sums are continuous, every level is attained). */
    @Override
    public double lnFamilyBound(WindowPlan plan, double lnT) {
      return plan.windows() == 0 ? 0.0 : Math.min(0.0, lnT + Math.log(plan.windows()));
    }
  }

  /**
   * Finds the best window of the plan (the smallest p-value, the shorter length on a tie, the
   * earlier start within a length), then the best window disjoint from the regions found so far,
   * up to {@code regions} times.
   *
   * <p>The p-value of a length's windows is smallest at its largest score, so one pass per length
   * finds that score; the tail is then evaluated only for lengths that can still win: the length
   * with the largest standardised score first, then every other one unless a shorter length has
   * at least its score (its p-value is then at least that length's) or its lower bound exceeds
   * the best p-value so far.
   */
  private Localization scan(NullDistribution law, int tokens, int[] positions, double[] prefix, int n, Tail tail) {
    WindowPlan plan = plan(n);
    long windows = plan.windows();
    double globalLog10 = n == 0 ? 0.0 : tail.ln(n, prefix[n]) / LN10;
    List<Localization.Region> found = new ArrayList<>();
    if (n == 0) {
      found.add(new Localization.Region(0, 0, 0, 0.0, 0.0, 0.0));
    }
    int levels = plan.lengthCount();
    double[] maxScore = new double[levels];
    int[] maxStart = new int[levels];
    // blocked[i] = units in [0, i) that lie in a region already reported; null before the first
    int[] blocked = null;
    for (int round = 0; round < regions && n > 0; round++) {
      int seed = -1;
      double seedZ = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < levels; j++) {
        maxStart[j] = bestStart(prefix, n, plan.length(j), plan.stride(j), blocked);
        if (maxStart[j] >= 0) {
          maxScore[j] = prefix[maxStart[j] + plan.length(j)] - prefix[maxStart[j]];
          double z = tail.z(plan.length(j), maxScore[j]);
          if (z > seedZ) {
            seedZ = z;
            seed = j;
          }
        }
      }
      if (seed < 0) {
        break;
      }
      int best = seed;
      double bestLn = tail.ln(plan.length(seed), maxScore[seed]);
      double shorterMax = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < levels; j++) {
        if (maxStart[j] < 0) {
          continue;
        }
        int length = plan.length(j);
        double score = maxScore[j];
        boolean dominated = score <= shorterMax;
        shorterMax = Math.max(shorterMax, score);
        // the margin keeps rounding in the bound from ever skipping a length that ties the best
        if (j == seed || dominated || tail.lnLowerBound(length, score) > bestLn + 1e-9) {
          continue;
        }
        double ln = tail.ln(length, score);
        if (ln < bestLn || (ln == bestLn && length < plan.length(best))) {
          bestLn = ln;
          best = j;
        }
      }
      int start = maxStart[best];
      int length = plan.length(best);
      double log10 = bestLn / LN10;
      found.add(new Localization.Region(positions[start], positions[start + length - 1] + 1, length, maxScore[best],
          log10, Math.min(0.0, tail.lnFamilyBound(plan, bestLn) / LN10)));
      if (round + 1 < regions) {
        blocked = block(blocked, n, start, length);
      }
    }
    return new Localization(toString(), law, tokens, n, n == 0 ? 0.0 : prefix[n], globalLog10, windows, found);
  }

  /**
   * The first start of the plan's windows of {@code length} with the largest score among those
   * that avoid the blocked units, or −1 if every window touches one.
   */
  private static int bestStart(double[] prefix, int n, int length, int stride, int[] blocked) {
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
        arg = last;
      }
    }
    return arg;
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
