package io.tracemark.examples.loop;

import io.tracemark.api.Sampler;
import io.tracemark.examples.Checks;
import java.util.random.RandomGenerator;

/**
 * An exact draw from softmax(logits) with at most one exponential per token instead of two: it
 * exponentiates once into a scratch array, keeping sums of blocks of 512 tokens, and then finds
 * the block and the token where the cumulative sum passes the uniform. Logits of real models
 * repeat exact values (an n-gram model's backoff floor, the same floor plus the watermark's δ,
 * tokens with equal counts), so a small cache keyed by the float's bits skips most exponentials;
 * it returns the very value {@code Math.exp} gave for that bit pattern in this call, so the draw
 * is unchanged. The draw is exact (up to
 * the rounding of {@code Math.exp}, as for any sampler); it is not bit-for-bit the draw of
 * {@link io.tracemark.api.Samplers#multinomial}, whose running sum rounds differently. At
 * V = 100,256 the draw, not the model, is the cost of a step.
 *
 * <p>Not thread-safe: one instance per sequence (it owns its scratch array and generator).
 */
public final class FastMultinomial implements Sampler {
  private final RandomGenerator random;
  private static final int BLOCK = 512;
  private static final int CACHE_BITS = 12;
  /** A NaN bit pattern: logits are checked for NaN first, so no logit has it. */
  private static final int EMPTY = 0x7fc0_dead;
  private final int[] cacheKeys = new int[1 << CACHE_BITS];
  private final double[] cacheValues = new double[1 << CACHE_BITS];
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
    int[] keys = cacheKeys;
    double[] values = cacheValues;
    java.util.Arrays.fill(keys, EMPTY);
    double total = 0;
    for (int b = 0, from = 0; from < v; b++, from += BLOCK) {
      int to = Math.min(v, from + BLOCK);
      double sum = 0;
      for (int i = from; i < to; i++) {
        float x = logits[i];
        double e;
        if (x == Float.NEGATIVE_INFINITY) {
          e = 0.0;
        } else {
          int bits = Float.floatToRawIntBits(x);
          int slot = (bits * 0x9E3779B1) >>> (32 - CACHE_BITS);
          if (keys[slot] == bits) {
            e = values[slot];
          } else {
            e = Math.exp(x - max);
            keys[slot] = bits;
            values[slot] = e;
          }
        }
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
