package io.tracemark.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The law of a payload's decoding statistic against brute-force enumeration with exact integers. */
class MaxMultinomialLawTest {

  /** Ways (out of K^n) for each value of the largest colour count, by enumerating every colouring. */
  static BigInteger[] waysOfMax(int n, int k) {
    BigInteger[] ways = new BigInteger[n + 1];
    java.util.Arrays.fill(ways, BigInteger.ZERO);
    int[] colour = new int[n];
    long total = BigInteger.valueOf(k).pow(n).longValueExact();
    for (long code = 0; code < total; code++) {
      long c = code;
      int[] counts = new int[k];
      for (int i = 0; i < n; i++) {
        colour[i] = (int) (c % k);
        c /= k;
        counts[colour[i]]++;
      }
      int max = 0;
      for (int v : counts) {
        max = Math.max(max, v);
      }
      ways[max] = ways[max].add(BigInteger.ONE);
    }
    return ways;
  }

  @Test
  void lawOfTheMaximumEqualsEnumeration() {
    for (int k = 2; k <= 5; k++) {
      for (int n = 0; n <= 7; n++) {
        BigInteger[] ways = waysOfMax(n, k);
        double[] ln = MaxMultinomialLaw.lnPmfsOfMax(new int[] {n}, k)[0];
        double lnTotal = n * Math.log(k);
        for (int m = 0; m <= n; m++) {
          if (ways[m].signum() == 0) {
            assertThat(ln[m]).as("K=%d n=%d m=%d", k, n, m).isEqualTo(Double.NEGATIVE_INFINITY);
          } else {
            assertThat(ln[m]).as("K=%d n=%d m=%d", k, n, m)
                .isCloseTo(Math.log(ways[m].doubleValue()) - lnTotal, within(1e-12));
          }
        }
      }
    }
  }

  @Test
  void tailOfTheSumOverPositionsEqualsEnumeration() {
    int k = 4;
    int[] units = {3, 5, 0, 2};
    // exact law of the sum: integer convolution of the ways
    BigInteger[] sum = {BigInteger.ONE};
    for (int n : units) {
      BigInteger[] w = waysOfMax(n, k);
      BigInteger[] next = new BigInteger[sum.length + w.length - 1];
      java.util.Arrays.fill(next, BigInteger.ZERO);
      for (int i = 0; i < sum.length; i++) {
        for (int j = 0; j < w.length; j++) {
          next[i + j] = next[i + j].add(sum[i].multiply(w[j]));
        }
      }
      sum = next;
    }
    BigInteger total = BigInteger.valueOf(k).pow(10);
    double[][] laws = MaxMultinomialLaw.lnPmfsOfMax(units, k);
    for (int s = 0; s <= sum.length; s++) {
      BigInteger tail = BigInteger.ZERO;
      for (int x = s; x < sum.length; x++) {
        tail = tail.add(sum[x]);
      }
      double got = MaxMultinomialLaw.lnUpperTailOfSum(laws, s);
      if (tail.signum() == 0) {
        assertThat(got).as("s=%d", s).isEqualTo(Double.NEGATIVE_INFINITY);
      } else {
        double want = Math.log(tail.doubleValue()) - Math.log(total.doubleValue());
        assertThat(got).as("s=%d", s).isCloseTo(want, within(1e-12));
      }
    }
  }

  @Test
  void largeLawsSumToOneAndHaveTheExactExtremes() {
    for (int k : new int[] {2, 4, 16}) {
      int n = 120;
      double[] ln = MaxMultinomialLaw.lnPmfsOfMax(new int[] {n}, k)[0];
      double total = 0;
      for (double v : ln) {
        total += Math.exp(v);
      }
      assertThat(total).as("K=%d", k).isCloseTo(1.0, within(1e-10));
      // every unit in one colour: K ways out of K^n
      assertThat(ln[n]).isCloseTo(Math.log(k) - n * Math.log(k), within(1e-9));
      // above n/2 exactly one colour can reach m: P(M = m) = K · P(Binomial(n, 1/K) = m)
      int m = 100;
      assertThat(ln[m]).isCloseTo(Math.log(k) + PValues.lnBinomialPmf(m, n, 1.0 / k), within(1e-9));
    }
  }

  @Test
  void deepTailsAreFiniteInLogSpace() {
    int[] units = new int[16];
    java.util.Arrays.fill(units, 100);
    double[][] laws = MaxMultinomialLaw.lnPmfsOfMax(units, 4);
    double ln = MaxMultinomialLaw.lnUpperTailOfSum(laws, 1500);
    assertThat(ln / Math.log(10)).isLessThan(-400).isGreaterThan(-3000);
  }
}
