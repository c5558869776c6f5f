package io.tracemark.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PositionMask;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Localised detection against a brute-force enumeration of its windows, the cover's overlap
 * guarantee, the mapping back to token offsets, the edge cases and bad input.
 */
class LocalizerTest {
  static final byte GREEN = PositionMask.State.GREEN.code();
  static final byte RED = PositionMask.State.RED.code();
  static final byte[] UNSCORED = {
    PositionMask.State.NO_CONTEXT.code(),
    PositionMask.State.DUPLICATE.code(),
    PositionMask.State.EXCLUDED.code()};

  /** A mask of Bernoulli(rate) greens with a fraction {@code unscored} of positions not scored. */
  static byte[] states(SplittableRandom r, int length, double rate, double unscored) {
    byte[] s = new byte[length];
    for (int i = 0; i < length; i++) {
      if (r.nextDouble() < unscored) {
        s[i] = UNSCORED[r.nextInt(UNSCORED.length)];
      } else {
        s[i] = r.nextDouble() < rate ? GREEN : RED;
      }
    }
    return s;
  }

  /** A window of units [from, from + length) in an independent enumeration. */
  record Window(int from, int length) {}

  /** The cover's windows, enumerated from the definition without WindowPlan. */
  static List<Window> naiveCover(int n, int minLength, double ratio, int divisor, List<Integer> lengths) {
    List<Window> out = new ArrayList<>();
    if (n == 0) {
      return out;
    }
    for (int length : lengths) {
      int stride = Math.max(1, length / divisor);
      TreeSet<Integer> starts = new TreeSet<>();
      for (int i = 0; i + length <= n; i += stride) {
        starts.add(i);
      }
      starts.add(n - length);
      for (int i : starts) {
        out.add(new Window(i, length));
      }
    }
    return out;
  }

  static List<Integer> naiveLengths(int n, int minLength, double ratio) {
    List<Integer> lengths = new ArrayList<>();
    long l = minLength;
    while (l <= n) {
      lengths.add((int) l);
      // the next length: the smallest integer not below ratio · l (with a relative guard), at least l + 1
      double target = ratio * l;
      long next = (long) Math.floor(target);
      if (next < target * (1 - 1e-12)) {
        next++;
      }
      l = Math.max(l + 1, next);
    }
    if (lengths.isEmpty() || lengths.get(lengths.size() - 1) != n) {
      lengths.add(n);
    }
    return lengths;
  }

  static List<Window> naiveAll(int n) {
    List<Window> out = new ArrayList<>();
    for (int length = 1; length <= n; length++) {
      for (int i = 0; i + length <= n; i++) {
        out.add(new Window(i, length));
      }
    }
    return out;
  }

  static int[] scoredPositions(byte[] s) {
    return java.util.stream.IntStream.range(0, s.length).filter(i -> s[i] == GREEN || s[i] == RED).toArray();
  }

  /** Brute force: the smallest raw log10 p over {@code windows}, each scored from scratch. */
  static double naiveBestBinomial(byte[] s, double gamma, List<Window> windows) {
    int[] pos = scoredPositions(s);
    double best = Double.POSITIVE_INFINITY;
    for (Window w : windows) {
      int green = 0;
      for (int u = w.from(); u < w.from() + w.length(); u++) {
        green += s[pos[u]] == GREEN ? 1 : 0;
      }
      best = Math.min(best, PValues.log10BinomialUpperTail(w.length(), green, gamma));
    }
    return best;
  }

  static double naiveBestGamma(byte[] s, double[] scores, List<Window> windows) {
    int[] pos = scoredPositions(s);
    double best = Double.POSITIVE_INFINITY;
    for (Window w : windows) {
      double sum = 0;
      for (int u = w.from(); u < w.from() + w.length(); u++) {
        sum += scores[pos[u]];
      }
      best = Math.min(best, PValues.log10GammaUpperTail(w.length(), sum));
    }
    return best;
  }

