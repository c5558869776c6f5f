package io.tracemark.examples.loop;

import io.tracemark.api.Checks;
import io.tracemark.api.Sampler;
import java.util.random.RandomGenerator;

/**
 * An exact draw from softmax(logits) with at most one exponential per token instead of two: it
 * exponentiates once into a scratch array, keeping sums of blocks of 512 tokens, and then finds
 * the block and the token where the cumulative sum passes the uniform. An {@link ExpCache} skips
 * the exponentials of repeated logit values without changing the draw. The draw is exact (up to
 * the rounding of {@code Math.exp}, as for any sampler); it is not bit-for-bit the draw of
 * {@link io.tracemark.api.Samplers#multinomial}, whose running sum rounds differently. At
 * V = 100,277 the draw costs far more than the embedded model's logits.
 *
 * <p>Not thread-safe: one instance per sequence (it owns its scratch array and generator).
 */
public final class FastMultinomial implements Sampler {
  private final RandomGenerator random;
  private static final int BLOCK = 512;
  private final ExpCache cache = new ExpCache();
  private double[] weights = new double[0];
  private double[] blockSums = new double[0];

  /** A sampler drawing its uniforms from {@code random}. */
  public FastMultinomial(RandomGenerator random) {
    if (random == null) {
      throw new NullPointerException("random");
    }
    this.random = random;
  }

  @Override
  public int sample(float[] logits) {
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
