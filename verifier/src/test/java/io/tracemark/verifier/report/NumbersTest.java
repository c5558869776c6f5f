package io.tracemark.verifier.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumbersTest {
  @ParameterizedTest
  @CsvSource({"0,0", "7,7", "999,999", "1000,'1,000'", "1234567,'1,234,567'", "-1234567,'-1,234,567'",
      "100277,'100,277'", "9223372036854775807,'9,223,372,036,854,775,807'"})
  void countsHaveThousandsSeparators(long n, String expected) {
    assertThat(Numbers.count(n)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"1e-6,1e-6", "1.0E-6,1e-6", "2.5e-7,2.5e-7", "0.01,0.01", "0.001,0.001", "9.99e-4,9.99e-4",
      "0.25,0.25", "0.1,0.1", "1,1", "100277,'100,277'", "1e20,1e20", "-3e-9,-3e-9", "0.3333333333333333,"
      + "0.3333333333333333"})
  void exactIsTheShortestRoundTripWithExponentsBelowOneThousandth(double v, String expected) {
    assertThat(Numbers.exact(v)).isEqualTo(expected);
  }

  @Test
  void exactReadsBackAsTheSameDouble() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      double v = Math.scalb(r.nextDouble(), r.nextInt(-60, 60)) * (r.nextBoolean() ? 1 : -1);
      String s = Numbers.exact(v);
      assertThat(Double.parseDouble(s.replace(",", ""))).as(s).isEqualTo(v);
    }
  }

  @ParameterizedTest
  @CsvSource({"42.43398712,42.434", "-342.5920122,-342.592", "0.4742959,0.474296", "1561750,'1,561,750'",
      "1561753,'1,561,753'", "1561753.5,'1,561,750'", "0.000123456789,1.23457e-4", "2.5e-300,2.5e-300",
      "-0.0,0", "3.0,3"})
  void humanKeepsSixSignificantDigitsAndCountsInFull(double v, String expected) {
    assertThat(Numbers.human(v)).isEqualTo(expected);
  }

  @Test
  void noLocaleOrPrintfExponentLeaksIn() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      assertThat(Numbers.human(1234.5)).isEqualTo("1,234.5");
      assertThat(Numbers.fixed(-1705.83, 1)).isEqualTo("-1,705.8");
    } finally {
      Locale.setDefault(before);
    }
    for (double v : new double[] {1.56175e6, 1e-6, 2.5e-7, 1e300, 123456789.123}) {
      assertThat(Numbers.human(v)).doesNotContain("E").doesNotContain("e+").doesNotContain("e-0");
      assertThat(Numbers.exact(v)).doesNotContain("E").doesNotContain("e+").doesNotContain("e-0");
    }
  }

  @ParameterizedTest
  @CsvSource({"-1705.83,1,'-1,705.8'", "0.2456,3,0.246", "-0.04,1,0.0", "25600,0,'25,600'", "0.5,0,0"})
  void fixedRoundsHalfEven(double v, int decimals, String expected) {
    assertThat(Numbers.fixed(v, decimals)).isEqualTo(expected);
  }

  @Test
  void pValuesUnderflowToAPowerOfTen() {
    assertThat(Numbers.pValue(0.0123, Math.log10(0.0123))).isEqualTo("0.0123");
    assertThat(Numbers.pValue(0, -342.5920)).isEqualTo("10^-342.592");
  }

  @Test
  void ticksAreRoundAndCoverTheRange() {
    assertThat(Numbers.ticks(0, 1_561_753, 4)).containsExactly(0, 500_000, 1_000_000, 1_500_000, 2_000_000);
    assertThat(Numbers.ticks(-342.6, 0, 4)).containsExactly(-400, -300, -200, -100, 0);
    assertThat(Numbers.ticks(0.21, 0.49, 4)).containsExactly(0.2, 0.3, 0.4, 0.5);
    double[] t = Numbers.ticks(0, 6711, 4);
    assertThat(t[0]).isEqualTo(0);
    assertThat(t[t.length - 1]).isGreaterThanOrEqualTo(6711);
    for (double v : t) {
      assertThat(Numbers.tick(v, Numbers.step(6711, 4))).doesNotContain("e").doesNotContain(".");
    }
    assertThat(Numbers.tick(0.30000000000000004, 0.1)).isEqualTo("0.3");
    assertThat(Numbers.tick(1_500_000, 500_000)).isEqualTo("1,500,000");
    assertThatThrownBy(() -> Numbers.ticks(0, Double.NaN, 4)).isInstanceOf(IllegalArgumentException.class);
  }
}
