package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PositionMask;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.stats.PValues;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The interop families behind the one Watermark: what each one's watermark, scorer and detectors do. */
class InteropWatermarksTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lmw:seeding=lefthash|lmw requires parameter vocab",
      "lmw:seeding=lefthash,vocab=50257,gamma=1.5|gamma must be in (0, 1), was 1.5",
      "lmw:seeding=nohash,vocab=50257|seeding must be lefthash",
      "lmw:seeding=ff-nosuch_prf-2-False,vocab=50257|prf must be one of",
      "lmw:seeding=ff-minskipgram_prf-1-False,vocab=50257|context-width must be >= 2 for minskipgram_prf, was 1",
      "lmw:seeding=ff-additive_prf-2-False-5,hash-key=6,vocab=50257|hash-key differs from the key part of seeding",
      "lmw:seeding=lefthash,vocab=50257,hash-key=abc|hash-key must be an integer",
      "lmw:seeding=lefthash,vocab=50257,colour=red|unknown lmw parameter \"colour\"",
      "lmw:seeding=lefthash,vocab=50257,vocab=3|lmw parameter \"vocab\" is given twice",
      "hf:seeding=minhash,vocab=50257|seeding must be lefthash or selfhash, was \"minhash\"",
      "hf:vocab=50257,gamma=0.25,greenlist-ratio=0.25|are the same, give one",
      "hf:vocab=1|vocab must be between 2 and",
      "hf:vocab=50257,context-width=0|context-width must be between 1 and 64, was 0",
      "vllm:algorithm=gumbel|vllm requires parameter key",
      "vllm:algorithm=gumbel,key=-1|key must be an integer between 0 and 18446744073709551615",
      "vllm:algorithm=gumbel,key=18446744073709551616|key must be an integer between 0 and 18446744073709551615",
      "vllm:algorithm=gumbel,key=1,alpha=0.2|alpha applies to algorithm=dual_key_gumbel only",
      "vllm:algorithm=dual_key_gumbel,key=1,alpha=2|alpha must be between 0 and 1, was 2",
      "vllm:algorithm=sbw,key=1|algorithm must be gumbel or dual_key_gumbel",
      "vllm:algorithm=gumbel,key=1,prf=hmac|prf must be philox",
      "vllm:algorithm=gumbel,key=1,|vllm parameter 3 (counting from 1) is empty (a stray comma?)",
      "lmw,seeding=lefthash|kgw parameter 1 (counting from 1) must be name=value"})
  void rejectsBadSpecsNamingParameterAndValue(String spec, String message) {
    assertThatThrownBy(() -> SchemeSpec.parse(spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theWatermarkNamesItsKeyByALabelAndHidesIt() {
    Watermark p = GoldenVectors.watermark("vllm:algorithm=gumbel,key=42");
    assertThat(p.keyId()).isEqualTo("vllm-key");
    assertThat(p.spec().redacted()).contains("key=***").doesNotContain("42");
    assertThat(p.spec().toString()).isEqualTo(p.spec().redacted());
    assertThat(p.toString()).doesNotContain("42");
    assertThat(p.vocabularySize()).isEqualTo(Integer.MAX_VALUE);
    Watermark h = GoldenVectors.watermark("hf:vocab=50257,hash-key=987654321");
    assertThat(h.spec().redacted()).contains("hash-key=***").doesNotContain("987654321");
    assertThat(h.scorer().toString()).doesNotContain("987654321");
    assertThat(h.keyId()).isEqualTo("hf-key");
  }

  @Test
  void caveatsNameTheGpuLimitation() {
    assertThat(((InteropSpec) SchemeSpec.parse("lmw:seeding=lefthash,vocab=50257")).caveat()).contains("GPU");
    assertThat(((InteropSpec) SchemeSpec.parse("hf:vocab=50257")).caveat()).contains("GPU");
    assertThat(((InteropSpec) SchemeSpec.parse("vllm:key=1")).caveat()).contains("output");
  }

  @Test
  void familiesHaveTheirGenerationSideAndDefaultDeduplication() {
    Watermark lmw = GoldenVectors.watermark("lmw:seeding=lefthash,vocab=1000");
    assertThat(lmw.bias()).isPresent();
    assertThat(lmw.sampling()).isEmpty();
    assertThat(lmw.defaultDedup()).isEqualTo(DedupMode.WINDOW_AND_TOKEN);
    assertThat(GoldenVectors.watermark("lmw:seeding=lefthash,vocab=1000,ignore-repeated-ngrams=false").defaultDedup())
        .isEqualTo(DedupMode.NONE);
    assertThat(GoldenVectors.watermark("hf:vocab=1000").defaultDedup()).isEqualTo(DedupMode.NONE);
    Watermark vllm = GoldenVectors.watermark("vllm:key=1,vocab=1000");
    assertThat(vllm.bias()).isEmpty();
    assertThat(vllm.sampling()).isPresent();
    assertThat(vllm.defaultDedup()).isEqualTo(DedupMode.WINDOW);
    assertThat(vllm.detector().dedup()).isEqualTo(DedupMode.WINDOW);
    assertThat(vllm.detector().parallelism()).isEqualTo(1);
  }

  /** Watermarks.create: the key is the spec's, the vocabulary must agree with the spec's own. */
  @Test
  void createRefusesAKeyAndAnotherVocabulary() {
    SchemeSpec spec = SchemeSpec.parse("lmw:seeding=lefthash,vocab=1000,hash-key=8675309123");
    assertThatThrownBy(() -> Watermarks.create(WatermarkKey.fromBytes(new byte[32]), spec, 1000))
        .hasMessage("lmw: schemes carry their key in the specification (its hash-key parameter): give no "
            + "WatermarkKey");
    assertThatThrownBy(() -> Watermarks.create(null, spec, 1001))
        .hasMessage("vocabularySize must equal the specification's vocab=1000, was 1001");
    assertThat(Watermarks.create(null, SchemeSpec.parse("vllm:key=1"), 500).vocabularySize()).isEqualTo(500);
    assertThatThrownBy(() -> Watermarks.create(null, SchemeSpec.parse("kgw"), 500)).isInstanceOf(
        NullPointerException.class).hasMessageContaining("key");
  }

  @Test
  void withKeyGivesTheWatermarkOfAnotherKey() {
    InteropSpec s = (InteropSpec) SchemeSpec.parse("lmw:seeding=lefthash,vocab=1000");
    int[] tokens = new SplittableRandom(2).ints(400, 0, 1000).toArray();
    Detection a = Watermarks.create(s).detector().detect(tokens);
    Detection b = Watermarks.create(s.withKey(99)).detector().detect(tokens);
    assertThat(Watermarks.create(s.withKey(99)).spec().canonical()).contains("hash-key=99");
    assertThat(b.mask()).isNotEqualTo(a.mask());
  }

  /** The scorer and the detector agree position by position, and the mask records the scoring. */
  @ParameterizedTest
  @ValueSource(strings = {
      "lmw:seeding=lefthash,gamma=0.25,vocab=1000",
      "lmw:seeding=selfhash,gamma=0.25,vocab=1000",
      "hf:seeding=selfhash,gamma=0.5,vocab=1000,context-width=2",
      "vllm:algorithm=gumbel,key=42,context-width=3,vocab=1000"})
  void scorerAgreesWithDetector(String spec) {
    Watermark p = GoldenVectors.watermark(spec);
    int[] tokens = new SplittableRandom(5).ints(300, 0, 5).toArray(); // small alphabet: many repeats
    Detection none = p.detector(DedupMode.NONE).detect(tokens, 0, tokens.length);
    TokenScorer scorer = p.scorer();
    int w = scorer.contextWidth();
    double sum = 0;
    long scored = 0;
    for (int i = w; i < tokens.length; i++) {
      sum += scorer.score(tokens, i);
      scored++;
    }
    if (scorer.nullDistribution() instanceof NullDistribution.Binomial) {
      assertThat(none.tuplesScored()).isEqualTo(scored);
      assertThat((double) none.green()).isEqualTo(sum);
      for (int i = w; i < tokens.length; i++) {
        assertThat(none.mask().green(i)).isEqualTo(scorer.score(tokens, i) == 1.0);
      }
      for (int i = 0; i < w; i++) {
        assertThat(none.mask().state(i)).isEqualTo(PositionMask.State.NO_CONTEXT);
      }
    } else {
      // vLLM also scores the first w tokens (context padded with -1); from w on, the score added by
      // each token is the scorer's
      assertThat(none.tuplesScored()).isEqualTo(tokens.length);
      double previous = 0;
      for (int i = 0; i < tokens.length; i++) {
        double total = p.detector(DedupMode.NONE).detect(tokens, 0, i + 1).score();
        if (i >= w) {
          assertThat(total - previous).isCloseTo(scorer.score(tokens, i), within(1e-9));
        }
        previous = total;
      }
      assertThat(previous).isCloseTo(none.score(), within(1e-9));
      assertThat(sum).isLessThan(none.score());
    }
    Detection dedup = p.detector(DedupMode.WINDOW_AND_TOKEN).detect(tokens, 0, tokens.length);
    assertThat(dedup.tuplesScored()).isLessThan(none.tuplesScored());
    long duplicates = 0;
    for (int i = 0; i < tokens.length; i++) {
      if (dedup.mask().state(i) == PositionMask.State.DUPLICATE) {
        duplicates++;
      }
    }
    assertThat(dedup.tuplesScored() + duplicates).isEqualTo(none.tuplesScored());
  }

  @Test
  void exactPValueIsTheBinomialTailAndTheReferencesIsKept() {
    Watermark p = GoldenVectors.watermark("lmw:seeding=lefthash,gamma=0.25,vocab=1000");
    int[] tokens = new SplittableRandom(9).ints(500, 0, 1000).toArray();
    Detection r = p.detector().detect(tokens);
    assertThat(r.log10PValue()).isCloseTo(
        io.tracemark.core.stats.PValues.log10BinomialUpperTail(r.tuplesScored(), r.green(), 0.25), within(1e-15));
    assertThat(r.score()).isEqualTo(r.green());
    assertThat(r.nullDistribution()).isEqualTo(new NullDistribution.Binomial(0.25));
    assertThat(r.referencePValue()).isPresent();
    assertThat(r.tokensRead()).isEqualTo(500);
  }

  /** Units are (seed, token): windows sharing a seed are one unit; the vLLM context is its own unit. */
  @Test
  void unitFingerprintsFollowTheSeed() {
    TokenScorer hf = GoldenVectors.watermark("hf:seeding=lefthash,context-width=3,vocab=1000").scorer();
    // transformers' lefthash seeds from the last token only: (1, 2, 9) and (5, 6, 9) are one unit
    int[] a = {1, 2, 9, 40};
    int[] b = {5, 6, 9, 40};
    assertThat(hf.unitFingerprint(a, 3, DedupMode.WINDOW_AND_TOKEN))
        .isEqualTo(hf.unitFingerprint(b, 3, DedupMode.WINDOW_AND_TOKEN));
    assertThat(hf.unitFingerprint(a, 3, DedupMode.WINDOW_AND_TOKEN))
        .isNotEqualTo(hf.unitFingerprint(new int[] {1, 2, 9, 41}, 3, DedupMode.WINDOW_AND_TOKEN));
    assertThat(hf.keyDependentUnits()).isTrue();
    // additive_prf over two tokens: (3, 7) and (7, 3) have one seed
    TokenScorer lmw = GoldenVectors.watermark("lmw:seeding=ff-additive_prf-2-False,vocab=1000").scorer();
    assertThat(lmw.unitFingerprint(new int[] {3, 7, 11}, 2, DedupMode.WINDOW))
        .isEqualTo(lmw.unitFingerprint(new int[] {7, 3, 12}, 2, DedupMode.WINDOW));
    // equal units have equal scores
    assertThat(hf.score(a, 3)).isEqualTo(hf.score(b, 3));
    TokenScorer vllm = GoldenVectors.watermark("vllm:key=3,context-width=2").scorer();
    assertThat(vllm.keyDependentUnits()).isFalse();
    assertThat(vllm.unitFingerprint(new int[] {1, 2, 3}, 2, DedupMode.WINDOW))
        .isNotEqualTo(vllm.unitFingerprint(new int[] {2, 1, 3}, 2, DedupMode.WINDOW));
  }

  @Test
  void tooShortTextsScoreNothing() {
    Watermark p = GoldenVectors.watermark("lmw:seeding=selfhash,vocab=1000");
    Detection r = p.detector().detect(new int[] {1, 2, 3, 4});
    assertThat(r.tuplesScored()).isZero();
    assertThat(r.log10PValue()).isZero();
    assertThat(r.referencePValue().getAsDouble()).isEqualTo(1.0);
  }

  @Test
  void outOfVocabularyTokensAreRejected() {
    Watermark p = GoldenVectors.watermark("hf:vocab=1000");
    assertThatThrownBy(() -> p.detector().detect(new int[] {1, 2, 1000})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token id at index 2 must be between 0 and 999 (vocab - 1), was 1000");
  }
}
