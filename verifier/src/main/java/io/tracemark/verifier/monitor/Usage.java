package io.tracemark.verifier.monitor;

import io.tracemark.core.internal.Mix;
import java.util.Arrays;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.LongsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * The traffic of one account, or of a group of accounts merged, in bounded memory whatever the
 * number of requests: counts, the busiest hour, counts before and after each release, a
 * DataSketches HLL of the prompts' LSH band keys (distinct templates), a frequent-items sketch of
 * band keys (the account's repeated templates), the sum of the prompts' feature vectors (MMD), the
 * last {@value #RECENT} feature vectors and a histogram of each prompt's distance to the nearest of
 * them (PRADA), a MinHash of its active 5-minute buckets (synchronised timing), the harvesting counts, and up to {@value #IDS} tenants, addresses and payment
 * instruments. Not thread-safe.
 */
final class Usage {
  /** Feature vectors kept for the inter-query distance. */
  static final int RECENT = 8;
  /** Bins of the distance histogram over [0, 2] (distances between unit vectors). */
  static final int DISTANCE_BINS = 40;
  /** Seconds per bucket of the timing signature. */
  static final int TIMING_BUCKET = 300;
  /** MinHash functions of the timing signature (4 bands of 8 rows). */
  static final int TIMING_HASHES = 32;
  private static final long[] TIMING_SEEDS = new long[TIMING_HASHES];

  static {
    for (int i = 0; i < TIMING_HASHES; i++) {
      TIMING_SEEDS[i] = Mix.splitMix64(0x74696d65L + i);
    }
  }

  /** Identifiers kept per kind. */
  static final int IDS = 4;
  private static final int HLL_LG_K = 10;
  private static final int FREQUENT_MAP = 16;

  long requests;
  double first = Double.POSITIVE_INFINITY;
  double last = Double.NEGATIVE_INFINITY;
  private long hour = Long.MIN_VALUE;
  private int hourCount;
  int maxHour;
  final long[] before;
  final long[] after;
  private HllSketch bands;
  private Union bandUnion;
  LongsSketch frequent;
  final float[] sum;
  double squares;
  long featured;
  private float[] recent;
  private int recentCount;
  private int recentNext;
  final long[] distances = new long[DISTANCE_BINS];
  long phrases;
  long harvest;
  final String[] tenants = new String[IDS];
  /** A MinHash of the account's active {@value #TIMING_BUCKET}-second buckets (synchronised timing). */
  private long[] timing;
  private long lastBucket = Long.MIN_VALUE;
  /** Changes of active bucket seen (the distinct buckets of a time-ordered log). */
  int activeBuckets;
  final String[] ips = new String[IDS];
  final String[] payments = new String[IDS];

  /** An empty state for {@code releases} release dates and prompt vectors of {@code dim} dimensions. */
  Usage(int releases, int dim) {
    before = new long[releases];
    after = new long[releases];
    sum = new float[dim];
  }

  /** A state for one account, which keeps the per-request structures. */
  static Usage account(int releases, int dim) {
    Usage u = new Usage(releases, dim);
    u.bands = new HllSketch(HLL_LG_K, TgtHllType.HLL_4);
    u.frequent = new LongsSketch(FREQUENT_MAP);
    u.recent = new float[RECENT * dim];
    u.timing = new long[TIMING_HASHES];
    Arrays.fill(u.timing, Long.MAX_VALUE);
    return u;
  }

  /**
   * Adds one request.
   *
   * @param vector the prompt's unit vector, or null when the prompt has no word
   * @param bandKeys the prompt's LSH band keys (ignored without a vector)
   * @param harvesting whether it asks for several answers or the longest answer
   * @param phrase whether it contains a chain-of-thought or harvesting phrase
   * @param releases release times (epoch seconds) and the window around each
   */
  void add(LogRecord r, float[] vector, long[] bandKeys, boolean harvesting, boolean phrase, double[] releases,
      double window) {
    requests++;
    first = Math.min(first, r.time());
    last = Math.max(last, r.time());
    long h = (long) Math.floor(r.time() / 3600);
    if (h != hour) {
      hour = h;
      hourCount = 0;
    }
    maxHour = Math.max(maxHour, ++hourCount);
    long bucket = (long) Math.floor(r.time() / TIMING_BUCKET);
    if (bucket != lastBucket) {
      lastBucket = bucket;
      activeBuckets++;
      long hb = Mix.fmix64(bucket);
      for (int k = 0; k < TIMING_HASHES; k++) {
        timing[k] = Math.min(timing[k], Mix.fmix64(hb ^ TIMING_SEEDS[k]));
      }
    }
    for (int i = 0; i < releases.length; i++) {
      double d = r.time() - releases[i];
      if (d >= -window && d < 0) {
        before[i]++;
      } else if (d >= 0 && d < window) {
        after[i]++;
      }
    }
    if (phrase) {
      phrases++;
    }
    if (harvesting) {
      harvest++;
    }
    remember(tenants, r.tenant());
    remember(ips, r.ip());
    remember(payments, r.payment());
    if (vector == null) {
      return;
    }
    featured++;
    for (long k : bandKeys) {
      bands.update(k);
      frequent.update(k);
    }
    float[] v = vector;
    double sq = 0;
    for (int d = 0; d < v.length; d++) {
      sum[d] += v[d];
      sq += v[d] * v[d];
    }
    squares += sq;
    if (recentCount > 0) {
      // the dot products with the recent vectors side by side: each is summed in the order of the
      // dimensions as one at a time would be, and the independent sums overlap in the processor
      float[] dots = new float[recentCount];
      for (int d = 0; d < v.length; d++) {
        float x = v[d];
        for (int j = 0, off = d; j < dots.length; j++, off += v.length) {
          dots[j] += x * recent[off];
        }
      }
      // unit vectors: |v − r|² = 2 − 2 v·r
      double best = Double.MAX_VALUE;
      for (float dot : dots) {
        best = Math.min(best, Math.max(0, 2 - 2 * dot));
      }
      int bin = (int) Math.min(DISTANCE_BINS - 1, Math.sqrt(best) / 2 * DISTANCE_BINS);
      distances[bin]++;
    }
    System.arraycopy(v, 0, recent, recentNext * v.length, v.length);
    recentNext = (recentNext + 1) % RECENT;
    recentCount = Math.min(RECENT, recentCount + 1);
  }

  private static void remember(String[] kept, String id) {
    if (id == null || id.isEmpty()) {
      return;
    }
    for (int i = 0; i < kept.length; i++) {
      if (kept[i] == null) {
        kept[i] = id;
        return;
      }
      if (kept[i].equals(id)) {
        return;
      }
    }
  }

  /** Adds another state into this group state (counts summed, sketches united). */
  void merge(Usage o) {
    merge(o, true);
  }

  /**
   * Adds another state into this group state: counts summed and, when {@code bands}, the band
   * sketches united (the only costly part, which only the template signal reads).
   */
  void merge(Usage o, boolean bands) {
    requests += o.requests;
    first = Math.min(first, o.first);
    last = Math.max(last, o.last);
    maxHour += o.maxHour;
    for (int i = 0; i < before.length; i++) {
      before[i] += o.before[i];
      after[i] += o.after[i];
    }
    if (bands) {
      if (bandUnion == null) {
        bandUnion = new Union(HLL_LG_K);
      }
      if (o.bands != null) {
        bandUnion.update(o.bands);
      } else if (o.bandUnion != null) {
        bandUnion.update(o.bandUnion.getResult());
      }
    }
    for (int d = 0; d < sum.length; d++) {
      sum[d] += o.sum[d];
    }
    squares += o.squares;
    featured += o.featured;
    for (int b = 0; b < DISTANCE_BINS; b++) {
      distances[b] += o.distances[b];
    }
    phrases += o.phrases;
    harvest += o.harvest;
  }

  /** Estimated distinct band keys. */
  double distinctBands() {
    if (bands != null) {
      return bands.getEstimate();
    }
    return bandUnion == null ? 0 : bandUnion.getEstimate();
  }

  /**
   * The LSH band keys (4 bands of 8 rows) of the timing signature: two accounts active in the same
   * buckets (Jaccard similarity J of their bucket sets) share one with probability 1 − (1 − J⁸)⁴,
   * about 0.5 at J = 0.8 and 10⁻¹⁰ at J = 0.05: chance overlaps of busy accounts do not link them.
   */
  long[] timingBands() {
    long[] keys = new long[4];
    for (int b = 0; b < 4; b++) {
      long h = 0x74696d6962616e64L + b;
      for (int r = 0; r < 8; r++) {
        h = Mix.fmix64(h * 0x9E3779B97F4A7C15L ^ timing[8 * b + r]);
      }
      keys[b] = h;
    }
    return keys;
  }

  /** The band keys this account sent at least {@code min} times (estimates without false negatives). */
  long[] repeatedBands(long min) {
    if (frequent == null) {
      return new long[0];
    }
    return Arrays.stream(frequent.getFrequentItems(min, ErrorType.NO_FALSE_NEGATIVES))
        .filter(row -> row.getLowerBound() >= min).mapToLong(LongsSketch.Row::getItem).toArray();
  }
}
