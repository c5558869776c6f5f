package io.tracemark.core.sampling;

import io.tracemark.api.Checks;
import java.util.random.RandomGenerator;

/**
 * The multinomial draw of tracemark: an exact draw from softmax(logits) with one uniform, by
 * inversion of the cumulative sum in token order. It exponentiates once into a scratch array,
 * keeping sums of blocks of 512 tokens, and then finds the block and the token where the
 * cumulative sum passes the uniform, so each token costs at most one exponential; an
 * {@link ExpCache} skips the exponentials of repeated logit values (an n-gram model's backoff
 * floor) without changing the draw. At V = 100,277 the draw costs far more than a small model's
 * logits, which is why it is written this way.
 *
 * <p>For many draws from one distribution (the proposals of rejection sampling,
 * {@link WatermarkSession#sampleByRejection}), {@link #prepare} does the exponentials once and
 * {@link #next} then draws in O(log V): a binary search over the cumulative block sums, then over
 * the running sums inside the block.
 *
 * <p>Not thread-safe: one instance per sequence or per thread (it owns its scratch arrays); the
 * generator is the caller's.
 */
public final class Multinomial {
  private static final int BLOCK = 512;
  private final ExpCache cache = new ExpCache();
  private double[] weights = new double[0];
  private double[] blockSums = new double[0];
  /** After {@link #prepare}: running sums of the weights inside each block. */
  private double[] running = new double[0];
  /** After {@link #prepare}: the sum of the weights of blocks 0..b. */
  private double[] blockEnds = new double[0];
  private int prepared = -1;

  /** A draw with empty scratch space (it grows to the vocabulary on first use). */
  public Multinomial() {}

  /**
   * Draws a token from softmax(logits) with one uniform of {@code random}; {@code -Infinity}
   * logits have probability 0.
   *
   * @throws IllegalArgumentException if a logit is NaN, or the largest logit is not finite
   */
  public int draw(float[] logits, RandomGenerator random) {
    return draw(logits, logits.length, random);
  }

  /**
   * Draws an index of {@code logits[0, length)} from their softmax, as {@link #draw(float[],
   * RandomGenerator)} does for the whole array (an engine's candidates after top-k / top-p).
   *
   * @throws IllegalArgumentException if {@code length} is out of range, a logit is NaN, or the
   *     largest logit is not finite
   */
  public int draw(float[] logits, int length, RandomGenerator random) {
    Checks.require(length >= 1 && length <= logits.length, "length must be between 1 and %d, was %d", logits.length,
        length);
    prepared = -1;
    int v = length;
    if (weights.length != v) {
      weights = new double[v];
      blockSums = new double[(v + BLOCK - 1) / BLOCK];
    }
    float max = finiteMax(logits, v);
    double[] w = weights;
    double[] blocks = blockSums;
    ExpCache cache = this.cache;
    cache.reset(max);
    double total = 0;
    for (int b = 0, from = 0; from < v; b++, from += BLOCK) {
      int to = Math.min(v, from + BLOCK);
      double sum = 0;
      for (int i = from; i < to; i++) {
        double e = cache.exp(logits[i]);
        w[i] = e;
        sum += e;
      }
      blocks[b] = sum;
      total += sum;
    }
    double target = random.nextDouble() * total;
    // find the block, then the token: the same cumulative order as a single left-to-right walk
    double cumulative = 0;
    int last = -1;
    for (int b = 0, from = 0; from < v; b++, from += BLOCK) {
      if (blocks[b] == 0) {
        continue;
      }
      if (cumulative + blocks[b] <= target) {
        cumulative += blocks[b];
        for (int i = Math.min(v, from + BLOCK) - 1; i >= from; i--) {
          if (w[i] != 0) {
            last = i;
            break;
          }
        }
        continue;
      }
      for (int i = from, to = Math.min(v, from + BLOCK); i < to; i++) {
        double e = w[i];
        if (e == 0) {
          continue;
        }
        last = i;
        cumulative += e;
        if (cumulative > target) {
          return i;
        }
      }
    }
    return last;
  }

  private static float finiteMax(float[] logits) {
    return finiteMax(logits, logits.length);
  }

  private static float finiteMax(float[] logits, int v) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < v; i++) {
      float x = logits[i];
      if (x != x) {
        throw Checks.illegal("logits[%d] is NaN", i);
      }
      max = Math.max(max, x);
    }
    Checks.require(max > Float.NEGATIVE_INFINITY && max < Float.POSITIVE_INFINITY,
        "the largest of %d logits must be finite, was %s", v, max);
    return max;
  }

  /**
   * Prepares draws from softmax(logits) by {@link #next}: one exponential per token (fewer with
   * repeated values), the running sums inside blocks of 512 tokens and the cumulative block sums.
   * {@link #draw} forgets the preparation. Reads {@code logits} only during this call.
   *
   * @throws IllegalArgumentException if a logit is NaN, or the largest logit is not finite
   */
  public void prepare(float[] logits) {
    prepare(logits, logits.length);
  }

  /**
   * Prepares draws by {@link #next} from the softmax of {@code logits[0, length)} (an engine's
   * candidates), as {@link #prepare(float[])} does for the whole array.
   *
   * @throws IllegalArgumentException if {@code length} is out of range, a logit is NaN, or the
   *     largest logit is not finite
   */
  public void prepare(float[] logits, int length) {
    Checks.require(length >= 1 && length <= logits.length, "length must be between 1 and %d, was %d", logits.length,
        length);
    int v = length;
    if (running.length != v) {
      running = new double[v];
      blockEnds = new double[(v + BLOCK - 1) / BLOCK];
    }
    float max = finiteMax(logits, v);
    ExpCache cache = this.cache;
    cache.reset(max);
    double[] r = running;
    double[] ends = blockEnds;
    double total = 0;
    for (int b = 0, from = 0; from < v; b++, from += BLOCK) {
      int to = Math.min(v, from + BLOCK);
      double sum = 0;
      for (int i = from; i < to; i++) {
        sum += cache.exp(logits[i]);
        r[i] = sum;
      }
      total += sum;
      ends[b] = total;
    }
    prepared = v;
  }

  /**
   * A draw from the distribution of the last {@link #prepare}, with one uniform of {@code random}:
   * the first token whose cumulative weight exceeds u times the total. Tokens of weight 0
   * ({@code -Infinity} logits) are never drawn. Allocates nothing.
   *
   * @throws IllegalStateException if nothing is prepared (or {@link #draw} ran since)
   */
  public int next(RandomGenerator random) {
    int v = prepared;
    if (v < 0) {
      throw new IllegalStateException("call prepare(logits) before next(random)");
    }
    double[] ends = blockEnds;
    int blocks = ends.length;
    double target = random.nextDouble() * ends[blocks - 1];
    // the first block whose cumulative end exceeds the target (empty blocks never do)
    int lo = 0;
    int hi = blocks - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ends[mid] > target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    int b = lo;
    while (b > 0 && ends[b] == ends[b - 1]) {
      b--; // rounding put the target at the very end: take the last block with mass
    }
    double offset = target - (b == 0 ? 0 : ends[b - 1]);
    int from = b * BLOCK;
    int to = Math.min(v, from + BLOCK) - 1;
    double[] r = running;
    lo = from;
    hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (r[mid] > offset) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    int i = lo;
    while (i > from && r[i] == r[i - 1]) {
      i--; // rounding left the offset at the block's end: take its last token with weight
    }
    return i;
  }
}
