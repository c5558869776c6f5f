package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.DedupMode;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.PayloadDetection;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.PayloadDecoder;
import io.tracemark.core.PayloadTally;
import io.tracemark.core.Watermarks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} on a payload scheme: the tenant's number decoded from a whole suspect corpus, from exactly the units
 * the inheritance test scores, under the key and under each control key.
 */
class PayloadVerificationTest {
  static final int VOCAB = InheritanceVerifierTest.VOCAB;
  static final KgwSpec SPEC = KgwSpec.parse("kgw:payload=16,h=1,delta=2");
  static final WatermarkKey KEY = WatermarkKey.fromBytes(InheritanceVerifierTest.bytes(12));
  static final long DOMINANT = 4711;
  static final List<SuspectRecord> MIXED = mixedCorpus();
  /** A small corpus (about 100 units per symbol position): its laws of the maximum cost little. */
  static final List<SuspectRecord> SMALL = concat(answers(DOMINANT, "t-", 5, 120, 50), answers(17L, "u-", 2, 120, 60),
      answers(null, "p-", 2, 120, 70));

  static List<SuspectRecord> concat(List<SuspectRecord> a, List<SuspectRecord> b, List<SuspectRecord> c) {
    List<SuspectRecord> out = new ArrayList<>(a);
    out.addAll(b);
    out.addAll(c);
    return out;
  }

  /** Records of one tenant's answers (null: no watermark), ids prefixed. */
  static List<SuspectRecord> answers(Long tenant, String prefix, int count, int length, long seed) {
    Watermark wm = tenant == null ? null : Watermarks.create(KEY, SPEC, VOCAB, tenant);
    List<SuspectRecord> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new SuspectRecord(prefix + i, ToyModel.generate(wm, length, VOCAB, seed + i)));
    }
    return out;
  }

  /** Tenant 4711's answers dominate, with a few of three other tenants and unwatermarked text mixed in. */
  static List<SuspectRecord> mixedCorpus() {
    List<SuspectRecord> corpus = new ArrayList<>();
    List<SuspectRecord> dominant = answers(DOMINANT, "t4711-", 12, 150, 100);
    List<List<SuspectRecord>> others = List.of(answers(17L, "t17-", 2, 150, 200), answers(999L, "t999-", 2, 150, 300),
        answers(30_000L, "t30000-", 2, 150, 400), answers(null, "plain-", 3, 150, 500));
    // interleaved, so that the order of the records does not favour one tenant
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
    // the headline is the decoded message's test, corrected for the 2^16 messages
    assertThat(r.log10P()).isEqualTo(d.log10PValue());
    assertThat(r.score()).isEqualTo(d.green());
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
    InheritanceResult r = builder(answers(null, "plain-", 10, 120, 900)).alpha(0.01).build().run();
    assertThat(r.payload()).isNotNull();
    assertThat(r.payload().tuplesScored()).isGreaterThan(800);
    assertThat(r.verdict()).isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
    assertThat(r.log10P()).isGreaterThan(-2);
  }

  @Test
  void theDecodedMessageIsThatOfTheDecoderOverTheSameUnits() {
    List<SuspectRecord> corpus = SMALL;
    PayloadDecoder decoder = Watermarks.payloadDecoder(KEY, SPEC, VOCAB);
    for (DedupMode mode : List.of(DedupMode.NONE, DedupMode.WINDOW_AND_TOKEN)) {
      // the decoder's tally with one deduplication across the records is the global tape of the test
      PayloadTally tally = decoder.newTally(mode);
      corpus.forEach(rec -> tally.add(rec.tokens()));
      PayloadDetection expected = tally.decode();
      for (int threads : new int[] {1, 3}) {
        InheritanceResult r = builder(corpus).dedup(mode).threads(threads).build().run();
        assertThat(r.payload()).as("%s, %d threads", mode, threads).isEqualTo(expected);
      }
    }
  }

  @Test
  void controlKeysAreDecodedAsTheKeyIs() {
    List<SuspectRecord> corpus = SMALL;
    InheritanceResult r = builder(corpus).controlKeys(3).build().run();
    for (int c = 0; c < 3; c++) {
      PayloadTally tally = Watermarks.payloadDecoder(InheritanceVerifier.controlKey(
          InheritanceVerifier.DEFAULT_CONTROL_SEED, c), SPEC, VOCAB).newTally(DedupMode.WINDOW_AND_TOKEN);
      corpus.forEach(rec -> tally.add(rec.tokens()));
      assertThat(r.controls().log10P().get(c)).isEqualTo(tally.decode().log10PValue());
    }
  }

  @Test
  void promptWindowsAreNotDecoded() {
    // the answer repeats its watermarked prompt: every window of the answer occurs in the prompt
    int[] marked = ToyModel.generate(Watermarks.create(KEY, SPEC, VOCAB, DOMINANT), 400, VOCAB, 77);
    InheritanceResult r = builder(List.of(new SuspectRecord("copy", marked, marked))).build().run();
    assertThat(r.tuplesScored()).isZero();
    assertThat(r.counts().excludedPrompt()).isEqualTo(marked.length);
    assertThat(r.verdict()).isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
  }

  @Test
  void optionsWithoutAPayloadLawAreRefused() {
    assertThatThrownBy(() -> builder(SMALL).tenants(3).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenants=3");
    assertThatThrownBy(() -> builder(SMALL).localize(RegionSearch.byId("winmax"), 5).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("localize");
  }

  @Test
  void aDistributedRunRefusesAPayloadBeforeItsRunnerStarts(@TempDir Path dir) throws IOException {
    Path suspect = Files.writeString(dir.resolve("suspect.jsonl"), "{\"tokens\":[1,2,3,4,5]}\n");
    Verification v = Verification.builder().scheme(SPEC).key(KEY).vocabularySize(VOCAB).suspect(suspect).build();
    assertThatThrownBy(() -> v.run(pass -> {
      throw new AssertionError("the runner must not start");
    })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload=b")
        .hasMessageContaining("tracemark verify");
  }
}
