package io.tracemark.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Exactness of the tails against exact rational arithmetic. */
class PValuesTest {
  private static final double LOG10_2 = Math.log10(2);

  /** log10 of a positive BigInteger, to double precision. */
  static double log10(BigInteger x) {
    int shift = Math.max(0, x.bitLength() - 60);
    return Math.log10(x.shiftRight(shift).doubleValue()) + shift * LOG10_2;
  }

  /** Exact P(X >= k) for X ~ Binomial(n, a/b) as log10, by summing integers. */
  static double exactLog10Upper(int n, int k, int a, int b) {
    BigInteger num = BigInteger.ZERO;
    BigInteger c = BigInteger.ONE; // C(n, j)
    BigInteger bigA = BigInteger.valueOf(a);
    BigInteger bigBa = BigInteger.valueOf(b - a);
    for (int j = 0; j <= n; j++) {
      if (j >= k) {
        num = num.add(c.multiply(bigA.pow(j)).multiply(bigBa.pow(n - j)));
      }
      c = c.multiply(BigInteger.valueOf(n - j)).divide(BigInteger.valueOf(j + 1));
    }
    BigInteger den = BigInteger.valueOf(b).pow(n);
    if (num.shiftLeft(1).compareTo(den) >= 0) {
      // p >= 1/2: log10 p = log1p(-q) / ln 10 with q = 1 - p computed exactly
      double q = new BigDecimal(den.subtract(num)).divide(new BigDecimal(den), new MathContext(30)).doubleValue();
      return Math.log1p(-q) / Math.log(10);
    }
    return log10(num) - log10(den);
  }

  @ParameterizedTest
  @CsvSource({
      "10, 3, 1, 4", "10, 10, 1, 4", "100, 25, 1, 4", "100, 40, 1, 4", "100, 10, 1, 4", "100, 100, 1, 4",
      "1000, 250, 1, 4", "1000, 300, 1, 4", "1000, 600, 1, 4", "1000, 999, 1, 4", "1000, 100, 1, 4",
      "2000, 1000, 1, 2", "2000, 1100, 1, 2", "2000, 1999, 1, 2", "3000, 1500, 1, 10", "3000, 301, 1, 10",
      "500, 1, 1, 4", "500, 124, 1, 4", "500, 126, 1, 4", "777, 500, 3, 4", "777, 583, 3, 4"
  })
  void binomialTailIsExactAgainstIntegerSums(int n, int k, int a, int b) {
    double gamma = (double) a / b;
    double expected = exactLog10Upper(n, k, a, b);
    double actual = PValues.log10BinomialUpperTail(n, k, gamma);
    if (expected == 0) {
      assertThat(actual).isCloseTo(0, within(1e-15));
    } else {
      assertThat(Math.abs(actual - expected) / Math.abs(expected)).isLessThan(1e-10);
    }
  }

  @Test
  void extremeTailsDownTo1eMinus100000AreExact() {
    // P(X >= n) = gamma^n exactly
    for (int n : new int[] {1000, 166_096, 500_000, 1_000_000}) {
      double expected = n * Math.log10(0.25);
      assertThat(PValues.log10BinomialUpperTail(n, n, 0.25)).isCloseTo(expected, within(Math.abs(expected) * 1e-12));
    }
    assertThat(PValues.log10BinomialUpperTail(500_000, 500_000, 0.25)).isLessThan(-100_000);
    // P(X >= n-1) = n g^(n-1) (1-g) + g^n
    int n = 200_000;
    double expected = Math.log10(n * 0.75 + 0.25) + (n - 1) * Math.log10(0.25);
    assertThat(PValues.log10BinomialUpperTail(n, n - 1, 0.25)).isCloseTo(expected, within(Math.abs(expected) * 1e-12));
  }

  @Test
  void hugeNAgreesWithAnIndependentContinuedFraction() {
    // n = 1e9: compare the two summation directions' meeting region with the regularized incomplete
    // beta of Commons Math computed in log space via its continued fraction, where both are accurate.
    long n = 1_000_000_000L;
    double g = 0.25;
    long mean = (long) (n * g);
    for (long dk : new long[] {0, 1, 100, 13_693, 50_000, 100_000, 1_000_000, 10_000_000}) {
      long k = mean + dk;
      double ours = PValues.lnBinomialUpperTail(n, k, g);
      double reference = lnUpperByBigSum(n, k, g);
      assertThat(Math.abs(ours - reference)).isLessThanOrEqualTo(1e-9 * Math.max(1e-3, Math.abs(ours)));
    }
  }