  @Test
  void coverLengthsFollowTheRecursionWithoutRoundingPastExactProducts() {
    assertThat(lengths(Localizer.cover().plan(300)))
        .containsExactly(16, 23, 33, 47, 67, 95, 135, 191, 271, 300);
    assertThat(lengths(Localizer.cover(16, 2, 4).plan(256))).containsExactly(16, 32, 64, 128, 256);
    // 10 · 1.1 = 11.000000000000002 in floating point: the next length is 11, not 12
    assertThat(lengths(Localizer.cover(10, 1.1, 2).plan(13))).containsExactly(10, 11, 13);
    assertThat(lengths(Localizer.cover().plan(15))).containsExactly(15);
    for (int n : new int[] {1, 15, 16, 17, 100, 333, 1000, 5000}) {
      for (double ratio : new double[] {Math.sqrt(2), 2, 1.1, 3.7}) {
        assertThat(lengths(Localizer.cover(16, ratio, 4).plan(n))).as("n=%d ratio=%s", n, ratio)
            .isEqualTo(naiveLengths(n, 16, ratio));
      }
    }
  }

  static List<Integer> lengths(WindowPlan plan) {
    List<Integer> out = new ArrayList<>();
    for (int j = 0; j < plan.lengthCount(); j++) {
      out.add(plan.length(j));
    }
    return out;
  }

  @Test
  void coverCountsExactlyTheWindowsItTriesAndFindsTheBruteForceBest() {
    SplittableRandom r = new SplittableRandom(11);
    int[][] configs = {{16, 4}, {16, 2}, {8, 3}, {5, 1}, {32, 4}};
    double[] ratios = {Math.sqrt(2), 2, 1.5, 3};
    for (int trial = 0; trial < 300; trial++) {
      int length = 1 + r.nextInt(400);
      double gamma = new double[] {0.1, 0.25, 0.5, 0.9}[trial % 4];
      byte[] s = states(r, length, trial % 3 == 0 ? Math.min(0.95, gamma + 0.3) : gamma, trial % 2 == 0 ? 0.2 : 0);
      int[] config = configs[trial % configs.length];
      double ratio = ratios[trial % ratios.length];
      Localizer localizer = Localizer.cover(config[0], ratio, config[1]);
      int n = scoredPositions(s).length;
      List<Window> windows = naiveCover(n, config[0], ratio, config[1], naiveLengths(n, config[0], ratio));
      Localization loc = localizer.localizeBinomial(new PositionMask(s), gamma);
      assertThat(loc.windowsTried()).as("trial %d", trial).isEqualTo(windows.size());
      double best = n == 0 ? 0.0 : naiveBestBinomial(s, gamma, windows);
      assertBest(loc, best, naiveUnionBound(windows, l -> Math.max(1, l / config[1]), gamma, best));
      assertRegionIsAWindow(s, loc.best(), gamma);
    }
  }

  @Test
  void winMaxTriesEveryWindowAndFindsTheBruteForceBest() {
    SplittableRandom r = new SplittableRandom(12);
    for (int trial = 0; trial < 60; trial++) {
      int length = 1 + r.nextInt(250);
      double gamma = trial % 2 == 0 ? 0.25 : 0.5;
      byte[] s = states(r, length, trial % 3 == 0 ? 0.6 : gamma, 0.15);
      int n = scoredPositions(s).length;
      List<Window> windows = naiveAll(n);
      Localization loc = Localizer.winMax().localizeBinomial(new PositionMask(s), gamma);
      assertThat(loc.windowsTried()).isEqualTo((long) n * (n + 1) / 2).isEqualTo(windows.size());
      double best = n == 0 ? 0.0 : naiveBestBinomial(s, gamma, windows);
      assertBest(loc, best, naiveUnionBound(windows, l -> 1, gamma, best));
      assertRegionIsAWindow(s, loc.best(), gamma);
    }
  }

