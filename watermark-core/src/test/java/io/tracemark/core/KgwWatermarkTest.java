package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.PositionMask;
import io.tracemark.api.Seeding;
import io.tracemark.api.WatermarkKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class KgwWatermarkTest {
  static WatermarkKey key(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) r.nextInt();
    }
    return WatermarkKey.fromBytes(b);
  }

  static int[] randomTokens(SplittableRandom r, int n, int vocab) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(vocab);
    }
    return t;
  }

  /** Property: apply on the whole vocabulary and the detector's per-token membership agree everywhere. */
  @Test
  void applyAndIsGreenAgreeEverywhereForLeftSeeding() {
    SplittableRandom r = new SplittableRandom(11);
    for (int trial = 0; trial < 60; trial++) {
      int vocab = 2 + r.nextInt(trial < 10 ? 50 : 70_000);
      int h = r.nextInt(6);
      double gamma = 0.01 + 0.98 * r.nextDouble();
      float delta = 0.5f + r.nextInt(4);
      KgwWatermark wm = new KgwWatermark(key(r.nextLong()), KgwSpec.of(gamma, delta, h), vocab);
      int[] tokens = randomTokens(r, h + 1, vocab);
      float[] logits = new float[vocab];
      for (int i = 0; i < vocab; i++) {
        logits[i] = (float) r.nextGaussian();
      }
      float[] before = logits.clone();
      wm.apply(tokens, h, logits);
      int greens = 0;
      for (int t = 0; t < vocab; t++) {
        tokens[h] = t;
        boolean green = wm.isGreen(tokens, h);
        assertThat(logits[t]).as("token %d", t).isEqualTo(green ? before[t] + delta : before[t]);
        greens += green ? 1 : 0;
      }
      if (vocab > 20_000) {
        // Binomial(V, gamma): within 5 standard deviations
        double sd = Math.sqrt(vocab * gamma * (1 - gamma));
        assertThat((double) greens).isBetween(vocab * gamma - 5 * sd, vocab * gamma + 5 * sd);
      }
    }
  }

  @Test
  void selfSeedingBiasesExactlyTheGreenTopCandidates() {
    SplittableRandom r = new SplittableRandom(12);
    for (int trial = 0; trial < 30; trial++) {
      int vocab = 50 + r.nextInt(5000);
      int h = 1 + r.nextInt(4);
      int candidates = 1 + r.nextInt(60);
      KgwSpec spec = new KgwSpec(0.25, 2, h, Seeding.SELF, candidates);
      KgwWatermark wm = new KgwWatermark(key(r.nextLong()), spec, vocab);
      int[] tokens = randomTokens(r, h + 1, vocab);
      float[] logits = new float[vocab];
      for (int i = 0; i < vocab; i++) {
        logits[i] = (float) r.nextGaussian();
      }
      float[] before = logits.clone();
      wm.apply(tokens, h, logits);
      Integer[] order = new Integer[vocab];
      for (int i = 0; i < vocab; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> before[a] != before[b] ? Float.compare(before[b], before[a]) : Integer.compare(a, b));
      for (int rank = 0; rank < vocab; rank++) {
        int t = order[rank];
        tokens[h] = t;
        boolean biased = rank < candidates && wm.isGreen(tokens, h);
        assertThat(logits[t]).isEqualTo(biased ? before[t] + 2f : before[t]);
      }
    }
  }

  @Test
  void maskedTokensStayMaskedAndShortContextIsLeftAlone() {
    KgwWatermark wm = new KgwWatermark(key(1), KgwSpec.of(0.5, 3, 2), 100);
    float[] logits = new float[100];
    Arrays.fill(logits, Float.NEGATIVE_INFINITY);
    logits[7] = 1;
    wm.apply(new int[] {1, 2}, 2, logits);
    for (int i = 0; i < 100; i++) {
      if (i != 7) {
        assertThat(logits[i]).isEqualTo(Float.NEGATIVE_INFINITY);
      }
    }
    float[] untouched = new float[100];
    wm.apply(new int[] {5}, 1, untouched);
    assertThat(untouched).containsOnly(0f);
  }

  @Test
  void badInputGivesClearErrors() {
    KgwWatermark wm = new KgwWatermark(key(1), KgwSpec.of(0.25, 2, 1), 100);
    assertThatThrownBy(() -> wm.apply(new int[] {1}, 1, new float[99]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("logits length must equal the vocabulary size 100, was 99");
    float[] nan = new float[100];
    nan[42] = Float.NaN;
    assertThatThrownBy(() -> wm.apply(new int[] {1}, 1, nan)).hasMessage("logits[42] is NaN");
    assertThatThrownBy(() -> wm.apply(new int[] {100}, 1, new float[100]))
        .hasMessage("token id at position 0 must be between 0 and 99, was 100");
    assertThatThrownBy(() -> wm.apply(new int[] {-1}, 1, new float[100]))
        .hasMessage("token id at position 0 must be between 0 and 99, was -1");
    assertThatThrownBy(() -> wm.apply(new int[] {1}, 2, new float[100]))
        .hasMessage("length must be between 0 and tokens.length=1, was 2");
    assertThatThrownBy(() -> wm.detector().detect(new int[] {1, 2, 300}))
        .hasMessage("token id at position 2 must be between 0 and 99, was 300");
    assertThatThrownBy(() -> wm.isGreen(new int[] {1, 2}, 0)).hasMessageContaining("position must be between h=1");
    assertThatThrownBy(() -> new KgwWatermark(key(1), KgwSpec.of(0.25, 2, 1), 1))
        .hasMessage("vocabularySize must be >= 2, was 1");
    assertThatThrownBy(() -> KgwSpec.of(1.5, 2, 1)).hasMessage("gamma must be in (0, 1), was 1.5");
    assertThatThrownBy(() -> KgwSpec.of(0.25, -2, 1)).hasMessage("delta must be finite and >= 0, was -2.0");
    assertThatThrownBy(() -> KgwSpec.of(0.25, 2, -1)).hasMessageContaining("was -1");
  }

  @Test
  void emptyAndTooShortSequencesScoreNothing() {
    KgwWatermark wm = new KgwWatermark(key(1), KgwSpec.of(0.25, 2, 4), 100);
    for (int[] tokens : new int[][] {{}, {1}, {1, 2, 3, 4}}) {
      Detection r = wm.detector().detect(tokens);
      assertThat(r.scoredAnything()).isFalse();
      assertThat(r.tokensRead()).isEqualTo(tokens.length);
      assertThat(r.log10PValue()).isEqualTo(0.0);
      assertThat(r.pValue()).isEqualTo(1.0);
      assertThat(r.z()).isEqualTo(0.0);
      assertThat(r.significantAt(0.01)).isFalse();
    }
  }

  @Test
  void dedupModesScoreDistinctUnitsOnly() {
    KgwWatermark wm = new KgwWatermark(key(2), KgwSpec.of(0.25, 2, 1), 100);
    int[] repetitive = new int[400];
    for (int i = 0; i < repetitive.length; i++) {
      repetitive[i] = i % 4; // windows 0,1,2,3 each followed by one token: 4 distinct tuples
    }
    Detection byTuple = wm.detector(DedupMode.WINDOW_AND_TOKEN).detect(repetitive);
    assertThat(byTuple.tuplesScored()).isEqualTo(4);
    assertThat(byTuple.mask().state(5)).isEqualTo(PositionMask.State.DUPLICATE);
    assertThat(byTuple.mask().state(0)).isEqualTo(PositionMask.State.NO_CONTEXT);
    assertThat(wm.detector(DedupMode.WINDOW).detect(repetitive).tuplesScored()).isEqualTo(4);
    assertThat(wm.detector(DedupMode.NONE).detect(repetitive).tuplesScored()).isEqualTo(399);
    int[] branching = {1, 2, 1, 3, 1, 2};
    assertThat(wm.detector(DedupMode.WINDOW_AND_TOKEN).detect(branching).tuplesScored()).isEqualTo(4);
    assertThat(wm.detector(DedupMode.WINDOW).detect(branching).tuplesScored()).isEqualTo(3);
  }

  @Test
  void maskCountsMatchTheResult() {
    SplittableRandom r = new SplittableRandom(5);
    KgwWatermark wm = new KgwWatermark(key(5), KgwSpec.of(0.3, 2, 3), 1000);
    int[] tokens = randomTokens(r, 5000, 50);
    Detection res = wm.detector().detect(tokens);
    long green = 0;
    long scored = 0;
    for (int i = 0; i < tokens.length; i++) {
      if (res.mask().scored(i)) {
        scored++;
        assertThat(res.mask().green(i)).isEqualTo(wm.isGreen(tokens, i));
      }
      green += res.mask().green(i) ? 1 : 0;
    }
    assertThat(scored).isEqualTo(res.tuplesScored());
    assertThat(green).isEqualTo(res.green());
    assertThat(res.greenFraction()).isEqualTo((double) green / scored);
  }

  @Test
  void oneSchemeFromEightThreadsGivesTheSingleThreadResults() throws Exception {
    KgwWatermark left = new KgwWatermark(key(9), KgwSpec.of(0.25, 2, 2), 32_000);
    KgwWatermark self = new KgwWatermark(key(9), new KgwSpec(0.25, 2, 2, Seeding.SELF, 20), 32_000);
    SplittableRandom r = new SplittableRandom(9);
    List<int[]> inputs = new ArrayList<>();
    List<float[]> logits = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      inputs.add(randomTokens(r, 300, 32_000));
      float[] l = new float[32_000];
      for (int j = 0; j < l.length; j++) {
        l[j] = (float) r.nextGaussian();
      }
      logits.add(l);
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      expected.add(work(left, self, inputs.get(i), logits.get(i)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 4; round++) {
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
          int k = i;
          futures.add(pool.submit(() -> work(left, self, inputs.get(k), logits.get(k))));
        }
        for (int i = 0; i < futures.size(); i++) {
          assertThat(futures.get(i).get()).isEqualTo(expected.get(i));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String work(KgwWatermark left, KgwWatermark self, int[] tokens, float[] logits) {
    float[] a = logits.clone();
    float[] b = logits.clone();
    left.apply(tokens, 150, a);
    self.apply(tokens, 150, b);
    return left.detector().detect(tokens) + "|" + self.detector(DedupMode.NONE).detect(tokens) + "|"
        + Arrays.hashCode(a) + "|" + Arrays.hashCode(b);
  }

  @Test
  void theSecretAppearsInNoStringOrMessage() {
    WatermarkKey k = key(77);
    byte[] secret = k.secretBytes();
    String hex = HexFormat.of().formatHex(secret);
    String hexUpper = hex.toUpperCase(java.util.Locale.ROOT);
    String b64 = Base64.getEncoder().encodeToString(secret);
    KgwWatermark wm = new KgwWatermark(k, KgwSpec.of(0.25, 2, 1), 100);
    List<String> texts = new ArrayList<>();
    texts.add(k.toString());
    texts.add(wm.toString());
    texts.add(wm.detector().toString());
    texts.add(wm.detector().detect(new int[] {1, 2, 3}).toString());
    try {
      wm.apply(new int[] {1}, 1, new float[5]);
    } catch (IllegalArgumentException e) {
      texts.add(e.getMessage());
    }
    for (String t : texts) {
      assertThat(t).doesNotContain(hex).doesNotContain(hexUpper).doesNotContain(b64);
    }
    assertThat(wm.toString()).contains(k.keyId());
  }

  @Test
  void fusedAndTwoPassKernelsGiveIdenticalLogits() {
    SplittableRandom r = new SplittableRandom(21);
    for (int trial = 0; trial < 20; trial++) {
      int vocab = 1 + r.nextInt(40_000);
      long[] tags = new long[vocab];
      float[] a = new float[vocab];
      for (int t = 0; t < vocab; t++) {
        tags[t] = r.nextLong();
        a[t] = r.nextInt(10) == 0 ? Float.NEGATIVE_INFINITY : (float) r.nextGaussian() * 5;
      }
      float[] b = a.clone();
      long seed = r.nextLong();
      long threshold = PrfV1.threshold63(r.nextDouble());
      float delta = (float) (r.nextDouble() * 4);
      KgwWatermark.biasAll(a, tags, seed, threshold, delta);
      KgwWatermark.biasAllTwoPass(b, new long[vocab], tags, seed, threshold, Float.floatToRawIntBits(delta));
      for (int t = 0; t < vocab; t++) {
        assertThat(Float.floatToRawIntBits(b[t])).as("token %d", t).isEqualTo(Float.floatToRawIntBits(a[t]));
      }
    }
  }
}
