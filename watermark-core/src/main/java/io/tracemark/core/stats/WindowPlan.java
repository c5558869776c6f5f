package io.tracemark.core.stats;

import java.util.Arrays;

/**
 * The windows a {@link Localizer} tries on a document of {@code units} scored units: for each
 * length, the starts {@code 0, s, 2s, …} up to {@code units − length}, plus {@code units − length}
 * itself when the stride does not land on it, so that the last window ends at the document's end.
 * Immutable.
 */
final class WindowPlan {
  private final int units;
  private final int[] lengths;
  private final int[] strides;
  private final long windows;

  private WindowPlan(int units, int[] lengths, int[] strides) {
    this.units = units;
    this.lengths = lengths;
    this.strides = strides;
    long w = 0;
    for (int j = 0; j < lengths.length; j++) {
      w += startCount(units, lengths[j], strides[j]);
    }
    this.windows = w;
  }

  /** Every window: each length 1..units at every start. */
  static WindowPlan allWindows(int units) {
    int[] lengths = new int[units];
    int[] strides = new int[units];
    for (int j = 0; j < units; j++) {
      lengths[j] = j + 1;
      strides[j] = 1;
    }
    return new WindowPlan(units, lengths, strides);
  }

  /**
   * Lengths {@code L_0 = minLength}, {@code L_{j+1} = max(L_j + 1, ⌈ratio · L_j⌉)} while at most
   * {@code units}, then {@code units} itself (the whole document) if it is not already a length;
   * the stride of length L is {@code max(1, ⌊L / strideDivisor⌋)}. With fewer units than
   * {@code minLength} the plan is the whole document alone.
   */
  static WindowPlan cover(int units, int minLength, double ratio, int strideDivisor) {
    int[] lengths = geometricLengths(units, minLength, ratio);
    int[] strides = new int[lengths.length];
    for (int j = 0; j < lengths.length; j++) {
      strides[j] = Math.max(1, lengths[j] / strideDivisor);
    }
    return new WindowPlan(units, lengths, strides);
  }

  /** The geometric lengths of {@link #cover} from 1 with {@code ratio}, each at every start. */
  static WindowPlan grid(int units, double ratio) {
    int[] lengths = geometricLengths(units, 1, ratio);
    int[] strides = new int[lengths.length];
    Arrays.fill(strides, 1);
    return new WindowPlan(units, lengths, strides);
  }

  private static int[] geometricLengths(int units, int minLength, double ratio) {
    if (units == 0) {
      return new int[0];
    }
    int[] lengths = new int[8];
    int count = 0;
    long length = minLength;
    while (length <= units) {
      if (count == lengths.length) {
        lengths = Arrays.copyOf(lengths, 2 * count);
      }
      lengths[count++] = (int) length;
      length = nextLength(length, ratio);
    }
    if (count == 0 || lengths[count - 1] != units) {
      if (count == lengths.length) {
        lengths = Arrays.copyOf(lengths, count + 1);
      }
      lengths[count++] = units;
    }
    return Arrays.copyOf(lengths, count);
  }

  /**
   * The length after {@code length}: the smallest integer not below {@code ratio · length} (with a
   * 1e-9 guard so that a product that is an integer in exact arithmetic is not rounded up past it),
   * and at least {@code length + 1}. So every m with {@code length ≤ m < next} satisfies
   * {@code m < ratio · length}.
   */
  static long nextLength(long length, double ratio) {
    return Math.max(length + 1, (long) Math.ceil(ratio * length - 1e-9));
  }

  /** Starts {@code 0, s, 2s, …, ⌊(n − L)/s⌋·s}, and {@code n − L} when that is not among them. */
  static long startCount(int units, int length, int stride) {
    int span = units - length;
    return span / stride + 1 + (span % stride == 0 ? 0 : 1);
  }

  int units() {
    return units;
  }

  int lengthCount() {
    return lengths.length;
  }

  int length(int j) {
    return lengths[j];
  }

  int stride(int j) {
    return strides[j];
  }

  /** The number of windows of the {@code j}-th length. */
  long starts(int j) {
    return startCount(units, lengths[j], strides[j]);
  }

  /** The exact number of windows in the plan. */
  long windows() {
    return windows;
  }
}
