package io.tracemark.verifier.monitor;

import io.tracemark.core.stats.PValues;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The raw statistic of each signal for an account or a group (larger is more suspicious; NaN when
 * the signal does not apply), given the benign population's parameters: the centre of the prompt
 * vectors (coordinate-wise median of the accounts' mean vectors, robust to a minority of extraction
 * accounts), the benign rates of phrase and harvesting requests (the mean of the accounts' rates
 * without the top decile), and per release the share of traffic after it (the median account's
 * share). Immutable.
 */
final class Statistics {
  /** Requests an account needs before the ratio signals apply. */
  static final int MIN_REQUESTS = 5;
  /** Distances the PRADA test needs. */
  static final int MIN_DISTANCES = 20;
  private static final int MAX_ORDER = 256;
  private static final double[][] NORMAL_SCORES = new double[MAX_ORDER + 1][];

  private final float[] centre;
  private final double centreSquare;
  private final double phraseRate;
  private final double harvestRate;
  private final double[] afterShare;

  private Statistics(float[] centre, double phraseRate, double harvestRate, double[] afterShare) {
    this.centre = centre;
    double c = 0;
    for (float v : centre) {
      c += v * v;
    }
    this.centreSquare = c;
    this.phraseRate = phraseRate;
    this.harvestRate = harvestRate;
    this.afterShare = afterShare;
  }

  /**
   * The population parameters.
   *
   * @param benign the benign reference accounts (the baseline, or the log itself)
   * @param log the log's accounts, for the release shares (a baseline need not cover the releases)
   */
  static Statistics of(List<Usage> benign, List<Usage> log, int releases) {
    float[] centre = new float[benign.get(0).sum.length];
    List<Usage> featured = benign.stream().filter(u -> u.featured > 0).toList();
    if (!featured.isEmpty()) {
      float[] column = new float[featured.size()];
      for (int d = 0; d < centre.length; d++) {
        for (int i = 0; i < column.length; i++) {
          Usage u = featured.get(i);
          column[i] = u.sum[d] / u.featured;
        }
        Arrays.sort(column);
        centre[d] = column[column.length / 2];
      }
    }
    double phrase = trimmedMeanRate(benign, true);
    double harvest = trimmedMeanRate(benign, false);
    double[] share = new double[releases];
    for (int i = 0; i < releases; i++) {
      int r = i;
      double[] s = log.stream().filter(u -> u.before[r] + u.after[r] >= MIN_REQUESTS)
          .mapToDouble(u -> (double) u.after[r] / (u.before[r] + u.after[r])).sorted().toArray();
      share[i] = s.length == 0 ? 0.5 : Math.max(0.01, Math.min(0.99, s[s.length / 2]));
    }
    return new Statistics(centre, phrase, harvest, share);
  }

  private static double trimmedMeanRate(List<Usage> accounts, boolean phrases) {
    double[] rates = accounts.stream().filter(u -> u.requests >= MIN_REQUESTS)
        .mapToDouble(u -> (double) (phrases ? u.phrases : u.harvest) / u.requests).sorted().toArray();
    int keep = rates.length - rates.length / 10;
    double sum = 0;
    for (int i = 0; i < keep; i++) {
      sum += rates[i];
    }
    double mean = keep == 0 ? 0 : sum / keep;
    return Math.max(1e-3, Math.min(0.5, mean));
  }

  /** The benign rate of phrase requests. */
  double phraseRate() {
    return phraseRate;
  }

  /** The benign rate of harvesting requests. */
  double harvestRate() {
    return harvestRate;
  }

  /** The raw statistics, indexed by {@link Signal#ordinal()}. */
  double[] of(Usage u) {
    double[] x = new double[Signal.values().length];
    for (Signal s : Signal.values()) {
      x[s.ordinal()] = of(u, s);
    }
    return x;
  }

