package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.LogitsModel;
import io.tracemark.api.TokenScorer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reading mode's R*: the suspect's top-2 predictions weighted by the owner-model weight times the
 * suspect's log-ratio to the owner's model, the owner texts ranked by shared contexts; its
 * calibration under H0 with the real key and its power against the two-level top-1 test.
 */
class ReadingWeightsTest {
  static final int V = WeightedVerificationTest.VOCAB;
  static final double GAMMA = WeightedVerificationTest.GAMMA;
  static final TokenScorer SCORER = WeightedVerificationTest.WM.scorer();

  /**
   * A seeded trigram "language model": Zipf-shaped logits plus noise drawn from a generator seeded
   * by the model's seed and the last two tokens, times {@code noise}; a derived model adds noise of
   * its own to its base's logits (a suspect's own learning).
   */
  static final class Trigram implements LogitsModel {
    private final Trigram base;
    private final long seed;
    private final double noise;
    /** The logits of a model without a base, by context (precomputed: the owner's model is asked most). */
    private final float[][] table;

    Trigram(Trigram base, long seed, double noise) {
      this.base = base;
      this.seed = seed;
      this.noise = noise;
      if (base == null) {
        table = new float[(V + 1) * (V + 1)][V];
        for (int a = 0; a <= V; a++) {
          for (int b = 0; b <= V; b++) {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + a * 1_009L + b);
            for (int t = 0; t < V; t++) {
              table[a * (V + 1) + b][t] = (float) (-0.8 * Math.log(t + 1.0) + noise * random.nextGaussian());
            }
          }
        }
      } else {
        table = null;
      }
    }

    @Override
    public int vocabularySize() {
      return V;
    }