  @Test
  void gammaSumFindsTheBruteForceBestForBothWindowSets() {
    SplittableRandom r = new SplittableRandom(13);
    for (int trial = 0; trial < 80; trial++) {
      int length = 1 + r.nextInt(200);
      byte[] s = states(r, length, 0.5, 0.2);
      double[] scores = new double[length];
      int plantFrom = r.nextInt(length);
      for (int i = 0; i < length; i++) {
        // Exp(1) scores; on some documents a stretch of Exp with mean 2 (a watermarked segment)
        double mean = trial % 2 == 0 && i >= plantFrom && i < plantFrom + 40 ? 2 : 1;
        scores[i] = s[i] == GREEN || s[i] == RED ? -mean * Math.log(1 - r.nextDouble()) : Double.NaN;
      }
      int n = scoredPositions(s).length;
      PositionMask mask = new PositionMask(s);
      List<Window> cover = naiveCover(n, 16, Math.sqrt(2), 4, naiveLengths(n, 16, Math.sqrt(2)));
      Localization c = Localizer.cover().localizeGammaSum(mask, scores);
      assertThat(c.nullDistribution()).isEqualTo(new NullDistribution.GammaSum());
      assertThat(c.windowsTried()).isEqualTo(cover.size());
      double coverBest = n == 0 ? 0.0 : naiveBestGamma(s, scores, cover);
      assertBest(c, coverBest, bonferroni(coverBest, cover.size()));
      List<Window> all = naiveAll(n);
      Localization w = Localizer.winMax().localizeGammaSum(mask, scores);
      assertThat(w.windowsTried()).isEqualTo(all.size());
      double allBest = n == 0 ? 0.0 : naiveBestGamma(s, scores, all);
      assertBest(w, allBest, bonferroni(allBest, all.size()));
      double total = 0;
      for (int p : scoredPositions(s)) {
        total += scores[p];
      }
      assertThat(c.globalScore()).isCloseTo(total, within(1e-9));
      assertThat(c.globalLog10P()).isCloseTo(n == 0 ? 0.0 : PValues.log10GammaUpperTail(n, total), within(1e-9));
    }
  }

  static double bonferroni(double log10P, long windows) {
    return windows == 0 ? 0.0 : Math.min(0.0, log10P + Math.log10(windows));
  }

  /**
   * The union bound over {@code windows} at raw p-value 10^log10T, from its definition: for each
   * length, the smallest green count k whose p-value is at most t (found by trying every k), its
   * tail times the number of windows, or for a length tried at every start the first-passage bound
   * if smaller; capped at 1.
   */
  static double naiveUnionBound(List<Window> windows, java.util.function.IntUnaryOperator stride, double gamma,
      double log10T) {
    if (windows.isEmpty()) {
      return 0.0;
    }
    java.util.Map<Integer, Integer> counts = new java.util.TreeMap<>();
    for (Window w : windows) {
      counts.merge(w.length(), 1, Integer::sum);
    }
    // ties in exact arithmetic count in, as in the implementation
    double lnT = log10T * Math.log(10);
    double reach = (lnT + 1e-9 * Math.max(1, Math.abs(lnT))) / Math.log(10);
    double sum = 0;
    for (java.util.Map.Entry<Integer, Integer> e : counts.entrySet()) {
      int length = e.getKey();
      int m = e.getValue();
      for (int k = 0; k <= length; k++) {
        double tail = Math.pow(10, PValues.log10BinomialUpperTail(length, k, gamma));
        if (PValues.log10BinomialUpperTail(length, k, gamma) <= reach) {
          double term = m * tail;
          if (stride.applyAsInt(length) == 1 && m > 1) {
            double next = k == 0 ? 1 : Math.pow(10, PValues.log10BinomialUpperTail(length - 1, k - 1, gamma));
            term = Math.min(term, tail + (m - 1) * gamma * (1 - gamma) * next);
          }
          sum += term;
          break;
        }
      }
    }
    return Math.min(0.0, Math.log10(sum));
  }

