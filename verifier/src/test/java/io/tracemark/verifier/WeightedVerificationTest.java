package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.stats.WeightGrid;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The weighted closed-model test end to end: levels from a key-independent source, the exact
 * tail of S = Σ level·green, calibration under H0 with weights counted in a watermarked owner
 * corpus, and power on a seeded inheritance case.
 */
class WeightedVerificationTest {
  static final int VOCAB = 48;
  static final double GAMMA = 0.25;
  static final KgwSpec SPEC = KgwSpec.parse("kgw:gamma=0.25,delta=2,h=1");
  static final WatermarkKey KEY = WatermarkKey.fromBytes(InheritanceVerifierTest.bytes(11));
  static final Watermark WM = Watermarks.create(KEY, SPEC, VOCAB);

  /** A Zipf-like base model over a small vocabulary, with the watermark's bias when {@code wm} is set. */
  static int[] text(Watermark wm, int n, SplittableRandom random) {
    int[] tokens = new int[n];
    float[] logits = new float[VOCAB];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < VOCAB; t++) {
        logits[t] = (float) (-0.8 * Math.log(t + 1.0) + 1.2 * random.nextGaussian());
      }
      if (wm != null && i > 0) {
        wm.bias().orElseThrow().apply(tokens, i, logits);
      }
      tokens[i] = draw(logits, random);
    }
    return tokens;
  }

  static int draw(float[] logits, SplittableRandom random) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double total = 0;
    double[] p = new double[logits.length];
    for (int t = 0; t < logits.length; t++) {
      p[t] = Math.exp(logits[t] - max);
      total += p[t];
    }
    double u = random.nextDouble() * total;
    for (int t = 0; t < p.length; t++) {
      u -= p[t];
      if (u <= 0) {
        return t;
      }
    }
    return p.length - 1;
  }

  static List<int[]> ownerCorpus(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<int[]> texts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      texts.add(text(WM, 100, random));
    }
    return texts;
  }

  static InheritanceVerifier verifier(WeightSource weights) {
    return InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(0).weights(weights).build();
  }

  @Test
  void theTailIsTheExactLawOfTheWeightedGreenCount() {
    ContextCountWeights weights = ContextCountWeights.of(2, ownerCorpus(1), 8);
    SplittableRandom random = new SplittableRandom(2);
    List<SuspectRecord> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      records.add(new SuspectRecord("r" + i, text(WM, 30, random)));
    }
    InheritanceResult r = verifier(weights).closedModel(records);

    // the statistic recomputed by hand: distinct (window, token) tuples with level > 0
    TokenScorer scorer = WM.scorer();
    long[] perLevel = new long[9];
    long s = 0;
    Set<Long> seen = new HashSet<>();
    for (SuspectRecord rec : records) {
      int[] t = rec.tokens();
      for (int pos = 1; pos < t.length; pos++) {
        int level = weights.level(t, pos);
        if (level == 0 || !seen.add(UnitFingerprints.tuple(t, pos - 1, 1, t[pos]))) {
          continue;
        }
        perLevel[level]++;
        s += level * (long) scorer.score(t, pos);
      }
    }
    assertThat(r.weighting()).isNotNull();
    assertThat(r.weighting().tuplesPerLevel()).containsExactly(box(perLevel));
    assertThat(r.score()).isEqualTo((double) s);
    assertThat(r.tuplesScored()).isEqualTo(java.util.Arrays.stream(perLevel).sum());
    assertThat(r.log10P()).isCloseTo(exactLog10Tail(perLevel, s, GAMMA), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r.curve()).hasSize(1);
    assertThat(r.curve().get(0).log10P()).isEqualTo(r.log10P());
  }

  private static Long[] box(long[] a) {
    Long[] out = new Long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  /** log10 P(Σ l·X_l ≥ s), X_l ~ Binomial(n_l, γ), by exact convolution of the per-level laws in BigDecimal. */
  static double exactLog10Tail(long[] perLevel, long s, double gamma) {
    MathContext mc = new MathContext(60);
    BigDecimal g = new BigDecimal(gamma);
    BigDecimal q = BigDecimal.ONE.subtract(g);
    BigDecimal[] law = {BigDecimal.ONE};
    for (int l = 1; l < perLevel.length; l++) {
      for (long i = 0; i < perLevel[l]; i++) {
        BigDecimal[] next = new BigDecimal[law.length + l];
        java.util.Arrays.fill(next, BigDecimal.ZERO);
        for (int v = 0; v < law.length; v++) {
          next[v] = next[v].add(law[v].multiply(q, mc), mc);
          next[v + l] = next[v + l].add(law[v].multiply(g, mc), mc);
        }
        law = next;
      }
    }
    BigDecimal tail = BigDecimal.ZERO;
    for (int v = (int) Math.max(0, s); v < law.length; v++) {
      tail = tail.add(law[v], mc);
    }
    return Math.log10(tail.doubleValue());
  }

  @Test
  void levelZeroIsNotScoredAndOneLevelIsTheUnweightedTest() {
    List<int[]> owner = ownerCorpus(3);
    SplittableRandom random = new SplittableRandom(4);
    List<SuspectRecord> records = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      records.add(new SuspectRecord("r" + i, text(WM, 60, random)));
    }
    // weight 1 where the owner's corpus shows the window, 0 elsewhere: the owner filter as a weight
    ContextCountWeights counts = ContextCountWeights.of(1, owner);
    WeightSource oneLevel = new WeightSource() {
      @Override
      public double weight(int[] tokens, int pos) {
        return counts.count(tokens, pos) > 0 ? 1 : 0;
      }

      @Override
      public int contextTokens() {
        return 1;
      }

      @Override
      public WeightGrid grid() {
        return WeightGrid.ofMaximum(1, 1);
      }

      @Override
      public String description() {
        return "window seen in the owner corpus";
      }
    };
    InheritanceResult weighted = verifier(oneLevel).closedModel(records);
    InheritanceResult filtered = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(0)
        .ownerFilter(OwnerFilter.all(1, owner)).build().closedModel(records);
    assertThat(weighted.tuplesScored()).isEqualTo(filtered.tuplesScored());
    assertThat(weighted.score()).isEqualTo(filtered.score());
    assertThat(weighted.log10P()).isCloseTo(filtered.log10P(), org.assertj.core.data.Offset.offset(1e-9));
  }

  /**
   * H0 with weights counted in a WATERMARKED owner corpus: 10,000 suspect corpora independent of
   * the key, tested under the key that watermarked the owner's corpus. An exact (or conservative)
   * test rejects at most α of them; the bound is α·n plus 3.29 binomial standard deviations (a
   * 99.9 % one-sided bound), and the lower bound shows that the test is not vacuous.
   */
  @Test
  void theWeightedTestIsCalibratedUnderTheNullWithWeightsFromAWatermarkedCorpus() {
    ContextCountWeights weights = ContextCountWeights.of(2, ownerCorpus(5), 16);
    InheritanceVerifier verifier = verifier(weights);
    SplittableRandom random = new SplittableRandom(6);
    int corpora = 10_000;
    int below2 = 0;
    int below3 = 0;
    for (int c = 0; c < corpora; c++) {
      List<SuspectRecord> records = new ArrayList<>(2);
      for (int i = 0; i < 2; i++) {
        records.add(new SuspectRecord("r" + i, text(null, 40, random)));
      }
      double log10p = verifier.closedModel(records).log10P();
      if (log10p <= -2) {
        below2++;
      }
      if (log10p <= -3) {
        below3++;
      }
    }
    assertThat(below2).isBetween(40, (int) Math.ceil(100 + 3.29 * Math.sqrt(corpora * 1e-2 * (1 - 1e-2))));
    assertThat(below3).isBetween(1, (int) Math.ceil(10 + 3.29 * Math.sqrt(corpora * 1e-3 * (1 - 1e-3))));
  }

  /**
   * A seeded inheritance case: the suspect's texts follow the owner's watermark only after contexts
   * that are frequent in the owner's corpus (where a student saw the owner's text); elsewhere they
   * are independent of the key. Weighting by the context count puts the weight where the signal is.
   */
  @Test
  void theReferenceWeightBeatsTheUnweightedCountOnAnInheritanceCase() {
    List<int[]> owner = ownerCorpus(7);
    ContextCountWeights weights = ContextCountWeights.of(2, owner, 16);
    SplittableRandom random = new SplittableRandom(8);
    List<SuspectRecord> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      int[] t = text(null, 80, random);
      for (int pos = 2; pos < t.length; pos++) {
        if (weights.count(t, pos) >= 3 && random.nextDouble() < 0.5) {
          // the student learned a green continuation of a frequent owner context
          int y;
          do {
            y = random.nextInt(VOCAB);
            t[pos] = y;
          } while (WM.scorer().score(t, pos) == 0);
        }
      }
      records.add(new SuspectRecord("r" + i, t));
    }
    InheritanceResult unweighted = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(0).build()
        .closedModel(records);
    InheritanceResult weighted = verifier(weights).closedModel(records);
    assertThat(unweighted.log10P()).isLessThan(-2);
    assertThat(weighted.log10P()).isLessThan(1.5 * unweighted.log10P());
  }

  @Test
  void aSpilledTupleKeepsItsLevelEvenWhenTheWeightsReadBeyondTheWindow() {
    List<SuspectRecord> records = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(10);
    for (int i = 0; i < 400; i++) {
      records.add(new SuspectRecord("r" + i, text(null, 100, random)));
    }
    // a 2-token context on an h = 1 scheme (the spilled file keeps one token before the position),
    // and the window-wide count: both give the in-memory numbers after a spill
    for (int n : new int[] {2, 1}) {
      ContextCountWeights weights = ContextCountWeights.of(n, ownerCorpus(9), 8);
      InheritanceResult spilled = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(0).weights(weights)
          .tapeMemoryBudget(1024).build().closedModel(records);
      InheritanceResult inMemory = verifier(weights).closedModel(records);
      assertThat(spilled.weighting()).isEqualTo(inMemory.weighting());
      assertThat(spilled.score()).isEqualTo(inMemory.score());
      assertThat(spilled.log10P()).isEqualTo(inMemory.log10P());
    }
  }

  /** Records independent of the key with owner-supplied weights drawn independently of the key. */
  static List<SuspectRecord> weightedRecords(int count, int length, SplittableRandom random) {
    List<SuspectRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int[] t = text(null, length, random);
      double[] w = new double[length];
      for (int j = 0; j < length; j++) {
        w[j] = random.nextDouble() < 0.3 ? 0 : random.nextDouble() * 1.3; // some clamped to the top
      }
      records.add(new SuspectRecord("r" + i, t, null, w));
    }
    return records;
  }

  /** The null calibration of the pattern above, for weights supplied with the records. */
  @Test
  void fieldWeightsAreCalibratedUnderTheNull() {
    InheritanceVerifier verifier = verifier(FieldWeights.of("w", 1.0, 16));
    SplittableRandom random = new SplittableRandom(16);
    int corpora = 10_000;
    int below2 = 0;
    int below3 = 0;
    for (int c = 0; c < corpora; c++) {
      double log10p = verifier.closedModel(weightedRecords(2, 40, random)).log10P();
      if (log10p <= -2) {
        below2++;
      }
      if (log10p <= -3) {
        below3++;
      }
    }
    assertThat(below2).isBetween(40, (int) Math.ceil(100 + 3.29 * Math.sqrt(corpora * 1e-2 * (1 - 1e-2))));
    assertThat(below3).isBetween(1, (int) Math.ceil(10 + 3.29 * Math.sqrt(corpora * 1e-3 * (1 - 1e-3))));
  }

  @Test
  void fieldWeightsGiveTheExactTailOfTheirLevelsAndSurviveASpill() {
    List<SuspectRecord> records = weightedRecords(300, 100, new SplittableRandom(17));
    FieldWeights weights = FieldWeights.of("w", 1.0, 8);
    InheritanceResult inMemory = verifier(weights).closedModel(records);
    long[] perLevel = new long[9];
    long s = 0;
    Set<Long> seen = new HashSet<>();
    TokenScorer scorer = WM.scorer();
    for (SuspectRecord rec : records) {
      int[] t = rec.tokens();
      double[] w = rec.weights();
      for (int pos = 1; pos < t.length; pos++) {
        int level = weights.grid().level(w[pos]);
        if (level == 0 || !seen.add(UnitFingerprints.tuple(t, pos - 1, 1, t[pos]))) {
          continue;
        }
        perLevel[level]++;
        s += level * (long) scorer.score(t, pos);
      }
    }
    assertThat(inMemory.weighting().tuplesPerLevel()).containsExactly(box(perLevel));
    assertThat(inMemory.score()).isEqualTo((double) s);
    assertThat(weights.clamped()).isPositive();
    InheritanceResult spilled = InheritanceVerifier.greenList(KEY, SPEC, VOCAB).controlKeys(0)
        .weights(FieldWeights.of("w", 1.0, 8)).tapeMemoryBudget(1024).build().closedModel(records);
    assertThat(spilled.weighting().tuplesPerLevel()).isEqualTo(inMemory.weighting().tuplesPerLevel());
    assertThat(spilled.log10P()).isEqualTo(inMemory.log10P());
    // a record without weights is a bad record; reading mode has no records to carry them
    assertThatThrownBy(() -> verifier(weights).closedModel(List.of(new SuspectRecord("bare", new int[] {1, 2, 3}))))
        .hasMessageContaining("bare").hasMessageContaining("no per-token weights");
    assertThatThrownBy(() -> new SuspectRecord("x", new int[] {1, 2}, null, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 weights for 2 answer tokens");
  }

  @Test
  void contextCountsCountContextsOnlyAndQuantizeOnTheGrid() {
    List<int[]> owner = List.of(new int[] {1, 2, 3, 1, 2, 4, 1, 2, 3});
    ContextCountWeights w = ContextCountWeights.of(2, owner, 4);
    assertThat(w.count(new int[] {1, 2, 9}, 2)).isEqualTo(3); // (1, 2) occurs 3 times as a context
    assertThat(w.count(new int[] {2, 3, 9}, 2)).isEqualTo(1);
    assertThat(w.count(new int[] {3, 3, 9}, 2)).isZero();
    assertThat(w.count(new int[] {1, 2}, 1)).isZero(); // fewer than 2 tokens before the position
    assertThat(w.maxCount()).isEqualTo(3);
    assertThat(w.grid()).isEqualTo(WeightGrid.ofMaximum(Math.log(4), 4));
    assertThat(w.level(new int[] {1, 2, 9}, 2)).isEqualTo(4);
    assertThat(w.level(new int[] {3, 3, 9}, 2)).isZero();
    assertThat(w.description()).contains("2-token context");
  }
}