    @Override
    public void nextTokenLogits(int[] tokens, int length, float[] logits) {
      int a = length >= 2 ? tokens[length - 2] : V;
      int b = length >= 1 ? tokens[length - 1] : V;
      if (base == null) {
        System.arraycopy(table[a * (V + 1) + b], 0, logits, 0, V);
        return;
      }
      base.nextTokenLogits(tokens, length, logits);
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + a * 1_009L + b);
      for (int t = 0; t < V; t++) {
        logits[t] += (float) (noise * random.nextGaussian());
      }
    }

    /** The owner's watermarked text: the model's logits with the watermark's bias, sampled. */
    int[] watermarkedText(int n, SplittableRandom random) {
      int[] tokens = new int[n];
      float[] logits = new float[V];
      for (int i = 0; i < n; i++) {
        nextTokenLogits(tokens, i, logits);
        if (i > 0) {
          WeightedVerificationTest.WM.bias().orElseThrow().apply(tokens, i, logits);
        }
        tokens[i] = WeightedVerificationTest.draw(logits, random);
      }
      return tokens;
    }
  }

  static final Trigram OWNER = new Trigram(null, 21, 1.2);

  static List<int[]> ownerCorpus(int texts, int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < texts; i++) {
      out.add(OWNER.watermarkedText(length, random));
    }
    return out;
  }

  static OwnerModelWeights ownerWeights(List<int[]> corpus) {
    return OwnerModelWeights.of(OWNER, GAMMA, 2.0, 10, 1.0, ContextCountWeights.of(2, corpus), 20, 16);
  }

  static InheritanceVerifier.Builder builder() {
    return InheritanceVerifier.greenList(WeightedVerificationTest.KEY, WeightedVerificationTest.SPEC, V)
        .controlKeys(0);
  }

  @Test
  void theWeightIsTheOwnerWeightTimesTheClampedLogRatioTimesTheRankFactor() {
    List<int[]> corpus = ownerCorpus(10, 50, 1);
    OwnerModelWeights owner = ownerWeights(corpus);
    ReadingWeights r = ReadingWeights.of(owner);
    assertThat(r.predictions()).isEqualTo(2);
    int[] text = corpus.get(0);
    int pos = 5;
    float[] l = new float[V];
    OWNER.nextTokenLogits(text, pos, l);
    double logZ = ModelProbe.logSumExp(l);
    int checked = 0;
    for (int y = 0; y < V; y++) {
      int[] t = text.clone();
      t[pos] = y;
      double base = owner.weight(t, pos);
      double lnp = l[y] - logZ;
      assertThat(r.weight(t, pos)).isEqualTo(base);
      // the suspect believes y 1 nat more than the owner's model: half the owner weight at rank 0
      assertThat(r.weight(text, pos, y, 0, lnp + 1)).isCloseTo(base * 0.5, Offset.offset(1e-12));
      assertThat(r.weight(text, pos, y, 1, lnp + 1)).isCloseTo(base * 0.25, Offset.offset(1e-12));
      assertThat(r.weight(text, pos, y, 0, lnp + 5)).isCloseTo(base, Offset.offset(1e-12)); // saturated at 2 nats
      assertThat(r.weight(text, pos, y, 0, lnp - 0.1)).isZero(); // believed less than the owner does
      assertThat(r.weight(text, pos, y, 0, Double.NEGATIVE_INFINITY)).isZero();
      checked += base > 0 ? 1 : 0;
    }
    assertThat(checked).isGreaterThan(3);
    assertThat(r.description()).contains("top-2").contains("owner model");
    assertThatThrownBy(() -> ReadingWeights.of(owner, new double[] {1, 0}, 2))
        .hasMessage("rankFactors[1] must be in (0, 1], was 0.0");
    assertThatThrownBy(() -> builder().weights(r).build().closedModel(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reading mode only");
  }

  /**
   * The owner's side kept as a top-k stream gives the posterior uplift of every token bit for bit
   * as all the logits do, ties included (logits drawn from a few values, so that many are equal),
   * and reading mode with the owner's side precomputed gives the same result as without, without
   * asking the owner's model again.
   */
  @Test
  void thePrecomputedOwnerSideGivesTheSameWeightsBitForBit() {
    List<int[]> corpus = ownerCorpus(20, 50, 7);
    OwnerModelWeights owner = ownerWeights(corpus);
    SplittableRandom random = new SplittableRandom(4);
    long streamed = 0;
    int positive = 0;
    for (int trial = 0; trial < 300; trial++) {
      float[] l = new float[V];
      int levels = 1 + trial % 12;
      for (int t = 0; t < V; t++) {
        l[t] = trial % 3 == 0 ? (float) random.nextGaussian() : random.nextInt(levels) * 0.7f;
      }
      OwnerModelWeights.TopKStream stream = owner.topKStream(l);
      streamed += stream.ids().length;
      for (int y = 0; y < V; y++) {
        double full = owner.posteriorUplift(l, y);
        assertThat(stream.posteriorUplift(owner, y)).as("trial %d, y %d", trial, y).isEqualTo(full);
        positive += full > 0 ? 1 : 0;
      }
    }
    assertThat(positive).isGreaterThan(300);
    assertThat(streamed / 300.0).isLessThan(V);
    Trigram suspect = new Trigram(OWNER, 5, 1.0);
    List<int[]> texts = corpus.subList(0, 10);
    ReadingWeights plain = ReadingWeights.of(owner);
    InheritanceResult live = builder().weights(plain).build().readingMode(suspect, texts);
    // copies of the texts: the table recognises them by content
    List<int[]> copies = new ArrayList<>();
    for (int[] t : texts) {
      copies.add(t.clone());
    }
    // the owner's model, counted: with the table it is not asked while a suspect is read
    int[] calls = new int[1];
    LogitsModel counted = new LogitsModel() {
      @Override
      public int vocabularySize() {
        return V;
      }

      @Override
      public void nextTokenLogits(int[] tokens, int length, float[] logits) {
        calls[0]++;
        OWNER.nextTokenLogits(tokens, length, logits);
      }
    };
    ReadingWeights table = ReadingWeights.of(OwnerModelWeights.of(counted, GAMMA, 2.0, 10, 1.0,
        ContextCountWeights.of(2, corpus), 20, 16)).precomputedFor(copies);
    assertThat(calls[0]).isPositive();
    calls[0] = 0;
    InheritanceResult shared = builder().weights(table).build().readingMode(suspect, texts);
    assertThat(calls[0]).isZero();
    assertThat(live.tuplesScored()).isGreaterThan(50);
    assertThat(shared.tuplesScored()).isEqualTo(live.tuplesScored());
    assertThat(shared.score()).isEqualTo(live.score());
    assertThat(shared.log10P()).isEqualTo(live.log10P());
    assertThat(shared.weighting().tuplesPerLevel()).isEqualTo(live.weighting().tuplesPerLevel());
  }

  @Test
  void theTextsWithTheMostSharedContextsComeFirst() {
    List<int[]> texts = List.of(new int[] {9, 8, 7}, new int[] {1, 2, 1, 2}, new int[] {1, 2, 3}, new int[] {7, 1});
    ContextCountWeights contexts = ContextCountWeights.of(1, texts);
    // contexts (h = 1) seen >= 2 times: 1 (3 times), 2 (twice); shares 0/2, 3/3, 2/2, 0/1
    assertThat(ReadingTexts.bySharedContexts(texts, contexts, 2, 4)).containsExactly(texts.get(1), texts.get(2),
        texts.get(0), texts.get(3));
    assertThat(ReadingTexts.bySharedContexts(texts, contexts, 2, 1)).containsExactly(texts.get(1));
    assertThatThrownBy(() -> ReadingTexts.bySharedContexts(texts, contexts, 2, 5))
        .hasMessage("take must be between 0 and the 4 owner texts, was 5");
  }

  /**
   * H0 with the real key: the owner's corpus, its weights and the texts read are watermarked with
   * the key; 10,000 suspect models independent of the key (the owner's base model plus their own
   * noise, so that they believe some tokens more than the owner does) are read through R*. An
   * exact test rejects at most α of them: the bound is α·n plus 3.29 binomial standard deviations
   * (a one-sided 99.9 % bound); the lower bound shows that the test is not vacuous.
   */
  @Tag("slow")
  @Test
  void readingStarIsCalibratedUnderTheNullWithTheRealKey() {
    List<int[]> corpus = ownerCorpus(60, 60, 3);
    InheritanceVerifier verifier = builder().weights(ReadingWeights.of(ownerWeights(corpus))).build();
    int trials = 10_000;
    int below2 = 0;
    int below3 = 0;
    long tuples = 0;
    for (int trial = 0; trial < trials; trial++) {
      Trigram suspect = new Trigram(OWNER, 1000 + trial, 1.0);
      List<int[]> read = List.of(corpus.get(trial % 60), corpus.get((trial * 7 + 1) % 60));
      InheritanceResult r = verifier.readingMode(suspect, read);
      tuples += r.tuplesScored();
      below2 += r.log10P() <= -2 ? 1 : 0;
      below3 += r.log10P() <= -3 ? 1 : 0;
    }
    assertThat(tuples / trials).isGreaterThan(30);
    assertThat(below2).isBetween(40, (int) Math.ceil(100 + 3.29 * Math.sqrt(trials * 1e-2 * (1 - 1e-2))));
    assertThat(below3).isBetween(1, (int) Math.ceil(10 + 3.29 * Math.sqrt(trials * 1e-3 * (1 - 1e-3))));
  }


  /**
   * A seeded inherited student: the owner's base model with its own noise, which learned the
   * watermark's tilt (part of δ on the green tokens) after the 2-token contexts that recur in the
   * owner's answers, the contexts it saw. R* (top-2, log-ratio weights, ranked texts) gives a
   * smaller p-value than the two-level top-1 test on the same number of texts.
   */
  @Test
  void readingStarBeatsTwoLevelTopOneOnAnInheritedStudent() {
    List<int[]> corpus = ownerCorpus(200, 60, 5);
    ContextCountWeights contexts = ContextCountWeights.of(2, corpus);
    Trigram noisy = new Trigram(OWNER, 77, 0.5);
    int[] probe = new int[2];
    LogitsModel student = new LogitsModel() {
      @Override
      public int vocabularySize() {
        return V;
      }

      @Override
      public void nextTokenLogits(int[] tokens, int length, float[] logits) {
        noisy.nextTokenLogits(tokens, length, logits);
        int x = tokens[length - 1];
        probe[0] = x;
        if (contexts.count(tokens, length) >= 2) {
          for (int t = 0; t < V; t++) {
            probe[1] = t;
            if (SCORER.score(probe, 1) > 0) {
              logits[t] += 0.6f;
            }
          }
        }
      }
    };
    List<int[]> sample = corpus.subList(0, 20);
    List<int[]> ranked = ReadingTexts.bySharedContexts(corpus, contexts, ReadingTexts.DEFAULT_MIN_COUNT, 20);
    InheritanceResult topOne = builder().build().readingMode(student, sample);
    InheritanceResult star = builder().weights(ReadingWeights.of(OwnerModelWeights.of(OWNER, GAMMA, 2.0, 10, 1.0,
        contexts, 20, 16))).build().readingMode(student, ranked);
    assertThat(topOne.log10P()).isLessThan(-3);
    assertThat(star.log10P()).isLessThan(2 * topOne.log10P());
    assertThat(star.weighting()).isNotNull();
    assertThat(star.weighting().source()).startsWith("reading R*");
  }
}
