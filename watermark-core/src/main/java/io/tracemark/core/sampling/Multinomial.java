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
 * <p>Not thread-safe: one instance per sequence or per thread (it owns its scratch arrays); the
 * generator is the caller's.
 */
public final class Multinomial {
  private static final int BLOCK = 512;
  private final ExpCache cache = new ExpCache();
  private double[] weights = new double[0];
  private double[] blockSums = new double[0];

  /** A draw with empty scratch space (it grows to the vocabulary on first use). */
  public Multinomial() {}

  /**
   * Draws a token from softmax(logits) with one uniform of {@code random}; {@code -Infinity}
   * logits have probability 0.
   *
   * @throws IllegalArgumentException if a logit is NaN, or the largest logit is not finite
   */
  public int draw(float[] logits, RandomGenerator random) {
    int v = logits.length;
    if (weights.length != v) {
      weights = new double[v];
      blockSums = new double[(v + BLOCK - 1) / BLOCK];
    }
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
}
