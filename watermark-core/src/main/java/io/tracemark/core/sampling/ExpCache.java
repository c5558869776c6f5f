package io.tracemark.core.sampling;

import java.util.Arrays;

/**
 * exp(x − max) for the logits of one step, memoised by the float's bits. Logits of real models
 * repeat exact values (an n-gram model's backoff floor, the same floor plus a watermark's δ,
 * tokens with equal counts), so most exponentials are looked up; a hit returns the very value
 * {@code Math.exp} gave for that bit pattern in this step, so results are unchanged.
 *
 * <p>Not thread-safe; {@link #reset} at every step (the shift {@code max} changes).
 */
final class ExpCache {
  private static final int BITS = 12;
  /** A NaN bit pattern: callers reject NaN logits first, so no logit has it. */
  private static final int EMPTY = 0x7fc0_dead;
  private final int[] keys = new int[1 << BITS];
  private final double[] values = new double[1 << BITS];
  private float max;

  /** Forgets everything and sets the shift. */
  void reset(float newMax) {
    Arrays.fill(keys, EMPTY);
    this.max = newMax;
  }

  /** exp(x − max), 0 for −∞. */
  double exp(float x) {
    if (x == Float.NEGATIVE_INFINITY) {
      return 0.0;
    }
    int bits = Float.floatToRawIntBits(x);
    int slot = (bits * 0x9E3779B1) >>> (32 - BITS);
    if (keys[slot] == bits) {
      return values[slot];
    }
    double e = Math.exp(x - max);
    keys[slot] = bits;
    values[slot] = e;
    return e;
  }
}
