package io.tracemark.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpecsTest {
  @Test
  void parsesAndPrintsCanonically() {
    GreenListSpec spec = GreenListSpec.parse("kgw:gamma=0.25,delta=2,h=1");
    assertThat(spec).isEqualTo(GreenListSpec.of(0.25, 2, 1));
    assertThat(spec.canonical()).isEqualTo("kgw:gamma=0.25,delta=2,h=1,seeding=left");
    assertThat(GreenListSpec.parse(spec.canonical())).isEqualTo(spec);
    GreenListSpec self = GreenListSpec.parse("kgw:seeding=self,h=4,gamma=0.5,delta=1.5,candidates=10");
    assertThat(self.canonical()).isEqualTo("kgw:gamma=0.5,delta=1.5,h=4,seeding=self,candidates=10");
    assertThat(GreenListSpec.parse("kgw")).isEqualTo(GreenListSpec.of(0.25, 2, 1));
    assertThat(GreenListSpec.parse(" KGW: ")).isEqualTo(GreenListSpec.of(0.25, 2, 1));
  }

  @Test
  void rejectsBadParametersNamingThem() {
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:gamma=1")).hasMessage("gamma must be in (0, 1), was 1.0");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:gamma=0")).hasMessageContaining("gamma");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:delta=-1")).hasMessage("delta must be finite and >= 0, was -1.0");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:delta=NaN")).hasMessageContaining("delta");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:delta=Infinity")).hasMessageContaining("delta");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:h=-1")).hasMessageContaining("h (context width)")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:h=0,seeding=self")).hasMessageContaining("seeding=self");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:foo=1")).hasMessageContaining("unknown kgw parameter \"foo\"");
    assertThatThrownBy(() -> GreenListSpec.parse("xyz:gamma=0.5")).hasMessageContaining("family");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:gamma=a")).hasMessageContaining("gamma must be a plain decimal");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:gamma=0.1,gamma=0.2")).hasMessageContaining("twice");
    assertThatThrownBy(() -> DedupMode.parse("all")).hasMessageContaining("\"all\"");
  }

  @Test
  void anEmptySpecAnAliasGivenTwiceAndNumbersThatAreNotPlainDecimalsAreErrors() {
    for (String empty : new String[] {"", "   ", "\t\n"}) {
      assertThatThrownBy(() -> GreenListSpec.parse(empty)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("scheme is empty");
    }
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:h=1,context-width=1"))
        .hasMessage("scheme parameters h and context-width are the same parameter, give one");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:context-width=2,h=2")).hasMessageContaining("give one");
    for (String bad : new String[] {"0.25f", "0x1p-2", "2.5e-1", "NaN", "Infinity", "0.25d", "\u0660.25"}) {
      assertThatThrownBy(() -> GreenListSpec.parse("kgw:gamma=" + bad)).as(bad)
          .hasMessageStartingWith("gamma must be a plain decimal number");
      assertThatThrownBy(() -> GreenListSpec.parse("kgw:delta=" + bad)).as(bad)
          .hasMessageStartingWith("delta must be a plain decimal number");
    }
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:h=0x2")).hasMessage("h must be an integer, was \"0x2\"");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:h=99999999999"))
        .hasMessageContaining("h must be an integer between");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:candidates=1e3")).hasMessageStartingWith("candidates must be");
    assertThat(GreenListSpec.parse("kgw:gamma=.5,delta=+1.").canonical())
        .isEqualTo("kgw:gamma=0.5,delta=1,h=1,seeding=left");
  }

  @Test
  void echoedValuesAreQuotedCappedAndEscaped() {
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:seeding=x\u001b[2J\ry")).hasMessage(
        "seeding must be left or self, was \"x\\u001b[2J\\ry\"");
    assertThatThrownBy(() -> GreenListSpec.parse("kgw:gamma=" + "9".repeat(500) + "x"))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).endsWith("(501 characters)"));
  }

  @Test
  void dedupModesParseTheirLabels() {
    for (DedupMode m : DedupMode.values()) {
      assertThat(DedupMode.parse(m.label())).isEqualTo(m);
    }
  }
}