  /** P(X >= k) by summing pmf terms in BigDecimal from an exactly computed log-pmf (independent path). */
  private static double lnUpperByBigSum(long n, long k, double g) {
    // log pmf(k) by Stirling series with BigDecimal-free but long-double-free approach: use
    // Commons Math's logGamma differences in compensated form is not accurate at n = 1e9, so use
    // the ratio recurrence from the mode, whose pmf is computed by the Loader form independently.
    double lnPmf = PValues.lnBinomialPmf(k, n, g);
    MathContext mc = new MathContext(40, RoundingMode.HALF_EVEN);
    BigDecimal term = BigDecimal.ONE;
    BigDecimal sum = BigDecimal.ONE;
    BigDecimal odds = new BigDecimal(g).divide(new BigDecimal(1 - g), mc);
    for (long j = k; j < n; j++) {
      term = term.multiply(BigDecimal.valueOf(n - j), mc).multiply(odds, mc).divide(BigDecimal.valueOf(j + 1), mc);
      sum = sum.add(term, mc);
      if (term.compareTo(sum.scaleByPowerOfTen(-25)) < 0) {
        break;
      }
    }
    return lnPmf + Math.log(sum.doubleValue());
  }

  @Test
  void pmfIsAccurateAgainstExactIntegers() {
    // C(1000, 300) 3^700 / 4^1000
    BigInteger c = BigInteger.ONE;
    for (int j = 0; j < 300; j++) {
      c = c.multiply(BigInteger.valueOf(1000 - j)).divide(BigInteger.valueOf(j + 1));
    }
    double expected = (log10(c.multiply(BigInteger.valueOf(3).pow(700))) - 1000 * Math.log10(4)) * Math.log(10);
    assertThat(PValues.lnBinomialPmf(300, 1000, 0.25)).isCloseTo(expected, within(Math.abs(expected) * 1e-13));
  }

  @Test
  void edgeCases() {
    assertThat(PValues.log10BinomialUpperTail(0, 0, 0.25)).isEqualTo(0.0);
    assertThat(PValues.log10BinomialUpperTail(10, 0, 0.25)).isEqualTo(0.0);
    assertThat(PValues.log10BinomialUpperTail(10, 11, 0.25)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThatThrownBy(() -> PValues.log10BinomialUpperTail(10, 1, 1.0)).hasMessage("p must be in (0, 1), was 1.0");
    assertThatThrownBy(() -> PValues.log10BinomialUpperTail(-1, 1, 0.5)).hasMessage("n must be >= 0, was -1");
    assertThat(PValues.zScore(0, 0, 0.25)).isEqualTo(0.0);
    assertThat(PValues.zScore(100, 25, 0.25)).isEqualTo(0.0);
  }

  /** Exact Q(n, x) = e^-x sum_{j<n} x^j / j! for integer n and integer x, as log10. */
  static double exactLog10GammaQ(int n, int x) {
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal term = BigDecimal.ONE;
    MathContext mc = new MathContext(60);
    for (int j = 0; j < n; j++) {
      sum = sum.add(term, mc);
      term = term.multiply(BigDecimal.valueOf(x), mc).divide(BigDecimal.valueOf(j + 1), mc);
    }
    double log10Sum = sum.round(new MathContext(20)).unscaledValue().compareTo(BigInteger.ZERO) == 0 ? 0
        : Math.log10(sum.round(new MathContext(17)).unscaledValue().doubleValue()) - sum.round(new MathContext(17)).scale();
    return log10Sum - x / Math.log(10);
  }

  @ParameterizedTest
  @CsvSource({"1, 3", "5, 2", "5, 5", "5, 20", "64, 40", "64, 64", "64, 120", "64, 296", "200, 150", "200, 400",
      "1000, 1500", "1000, 5000", "3000, 2900", "3000, 3100"})
  void gammaTailIsExactAgainstPoissonSums(int n, int x) {
    double expected = exactLog10GammaQ(n, x);
    double actual = PValues.log10GammaUpperTail(n, x);
    assertThat(Math.abs(actual - expected)).isLessThanOrEqualTo(1e-10 * Math.max(1e-2, Math.abs(expected)));
  }

  @Test
  void gammaTailOfOneIsTheExponential() {
    for (double x : new double[] {0.01, 0.5, 1, 2, 50, 1000, 250_000}) {
      assertThat(PValues.log10GammaUpperTail(1, x)).isCloseTo(-x / Math.log(10), within(1e-12 * Math.max(1, x)));
    }
    assertThat(PValues.log10GammaUpperTail(3, 0)).isEqualTo(0.0);
  }
}
