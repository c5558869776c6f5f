package io.tracemark.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HfSynthIdSpecTest {
  @Test
  void parsesWithDefaultsAndPrintsCanonically() {
    HfSynthIdSpec s = (HfSynthIdSpec) SchemeSpec.parse("HF-SynthID:keys=654/-400/836,ngram_len=5,gvals=table");
    assertThat(s.keys()).containsExactly(654L, -400L, 836L);
    assertThat(s.depth()).isEqualTo(3);
    assertThat(s.ngramLength()).isEqualTo(5);
    assertThat(s.contextWidth()).isEqualTo(4);
    assertThat(s.gValues()).isEqualTo(HfSynthIdSpec.GValues.TABLE);
    assertThat(s.tableSize()).isEqualTo(65536);
    assertThat(s.tableSeed()).isZero();
    assertThat(s.contextHistory()).isEqualTo(1024);
    assertThat(s.eosTokenId()).isEmpty();
    assertThat(s.score()).isEqualTo(HfSynthIdSpec.Score.MEAN);
    assertThat(s.canonical()).isEqualTo("hf-synthid:keys=654/-400/836,ngram-len=5,gvals=table,table-size=65536,"
        + "table-seed=0,context-history=1024,score=mean");
    assertThat(SchemeSpec.parse(s.canonical())).isEqualTo(s);
    assertThat(s.carriesKey()).isTrue();
    assertThat(s.keyParameter()).isEqualTo("keys");
    assertThat(s.defaultDedup()).isEqualTo(DedupMode.WINDOW);
    HfSynthIdSpec h = HfSynthIdSpec.parse("hf-synthid:keys=-9223372036854775808,ngram-len=2,gvals=hash,"
        + "context-history=4,eos-token-id=7,vocab=8,score=weighted-mean");
    assertThat(h.canonical()).isEqualTo("hf-synthid:keys=-9223372036854775808,ngram-len=2,gvals=hash,"
        + "context-history=4,eos-token-id=7,vocab=8,score=weighted-mean");
    assertThat(h.vocabularySize()).isEqualTo(OptionalInt.of(8));
    assertThat(SchemeSpec.parse(h.canonical())).isEqualTo(h);
    assertThat(h.withScore(HfSynthIdSpec.Score.MEAN).score()).isEqualTo(HfSynthIdSpec.Score.MEAN);
  }

  @Test
  void levelsAreTheReferenceWeightsAsSmallestIntegers() {
    HfSynthIdSpec five = HfSynthIdSpec.parse("hf-synthid:keys=1/2/3/4/5,ngram-len=2,gvals=hash,score=weighted-mean");
    // 10 - 9l/4 = 10, 7.75, 5.5, 3.25, 1 = (40, 31, 22, 13, 4) / 4
    assertThat(five.levels()).containsExactly(40, 31, 22, 13, 4);
    HfSynthIdSpec two = HfSynthIdSpec.parse("hf-synthid:keys=1/2,ngram-len=2,gvals=hash,score=weighted-mean");
    assertThat(two.levels()).containsExactly(10, 1);
    assertThat(HfSynthIdSpec.parse("hf-synthid:keys=1,ngram-len=2,gvals=hash,score=weighted-mean").levels())
        .containsExactly(1);
    assertThat(five.withScore(HfSynthIdSpec.Score.MEAN).levels()).containsExactly(1, 1, 1, 1, 1);
    assertThat(five.nullDistribution()).isEqualTo(new NullDistribution.LayeredBinomial(new int[] {40, 31, 22, 13, 4},
        0.5));
  }

  @Test
  void theTableLawIsNotTheSpecsToGive() {
    HfSynthIdSpec s = HfSynthIdSpec.parse("hf-synthid:keys=1,ngram-len=2,gvals=table");
    assertThatThrownBy(s::nullDistribution).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("fraction of ones");
    assertThat(s.guessableKey()).isTrue();
    assertThat(s.caveat()).contains("GPU");
    assertThat(HfSynthIdSpec.parse("hf-synthid:keys=1,ngram-len=2,gvals=table,table-size=1000").guessableKey())
        .isFalse();
    assertThat(HfSynthIdSpec.parse("hf-synthid:keys=1,ngram-len=2,gvals=hash").guessableKey()).isFalse();
  }

  @Test
  void controlKeysAreDerivedPerLayer() {
    HfSynthIdSpec s = HfSynthIdSpec.parse("hf-synthid:keys=1/2/3,ngram-len=2,gvals=hash");
    HfSynthIdSpec c1 = s.withKey(7);
    assertThat(c1.depth()).isEqualTo(3);
    assertThat(c1.keys()).doesNotHaveDuplicates().isNotEqualTo(s.keys());
    assertThat(s.withKey(7)).isEqualTo(c1);
    assertThat(s.withKey(8).keys()).isNotEqualTo(c1.keys());
    assertThat(c1.ngramLength()).isEqualTo(2);
  }

  @Test
  void rejectsBadParametersNamingThem() {
    assertThatThrownBy(() -> SchemeSpec.parse("hf-synthid:keys=1,ngram-len=1,gvals=hash"))
        .hasMessage("ngram-len must be between 2 and 1024, was 1");
    assertThatThrownBy(() -> SchemeSpec.parse("hf-synthid:keys=1,ngram-len=2,gvals=bits"))
        .hasMessage("gvals must be table or hash, was \"bits\"");
    assertThatThrownBy(() -> SchemeSpec.parse("hf-synthid:keys=1,ngram-len=2"))
        .hasMessage("hf-synthid requires parameter gvals");
    assertThatThrownBy(() -> SchemeSpec.parse("hf-synthid:keys=1,ngram-len=2,gvals=hash,table-size=10"))
        .hasMessage("table-size and table-seed apply to gvals=table only, gvals was hash");
    assertThatThrownBy(() -> SchemeSpec.parse("hf-synthid:keys=1,ngram-len=2,gvals=table,table-size=16777217"))
        .hasMessage("table-size must be between 1 and 16777216, was 16777217");
    assertThatThrownBy(() -> SchemeSpec.parse("hf-synthid:keys=1,ngram-len=2,gvals=hash,score=median"))
        .hasMessage("score must be mean or weighted-mean, was \"median\"");
    assertThatThrownBy(() -> SchemeSpec.parse("hf-synthid:keys=1,ngram-len=2,gvals=hash,vocab=5,eos-token-id=5"))
        .hasMessage("eos-token-id must be below vocab 5, was 5");
    assertThatThrownBy(() -> SchemeSpec.parse("hf-synthid:keys=1/,ngram-len=2,gvals=hash"))
        .hasMessageStartingWith("keys (key 2, counting from 1) must be an integer");
    assertThatThrownBy(() -> new HfSynthIdSpec(List.of(), 2, HfSynthIdSpec.GValues.HASH, 1, 0, 1,
        OptionalInt.empty(), OptionalInt.empty(), HfSynthIdSpec.Score.MEAN))
        .hasMessage("keys must hold between 1 and 1024 keys, held 0");
  }

  @Test
  void theKeyListIsACopy() {
    java.util.ArrayList<Long> keys = new java.util.ArrayList<>(List.of(1L, 2L));
    HfSynthIdSpec s = new HfSynthIdSpec(keys, 2, HfSynthIdSpec.GValues.HASH, 1, 0, 1, OptionalInt.empty(),
        OptionalInt.empty(), HfSynthIdSpec.Score.MEAN);
    keys.set(0, 99L);
    assertThat(s.keys()).containsExactly(1L, 2L);
    assertThatThrownBy(() -> s.keys().set(0, 5L)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void layeredBinomialCopiesItsLevels() {
    int[] levels = {3, 1};
    NullDistribution.LayeredBinomial law = new NullDistribution.LayeredBinomial(levels, 0.25);
    levels[0] = 9;
    assertThat(law.levels()).containsExactly(3, 1);
    assertThat(law.levelSum()).isEqualTo(4);
    assertThat(law.mean()).isEqualTo(1.0);
    assertThat(law.variance()).isEqualTo(0.25 * 0.75 * 10);
    assertThat(law).isEqualTo(new NullDistribution.LayeredBinomial(new int[] {3, 1}, 0.25));
    assertThatThrownBy(() -> new NullDistribution.LayeredBinomial(new int[] {0}, 0.5))
        .hasMessage("level of layer 0 must be between 1 and 1048576, was 0");
  }
}
