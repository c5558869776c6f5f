package io.tracemark.verifier.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.verifier.spark.ScanFdr.Procedure;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScanFdrTest {
  private static double[] log10(double... p) {
    return Arrays.stream(p).map(Math::log10).toArray();
  }

  @Test
  void bhStepsUpPastARankThatFails() {
    // m = 10, q = 0.05: thresholds 0.005, 0.010, 0.015, 0.020, ...; p_(2) = 0.012 fails its own rank but
    // p_(3) = 0.014 <= 0.015 passes, so the step-up flags all three; p_(4) = 0.03 > 0.02 and nothing later passes
    double[] p = log10(0.001, 0.012, 0.014, 0.03, 0.2);
    ScanFdr.Outcome o = ScanFdr.apply(Procedure.BH, p, 10, 0.05);
    assertThat(o.flagged()).isEqualTo(3);
    assertThat(o.log10Threshold(2)).isCloseTo(Math.log10(0.015), within(1e-12));
  }

  @Test
  void holmStopsAtTheFirstFailure() {
    // m = 10, q = 0.05: thresholds 0.005, 0.05/9 = 0.00556, 0.00625; p_(2) = 0.012 fails, so only one is flagged
    double[] p = log10(0.001, 0.012, 0.014, 0.03, 0.2);
    ScanFdr.Outcome o = ScanFdr.apply(Procedure.HOLM, p, 10, 0.05);
    assertThat(o.flagged()).isEqualTo(1);
    assertThat(o.log10Threshold(1)).isCloseTo(Math.log10(0.05 / 9), within(1e-12));
    // p_(2) = 0.005 passes 0.00556, p_(3) = 0.00625 passes exactly at its threshold, p_(4) = 0.008 fails 0.00714
    assertThat(ScanFdr.apply(Procedure.HOLM, log10(0.001, 0.005, 0.00625, 0.008), 10, 0.05).flagged()).isEqualTo(3);
  }

  @Test
  void aPValueExactlyOnItsThresholdIsFlagged() {
    // m = 4, q = 0.1: p_(2) = 0.05 = 2·0.1/4
    assertThat(ScanFdr.apply(Procedure.BH, log10(0.01, 0.05), 4, 0.1).flagged()).isEqualTo(2);
    assertThat(ScanFdr.apply(Procedure.BH, log10(0.01, 0.0500001), 4, 0.1).flagged()).isEqualTo(1);
  }

  @Test
  void tiesAreFlaggedTogether() {
    // m = 5, q = 0.05: thresholds 0.01, 0.02, 0.03; three ties at 0.03 pass at rank 3 (BH)
    assertThat(ScanFdr.apply(Procedure.BH, log10(0.03, 0.03, 0.03), 5, 0.05).flagged()).isEqualTo(3);
    // Holm: 0.03 > 0.01 at rank 1: none
    assertThat(ScanFdr.apply(Procedure.HOLM, log10(0.03, 0.03, 0.03), 5, 0.05).flagged()).isZero();
    // ties at 0.004 pass Holm's 0.01, 0.0125, 0.0167
    assertThat(ScanFdr.apply(Procedure.HOLM, log10(0.004, 0.004, 0.004), 5, 0.05).flagged()).isEqualTo(3);
  }

  @Test
  void oneDocumentIsTestedAtQ() {
    for (Procedure proc : Procedure.values()) {
      assertThat(ScanFdr.apply(proc, log10(0.05), 1, 0.05).flagged()).isEqualTo(1);
      assertThat(ScanFdr.apply(proc, new double[0], 1, 0.05).flagged()).isZero();
      assertThat(ScanFdr.apply(proc, new double[0], 0, 0.05).flagged()).isZero();
    }
  }

  @Test
  void astronomicallySmallPValuesKeepTheirOrder() {
    // 1e-5000 and 1e-4000 underflow to 0 as doubles; in log10 they are flagged with m = 10^12
    double[] p = {-5000, -4000, -11};
    assertThat(ScanFdr.apply(Procedure.BH, p, 1_000_000_000_000L, 0.01).flagged()).isEqualTo(2);
    assertThat(ScanFdr.apply(Procedure.HOLM, p, 1_000_000_000_000L, 0.01).flagged()).isEqualTo(2);
  }

  @Test
  void refusesUnsortedOrTooManyCandidates() {
    assertThatThrownBy(() -> ScanFdr.apply(Procedure.BH, new double[] {-2, -3}, 5, 0.05))
        .hasMessageContaining("ascending");
    assertThatThrownBy(() -> ScanFdr.apply(Procedure.BH, new double[] {-3, -2}, 1, 0.05))
        .hasMessageContaining("m must be at least");
    assertThatThrownBy(() -> ScanFdr.apply(Procedure.BH, new double[] {-3}, 1, 1.0)).hasMessageContaining("q must");
    assertThat(Procedure.byId("Holm")).isEqualTo(Procedure.HOLM);
    assertThatThrownBy(() -> Procedure.byId("by")).hasMessageContaining("\"by\"");
  }

  /** The textbook procedures over all m p-values (not only the candidates), in plain probabilities. */
  private static int reference(Procedure proc, double[] all, double q) {
    double[] p = all.clone();
    Arrays.sort(p);
    int m = p.length;
    if (proc == Procedure.BH) {
      int k = 0;
      for (int i = 1; i <= m; i++) {
        if (p[i - 1] <= i * q / m) {
          k = i;
        }
      }
      return k;
    }
    int k = 0;
    while (k < m && p[k] <= q / (m - k)) {
      k++;
    }
    return k;
  }

  @Test
  void agreesWithTheTextbookProceduresOnRandomInputs() {
    SplittableRandom rnd = new SplittableRandom(20261130L);
    int nonTrivial = 0;
    for (int trial = 0; trial < 3000; trial++) {
      int m = 1 + rnd.nextInt(trial % 10 == 0 ? 3 : 200);
      double q = new double[] {0.01, 0.05, 0.1, 0.2}[rnd.nextInt(4)];
      double[] p = new double[m];
      for (int i = 0; i < m; i++) {
        double u = rnd.nextDouble();
        // a mix of null p-values (uniform) and signals (p = u^8 spreads them down to ~1e-40), with repeats as ties
        p[i] = i > 0 && rnd.nextInt(5) == 0 ? p[rnd.nextInt(i)] : rnd.nextInt(3) == 0 ? Math.pow(u, 8) : u;
        if (p[i] == 0) {
          p[i] = Double.MIN_NORMAL;
        }
      }
      double[] candidates = Arrays.stream(p).filter(x -> x <= q).map(Math::log10).sorted().toArray();
      for (Procedure proc : Procedure.values()) {
        int expected = reference(proc, p, q);
        assertThat(ScanFdr.apply(proc, candidates, m, q).flagged())
            .as("%s, m=%d, q=%s, p=%s", proc, m, q, Arrays.toString(p)).isEqualTo(expected);
        if (expected > 0 && expected < m) {
          nonTrivial++;
        }
      }
    }
    // the comparison is not vacuous: many trials flag some but not all
    assertThat(nonTrivial).isGreaterThan(1000);
  }
}
