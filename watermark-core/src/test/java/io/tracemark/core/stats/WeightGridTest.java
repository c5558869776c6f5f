package io.tracemark.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WeightGridTest {
  @Test
  void levelsRoundHalfUpAndClampToTheTopLevel() {
    WeightGrid g = WeightGrid.of(0.25, 64);
    assertThat(g.level(0)).isZero();
    assertThat(g.level(0.124)).isZero();
    assertThat(g.level(0.125)).isEqualTo(1);
    assertThat(g.level(0.374)).isEqualTo(1);
    assertThat(g.level(0.375)).isEqualTo(2);
    assertThat(g.level(1.0)).isEqualTo(4);
    assertThat(g.level(16.0)).isEqualTo(64);
    assertThat(g.level(15.8)).isEqualTo(63);
    assertThat(g.level(1e300)).isEqualTo(64);
    assertThat(g.weight(4)).isEqualTo(1.0);
  }

  @Test
  void theScaleIsADeterministicFunctionOfTheMaximumWeight() {
    double[] w = {0.3, 2.56, 0, 1.28};
    WeightGrid g = WeightGrid.ofWeights(w, 64);
    assertThat(g).isEqualTo(WeightGrid.ofMaximum(2.56)).isEqualTo(WeightGrid.ofWeights(w.clone(), 64));
    assertThat(g.hashCode()).isEqualTo(WeightGrid.ofMaximum(2.56).hashCode());
    assertThat(g.scale()).isEqualTo(0.04);
    assertThat(g.maxLevel()).isEqualTo(WeightGrid.DEFAULT_MAX_LEVEL);
    assertThat(g.level(2.56)).isEqualTo(64);
    assertThat(g.level(1.28)).isEqualTo(32);
    assertThat(g.level(0)).isZero();
    assertThat(WeightGrid.ofWeights(w, 255)).isNotEqualTo(g);
  }

  @Test
  void describesItselfInOneLine() {
    assertThat(WeightGrid.of(0.0213, 64).describe())
        .isEqualTo("weights quantized to integers 0..64, scale 0.0213 (level = round(w / scale))");
    assertThat(WeightGrid.of(0.0213, 64).toString()).isEqualTo("WeightGrid[scale=0.0213, maxLevel=64]");
  }

  @Test
  void badInputIsRejectedWithTheFieldAndIndex() {
    WeightGrid g = WeightGrid.ofMaximum(1);
    assertThatThrownBy(() -> g.level(-0.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight must be finite and >= 0, was -0.5");
    assertThatThrownBy(() -> g.level(Double.NaN)).hasMessage("weight must be finite and >= 0, was NaN");
    assertThatThrownBy(() -> g.level(Double.POSITIVE_INFINITY))
        .hasMessage("weight must be finite and >= 0, was Infinity");
    assertThatThrownBy(() -> WeightGrid.ofWeights(new double[] {1, 2, Double.NaN}, 64))
        .hasMessage("weight at index 2 must be finite and >= 0, was NaN");
    assertThatThrownBy(() -> WeightGrid.ofWeights(new double[] {0, 0}, 64))
        .hasMessage("weights must contain a weight > 0 (all 2 are 0)");
    assertThatThrownBy(() -> WeightGrid.ofMaximum(1, 0)).hasMessage("maxLevel must be between 1 and 4096, was 0");
    assertThatThrownBy(() -> WeightGrid.ofMaximum(1, 4097)).hasMessage("maxLevel must be between 1 and 4096, was 4097");
    assertThatThrownBy(() -> WeightGrid.ofMaximum(0)).hasMessage("maxWeight must be finite and > 0, was 0.0");
    assertThatThrownBy(() -> WeightGrid.of(-1, 8)).hasMessage("scale must be finite and > 0, was -1.0");
    assertThatThrownBy(() -> g.weight(65)).hasMessage("level must be between 0 and 64, was 65");
  }
}
