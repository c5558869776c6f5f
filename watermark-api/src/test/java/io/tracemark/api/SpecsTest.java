package io.tracemark.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecsTest {
  @Test
  void parsesAndPrintsCanonically() {
    KgwSpec spec = KgwSpec.parse("kgw:gamma=0.25,delta=2,h=1");
    assertThat(spec).isEqualTo(KgwSpec.of(0.25, 2, 1));
    assertThat(spec.canonical()).isEqualTo("kgw:gamma=0.25,delta=2,h=1,seeding=left");
    assertThat(spec.redacted()).isEqualTo(spec.canonical());
    assertThat(KgwSpec.parse(spec.canonical())).isEqualTo(spec);
    KgwSpec self = KgwSpec.parse("kgw:seeding=self,h=4,gamma=0.5,delta=1.5,candidates=10");
    assertThat(self.canonical()).isEqualTo("kgw:gamma=0.5,delta=1.5,h=4,seeding=self,candidates=10");
    assertThat(KgwSpec.parse("kgw")).isEqualTo(KgwSpec.of(0.25, 2, 1));
    assertThat(KgwSpec.parse(" KGW: ")).isEqualTo(KgwSpec.of(0.25, 2, 1));
    assertThat(SchemeSpec.parse("gamma=0.5,h=2")).isEqualTo(KgwSpec.of(0.5, 2, 2));
    assertThat(SchemeSpec.parse("kgw")).isEqualTo(KgwSpec.of(0.25, 2, 1));
    assertThat(spec.nullDistribution()).isEqualTo(new NullDistribution.Binomial(0.25));
    assertThat(spec.carriesKey()).isFalse();
    assertThat(spec.vocabularySize()).isEmpty();
    assertThat(spec.defaultDedup()).isEqualTo(DedupMode.WINDOW_AND_TOKEN);
  }

  /** Numbers in a canonical form are plain decimals, so every canonical form parses back. */
  @Test
  void canonicalNumbersArePlainDecimalsThatParseBack() {
    KgwSpec tiny = new KgwSpec(0.0001, 1e20, 3, Seeding.LEFT, 40);
    assertThat(tiny.canonical()).isEqualTo("kgw:gamma=0.0001,delta=100000000000000000000,h=3,seeding=left");
    assertThat(SchemeSpec.parse(tiny.canonical())).isEqualTo(tiny);
  }

  @Test
  void rejectsBadParametersNamingThem() {
    assertThatThrownBy(() -> KgwSpec.parse("kgw:gamma=1")).hasMessage("gamma must be in (0, 1), was 1.0");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:gamma=0")).hasMessageContaining("gamma");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:delta=-1")).hasMessage("delta must be finite and >= 0, was -1.0");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:delta=NaN")).hasMessageContaining("delta");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:delta=Infinity")).hasMessageContaining("delta");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:h=-1")).hasMessageContaining("h (context width)")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:h=0,seeding=self")).hasMessageContaining("seeding=self");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:foo=1"))
        .hasMessage("unknown kgw parameter \"foo\" (known: gamma, delta, h, seeding, candidates, payload, symbol-bits)");
    assertThatThrownBy(() -> KgwSpec.parse("xyz:gamma=0.5"))
        .hasMessage("scheme family must be kgw, lmw, hf, vllm, hf-synthid, synthid or gumbel, was \"xyz\"");
    assertThatThrownBy(() -> KgwSpec.parse("vllm:key=1")).hasMessage("scheme family must be kgw, was \"vllm\"");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:gamma=a")).hasMessageContaining("gamma must be a plain decimal");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:gamma=0.1,gamma=0.2"))
        .hasMessage("kgw parameter \"gamma\" is given twice");
    assertThatThrownBy(() -> DedupMode.parse("all")).hasMessageContaining("\"all\"");
  }

  @Test
  void anEmptySpecAnAliasGivenTwiceAStrayCommaAndNumbersThatAreNotPlainDecimalsAreErrors() {
    for (String empty : new String[] {"", "   ", "\t\n"}) {
      assertThatThrownBy(() -> SchemeSpec.parse(empty)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("scheme is empty");
    }
    assertThatThrownBy(() -> KgwSpec.parse("kgw:h=1,context-width=1"))
        .hasMessage("kgw parameters h and context-width are the same, give one");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:context_width=2,h=2")).hasMessageContaining("give one");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:gamma=0.25,")).hasMessage(
        "kgw parameter 2 (counting from 1) is empty (a stray comma?)");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:gamma")).hasMessage(
        "kgw parameter 1 (counting from 1) must be name=value");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:gamma= ")).hasMessage("kgw parameter \"gamma\" has an empty value");
    for (String bad : new String[] {"0.25f", "0x1p-2", "2.5e-1", "NaN", "Infinity", "0.25d", "\u0660.25"}) {
      assertThatThrownBy(() -> KgwSpec.parse("kgw:gamma=" + bad)).as(bad)
          .hasMessageStartingWith("gamma must be a plain decimal number");
      assertThatThrownBy(() -> KgwSpec.parse("kgw:delta=" + bad)).as(bad)
          .hasMessageStartingWith("delta must be a plain decimal number");
    }
    assertThatThrownBy(() -> KgwSpec.parse("kgw:h=0x2")).hasMessage("h must be an integer, was \"0x2\"");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:h=99999999999"))
        .hasMessageContaining("h must be an integer between");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:candidates=1e3")).hasMessageStartingWith("candidates must be");
    assertThat(KgwSpec.parse("kgw:gamma=.5,delta=+1.").canonical())
        .isEqualTo("kgw:gamma=0.5,delta=1,h=1,seeding=left");
  }

  @Test
  void echoedValuesAreQuotedCappedAndEscaped() {
    assertThatThrownBy(() -> KgwSpec.parse("kgw:seeding=x\u001b[2J\ry")).hasMessage(
        "seeding must be left or self, was \"x\\u001b[2J\\ry\"");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:gamma=" + "9".repeat(500) + "x"))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).endsWith("(501 characters)"));
    // an lm-watermarking seeding name given to kgw: its key part is not shown
    assertThatThrownBy(() -> SchemeSpec.parse("kgw:seeding=ff-additive_prf-1-False-8675309123"))
        .hasMessage("seeding must be left or self, was \"ff-additive_prf-1-False-***\"");
  }

  @Test
  void dedupModesParseTheirLabels() {
    for (DedupMode m : DedupMode.values()) {
      assertThat(DedupMode.parse(m.label())).isEqualTo(m);
    }
  }

  /** One grammar: every family's canonical form parses back to an equal record, through SchemeSpec and its own parse. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lmw:seeding=lefthash,gamma=0.25,vocab=50257,hash-key=15485863"
          + "|lmw:prf=additive_prf,context-width=1,self-salt=false,hash-key=15485863,gamma=0.25,delta=2,vocab=50257,"
          + "ignore-repeated-ngrams=true",
      "lmw:seeding=selfhash,vocab=32000"
          + "|lmw:prf=anchored_minhash_prf,context-width=4,self-salt=true,hash-key=15485863,gamma=0.25,delta=2,"
          + "vocab=32000,ignore-repeated-ngrams=true",
      "lmw:seeding=ff-minhash_prf-3-False-77,vocab=1000,gamma=0.5,delta=1.5,ignore-repeated-ngrams=false"
          + "|lmw:prf=minhash_prf,context-width=3,self-salt=false,hash-key=77,gamma=0.5,delta=1.5,vocab=1000,"
          + "ignore-repeated-ngrams=false",
      "LMW:Seeding=lefthash,gamma=0.25,delta=2.0,vocab=50257,ignore_repeated_ngrams=true"
          + "|lmw:prf=additive_prf,context-width=1,self-salt=false,hash-key=15485863,gamma=0.25,delta=2,vocab=50257,"
          + "ignore-repeated-ngrams=true",
      "hf:seeding=selfhash,gamma=0.25,hash-key=15485863,context-width=1,vocab=50257"
          + "|hf:seeding=selfhash,context-width=1,hash-key=15485863,gamma=0.25,delta=2,vocab=50257",
      "hf:vocab=50257,greenlist_ratio=0.3,bias=1.5,hashing_key=7,bos-token-id=50256"
          + "|hf:seeding=lefthash,context-width=1,hash-key=7,gamma=0.3,delta=1.5,vocab=50257,bos-token-id=50256",
      "vllm:algorithm=gumbel,key=42,context-width=4"
          + "|vllm:algorithm=gumbel,key=42,context-width=4,prf=philox4x32-10-v1,deduplicate-contexts=true",
      "vllm:algorithm=dual_key_gumbel,key=18446744073709551615,alpha=0.1"
          + "|vllm:algorithm=dual_key_gumbel,key=18446744073709551615,context-width=4,alpha=0.1,"
          + "prf=philox4x32-10-v1,deduplicate-contexts=true",
      "kgw:h=4,seeding=self|kgw:gamma=0.25,delta=2,h=4,seeding=self,candidates=40"})
  void canonicalFormsRoundTrip(String spec, String canonical) {
    SchemeSpec s = SchemeSpec.parse(spec);
    assertThat(s.canonical()).isEqualTo(canonical);
    assertThat(SchemeSpec.parse(canonical)).isEqualTo(s);
    assertThat(SchemeSpec.parse(s.redacted().replace("***", s instanceof InteropSpec
        ? (s instanceof VllmSpec ? Long.toUnsignedString(((InteropSpec) s).key()) : Long.toString(((InteropSpec) s).key()))
        : "***"))).isEqualTo(s);
    assertThat(s.carriesKey()).isEqualTo(s instanceof InteropSpec);
  }

  @Test
  void theFamiliesOwnParseRefusesAnotherFamily() {
    assertThat(LmwSpec.parse("lmw:seeding=lefthash,vocab=50257").vocabularySize()).isEqualTo(OptionalInt.of(50257));
    assertThat(HfSpec.parse("hf:vocab=50257").defaultDedup()).isEqualTo(DedupMode.NONE);
    assertThat(VllmSpec.parse("vllm:key=1").nullDistribution()).isEqualTo(new NullDistribution.GammaSum());
    assertThatThrownBy(() -> LmwSpec.parse("kgw:gamma=0.25")).hasMessage("scheme family must be lmw, was \"kgw\"");
    assertThatThrownBy(() -> VllmSpec.parse("hf:vocab=5")).hasMessage("scheme family must be vllm, was \"hf\"");
    assertThatThrownBy(() -> SchemeSpec.parse("lmw")).hasMessage(
        "lmw: needs its parameters, e.g. lmw:seeding=lefthash,vocab=50257");
  }

  @Test
  void contextWidthIsWhatAScoreDependsOn() {
    assertThat(SchemeSpec.parse("lmw:seeding=selfhash,vocab=1000").contextWidth()).isEqualTo(3);
    assertThat(SchemeSpec.parse("lmw:seeding=lefthash,vocab=1000").contextWidth()).isEqualTo(1);
    assertThat(SchemeSpec.parse("hf:seeding=selfhash,context-width=2,vocab=1000").contextWidth()).isEqualTo(1);
    assertThat(SchemeSpec.parse("vllm:key=3,context-width=6").contextWidth()).isEqualTo(6);
    assertThat(SchemeSpec.parse("kgw:h=3").contextWidth()).isEqualTo(3);
  }

  @Test
  void aKeyIsReplacedByTheSameFamilysKeyAndNeverPrinted() {
    InteropSpec h = (InteropSpec) SchemeSpec.parse("hf:seeding=lefthash,vocab=50257,hash-key=15485863");
    InteropSpec q = h.withKey(99);
    assertThat(q.canonical()).isEqualTo(h.canonical().replace("hash-key=15485863", "hash-key=99"));
    assertThat(q.toString()).isEqualTo(q.redacted()).contains("hash-key=***").doesNotContain("99");
    InteropSpec v = ((InteropSpec) SchemeSpec.parse("vllm:key=5")).withKey(-1L);
    assertThat(v.canonical()).contains("key=18446744073709551615");
    assertThat(v.redacted()).contains("key=***").doesNotContain("18446744073709551615");
    assertThat(v.keyParameter()).isEqualTo("key");
    assertThat(v.guessableKey()).isFalse();
    assertThat(h.guessableKey()).isTrue();
  }
}
