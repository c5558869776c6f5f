package io.tracemark.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FixedPointSumTest {
  private static final BigDecimal UNIT = new BigDecimal(BigDecimal.ONE.toBigInteger().shiftLeft(64));

  /** The exact sum of the terms, each truncated toward zero to a multiple of 2^-64. */
  private static BigDecimal truncatedExact(List<Double> terms) {
    BigDecimal s = BigDecimal.ZERO;
    for (double x : terms) {
      BigDecimal units = new BigDecimal(x).multiply(UNIT).setScale(0, RoundingMode.DOWN);
      s = s.add(units);
    }
    return s.divide(UNIT);
  }

  private static List<Double> gumbelScores(SplittableRandom r, int n) {
    List<Double> terms = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      // the scores of the Gumbel family: -ln(1 - u) with u on the 2^-52 grid, offset by half a step
      double u = ((r.nextLong() >>> 12) + 0.5) * 0x1p-52;
      terms.add(-Math.log1p(-u));
    }
    return terms;
  }

  @Test
  void theSumIsTheSameBitsInAnyOrderAndAnyPartition() {
    SplittableRandom r = new SplittableRandom(11);
    List<Double> terms = gumbelScores(r, 20_000);
    FixedPointSum inOrder = new FixedPointSum();
    terms.forEach(inOrder::add);
    double plainInOrder = terms.stream().mapToDouble(Double::doubleValue).reduce(0, Double::sum);
    boolean plainDiffered = false;
    for (int trial = 0; trial < 20; trial++) {
      List<Double> shuffled = new ArrayList<>(terms);
      Collections.shuffle(shuffled, new java.util.Random(trial));
      int parts = 1 + trial % 7;
      FixedPointSum[] partial = new FixedPointSum[parts];
      for (int p = 0; p < parts; p++) {
        partial[p] = new FixedPointSum();
      }
      double plain = 0;
      for (int i = 0; i < shuffled.size(); i++) {
        partial[i % parts].add(shuffled.get(i));
        plain += shuffled.get(i);
      }
      FixedPointSum merged = new FixedPointSum();
      for (FixedPointSum p : partial) {
        merged.add(p);
      }
      assertThat(merged).isEqualTo(inOrder);
      assertThat(merged.value()).isEqualTo(inOrder.value());
      plainDiffered |= plain != plainInOrder;
    }
    // the defect this class removes: a plain double sum of the same terms does depend on the order
    assertThat(plainDiffered).isTrue();
  }

  @Test
  void theValueIsTheExactSumOfTheTruncatedTermsRoundedOnce() {
    SplittableRandom r = new SplittableRandom(12);
    for (int trial = 0; trial < 200; trial++) {
      List<Double> terms = new ArrayList<>();
      int n = 1 + r.nextInt(50);
      for (int i = 0; i < n; i++) {
        double magnitude = Math.scalb(r.nextDouble(), r.nextInt(-70, 40));
        terms.add(r.nextBoolean() ? magnitude : -magnitude);
      }
      FixedPointSum s = new FixedPointSum();
      long[] slots = new long[6];
      for (double x : terms) {
        s.add(x);
        FixedPointSum.addTo(slots, 2, x);
      }
      BigDecimal exact = truncatedExact(terms);
      assertRoundedOnce(s.value(), exact);
      assertThat(FixedPointSum.valueAt(slots, 2)).isEqualTo(s.value());
      assertThat(FixedPointSum.of(slots[4], slots[5])).isEqualTo(s);
    }
  }

  @Test
  void aTermIsTruncatedTowardZeroToTheUnit() {
    FixedPointSum s = new FixedPointSum();
    s.add(0x1p-65);
    s.add(-0x1p-65);
    s.add(Double.MIN_VALUE);
    assertThat(s.isZero()).isTrue();
    s.add(0x1.8p-64); // 1.5 units: one unit
    assertThat(s.high()).isZero();
    assertThat(s.low()).isEqualTo(1L);
    s.add(-0x1.8p-64); // -1.5 units: minus one unit
    assertThat(s.isZero()).isTrue();
    s.add(-1.0);
    assertThat(s.high()).isEqualTo(-1L);
    assertThat(s.low()).isZero();
    assertThat(s.value()).isEqualTo(-1.0);
    s.add(0.25);
    assertThat(s.value()).isEqualTo(-0.75);
    s.add(3.0);
    assertThat(s.value()).isEqualTo(2.25);
  }

  @Test
  void largeSumsStayExactAcrossTheCarry() {
    FixedPointSum s = new FixedPointSum();
    for (int i = 0; i < 1000; i++) {
      s.add(0x1p61 / 1000 * 0.999);
      s.add(0x1.fffffffffffffp-1); // carries out of the fraction on most additions
    }
    BigDecimal expected = truncatedExact(Collections.nCopies(1000, 0x1p61 / 1000 * 0.999))
        .add(truncatedExact(Collections.nCopies(1000, 0x1.fffffffffffffp-1)));
    assertRoundedOnce(s.value(), expected);
  }

  /** {@code value} is within half an ulp of {@code exact}: the exact sum rounded once. */
  private static void assertRoundedOnce(double value, BigDecimal exact) {
    assertThat(new BigDecimal(value).subtract(exact).abs())
        .isLessThanOrEqualTo(new BigDecimal(Math.ulp(value)).divide(BigDecimal.valueOf(2)));
  }

  @Test
  void badTermsAndOverflowAreRefused() {
    FixedPointSum s = new FixedPointSum();
    assertThatThrownBy(() -> s.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> s.add(Double.NEGATIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> s.add(0x1p62)).isInstanceOf(IllegalArgumentException.class);
    s.add(0x1.fffffffffffffp61);
    assertThatThrownBy(() -> {
      for (int i = 0; i < 4; i++) {
        s.add(0x1.fffffffffffffp61);
      }
    }).isInstanceOf(ArithmeticException.class);
  }
}
