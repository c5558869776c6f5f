package io.tracemark.core.sampling;

import io.tracemark.api.Checks;
import io.tracemark.api.LogitsProcessor;
import java.util.Arrays;

/**
 * Nucleus (top-p) truncation in linear time: keeps the smallest set of highest-probability tokens
 * whose probability reaches p and masks the rest with −∞ (tokens tied with the last one kept are
 * kept too), without sorting the candidates and without allocating per call. Tokens are bucketed
 * by their distance below the largest logit (1/16 nat per bucket); the buckets are scanned from
 * the top until the mass reaches p, and only the values of the crossing bucket are sorted. A
 * sorting nucleus sorts every token above (1 − p)/V, which on a 100,277-token vocabulary with an
 * n-gram model's flat tail is tens of thousands of tokens per step.
 *
 * <p>The kept set equals a sorting nucleus's up to the rounding of the running mass (the cutoff
 * can differ only when the mass before a token is within rounding of p; the tests compare with
 * one). Immutable and thread-safe (scratch space is per thread).
 */
final class TopP implements LogitsProcessor {
  private static final int BUCKETS = 4096;
  private static final float PER_NAT = 16f;

  private final double p;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    /** Four lanes per bucket ({@code [4 b + lane]}), so that consecutive tokens of one bucket add into independent registers. */
    final double[] mass = new double[4 * BUCKETS];
    final double[] bucketMass = new double[BUCKETS];
    int[] ids = new int[64];
    float[] values = new float[64];
    final ExpCache cache = new ExpCache();
  }

  /** Nucleus truncation at {@code p} in (0, 1]. */
  TopP(double p) {
    Checks.require(p > 0 && p <= 1, "top-p must be in (0, 1], was %s", p);
    this.p = p;
  }

  // The passes are separate small methods: in one large method C2 kept deoptimising on the rare
  // paths (array growth, masked tokens) and the hot loops ran in tier-3 code, several times slower.

  @Override
  public void process(float[] logits) {
    if (p >= 1) {
      return;
    }
    float max = maxChecked(logits);
    Scratch s = scratch.get();
    ExpCache cache = s.cache;
    cache.reset(max);
    double total = bucketMasses(logits, max, cache, s.mass, s.bucketMass);
    double target = p * total;
    double cumulative = 0;
    int crossing = BUCKETS - 1;
    double[] mass = s.bucketMass;
    for (int b = 0; b < BUCKETS; b++) {
      if (cumulative + mass[b] >= target) {
        crossing = b;
        break;
      }
      cumulative += mass[b];
    }
    int n = maskBelowAndCollect(logits, max, crossing, s);
    // sort only the crossing bucket's values (the cutoff is a value, so ties are kept together; a
    // bucket of many equal values, such as an n-gram model's backoff floor, sorts in linear time)
    int[] ids = s.ids;
    float[] values = s.values.length >= n ? s.values : (s.values = new float[ids.length]);
    for (int j = 0; j < n; j++) {
      values[j] = logits[ids[j]];
    }
    Arrays.sort(values, 0, n);
    float cutoff = Float.NEGATIVE_INFINITY;
    for (int j = n - 1; j >= 0; j--) {
      cumulative += cache.exp(values[j]);
      if (cumulative >= target) {
        cutoff = values[j];
        break;
      }
    }
    // rounding may leave the mass just short of p: then the whole crossing bucket stays, as a
    // sorting nucleus keeps everything when its running mass never reaches p
    for (int j = 0; j < n; j++) {
      if (logits[ids[j]] < cutoff) {
        logits[ids[j]] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  private static float maxChecked(float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float x = logits[i];
      if (x != x) {
        throw Checks.illegal("logits[%d] is NaN", i);
      }
      if (x == Float.POSITIVE_INFINITY) {
        throw Checks.illegal("logits[%d] is +Infinity", i);
      }
      max = Math.max(max, x);
    }
    Checks.require(max > Float.NEGATIVE_INFINITY, "all %d logits are -Infinity", logits.length);
    return max;
  }

  /**
   * Fills the probability mass (relative to the max) of every bucket; returns the total. The
   * tokens of an n-gram model's backoff floor all fall in one bucket, and a single running sum per
   * bucket would make every addition wait for the previous one; four lanes break that chain.
   */
  private static double bucketMasses(float[] logits, float max, ExpCache cache, double[] lanes,
      double[] bucketMass) {
    Arrays.fill(lanes, 0);
    for (int i = 0; i < logits.length; i++) {
      float x = logits[i];
      double e = cache.exp(x);
      if (e > 0) {
        lanes[(bucket(max, x) << 2) | (i & 3)] += e;
      }
    }
    double total = 0;
    for (int b = 0; b < BUCKETS; b++) {
      double m = (lanes[4 * b] + lanes[4 * b + 1]) + (lanes[4 * b + 2] + lanes[4 * b + 3]);
      bucketMass[b] = m;
      total += m;
    }
    return total;
  }

  /** Masks the tokens of buckets below {@code crossing}, collects those of {@code crossing} into s.ids. */
  private static int maskBelowAndCollect(float[] logits, float max, int crossing, Scratch s) {
    int[] ids = s.ids;
    int n = 0;
    for (int i = 0; i < logits.length; i++) {
      float x = logits[i];
      if (x == Float.NEGATIVE_INFINITY) {
        continue;
      }
      int b = bucket(max, x);
      if (b > crossing) {
        logits[i] = Float.NEGATIVE_INFINITY;
      } else if (b == crossing) {
        if (n == ids.length) {
          ids = grow(s, n);
        }
        ids[n++] = i;
      }
    }
    return n;
  }

  private static int[] grow(Scratch s, int n) {
    s.ids = Arrays.copyOf(s.ids, Math.max(64, n * 2));
    return s.ids;
  }

  private static int bucket(float max, float x) {
    float d = (max - x) * PER_NAT;
    return d >= BUCKETS - 1 ? BUCKETS - 1 : (int) d;
  }

  @Override
  public String toString() {
    return "TopP[p=" + p + "]";
  }
}