  /** The raw statistic of one signal. */
  double of(Usage u, Signal s) {
    return switch (s) {
      case VOLUME -> Math.log10(Math.max(1, u.requests));
      case RATE -> Math.log10(Math.max(1, u.maxHour));
      case RELEASE_PIVOT -> pivot(u);
      case TEMPLATE -> template(u);
      case DIVERSITY_MMD -> mmd(u);
      case PRADA -> prada(u);
      case COT -> u.requests < MIN_REQUESTS ? Double.NaN
          : -PValues.log10BinomialUpperTail(u.requests, u.phrases, phraseRate);
      case HARVEST -> u.requests < MIN_REQUESTS ? Double.NaN
          : -PValues.log10BinomialUpperTail(u.requests, u.harvest, harvestRate);
    };
  }

  /** The strongest release change: −log10 of the exact binomial tail of the traffic after it. */
  private double pivot(Usage u) {
    if (afterShare.length == 0) {
      return Double.NaN;
    }
    double best = 0;
    for (int i = 0; i < afterShare.length; i++) {
      long n = u.before[i] + u.after[i];
      if (n > 0) {
        best = Math.max(best, -PValues.log10BinomialUpperTail(n, u.after[i], afterShare[i]));
      }
    }
    return best;
  }

  /** The share of band keys that repeat an earlier one, shrunk towards 0 for few prompts. */
  private static double template(Usage u) {
    if (u.featured < MIN_REQUESTS) {
      return Double.NaN;
    }
    double keys = (double) PromptFeatures.BANDS * u.featured;
    double repeats = Math.max(0, keys - u.distinctBands());
    return repeats / (keys + 4 * PromptFeatures.BANDS);
  }

  /**
   * n · MMD² (linear kernel, unbiased within-sample term) between the prompts' vectors and the
   * population centre: large when the prompts sit together away from benign traffic (narrow
   * focus, templated sweeps).
   */
  private double mmd(Usage u) {
    long n = u.featured;
    if (n < MIN_REQUESTS) {
      return Double.NaN;
    }
    double ss = 0;
    double sc = 0;
    for (int d = 0; d < u.sum.length; d++) {
      ss += (double) u.sum[d] * u.sum[d];
      sc += (double) u.sum[d] * centre[d];
    }
    double within = (ss - u.squares) / ((double) n * (n - 1));
    double mmd2 = within - 2 * sc / n + centreSquare;
    return n * mmd2;
  }

  /**
   * PRADA's test: how far the distances between each prompt and its nearest recent predecessor
   * are from a normal law, as 1 − W' (Shapiro–Francia) over at most {@value #MAX_ORDER} order
   * statistics read off the distance histogram; NaN for fewer than {@value #MIN_DISTANCES}
   * distances or a histogram of one bin.
   */
  static double prada(Usage u) {
    long n = 0;
    for (long c : u.distances) {
      n += c;
    }
    if (n < MIN_DISTANCES) {
      return Double.NaN;
    }
    int m = (int) Math.min(n, MAX_ORDER);
    double[] x = new double[m];
    int bin = 0;
    long seen = u.distances[0];
    for (int i = 0; i < m; i++) {
      long rank = (long) Math.floor((i + 0.5) * n / m);
      while (seen <= rank) {
        seen += u.distances[++bin];
      }
      x[i] = (bin + 0.5) * 2.0 / Usage.DISTANCE_BINS;
    }
    double mean = Arrays.stream(x).average().orElse(0);
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    if (ss <= 1e-12 * m) { // one bin: no spread to test (the sum is rounding noise)
      return Double.NaN;
    }
    double[] s = normalScores(m);
    double dot = 0;
    double s2 = 0;
    for (int i = 0; i < m; i++) {
      dot += s[i] * x[i];
      s2 += s[i] * s[i];
    }
    return 1 - dot * dot / (s2 * ss);
  }

  /** Blom's expected normal order statistics Φ⁻¹((i − 3/8) / (m + 1/4)), cached per m. */
  private static double[] normalScores(int m) {
    synchronized (NORMAL_SCORES) {
      double[] s = NORMAL_SCORES[m];
      if (s == null) {
        NormalDistribution normal = new NormalDistribution(null, 0, 1);
        s = new double[m];
        for (int i = 0; i < m; i++) {
          s[i] = normal.inverseCumulativeProbability((i + 1 - 0.375) / (m + 0.25));
        }
        NORMAL_SCORES[m] = s;
      }
      return s;
    }
  }
}
