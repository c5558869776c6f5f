package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.DedupMode;
import io.tracemark.api.PositionMask;
import io.tracemark.api.TokenScorer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class InteropProfilesTest {

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
      "hf:seeding=selfhash,gamma=0.25,hash-key=15485863,context-width=1,vocab=50257"
          + "|hf:seeding=selfhash,context-width=1,hash-key=15485863,gamma=0.25,delta=2,vocab=50257",
      "hf:vocab=50257,greenlist_ratio=0.3,bias=1.5,hashing_key=7,bos-token-id=50256"
          + "|hf:seeding=lefthash,context-width=1,hash-key=7,gamma=0.3,delta=1.5,vocab=50257,bos-token-id=50256",
      "vllm:algorithm=gumbel,key=42,context-width=4"
          + "|vllm:algorithm=gumbel,key=42,context-width=4,prf=philox4x32-10-v1,deduplicate-contexts=true",
      "vllm:algorithm=dual_key_gumbel,key=18446744073709551615,alpha=0.1"
          + "|vllm:algorithm=dual_key_gumbel,key=18446744073709551615,context-width=4,alpha=0.1,"
          + "prf=philox4x32-10-v1,deduplicate-contexts=true"})
  void canonicalFormsRoundTrip(String spec, String canonical) {
    InteropProfile p = InteropProfiles.parse(spec);
    assertThat(p.spec().canonical()).isEqualTo(canonical);
    assertThat(InteropProfiles.parse(canonical).spec()).isEqualTo(p.spec());
    assertThat(p.requiresKey()).isFalse();
    assertThat(InteropProfiles.isInteropSpec(spec)).isTrue();
  }

  @Test
  void redactedFormHidesTheKey() {
    InteropProfile p = InteropProfiles.parse("vllm:algorithm=gumbel,key=42");
    assertThat(p.spec().redacted()).contains("key=***").doesNotContain("42");
    assertThat(p.spec().toString()).isEqualTo(p.spec().redacted());
    assertThat(p.toString()).doesNotContain("42");
    InteropProfile h = InteropProfiles.parse("hf:vocab=50257,hash-key=987654321");
    assertThat(h.spec().redacted()).contains("hash-key=***").doesNotContain("987654321");
    assertThat(h.scorer().toString()).doesNotContain("987654321");
  }

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
      "kgw:gamma=0.25|scheme family must be lmw, hf or vllm, was \"kgw\"",
      "lefthash|scheme must start with one of lmw:, hf:, vllm:"})
  void rejectsBadSpecsNamingParameterAndValue(String spec, String message) {
    assertThatThrownBy(() -> InteropProfiles.parse(spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void caveatsNameTheGpuLimitation() {
    assertThat(InteropProfiles.parse("lmw:seeding=lefthash,vocab=50257").caveat()).contains("GPU");
    assertThat(InteropProfiles.parse("hf:vocab=50257").caveat()).contains("GPU");
    assertThat(InteropProfiles.parse("vllm:key=1").caveat()).contains("output");
  }

  @Test
  void isInteropSpec() {
    assertThat(InteropProfiles.isInteropSpec("kgw:gamma=0.25")).isFalse();
    assertThat(InteropProfiles.isInteropSpec(" LMW:seeding=lefthash")).isTrue();
    assertThat(InteropProfiles.isInteropSpec(null)).isFalse();
  }

  @Test
  void withKeyGivesTheProfileOfAnotherKey() {
    InteropProfile p = InteropProfiles.parse("hf:seeding=lefthash,vocab=50257,hash-key=15485863");
    InteropProfile q = p.withKey(99);
    assertThat(q.spec().canonical()).isEqualTo(p.spec().canonical().replace("hash-key=15485863", "hash-key=99"));
    InteropProfile r = p.withRandomKey(new SplittableRandom(1));
    assertThat(r.spec().family()).isEqualTo("hf");
    assertThat(r.spec().parameters().get("hash-key")).isNotEqualTo("15485863");
    InteropProfile v = InteropProfiles.parse("vllm:key=5").withKey(-1L);
    assertThat(v.spec().parameters().get("key")).isEqualTo("18446744073709551615");
  }

  /** The scorer and the detector agree position by position, and the mask records the scoring. */
  @ParameterizedTest
  @ValueSource(strings = {
      "lmw:seeding=lefthash,gamma=0.25,vocab=1000",
      "lmw:seeding=selfhash,gamma=0.25,vocab=1000",
      "hf:seeding=selfhash,gamma=0.5,vocab=1000,context-width=2",
      "vllm:algorithm=gumbel,key=42,context-width=3,vocab=1000"})
  void scorerAgreesWithDetector(String spec) {
    InteropProfile p = InteropProfiles.parse(spec);
    int[] tokens = new SplittableRandom(5).ints(300, 0, 5).toArray(); // small alphabet: many repeats
    InteropResult none = p.detect(tokens, 0, tokens.length, DedupMode.NONE);
    TokenScorer scorer = p.scorer();
    int w = scorer.contextWidth();
    double sum = 0;
    long scored = 0;
    for (int i = w; i < tokens.length; i++) {
      sum += scorer.score(tokens, i);
      scored++;
    }
    if (scorer.statistic() == TokenScorer.Statistic.BINOMIAL) {
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
        double total = p.detect(tokens, 0, i + 1, DedupMode.NONE).score();
        if (i >= w) {
          assertThat(total - previous).isCloseTo(scorer.score(tokens, i), within(1e-9));
        }
        previous = total;
      }
      assertThat(previous).isCloseTo(none.score(), within(1e-9));
      assertThat(sum).isLessThan(none.score());
    }
    InteropResult dedup = p.detect(tokens, 0, tokens.length, DedupMode.WINDOW_AND_TOKEN);
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
  void exactPValueIsTheBinomialTail() {
    InteropProfile p = InteropProfiles.parse("lmw:seeding=lefthash,gamma=0.25,vocab=1000");
    int[] tokens = new SplittableRandom(9).ints(500, 0, 1000).toArray();
    InteropResult r = p.detect(tokens);
    assertThat(r.log10PValue()).isCloseTo(
        io.tracemark.core.PValues.log10BinomialUpperTail(r.tuplesScored(), r.green(), 0.25), within(1e-15));
    assertThat(r.toDetectionResult().green()).isEqualTo(r.green());
    assertThat(r.tokensRead()).isEqualTo(500);
  }

  @Test
  void asDetectorForBinomialProfiles() {
    InteropProfile p = InteropProfiles.parse("lmw:seeding=lefthash,gamma=0.25,vocab=1000");
    int[] tokens = new SplittableRandom(4).ints(300, 0, 1000).toArray();
    io.tracemark.api.DetectionResult d = p.asDetector(DedupMode.NONE).detect(tokens);
    InteropResult r = p.detect(tokens, 0, tokens.length, DedupMode.NONE);
    assertThat(d.green()).isEqualTo(r.green());
    assertThat(d.tuplesScored()).isEqualTo(r.tuplesScored());
    assertThat(d.log10PValue()).isEqualTo(r.log10PValue());
    assertThat(d.z()).isEqualTo(r.z());
    assertThatThrownBy(() -> InteropProfiles.parse("vllm:key=1").asDetector(DedupMode.WINDOW))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("detect()");
  }

  /** Units are (seed, token): windows sharing a seed are one unit; the vLLM context is its own unit. */
  @Test
  void unitFingerprintsFollowTheSeed() {
    TokenScorer hf = InteropProfiles.parse("hf:seeding=lefthash,context-width=3,vocab=1000").scorer();
    // transformers' lefthash seeds from the last token only: (1, 2, 9) and (5, 6, 9) are one unit
    int[] a = {1, 2, 9, 40};
    int[] b = {5, 6, 9, 40};
    assertThat(hf.unitFingerprint(a, 3, DedupMode.WINDOW_AND_TOKEN))
        .isEqualTo(hf.unitFingerprint(b, 3, DedupMode.WINDOW_AND_TOKEN));
    assertThat(hf.unitFingerprint(a, 3, DedupMode.WINDOW_AND_TOKEN))
        .isNotEqualTo(hf.unitFingerprint(new int[] {1, 2, 9, 41}, 3, DedupMode.WINDOW_AND_TOKEN));
    assertThat(hf.keyDependentUnits()).isTrue();
    // additive_prf over two tokens: (3, 7) and (7, 3) have one seed
    TokenScorer lmw = InteropProfiles.parse("lmw:seeding=ff-additive_prf-2-False,vocab=1000").scorer();
    assertThat(lmw.unitFingerprint(new int[] {3, 7, 11}, 2, DedupMode.WINDOW))
        .isEqualTo(lmw.unitFingerprint(new int[] {7, 3, 12}, 2, DedupMode.WINDOW));
    // equal units have equal scores
    assertThat(hf.score(a, 3)).isEqualTo(hf.score(b, 3));
    TokenScorer vllm = InteropProfiles.parse("vllm:key=3,context-width=2").scorer();
    assertThat(vllm.keyDependentUnits()).isFalse();
    assertThat(vllm.unitFingerprint(new int[] {1, 2, 3}, 2, DedupMode.WINDOW))
        .isNotEqualTo(vllm.unitFingerprint(new int[] {2, 1, 3}, 2, DedupMode.WINDOW));
  }

  @Test
  void tooShortTextsScoreNothing() {
    InteropProfile p = InteropProfiles.parse("lmw:seeding=selfhash,vocab=1000");
    InteropResult r = p.detect(new int[] {1, 2, 3, 4});
    assertThat(r.tuplesScored()).isZero();
    assertThat(r.log10PValue()).isZero();
    assertThat(r.referencePValue()).isEqualTo(1.0);
  }

  @Test
  void outOfVocabularyTokensAreRejected() {
    InteropProfile p = InteropProfiles.parse("hf:vocab=1000");
    assertThatThrownBy(() -> p.detect(new int[] {1, 2, 1000})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token id at index 2 must be between 0 and 999 (vocab - 1), was 1000");
  }
}
