package io.tracemark.core;

/**
 * Finds a NaN in a logits array fast enough to run on every generation step.
 *
 * <p>The obvious branch-free scan ({@code nan |= v != v}) stays scalar on C2 (a float compare
 * feeding a reduction is not vectorised by JDK 17 or 25): about 23–31 µs at V = 128,256, a third
 * of the whole step. Two vectorisable forms are used instead, chosen with the bias kernel
 * ({@link GreenListScheme#FUSED_KERNEL}); both are exact, and only on a hit is the array searched
 * for the index.
 *
 * <ul>
 *   <li>{@link #byConversion}: JDK 20+, where C2 vectorises float-to-int conversion. For any float
 *       x, {@code (int) (x + 2^20) | (int) (x - 2^20)} is 0 if and only if x is NaN: Java converts
 *       NaN to 0 and ±∞ to ±{@code Integer.MAX_VALUE}; for finite x the two sums differ by 2^21
 *       (rounding moves each by at most a quarter below 2^22, and above it they saturate or stay
 *       large), so they cannot both truncate to 0. {@code v | -v} is negative exactly when v is not
 *       0, so an AND over the array is non-negative exactly when some element was NaN.
 *   <li>{@link #byAbsoluteSum}: JDK 17, where that conversion runs scalar with a slow path (~130
 *       µs). Sums of absolute values are NaN exactly when an input is NaN (|x| ∈ [0, +∞], and a
 *       sum of such values is at worst +∞). The sums are kept in 1,024 independent lanes, fed by
 *       copying each block into a fixed scratch array first, because C2 only vectorises a loop
 *       whose array indices differ by compile-time constants.
 * </ul>
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

  /** True iff some element is NaN; see the class comment (vectorised on JDK 20+). */
  static boolean byConversion(float[] values) {
    int all = -1;
    for (int i = 0; i < values.length; i++) {
      float x = values[i];
      int v = (int) (x + 1048576f) | (int) (x - 1048576f);
      all &= v | -v;
    }
    return all >= 0;
  }

  /**
   * True iff some element is NaN; see the class comment (vectorised on JDK 17). {@code lanes} and
   * {@code block} hold {@link #BLOCK} floats each and are overwritten.
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
