package io.tracemark.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GumbelSpecTest {
  @Test
  void theFormsParseToTheirRecords() {
    assertThat(SchemeSpec.parse("gumbel")).isEqualTo(new GumbelSpec(4, false, 0, GumbelSpec.Score.SUM));
    assertThat(SchemeSpec.parse("gumbel:h=2")).isEqualTo(new GumbelSpec(2, false, 0, GumbelSpec.Score.SUM));
    assertThat(SchemeSpec.parse("gumbel:h=3,dual,alpha=0.25"))
        .isEqualTo(new GumbelSpec(3, true, 0.25, GumbelSpec.Score.SUM));
    assertThat(SchemeSpec.parse("GUMBEL: Dual , h=1")).isEqualTo(new GumbelSpec(1, true, 0.1, GumbelSpec.Score.SUM));
    assertThat(SchemeSpec.parse("gumbel:dual=false,context-width=5,score=windowed"))
        .isEqualTo(new GumbelSpec(5, false, 0, GumbelSpec.Score.WINDOWED));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gumbel:h=4", "gumbel:h=1,dual,alpha=0.1", "gumbel:h=255,dual,alpha=0.5,score=windowed",
      "gumbel:h=2,score=windowed", "gumbel:h=7,dual,alpha=0.00001"})
  void theCanonicalFormParsesBackAndHoldsNoKey(String text) {
    GumbelSpec s = GumbelSpec.parse(text);
    assertThat(SchemeSpec.parse(s.canonical())).isEqualTo(s);
    assertThat(s.redacted()).isEqualTo(s.canonical()).isEqualTo(s.toString());
    assertThat(s.carriesKey()).isFalse();
    assertThat(s.nullDistribution()).isEqualTo(new NullDistribution.GammaSum());
    assertThat(s.defaultDedup()).isEqualTo(DedupMode.WINDOW_AND_TOKEN);
    assertThat(s.vocabularySize()).isEmpty();
  }

  @Test
  void theCanonicalFormSpellsEveryParameter() {
    assertThat(GumbelSpec.parse("gumbel").canonical()).isEqualTo("gumbel:h=4,score=sum");
    assertThat(GumbelSpec.parse("gumbel:dual").canonical()).isEqualTo("gumbel:h=4,dual,alpha=0.1,score=sum");
  }

  @Test
  void badParametersAreRefusedByName() {
    assertThatThrownBy(() -> SchemeSpec.parse("gumbel:h=0")).hasMessage("h must be between 1 and 255, was 0");
    assertThatThrownBy(() -> SchemeSpec.parse("gumbel:alpha=0.2"))
        .hasMessage("alpha applies to the dual-key scheme only (add dual)");
    assertThatThrownBy(() -> SchemeSpec.parse("gumbel:dual,alpha=1")).hasMessage("alpha must be in (0, 1), was \"1\"");
    assertThatThrownBy(() -> SchemeSpec.parse("gumbel:dual,alpha=0")).hasMessage("alpha must be in (0, 1), was \"0\"");
    assertThatThrownBy(() -> SchemeSpec.parse("gumbel:dual,dual=true")).hasMessage("gumbel parameter \"dual\" is given twice");
    assertThatThrownBy(() -> SchemeSpec.parse("gumbel:score=max")).hasMessage("score must be sum or windowed, was \"max\"");
    assertThatThrownBy(() -> SchemeSpec.parse("gumbel:gamma=0.5"))
        .hasMessage("unknown gumbel parameter \"gamma\" (known: h, dual, alpha, score, payload, symbol-bits)");
    assertThatThrownBy(() -> SchemeSpec.parse("gumbel:dual=maybe")).hasMessage("dual must be true or false, was \"maybe\"");
    assertThatThrownBy(() -> GumbelSpec.parse("kgw:h=1")).hasMessage("scheme family must be gumbel, was \"kgw\"");
    assertThatThrownBy(() -> new GumbelSpec(2, false, 0.1, GumbelSpec.Score.SUM))
        .hasMessageContaining("alpha applies to the dual-key scheme only");
  }

  /** A key file made for a kgw scheme refuses a gumbel run by naming the field, and a key for any scheme accepts it. */
  @Test
  void aKeyRecordedForKgwReportsAnotherFamily() {
    GumbelSpec run = GumbelSpec.parse("gumbel:h=2");
    assertThat(new KeyUse(KgwSpec.parse("kgw:gamma=0.25,h=2"), "cl100k_base", 100_277).mismatches(run, "cl100k_base",
        100_277)).containsExactly("scheme (family differs)");
    assertThat(new KeyUse(null, "cl100k_base", 100_277).mismatches(run, "o200k_base", 100_277))
        .containsExactly("tokenizer");
    assertThat(KeyUse.ANY.mismatches(run, null, 5)).isEmpty();
  }
}
