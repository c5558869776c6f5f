package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.DedupMode;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.LogitsModel;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InheritanceVerifierTest {
  static final int VOCAB = 4000;
  static final KgwSpec SPEC = KgwSpec.parse("kgw:gamma=0.25,delta=2,h=1");
  static final WatermarkKey KEY = WatermarkKey.fromBytes(bytes(1));
  static final Watermark WM = Watermarks.create(KEY, SPEC, VOCAB);

  static byte[] bytes(int seed) {
    byte[] b = new byte[32];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  static List<SuspectRecord> records(Watermark scheme, int count, int length, long seed) {
    List<SuspectRecord> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new SuspectRecord("r" + i, ToyModel.generate(scheme, length, VOCAB, seed + i)));
    }
    return out;
  }

  @Test
  void watermarkedOutputsAreDetectedAndStandOutFromControls() {
    InheritanceResult r = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).alpha(1e-3).build()
        .closedModel(records(WM, 10, 120, 100));
    assertThat(r.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(r.log10P()).isLessThan(-10);
    assertThat(r.rate()).isGreaterThan(0.4);
    assertThat(r.controls().count()).isEqualTo(100);
    assertThat(r.controls().bestKeyRank()).isEqualTo(1);
    assertThat(r.keys()).hasSize(1);
    assertThat(r.keys().get(0).label()).isEqualTo(KEY.keyId());
    assertThat(r.tokensRead()).isEqualTo(1200);
    assertThat(r.curve()).isNotEmpty();
    assertThat(r.curve().get(r.curve().size() - 1).tuples()).isEqualTo(r.tuplesScored());
    assertThat(r.curve().get(r.curve().size() - 1).log10P()).isEqualTo(r.log10P());
    assertThat(r.topRecords()).hasSize(10);
    assertThat(r.flags()).isEmpty();
  }

  @Test
  void unwatermarkedOutputsAreNotDetected() {
    InheritanceResult r = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).build()
        .closedModel(records(null, 10, 120, 100));
    assertThat(r.verdict()).isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
    assertThat(r.log10P()).isGreaterThan(-2);
  }

  @Test
  void oneGlobalTapeScoresARepeatedRecordOnce() {
    List<SuspectRecord> once = records(WM, 1, 200, 7);
    List<SuspectRecord> many = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add(new SuspectRecord("copy" + i, once.get(0).tokens()));
    }
    InheritanceVerifier v = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(0).build();
    InheritanceResult a = v.closedModel(once);
    InheritanceResult b = v.closedModel(many);
    assertThat(b.tuplesScored()).isEqualTo(a.tuplesScored());
    assertThat(b.score()).isEqualTo(a.score());
    assertThat(b.tokensRead()).isEqualTo(50 * a.tokensRead());
    assertThat(b.counts().duplicates()).isEqualTo(49 * (a.tokensRead() - 1) + a.counts().duplicates() * 50);
    InheritanceResult none = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(0).dedup(DedupMode.NONE)
        .build().closedModel(many);
    assertThat(none.tuplesScored()).isEqualTo(50 * 199);
  }

  @Test
  void watermarkedPromptCopiedIntoAnAnswerIsNotInheritanceWhenPromptWindowsAreExcluded() {
    List<SuspectRecord> leaky = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int[] prompt = ToyModel.generate(WM, 150, VOCAB, 1000 + i);
      int[] fresh = ToyModel.generate((BiasScheme) null, 100, VOCAB, 2000 + i);
      int[] answer = Arrays.copyOf(prompt, prompt.length + fresh.length);
      System.arraycopy(fresh, 0, answer, prompt.length, fresh.length);
      leaky.add(new SuspectRecord("leak" + i, answer, prompt));
    }
    InheritanceResult on = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).alpha(1e-3).build().closedModel(leaky);
    InheritanceResult off = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).alpha(1e-3).excludePromptWindows(false)
        .build().closedModel(leaky);
    assertThat(on.verdict()).isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
    assertThat(on.counts().excludedPrompt()).isGreaterThanOrEqualTo(10 * 150);
    assertThat(on.tuplesScored()).isGreaterThan(500);
    assertThat(off.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(off.log10P()).isLessThan(-10);
  }

  @Test
  void tenantsAreTestedTogetherWithHolmAndTheLeakingTenantIsNamed() {
    WatermarkKey master = WatermarkKey.fromBytes(bytes(5));
    Watermark tenant2 = Watermarks.create(Keys.tenant(master, 2), SPEC, VOCAB);
    InheritanceResult r = InheritanceVerifier.greenListTenants(master, 4, SPEC, VOCAB).controlKeys(20).alpha(1e-3)
        .build().closedModel(records(tenant2, 6, 100, 300));
    assertThat(r.keys()).extracting(InheritanceResult.KeyResult::label)
        .containsExactly("master", "tenant-0", "tenant-1", "tenant-2", "tenant-3");
    assertThat(r.best().label()).isEqualTo("tenant-2");
    assertThat(r.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(r.log10PAdjusted()).isEqualTo(r.log10P() + Math.log10(5), org.assertj.core.data.Offset.offset(1e-9));
    for (InheritanceResult.KeyResult k : r.keys()) {
      if (!k.label().equals("tenant-2")) {
        assertThat(k.significant()).as(k.label()).isFalse();
      }
    }
  }

  @Test
  void twoWorkersGiveExactlyTheResultOfOne() {
    List<SuspectRecord> recs = new ArrayList<>(records(WM, 12, 150, 40));
    recs.addAll(records(null, 12, 150, 80));
    recs.add(recs.get(3)); // duplicates across records
    List<SuspectRecord> withPrompts = new ArrayList<>();
    for (int i = 0; i < recs.size(); i++) {
      int[] t = recs.get(i).tokens();
      withPrompts.add(new SuspectRecord("p" + i, Arrays.copyOfRange(t, 40, t.length), Arrays.copyOf(t, 40)));
    }
    OwnerFilter phi = OwnerFilter.all(1, List.of(recs.get(0).tokens(), recs.get(20).tokens()));
    for (OwnerFilter f : Arrays.asList(null, phi)) {
      for (DedupMode mode : DedupMode.values()) {
        InheritanceResult one = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(10).dedup(mode)
            .ownerFilter(f).build().closedModel(withPrompts);
        InheritanceResult two = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(10).dedup(mode)
            .ownerFilter(f).threads(2).build().closedModel(withPrompts);
        assertThat(two).as("%s, filter %s", mode, f).isEqualTo(one);
      }
    }
  }

  @Test
  void aTapeSpilledToDiskGivesExactlyTheInMemoryResult(@org.junit.jupiter.api.io.TempDir java.nio.file.Path spill)
      throws java.io.IOException {
    List<SuspectRecord> recs = new ArrayList<>(records(WM, 10, 200, 140));
    recs.addAll(records(null, 10, 200, 180));
    recs.addAll(records(WM, 5, 200, 140)); // exact repeats after the spill starts
    for (DedupMode mode : List.of(DedupMode.WINDOW_AND_TOKEN, DedupMode.WINDOW)) {
      for (int threads : new int[] {1, 2}) {
        InheritanceResult memory = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(5).dedup(mode)
            .threads(threads).build().closedModel(recs);
        InheritanceResult disk = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(5).dedup(mode)
            .threads(threads).tapeMemoryBudget(1024 * 32).spillDirectory(spill).build().closedModel(recs);
        assertThat(disk).as("%s, %d threads", mode, threads).isEqualTo(memory);
        assertThat(memory.tuplesScored()).isGreaterThan(2000); // far past 1024 fingerprints
      }
    }
    try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(spill)) {
      assertThat(left).isEmpty();
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"kgw:gamma=0.25,h=2", "kgw:gamma=0.25,h=3,seeding=self",
      "kgw:gamma=0.5,h=1,seeding=self"})
  void oneRecordUnderOneKeyScoresExactlyWhatTheCoreDetectorScores(String spec) {
    KgwSpec s = KgwSpec.parse(spec);
    Watermark wm = Watermarks.create(KEY, s, VOCAB);
    SplittableRandom r = new SplittableRandom(3);
    int[] tokens = new int[3000];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = r.nextInt(40); // a small alphabet: many repeated windows and min-hash collisions
    }
    for (DedupMode mode : List.of(DedupMode.WINDOW_AND_TOKEN, DedupMode.WINDOW)) {
      io.tracemark.api.Detection d = wm.detector(mode).detect(tokens);
      InheritanceResult v = InheritanceVerifier.builder().scorer("k", wm.scorer()).dedup(mode).build()
          .closedModel(List.of(new SuspectRecord("x", tokens)));
      assertThat(v.tuplesScored()).as("%s %s", spec, mode).isEqualTo(d.tuplesScored());
      assertThat((long) v.score()).isEqualTo(d.green());
      assertThat(v.log10P()).isEqualTo(d.log10PValue());
    }
  }

  @Test
  void keyDependentUnitsGetOneTapePerKey() {
    KgwSpec self = KgwSpec.parse("kgw:gamma=0.25,h=3,seeding=self");
    SplittableRandom r = new SplittableRandom(4);
    List<SuspectRecord> recs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int[] t = new int[200];
      for (int j = 0; j < t.length; j++) {
        t[j] = r.nextInt(60);
      }
      recs.add(new SuspectRecord("r" + i, t));
    }
    InheritanceResult res = InheritanceVerifier.greenList(KEY, self, VOCAB).controlKeys(10).threads(2).build()
        .closedModel(recs);
    // each control key deduplicates its own min-hash units: their counts differ from key to key
    java.util.Set<Long> counts = new java.util.HashSet<>();
    for (int c = 0; c < 10; c++) {
      Watermark control = Watermarks.create(InheritanceVerifier.controlKey(
          InheritanceVerifier.DEFAULT_CONTROL_SEED, c), self, VOCAB);
      long n = InheritanceVerifier.builder().scorer("c", control.scorer()).build().closedModel(recs).tuplesScored();
      counts.add(n);
      assertThat(res.controls().log10P().get(c)).isEqualTo(InheritanceVerifier.builder().scorer("c", control.scorer()).build()
          .closedModel(recs).log10P());
    }
    assertThat(counts).hasSizeGreaterThan(1);
    assertThat(res.keys().get(0).tuplesScored()).isEqualTo(res.tuplesScored());
  }

  @Test
  void perKeyTapesStopWithAClearErrorPastTheirBudgetAndNotBefore() {
    KgwSpec self = KgwSpec.parse("kgw:gamma=0.25,h=2,seeding=self");
    List<SuspectRecord> recs = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 40; i++) {
      int[] t = new int[300];
      for (int j = 0; j < t.length; j++) {
        t[j] = r.nextInt(VOCAB);
      }
      recs.add(new SuspectRecord("r" + i, t));
    }
    // 12,000 positions, nearly all distinct: at the first check (4,096 units) the 12 tapes hold more than 1 MB
    InheritanceVerifier small = InheritanceVerifier.greenList(KEY, self, VOCAB).controlKeys(10)
        .tapeMemoryBudget(1 << 20).build();
    assertThatThrownBy(() -> small.closedModel(recs)).isInstanceOf(TapeMemoryExceededException.class)
        .hasMessageContaining("each of the 11 keys keeps its own tape")
        .hasMessageContaining("over the 1 MB allowed")
        .hasMessageContaining("Use fewer control keys");
    // the same run with room for the tapes completes, and a left-seeded scheme never needs it
    InheritanceResult ok = InheritanceVerifier.greenList(KEY, self, VOCAB).controlKeys(10)
        .tapeMemoryBudget(64 << 20).build().closedModel(recs);
    assertThat(ok.tuplesScored()).isGreaterThan(11_000);
    InheritanceResult left = InheritanceVerifier.greenList(KEY, KgwSpec.parse("kgw:gamma=0.25,h=2"), VOCAB)
        .controlKeys(10).tapeMemoryBudget(1024).build().closedModel(recs);
    assertThat(left.tuplesScored()).isGreaterThan(11_000);
  }

  @Test
  void holmAdjustmentIsMonotoneStepDown() {
    double[] adj = KeyPanel.holm(new double[] {Math.log10(0.01), Math.log10(0.04), Math.log10(0.03)});
    assertThat(Math.pow(10, adj[0])).isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Math.pow(10, adj[2])).isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Math.pow(10, adj[1])).isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(KeyPanel.holm(new double[] {-0.1, -0.2})).containsExactly(0.0, 0.0);
  }

  @Test
  void badRecordsFailByDefaultAndAreCountedWhenSkipped() {
    List<SuspectRecord> recs = List.of(new SuspectRecord("good", new int[] {1, 2, 3}),
        new SuspectRecord("empty", new int[0]), new SuspectRecord("oov", new int[] {1, VOCAB}));
    assertThatThrownBy(() -> InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(0).build().closedModel(recs))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("record empty: empty record");
    InheritanceResult r = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(0)
        .onBadRecord(BadRecordPolicy.SKIP).build().closedModel(recs);
    assertThat(r.counts().skippedRecords()).isEqualTo(2);
    assertThat(r.skipped()).extracting(InheritanceResult.SkippedRecord::reason)
        .containsExactly("empty record", "token id at index 1 must be between 0 and 3999, was 4000");
    assertThat(r.recordsRead()).isEqualTo(3);
    assertThat(r.tuplesScored()).isEqualTo(2);
  }

  @Test
  void scorersMustAgreeOnContextWidthAndVocabulary() {
    assertThatThrownBy(() -> InheritanceVerifier.builder().scorer("a", WM.scorer())
        .scorer("b", Watermarks.create(KEY, KgwSpec.parse("kgw:h=2"), VOCAB).scorer()).build())
        .hasMessage("scorer \"b\" has h=2 but the first scorer has h=1");
    assertThatThrownBy(() -> InheritanceVerifier.builder().build()).hasMessage("at least one scorer is required");
    assertThatThrownBy(() -> InheritanceVerifier.builder().alpha(1.5)).hasMessage("alpha must be in (0, 1), was 1.5");
  }

  @Test
  void ownerFilterSelectsWindowsOnly() {
    int[] a = {1, 2, 1, 2, 1, 3};
    OwnerFilter all = OwnerFilter.all(1, List.of(a));
    assertThat(all.size()).isEqualTo(2); // windows before positions 1..5: 1,2,1,2,1
    assertThat(all.windowsRead()).isEqualTo(5);
    assertThat(OwnerFilter.minCount(1, List.of(a), 3).size()).isEqualTo(1);
    OwnerFilter top = OwnerFilter.topN(1, List.of(a), 1);
    assertThat(top.containsWindow(new int[] {1}, 0)).isTrue();
    assertThat(top.containsWindow(new int[] {2}, 0)).isFalse();
    assertThatThrownBy(() -> OwnerFilter.topN(1, List.of(a), 0)).hasMessage("filter top-N must be >= 1, was 0");
  }

  @Test
  void filterConcentratesTheEvidenceOnTheOwnersWindows() {
    // the suspect's corpus: a little watermarked text (the owner's outputs it trained on) diluted in a lot of
    // unrelated text; the filter built from the owner's corpus scores only the windows the owner's text contains.
    List<int[]> owner = new ArrayList<>();
    List<SuspectRecord> suspect = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int[] t = ToyModel.generate(WM, 100, VOCAB, 5000 + i);
      owner.add(t);
      suspect.add(new SuspectRecord("wm" + i, t));
    }
    for (int i = 0; i < 80; i++) {
      suspect.add(new SuspectRecord("other" + i, ToyModel.generate((BiasScheme) null, 100, VOCAB, 6000 + i)));
    }
    InheritanceResult plain = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(0).build()
        .closedModel(suspect);
    InheritanceResult filtered = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(0)
        .ownerFilter(OwnerFilter.all(1, owner)).build().closedModel(suspect);
    assertThat(filtered.log10P()).isLessThan(plain.log10P());
    assertThat(filtered.counts().excludedFilter()).isGreaterThan(0);
  }

  /** A greedy bigram "student" trained on a corpus: predicts the most frequent follower of the last token. */
  static LogitsModel bigramStudent(List<int[]> corpus) {
    int[][] counts = new int[VOCAB][];
    for (int[] t : corpus) {
      for (int i = 1; i < t.length; i++) {
        if (counts[t[i - 1]] == null) {
          counts[t[i - 1]] = new int[VOCAB];
        }
        counts[t[i - 1]][t[i]]++;
      }
    }
    return new LogitsModel() {
      @Override
      public int vocabularySize() {
        return VOCAB;
      }

      @Override
      public void nextTokenLogits(int[] tokens, int length, float[] logits) {
        int[] c = counts[tokens[length - 1]];
        for (int t = 0; t < VOCAB; t++) {
          logits[t] = c == null ? -t : c[t] - t * 1e-6f;
        }
      }
    };
  }

  @Test
  void readingModeFindsAStudentTrainedOnWatermarkedTextAndClearsAnInnocentOne() {
    List<int[]> training = new ArrayList<>();
    List<int[]> clean = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      training.add(ToyModel.generate(WM, 100, VOCAB, 7000 + i));
      clean.add(ToyModel.generate((BiasScheme) null, 100, VOCAB, 8000 + i));
    }
    List<int[]> ownerTexts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ownerTexts.add(ToyModel.generate(WM, 100, VOCAB, 9000 + i));
    }
    InheritanceVerifier v = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(30).alpha(1e-3).build();
    InheritanceResult guilty = v.readingMode(bigramStudent(training), ownerTexts);
    InheritanceResult innocent = v.readingMode(bigramStudent(clean), ownerTexts);
    assertThat(guilty.mode()).isEqualTo("reading-mode");
    assertThat(guilty.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(innocent.verdict()).isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
    assertThat(guilty.tokensRead()).isEqualTo(1000);
  }
}
