package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vectorisable NaN scan agrees with {@link Float#isNaN} on every kind of float and length. */
class NaNScanTest {
  private final float[] lanes = new float[NaNScan.BLOCK];
  private final float[] block = new float[NaNScan.BLOCK];

  private boolean scan(float[] values) {
    return NaNScan.byAbsoluteSum(values, lanes, block);
  }

  /** Floats near every boundary a NaN test could trip on: ±2^20..2^24, the int range, extremes, infinities. */
  private static List<Float> edges() {
    List<Float> v = new ArrayList<>();
    for (float base : new float[] {0f, 1f, 0.5f, 1048576f, 2097152f, 4194304f, 8388608f, 16777216f, 2147483648f,
        Float.MAX_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL, Float.POSITIVE_INFINITY}) {
      for (int ulps = -3; ulps <= 3; ulps++) {
        float x = base;
        for (int u = 0; u < Math.abs(ulps); u++) {
          x = ulps < 0 ? Math.nextDown(x) : Math.nextUp(x);
        }
        v.add(x);
        v.add(-x);
      }
    }
    for (float x : new float[] {1048575.5f, 1048576.5f, 1048575.75f, 1048576.25f, 0.9999999f}) {
      v.add(x);
      v.add(-x);
    }
    return v;
  }

  @Test
  void noFiniteOrInfiniteValueLooksLikeNaN() {
    float[] one = new float[1];
    for (float x : edges()) {
      if (Float.isNaN(x)) {
        continue;
      }
      one[0] = x;
      assertThat(scan(one)).as("%s (bits %08x)", x, Float.floatToRawIntBits(x)).isFalse();
    }
    // every sign and exponent, with the mantissas at both ends and a spread between
    SplittableRandom r = new SplittableRandom(7);
    for (int sign = 0; sign < 2; sign++) {
      for (int exp = 0; exp < 255; exp++) { // 255 is ±inf / NaN
        for (int m = 0; m < 2_000; m++) {
          int mantissa = m == 0 ? 0 : m == 1 ? 0x7fffff : r.nextInt(0x800000);
          one[0] = Float.intBitsToFloat(sign << 31 | exp << 23 | mantissa);
          assertThat(scan(one)).as("bits %08x", Float.floatToRawIntBits(one[0])).isFalse();
        }
      }
    }
  }

  @Test
  void everyNaNPayloadIsFound() {
    float[] one = new float[1];
    SplittableRandom r = new SplittableRandom(8);
    for (int i = 0; i < 5_000; i++) {
      int mantissa = i == 0 ? 1 : i == 1 ? 0x7fffff : i == 2 ? 0x400000 : 1 + r.nextInt(0x7fffff);
      int sign = i % 2;
      one[0] = Float.intBitsToFloat(sign << 31 | 0xff << 23 | mantissa);
      assertThat(Float.isNaN(one[0])).isTrue();
      assertThat(scan(one)).as("bits %08x", Float.floatToRawIntBits(one[0])).isTrue();
    }
  }

  @Test
  void findsOneNaNAtAnyPositionOfAnyLength() {
    SplittableRandom r = new SplittableRandom(9);
    List<Float> edges = edges();
    int b = NaNScan.BLOCK;
    for (int n : new int[] {0, 1, 2, 7, b - 1, b, b + 1, 2 * b + 3, 32_000, 50_257}) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextInt(8) == 0 ? edges.get(r.nextInt(edges.size())) : (float) (r.nextGaussian() * 10);
      }
      assertThat(scan(v)).as("n=%d without NaN", n).isFalse();
      for (int p : new int[] {0, 1, b - 1, b, n / 2, n - 1}) {
        if (p < 0 || p >= n) {
          continue;
        }
        float saved = v[p];
        v[p] = Float.NaN;
        assertThat(scan(v)).as("n=%d NaN at %d", n, p).isTrue();
        assertThat(NaNScan.firstNaN(v)).hasMessage("logits[" + p + "] is NaN");
        v[p] = saved;
      }
    }
  }

  @Test
  void infinitiesOfBothSignsTogetherAreNotNaN() {
    float[] v = new float[3 * NaNScan.BLOCK + 5];
    for (int i = 0; i < v.length; i++) {
      v[i] = i % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
    }
    assertThat(scan(v)).isFalse();
  }
}