  static void assertBest(Localization loc, double naiveBest, double naiveCorrected) {
    Localization.Region best = loc.best();
    assertThat(best.log10P()).isCloseTo(naiveBest, within(1e-9 * Math.max(1, Math.abs(naiveBest))));
    assertThat(best.correctedLog10P())
        .isCloseTo(naiveCorrected, within(1e-9 * Math.max(1, Math.abs(naiveCorrected))))
        .isGreaterThanOrEqualTo(best.log10P())
        .isLessThanOrEqualTo(bonferroni(best.log10P(), loc.windowsTried()) + 1e-12);
  }

  /** The region's span starts and ends on scored units and its counts are those of the span. */
  static void assertRegionIsAWindow(byte[] s, Localization.Region region, double gamma) {
    if (region.units() == 0) {
      assertThat(region.start()).isEqualTo(region.end());
      return;
    }
    assertThat(s[region.start()]).isIn(GREEN, RED);
    assertThat(s[region.end() - 1]).isIn(GREEN, RED);
    int units = 0;
    int green = 0;
    for (int i = region.start(); i < region.end(); i++) {
      units += s[i] == GREEN || s[i] == RED ? 1 : 0;
      green += s[i] == GREEN ? 1 : 0;
    }
    assertThat(region.units()).isEqualTo(units);
    assertThat(region.score()).isEqualTo(green);
    assertThat(region.log10P()).isCloseTo(PValues.log10BinomialUpperTail(units, green, gamma), within(1e-12));
  }

