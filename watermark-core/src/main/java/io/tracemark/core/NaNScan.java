package io.tracemark.core;

import io.tracemark.api.Checks;

/**
 * Finds a NaN in a logits array fast enough to run on every generation step.
 *
 * <p>The obvious branch-free scan ({@code nan |= v != v}) is not vectorised by C2 (a float compare
 * feeding a reduction), and costs a large share of a generation step. {@link #byAbsoluteSum} is a
 * form C2 vectorises on every JDK this library supports: the sum of absolute values is NaN exactly
 * when an input is NaN (|x| ∈ [0, +∞], and a sum of such values is at worst +∞, never ∞ − ∞). The
 * sums are kept in {@link #BLOCK} independent lanes, each block of the input first copied into a
 * fixed scratch array, because C2 vectorises only loops whose array indices differ by compile-time
 * constants. Only on a hit is the array searched for the index. It needs only float add and abs;
 * docs/benchmarks.md has the measurements and the forms that were rejected.
 */
final class NaNScan {
  /** Lanes of {@link #byAbsoluteSum}; a compile-time constant so its inner loop vectorises. */
  static final int BLOCK = 1024;

  private NaNScan() {}

  /** The error naming the first NaN of {@code logits}; call only after a scan reported one. */
  static IllegalArgumentException firstNaN(float[] logits) {
    for (int i = 0; i < logits.length; i++) {
      if (Float.isNaN(logits[i])) {
        return Checks.illegal("logits[%d] is NaN", i);
      }
    }
    throw new IllegalStateException("a NaN scan reported a NaN that is not there");
  }

  /**
   * True iff some element is NaN. {@code lanes} and {@code block} hold {@link #BLOCK} floats each
   * and are overwritten.
   */
  static boolean byAbsoluteSum(float[] values, float[] lanes, float[] block) {
    java.util.Arrays.fill(lanes, 0f);
    int n = values.length;
    int full = n - n % BLOCK;
    for (int b = 0; b < full; b += BLOCK) {
      System.arraycopy(values, b, block, 0, BLOCK);
      accumulateAbs(lanes, block);
    }
    float sum = 0f;
    for (int i = full; i < n; i++) {
      sum += Math.abs(values[i]);
    }
    for (int j = 0; j < BLOCK; j++) {
      sum += lanes[j];
    }
    return sum != sum;
  }

  private static void accumulateAbs(float[] lanes, float[] block) {
    for (int j = 0; j < BLOCK; j++) {
      lanes[j] += Math.abs(block[j]);
    }
  }
}
