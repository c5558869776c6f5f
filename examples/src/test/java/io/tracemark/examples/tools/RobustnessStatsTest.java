package io.tracemark.examples.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The table's AUC, empirical threshold, TPR and interval half-widths on hand-computed cases. */
class RobustnessStatsTest {
  @Test
  void aucCountsPairsAndHalfTies() {
    double[] nulls = {0, 1, 2, 3};
    assertThat(RobustnessStats.auc(new double[] {5, 6}, nulls)).isEqualTo(1.0);
    assertThat(RobustnessStats.auc(new double[] {-1}, nulls)).isEqualTo(0.0);
    // 2.5 beats 0, 1, 2; 1 beats 0 and ties 1: (3 + 1.5) / 8
    assertThat(RobustnessStats.auc(new double[] {2.5, 1}, nulls)).isEqualTo(4.5 / 8);
  }

  @Test
  void thresholdAllowsAtMostTheFprShareOfNullsAbove() {
    double[] nulls = new double[2_000];
    for (int i = 0; i < nulls.length; i++) {
      nulls[i] = i;
    }
    // 1e-3 of 2,000 = 2 null texts may be above: the threshold is the third largest
    double t = RobustnessStats.threshold(nulls, 1e-3);
    assertThat(t).isEqualTo(1_997.0);
    assertThat(RobustnessStats.tpr(nulls, t)).isEqualTo(2 / 2_000.0);
    assertThat(RobustnessStats.tpr(new double[] {1_997, 1_998, 3_000, 0}, t)).isEqualTo(0.5);
  }

  @Test
  void halfWidthsMatchTheirFormulas() {
    // Wilson at p = 0.5, n = 100: 1.96 * sqrt(0.0025 + 0.000096) / 1.0384 = 0.0962
    assertThat(RobustnessStats.wilsonHalfWidth(0.5, 100)).isCloseTo(0.0962, within(1e-4));
    // p = 1 still has a width (the interval reaches down to 1 - 0.0185 at n = 200)
    assertThat(RobustnessStats.wilsonHalfWidth(1.0, 200)).isCloseTo(0.0188, within(2e-4));
    // Hanley-McNeil at AUC 0.5 with 200 and 2,000: sqrt((0.25 + 199*(1/3-0.25) + 1999*(1/3-0.25))/400000) * 1.96
    double expected = 1.96 * Math.sqrt((0.25 + 199 * (1.0 / 3 - 0.25) + 1999 * (1.0 / 3 - 0.25)) / 400_000);
    assertThat(RobustnessStats.aucHalfWidth(0.5, 200, 2_000)).isCloseTo(expected, within(1e-12));
    assertThat(RobustnessStats.aucHalfWidth(1.0, 200, 2_000)).isZero();
  }
}
