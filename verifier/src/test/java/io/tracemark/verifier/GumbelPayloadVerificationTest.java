package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.DedupMode;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PayloadDetection;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.GumbelPayloadDecoder;
import io.tracemark.core.GumbelPayloadTally;
import io.tracemark.core.Watermarks;
import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.internal.UnitFingerprints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} on a Gumbel-family payload ({@code gumbel:…,payload=b}): the tenant's number decoded from a whole
 * suspect corpus, from exactly the units the inheritance test scores, under the key and each control key, with the
 * same bits at any number of threads.
 */
class GumbelPayloadVerificationTest {
  static final int VOCAB = InheritanceVerifierTest.VOCAB;
  static final GumbelSpec SPEC = GumbelSpec.parse("gumbel:h=1,payload=16");
  static final WatermarkKey KEY = WatermarkKey.fromBytes(InheritanceVerifierTest.bytes(14));
  static final long DOMINANT = 4711;
  static final List<SuspectRecord> MIXED = mixedCorpus();

  /** {@code n} tokens of the toy model drawn by the Gumbel-max sampler of {@code wm} (plain draws when null). */
  static int[] generate(Watermark wm, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    SamplingScheme sampling = wm == null ? null : wm.sampling().orElseThrow();
    io.tracemark.api.TokenSampler plain = io.tracemark.core.sampling.Samplers.multinomial(random);
    int[] tokens = new int[n];
    float[] logits = new float[VOCAB];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < VOCAB; t++) {
        logits[t] = (float) (-0.6 * Math.log(t + 1.0) + 1.5 * random.nextGaussian());
      }
      tokens[i] = sampling == null ? plain.sample(logits) : sampling.sample(tokens, i, logits, random);
    }
    return tokens;
  }

  /** Records of one tenant's answers (null: no watermark), ids prefixed. */
  static List<SuspectRecord> answers(Long tenant, String prefix, int count, int length, long seed) {
    Watermark wm = tenant == null ? null : Watermarks.create(KEY, SPEC, VOCAB, tenant);
    List<SuspectRecord> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new SuspectRecord(prefix + i, generate(wm, length, seed + i)));
    }
    return out;
  }

  /** Tenant 4711's answers dominate, with a few of three other tenants and unwatermarked text interleaved. */
  static List<SuspectRecord> mixedCorpus() {
    List<SuspectRecord> corpus = new ArrayList<>();
    List<SuspectRecord> dominant = answers(DOMINANT, "t4711-", 8, 100, 100);
    List<List<SuspectRecord>> others = List.of(answers(17L, "t17-", 2, 100, 200), answers(999L, "t999-", 2, 100, 300),
        answers(30_000L, "t30000-", 2, 100, 400), answers(null, "plain-", 2, 100, 500));
    for (int i = 0; i < dominant.size(); i++) {
      corpus.add(dominant.get(i));
      List<SuspectRecord> o = others.get(i % others.size());
      if (i / others.size() < o.size()) {
        corpus.add(o.get(i / others.size()));
      }
    }
    return corpus;
  }

  static Verification.Builder builder(List<SuspectRecord> records) {
    return Verification.builder().scheme(SPEC).key(KEY).vocabularySize(VOCAB).records(records).controlKeys(20)
        .alpha(1e-6);
  }

  @Test
  void theDominantTenantOfACorpusIsNamedWithPBelowAlpha() {
    InheritanceResult r = builder(MIXED).threads(2).build().run();
    PayloadDetection d = r.payload();
    assertThat(d).isNotNull();
    assertThat(d.message()).isEqualTo(DOMINANT);
    assertThat(d.log10PValue()).isLessThan(-6);
    assertThat(r.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(r.nullDistribution()).isInstanceOf(NullDistribution.GammaSum.class);
    // the headline is the decoded message's score sum, tested with the p-value corrected for the 2^16 messages
    assertThat(r.log10P()).isEqualTo(d.log10PValue());
    assertThat(r.score()).isEqualTo(d.score());
    assertThat(r.score()).isGreaterThan(d.tuplesScored());
    assertThat(r.tuplesScored()).isEqualTo(d.tuplesScored());
    // every control key decodes some message too; none stands out like the key
    assertThat(r.controls().count()).isEqualTo(20);
    assertThat(r.controls().bestKeyRank()).isEqualTo(1);
    assertThat(r.controls().flaggedAtAlpha()).isZero();
    assertThat(r.controls().log10P()).allSatisfy(p -> assertThat(p).isGreaterThan(-6));
    assertThat(r.curve()).hasSize(1);
    assertThat(r.topRecords()).isEmpty();
  }

  @Test
  void anUnwatermarkedCorpusIsNotSignificant() {
    InheritanceResult r = builder(answers(null, "plain-", 8, 100, 900)).alpha(0.01).build().run();
    assertThat(r.payload()).isNotNull();
    assertThat(r.payload().tuplesScored()).isGreaterThan(700);
    assertThat(r.verdict()).isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
    assertThat(r.log10P()).isGreaterThan(-2);
  }

  @Test
  void theCorpusDecodeIsTheDecodersOverTheSameUnitsAtAnyThreads() {
    GumbelPayloadDecoder decoder = Watermarks.payloadDecoder(KEY, SPEC, VOCAB);
    for (DedupMode mode : List.of(DedupMode.NONE, DedupMode.WINDOW_AND_TOKEN)) {
      // the decoder's tally with one deduplication across the records is the global tape of the test
      GumbelPayloadTally tally = decoder.newTally(mode);
      MIXED.forEach(rec -> tally.add(rec.tokens()));
      PayloadDetection expected = tally.decode();
      for (int threads : new int[] {1, 3}) {
        InheritanceResult r = builder(MIXED).dedup(mode).threads(threads).controlKeys(3).build().run();
        // equal records: the same message, symbols (sums and counts) and p-value, to the bit
        assertThat(r.payload()).as("%s, %d threads", mode, threads).isEqualTo(expected);
        assertThat(Double.doubleToRawLongBits(r.payload().score()))
            .isEqualTo(Double.doubleToRawLongBits(expected.score()));
      }
    }
    // the distinct units alone, in reverse order, one at a time: the same sums
    LongHashSet seen = new LongHashSet(1024);
    GumbelPayloadTally units = decoder.newTally(DedupMode.NONE);
    long tokens = 0;
    for (int i = MIXED.size() - 1; i >= 0; i--) {
      int[] t = MIXED.get(i).tokens();
      tokens += t.length;
      for (int pos = t.length - 1; pos >= 1; pos--) {
        if (seen.add(UnitFingerprints.tuple(t, pos - 1, 1, t[pos]))) {
          units.addUnit(t, pos);
        }
      }
    }
    PayloadDetection r = builder(MIXED).threads(3).controlKeys(0).build().run().payload();
    PayloadDetection direct = units.decode();
    assertThat(r.symbols()).isEqualTo(direct.symbols());
    assertThat(r.log10PValue()).isEqualTo(direct.log10PValue());
    assertThat(r.message()).isEqualTo(direct.message());
    assertThat(r.tokensRead()).isEqualTo(tokens);
  }

  @Test
  void controlKeysAreDecodedAsTheKeyIs() {
    InheritanceResult r = builder(MIXED).controlKeys(3).build().run();
    for (int c = 0; c < 3; c++) {
      GumbelPayloadTally tally = Watermarks.payloadDecoder(InheritanceVerifier.controlKey(
          InheritanceVerifier.DEFAULT_CONTROL_SEED, c), SPEC, VOCAB).newTally(DedupMode.WINDOW_AND_TOKEN);
      MIXED.forEach(rec -> tally.add(rec.tokens()));
      assertThat(r.controls().log10P().get(c)).isEqualTo(tally.decode().log10PValue());
    }
  }

  @Test
  void promptWindowsAreNotDecoded() {
    int[] marked = generate(Watermarks.create(KEY, SPEC, VOCAB, DOMINANT), 200, 77);
    InheritanceResult r = builder(List.of(new SuspectRecord("copy", marked, marked))).build().run();
    assertThat(r.tuplesScored()).isZero();
    assertThat(r.counts().excludedPrompt()).isEqualTo(marked.length);
    assertThat(r.verdict()).isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
  }

  @Test
  void optionsWithoutAPayloadLawAreRefused() {
    List<SuspectRecord> one = List.of(new SuspectRecord("a", new int[] {1, 2, 3}));
    assertThatThrownBy(() -> builder(one).tenants(3).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenants=3");
    assertThatThrownBy(() -> builder(one).localize(RegionSearch.byId("winmax"), 5).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("localize");
  }

  @Test
  void aDistributedRunRefusesAGumbelPayloadBeforeItsRunnerStarts(@TempDir Path dir) throws IOException {
    Path suspect = Files.writeString(dir.resolve("suspect.jsonl"), "{\"tokens\":[1,2,3,4,5]}\n");
    Verification v = Verification.builder().scheme(SPEC).key(KEY).vocabularySize(VOCAB).suspect(suspect).build();
    assertThatThrownBy(() -> v.run(pass -> {
      throw new AssertionError("the runner must not start");
    })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload=b")
        .hasMessageContaining("tracemark verify");
  }
}