  /**
   * The corrected p-value is valid exactly, not only on average: for 14 scored units every one of
   * the 2^14 outcomes is enumerated with its probability under H0, which gives the exact
   * distribution F of the best window's raw p-value; at every outcome the corrected p-value must be
   * at least F(raw p) (the probability that some window does as well), and at most Bonferroni.
   */
  @Test
  void correctedPValueBoundsTheExactNullProbabilityOfSuchABestWindow() {
    int n = 14;
    Localizer[] localizers = {Localizer.winMax(), Localizer.cover(2, 2, 2), Localizer.cover(3, 1.5, 3),
        Localizer.cover(4, 2, 1)};
    for (double gamma : new double[] {0.1, 0.25, 0.5}) {
      for (Localizer localizer : localizers) {
        int outcomes = 1 << n;
        double[] raw = new double[outcomes];
        double[] corrected = new double[outcomes];
        double[] probability = new double[outcomes];
        double sharpest = 0;
        for (int bits = 0; bits < outcomes; bits++) {
          byte[] s = new byte[n];
          for (int i = 0; i < n; i++) {
            s[i] = ((bits >>> i) & 1) == 1 ? GREEN : RED;
          }
          Localization loc = localizer.localizeBinomial(new PositionMask(s), gamma);
          raw[bits] = loc.best().log10P();
          corrected[bits] = loc.best().correctedLog10P();
          int green = Integer.bitCount(bits);
          probability[bits] = Math.pow(gamma, green) * Math.pow(1 - gamma, n - green);
          sharpest = Math.max(sharpest, bonferroni(raw[bits], loc.windowsTried()) - corrected[bits]);
        }
        Integer[] order = new Integer[outcomes];
        for (int i = 0; i < outcomes; i++) {
          order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> raw[i]));
        double cumulative = 0;
        int next = 0;
        for (int i = 0; i < outcomes; i++) {
          double t = raw[order[i]];
          // F(t): every outcome whose best raw p-value is at most t (ties within rounding included)
          while (next < outcomes && raw[order[next]] <= t + 1e-12 * Math.abs(t)) {
            cumulative += probability[order[next++]];
          }
          assertThat(corrected[order[i]]).as("%s, gamma %s, outcome %d", localizer, gamma, order[i])
              .isGreaterThanOrEqualTo(Math.log10(Math.min(1.0, cumulative)) - 1e-9);
        }
        // the exact union bound is sharper than Bonferroni on some outcomes (discrete counts)
        assertThat(sharpest).as("%s, gamma %s", localizer, gamma).isGreaterThan(Math.log10(1.5));
      }
    }
  }

  @Test
  void everyLongRegionIsCoveredByAWindowMostlyInsideIt() {
    SplittableRandom r = new SplittableRandom(14);
    int[][] configs = {{16, 4}, {16, 2}, {32, 3}, {8, 8}};
    double[] ratios = {Math.sqrt(2), 2, 1.25};
    for (int trial = 0; trial < 400; trial++) {
      int[] config = configs[trial % configs.length];
      double ratio = ratios[trial % ratios.length];
      int n = config[0] + r.nextInt(3000);
      List<Window> windows = naiveCover(n, config[0], ratio, config[1], naiveLengths(n, config[0], ratio));
      int m = config[0] + r.nextInt(n - config[0] + 1);
      int a = r.nextInt(n - m + 1);
      double inside = 1 - 1.0 / config[1];
      double covered = inside / ratio;
      boolean found = false;
      for (Window w : windows) {
        int overlap = Math.min(w.from() + w.length(), a + m) - Math.max(w.from(), a);
        if (overlap > inside * w.length() - 1e-9 && overlap > covered * m) {
          found = true;
          break;
        }
      }
      assertThat(found).as("region [%d, %d) of %d units, config %d/%s/%d", a, a + m, n, config[0], ratio, config[1])
          .isTrue();
    }
  }

  @Test
  void winMaxUsesTheLengthGridAboveTheLimitAndCountsItsWindows() {
    int n = Localizer.ALL_LENGTHS_LIMIT + 1000;
    WindowPlan plan = Localizer.winMax().plan(n);
    long expected = 0;
    int previous = 0;
    for (int j = 0; j < plan.lengthCount(); j++) {
      int length = plan.length(j);
      assertThat(plan.stride(j)).isEqualTo(1);
      assertThat(length).isGreaterThan(previous);
      if (j > 0 && length < n) {
        // consecutive lengths differ by at most the grid ratio, so every region has a tried
        // length between 1/ratio of its size and its size
        assertThat((double) length).isLessThanOrEqualTo(Math.ceil(previous * Localizer.GRID_RATIO));
      }
      previous = length;
      expected += n - length + 1;
    }
    assertThat(lengths(plan).subList(0, 33)).isEqualTo(java.util.stream.IntStream.rangeClosed(1, 33).boxed().toList());
    assertThat(plan.length(plan.lengthCount() - 1)).isEqualTo(n);
    assertThat(plan.windows()).isEqualTo(expected);
    assertThat(Localizer.winMax().plan(Localizer.ALL_LENGTHS_LIMIT).windows())
        .isEqualTo((long) Localizer.ALL_LENGTHS_LIMIT * (Localizer.ALL_LENGTHS_LIMIT + 1) / 2);

    // a planted block in a long document is found, and the region lies on the block
    SplittableRandom r = new SplittableRandom(15);
    byte[] s = states(r, n, 0.25, 0);
    for (int i = 2000; i < 2300; i++) {
      s[i] = r.nextDouble() < 0.7 ? GREEN : RED;
    }
    Localization loc = Localizer.winMax().localizeBinomial(new PositionMask(s), 0.25);
    assertThat(loc.windowsTried()).isEqualTo(expected);
    assertThat(loc.best().start()).isBetween(1950, 2050);
    assertThat(loc.best().end()).isBetween(2250, 2350);
    assertThat(loc.best().correctedLog10P()).isLessThan(-20);
  }

  @Test
  void regionsAreInTokenOffsetsAcrossUnscoredPositions() {
    // 40 unscored, then 100 scored units alternating with unscored positions, 30 green in a row
    // among the scored ones, then red
    List<Byte> list = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      list.add(UNSCORED[0]);
    }
    int firstGreenToken = -1;
    int lastGreenToken = -1;
    for (int u = 0; u < 100; u++) {
      boolean green = u >= 50 && u < 80;
      if (green && firstGreenToken < 0) {
        firstGreenToken = list.size();
      }
      if (green) {
        lastGreenToken = list.size();
      }
      list.add(green ? GREEN : RED);
      list.add(UNSCORED[1 + u % 2]);
    }
    byte[] s = new byte[list.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = list.get(i);
    }
    for (Localizer localizer : new Localizer[] {Localizer.winMax(), Localizer.cover(10, 2, 1)}) {
      Localization loc = localizer.localizeBinomial(new PositionMask(s), 0.25);
      assertThat(loc.tokensRead()).isEqualTo(s.length);
      assertThat(loc.unitsScored()).isEqualTo(100);
      assertThat(loc.globalScore()).isEqualTo(30);
      if (localizer.toString().equals("winmax")) {
        assertThat(loc.best().start()).isEqualTo(firstGreenToken);
        assertThat(loc.best().end()).isEqualTo(lastGreenToken + 1);
        assertThat(loc.best().units()).isEqualTo(30);
        assertThat(loc.best().log10P()).isCloseTo(30 * Math.log10(0.25), within(1e-9));
      }
      assertRegionIsAWindow(s, loc.best(), 0.25);
      assertThat(loc.best().start()).isGreaterThanOrEqualTo(firstGreenToken - 25);
      assertThat(loc.best().end()).isLessThanOrEqualTo(lastGreenToken + 26);
    }
  }

  @Test
  void globalMatchesTheDetectorOnTheSameMask() {
    SplittableRandom r = new SplittableRandom(16);
    byte[] secret = new byte[32];
    SplittableRandom k = new SplittableRandom(5);
    for (int i = 0; i < 32; i++) {
      secret[i] = (byte) k.nextInt();
    }
    Detection res = Watermarks.create(WatermarkKey.fromBytes(secret), KgwSpec.of(0.25, 2, 1), 1000)
        .detector(DedupMode.WINDOW_AND_TOKEN).detect(r.ints(3000, 0, 1000).toArray());
    for (Localizer localizer : new Localizer[] {Localizer.cover(), Localizer.winMax()}) {
      Localization loc = localizer.localize(res);
      assertThat(loc.nullDistribution()).isEqualTo(new NullDistribution.Binomial(0.25));
      assertThat(loc.unitsScored()).isEqualTo(res.tuplesScored());
      assertThat(loc.globalScore()).isEqualTo(res.green());
      assertThat(loc.globalLog10P()).isEqualTo(res.log10PValue());
      assertThat(loc.best().log10P()).isLessThanOrEqualTo(res.log10PValue());
      assertThat(loc.method()).isEqualTo(localizer.toString());
    }
  }

  @Test
  void furtherRegionsAreDisjointAndOrderedAndFindTwoPlantedBlocks() {
    SplittableRandom r = new SplittableRandom(17);
    byte[] s = states(r, 6000, 0.25, 0.1);
    for (int i = 1000; i < 1300; i++) {
      s[i] = r.nextDouble() < 0.7 ? GREEN : RED;
    }
    for (int i = 4000; i < 4200; i++) {
      s[i] = r.nextDouble() < 0.8 ? GREEN : RED;
    }
    for (Localizer base : new Localizer[] {Localizer.cover(), Localizer.winMax()}) {
      Localization one = base.localizeBinomial(new PositionMask(s), 0.25);
      Localization loc = base.withRegions(5).localizeBinomial(new PositionMask(s), 0.25);
      assertThat(loc.regions()).hasSize(5);
      assertThat(loc.best()).isEqualTo(one.best());
      assertThat(loc.windowsTried()).isEqualTo(one.windowsTried());
      for (int i = 0; i < loc.regions().size(); i++) {
        Localization.Region a = loc.regions().get(i);
        assertRegionIsAWindow(s, a, 0.25);
        if (i > 0) {
          assertThat(a.log10P()).isGreaterThanOrEqualTo(loc.regions().get(i - 1).log10P());
        }
        for (int j = 0; j < i; j++) {
          Localization.Region b = loc.regions().get(j);
          assertThat(a.end() <= b.start() || b.end() <= a.start()).as("regions %d and %d are disjoint", i, j).isTrue();
        }
      }
      List<Localization.Region> top = loc.regions().subList(0, 2);
      assertThat(top).anySatisfy(x -> assertThat(x.start()).isBetween(900, 1100));
      assertThat(top).anySatisfy(x -> assertThat(x.start()).isBetween(3900, 4100));
      assertThat(top).allSatisfy(x -> assertThat(x.significantAt(1e-6)).isTrue());
    }
    // more regions asked for than there are windows: as many as fit
    byte[] small = {GREEN, RED, RED, GREEN};
    assertThat(Localizer.winMax().withRegions(10).localizeBinomial(new PositionMask(small), 0.5).regions())
        .extracting(Localization.Region::start).containsExactly(0, 3, 1, 2);
    assertThat(Localizer.cover().withRegions(10).localizeBinomial(new PositionMask(small), 0.5).regions()).hasSize(1);
  }

  @Test
  void emptyAndUnscoredDocumentsReportNothing() {
    byte[] unscored = new byte[50];
    java.util.Arrays.fill(unscored, UNSCORED[0]);
    for (Localizer localizer : new Localizer[] {Localizer.cover(), Localizer.winMax()}) {
      for (byte[] s : new byte[][] {new byte[0], unscored}) {
        Localization loc = localizer.localizeBinomial(new PositionMask(s), 0.25);
        assertThat(loc.tokensRead()).isEqualTo(s.length);
        assertThat(loc.unitsScored()).isZero();
        assertThat(loc.windowsTried()).isZero();
        assertThat(loc.globalLog10P()).isZero();
        assertThat(loc.regions()).containsExactly(new Localization.Region(0, 0, 0, 0, 0, 0));
        assertThat(loc.best().significantAt(0.5)).isFalse();
        Localization g = localizer.localizeGammaSum(new PositionMask(s), new double[s.length]);
        assertThat(g.unitsScored()).isZero();
        assertThat(g.best().units()).isZero();
      }
    }
  }

  @Test
  void fewerUnitsThanTheShortestWindowMakeTheWholeDocumentTheOnlyWindow() {
    byte[] s = {UNSCORED[0], GREEN, GREEN, RED, GREEN, GREEN, GREEN, UNSCORED[1], GREEN, GREEN, RED};
    Localization loc = Localizer.cover().localizeBinomial(new PositionMask(s), 0.25);
    assertThat(loc.windowsTried()).isEqualTo(1);
    assertThat(loc.best().units()).isEqualTo(9);
    assertThat(loc.best().start()).isEqualTo(1);
    assertThat(loc.best().end()).isEqualTo(11);
    assertThat(loc.best().correctedLog10P()).isEqualTo(loc.globalLog10P()).isEqualTo(loc.best().log10P());
    assertThat(loc.globalLog10P()).isCloseTo(PValues.log10BinomialUpperTail(9, 7, 0.25), within(1e-15));
  }

  @Test
  void extremeGammasGiveFiniteValidResults() {
    SplittableRandom r = new SplittableRandom(18);
    for (double gamma : new double[] {1e-12, 1e-3, 0.999, 1 - 1e-12}) {
      byte[] s = states(r, 500, gamma, 0.1);
      s[100] = GREEN;
      s[101] = RED;
      for (Localizer localizer : new Localizer[] {Localizer.cover(), Localizer.winMax()}) {
        Localization loc = localizer.localizeBinomial(new PositionMask(s), gamma);
        assertThat(loc.best().log10P()).isFinite().isLessThanOrEqualTo(0.0);
        assertThat(loc.best().correctedLog10P()).isFinite().isBetween(loc.best().log10P(), 0.0);
        assertThat(loc.globalLog10P()).isFinite().isLessThanOrEqualTo(0.0);
        assertRegionIsAWindow(s, loc.best(), gamma);
      }
    }
  }

  @Test
  void badInputIsRejectedWithItsNameBoundAndValue() {
    PositionMask mask = new PositionMask(new byte[] {GREEN, RED, UNSCORED[0]});
    Localizer cover = Localizer.cover();
    assertThatThrownBy(() -> cover.localizeBinomial(mask, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gamma must be in (0, 1), was 0.0");
    assertThatThrownBy(() -> cover.localizeBinomial(mask, 1)).hasMessage("gamma must be in (0, 1), was 1.0");
    assertThatThrownBy(() -> cover.localizeBinomial(mask, Double.NaN)).hasMessage("gamma must be in (0, 1), was NaN");
    assertThatThrownBy(() -> cover.localizeBinomial(null, 0.25)).isInstanceOf(NullPointerException.class)
        .hasMessage("mask");
    assertThatThrownBy(() -> cover.localizeGammaSum(mask, new double[2])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scores.length must equal mask.length() = 3, was 2");
    assertThatThrownBy(() -> cover.localizeGammaSum(mask, new double[] {1, -0.5, 0}))
        .hasMessage("scores[1] (a scored position) must be finite and >= 0, was -0.5");
    assertThatThrownBy(() -> cover.localizeGammaSum(mask, new double[] {Double.NaN, 1, 0}))
        .hasMessage("scores[0] (a scored position) must be finite and >= 0, was NaN");
    assertThatThrownBy(() -> cover.localizeGammaSum(mask, new double[] {Double.POSITIVE_INFINITY, 1, 0}))
        .hasMessage("scores[0] (a scored position) must be finite and >= 0, was Infinity");
    // an unscored position's score is not read
    assertThat(cover.localizeGammaSum(mask, new double[] {1, 1, Double.NaN}).unitsScored()).isEqualTo(2);
    assertThatThrownBy(() -> Localizer.cover(0, 2, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minLength must be >= 1, was 0");
    assertThatThrownBy(() -> Localizer.cover(16, 1, 4)).hasMessage("ratio must be in (1, 16.0], was 1.0");
    assertThatThrownBy(() -> Localizer.cover(16, Double.NaN, 4)).hasMessage("ratio must be in (1, 16.0], was NaN");
    assertThatThrownBy(() -> Localizer.cover(16, 17, 4)).hasMessage("ratio must be in (1, 16.0], was 17.0");
    assertThatThrownBy(() -> Localizer.cover(16, 2, 0))
        .hasMessage("strideDivisor must be between 1 and minLength = 16, was 0");
    assertThatThrownBy(() -> Localizer.cover(16, 2, 17))
        .hasMessage("strideDivisor must be between 1 and minLength = 16, was 17");
    assertThatThrownBy(() -> cover.withRegions(0)).hasMessage("regions must be between 1 and 100, was 0");
    assertThatThrownBy(() -> cover.withRegions(101)).hasMessage("regions must be between 1 and 100, was 101");
    assertThatThrownBy(() -> new Localization.Region(0, 1, 1, 1, -1, -1).significantAt(0))
        .hasMessage("alpha must be in (0, 1), was 0.0");
  }

  @Test
  void describesItself() {
    assertThat(Localizer.winMax()).hasToString("winmax");
    assertThat(Localizer.cover(32, 2, 4)).hasToString("cover(min-length=32,ratio=2.0,stride-divisor=4)");
    assertThat(Localizer.cover().withRegions(3))
        .hasToString("cover(min-length=16,ratio=1.4142135623730951,stride-divisor=4)+regions=3");
  }
}
