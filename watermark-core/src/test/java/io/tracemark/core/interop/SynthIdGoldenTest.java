package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.HfSynthIdSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.SchemeSpec;
import io.tracemark.core.Watermarks;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the SynthID-Text golden vectors ({@code src/test/python/generate_synthid_vectors.py},
 * made by running transformers' and synthid-text's own code): tables, g-values, n-gram keys,
 * context masks, detections and generations, bit for bit.
 */
class SynthIdGoldenTest {
  private static final Map<String, byte[]> TABLES = new HashMap<>();

  static byte[] table(long seed, int size) {
    synchronized (TABLES) {
      return TABLES.computeIfAbsent(seed + "/" + size, k -> SynthIdWatermark.table(seed, size));
    }
  }

  static SynthIdWatermark watermark(String spec, int vocab) {
    return (SynthIdWatermark) Watermarks.create(null, SchemeSpec.parse(spec), vocab);
  }

  static Stream<Arguments> rows(String name) {
    List<String[]> rows = GoldenVectors.rows(name);
    assertThat(rows).isNotEmpty();
    return rows.stream().map(r -> Arguments.of((Object) r));
  }

  static Stream<Arguments> tableRows() {
    return rows("synthid-table.csv");
  }

  static Stream<Arguments> gvalueRows() {
    return rows("synthid-gvalues.csv");
  }

  static Stream<Arguments> ngramKeyRows() {
    return rows("synthid-ngram-keys.csv");
  }

  static Stream<Arguments> contextMaskRows() {
    return rows("synthid-context-mask.csv");
  }

  static Stream<Arguments> detectRows() {
    return rows("synthid-detect.csv");
  }

  static Stream<Arguments> generateRows() {
    return rows("synthid-generate.csv");
  }

  static Stream<Arguments> exponentialRows() {
    return rows("synthid-torch-exponential.csv");
  }

  static String bits(byte[] b, int count) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < count; i++) {
      s.append(b[i]);
    }
    return s.toString();
  }

  @ParameterizedTest
  @MethodSource("tableRows")
  void tablesAreTorchCpuRandint(String[] r) throws Exception {
    byte[] t = SynthIdWatermark.table(Long.parseLong(r[0]), Integer.parseInt(r[1]));
    long ones = 0;
    for (byte b : t) {
      ones += b;
    }
    assertThat(ones).isEqualTo(Long.parseLong(r[2]));
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(t))).isEqualTo(r[3]);
    assertThat(bits(t, 64)).isEqualTo(r[4]);
  }

  @ParameterizedTest
  @MethodSource("gvalueRows")
  void gValuesOfOneKey(String[] r) {
    long key = Long.parseLong(r[0]);
    byte[] t = table(Long.parseLong(r[1]), Integer.parseInt(r[2]));
    assertThat((int) t[Math.floorMod(key, t.length)]).as("table").isEqualTo(Integer.parseInt(r[3]));
    assertThat(SynthIdWatermark.hashBit(key)).as("hash").isEqualTo(Integer.parseInt(r[4]));
  }

  @ParameterizedTest
  @MethodSource("ngramKeyRows")
  void ngramKeysAndTheirGValues(String[] r) {
    SynthIdWatermark wm = watermark(r[0], Integer.MAX_VALUE);
    int[] ngram = GoldenVectors.ints(r[2]);
    assertThat(wm.initialValue()).isEqualTo(Long.parseLong(r[3]));
    long context = wm.contextHash(ngram, 0);
    assertThat(context).isEqualTo(Long.parseLong(r[4]));
    String[] keys = r[5].split(" ");
    StringBuilder g = new StringBuilder();
    for (int l = 0; l < keys.length; l++) {
      long k = wm.layerKey(context, ngram[ngram.length - 1], l);
      assertThat(k).as("layer %d", l).isEqualTo(Long.parseLong(keys[l]));
      g.append(wm.gValue(k));
    }
    assertThat(keys).hasSize(wm.spec().depth());
    assertThat(g.toString()).isEqualTo(r[6]);
  }

  @ParameterizedTest
  @MethodSource("contextMaskRows")
  void contextRepetitionMasks(String[] r) {
    SynthIdWatermark wm = watermark(r[0], Integer.MAX_VALUE);
    int[] tokens = GoldenVectors.ints(r[3]);
    int n = wm.spec().ngramLength();
    int grams = tokens.length - n + 1;
    long[] contexts = new long[grams];
    for (int j = 0; j < grams; j++) {
      contexts[j] = wm.contextHash(tokens, j);
    }
    boolean[] masked = SynthIdWatermark.repeatedContexts(contexts, grams, wm.spec().contextHistory());
    StringBuilder m = new StringBuilder();
    for (boolean b : masked) {
      m.append(b ? '0' : '1');
    }
    assertThat(m.toString()).isEqualTo(r[4]);
  }

  @ParameterizedTest
  @MethodSource("detectRows")
  void detections(String[] r) {
    String spec = r[0] + ",eos-token-id=" + r[3];
    SynthIdWatermark wm = watermark(spec, Integer.MAX_VALUE);
    HfSynthIdSpec s = wm.spec();
    int[] tokens = GoldenVectors.ints(r[4]);
    int n = s.ngramLength();
    Detection d = wm.detector().detect(tokens);
    assertThat(d.tokensRead()).isEqualTo(tokens.length);
    assertThat(d.tuplesScored()).isEqualTo(Long.parseLong(r[5]));
    assertThat(d.score()).isEqualTo(Double.parseDouble(r[6]));
    long t = d.tuplesScored();
    double m = s.depth();
    if (t == 0) {
      assertThat(r[7]).isEqualTo("nan");
      assertThat(r[8]).isEqualTo("nan");
      assertThat(d.log10PValue()).isZero();
    } else {
      assertThat(d.score() / (m * t)).as("mean_g").isEqualTo(Double.parseDouble(r[7]));
      Detection w = Watermarks.create(null, s.withScore(HfSynthIdSpec.Score.WEIGHTED_MEAN), Integer.MAX_VALUE)
          .detector().detect(tokens);
      long levelSum = ((NullDistribution.LayeredBinomial) w.nullDistribution()).levelSum();
      double expected = Double.parseDouble(r[8]);
      // the reference sums floating-point weights; Σ level·g / (T·Σ level) is the correctly rounded quotient
      assertThat(w.score() / ((double) t * levelSum)).as("weighted_mean_g")
          .isCloseTo(expected, within(1e-13 * Math.max(1e-300, Math.abs(expected))));
      assertThat(w.tuplesScored()).isEqualTo(t);
    }
    StringBuilder mask = new StringBuilder();
    for (int j = 0; j + n - 1 < tokens.length; j++) {
      mask.append(d.mask().scored(j + n - 1) ? '1' : '0');
    }
    assertThat(mask.toString()).isEqualTo(r[9]);
    String[] g = r[10].isEmpty() ? new String[0] : r[10].split(" ");
    assertThat(g).hasSize(Math.max(0, tokens.length - n + 1));
    for (int j = 0; j < g.length; j++) {
      long context = wm.contextHash(tokens, j);
      StringBuilder row = new StringBuilder();
      for (int l = 0; l < s.depth(); l++) {
        row.append(wm.gValue(wm.layerKey(context, tokens[j + n - 1], l)));
      }
      assertThat(row.toString()).as("n-gram %d", j).isEqualTo(g[j]);
    }
  }

  @ParameterizedTest
  @MethodSource("exponentialRows")
  void torchExponentialDraws(String[] r) {
    TorchMt19937 mt = new TorchMt19937();
    mt.seed(Long.parseLong(r[0]));
    String[] values = r[2].split(" ");
    assertThat(values).hasSize(Integer.parseInt(r[1]));
    for (String v : values) {
      assertThat(exponential(mt)).isEqualTo(Float.parseFloat(v));
    }
  }

  /** torch's {@code exponential_()} on a float32 tensor: u from the low 53 bits of two draws, −ln(1 − u) rounded to float. */
  static float exponential(TorchMt19937 mt) {
    long a = mt.nextInt() & 0xFFFFFFFFL;
    long b = mt.nextInt() & 0xFFFFFFFFL;
    double u = (((a << 32) | b) & ((1L << 53) - 1)) * 0x1p-53;
    return (float) -Math.log(1 - u);
  }

  /**
   * Each generation replayed: the toy model's logits through the reference's warpers, the tournament,
   * and torch's multinomial as an exponential race with the CPU generator's draws, gives the
   * reference's tokens, and which steps were watermarked.
   */
  @ParameterizedTest
  @MethodSource("generateRows")
  void generations(String[] r) {
    boolean transformers = r[1].startsWith("transformers");
    int vocab = Integer.parseInt(r[2]);
    float scale = Float.parseFloat(r[3]);
    float temperature = Float.parseFloat(r[4]);
    int topK = Integer.parseInt(r[5]);
    boolean skipFirst = Boolean.parseBoolean(r[6]);
    long toySeed = Long.parseLong(r[7]);
    TorchMt19937 mt = new TorchMt19937();
    mt.seed(Long.parseLong(r[8]));
    int[] prompt = GoldenVectors.ints(r[9]);
    int steps = Integer.parseInt(r[10]);
    int drawsPerStep = Integer.parseInt(r[11]);
    int[] expected = GoldenVectors.ints(r[12]);
    SynthIdWatermark wm = watermark(r[0], vocab);
    int[] generated = new int[steps];
    StringBuilder flags = new StringBuilder();
    boolean[] watermarked = new boolean[1];
    int prev = prompt[prompt.length - 1];
    for (int step = 0; step < steps; step++) {
      float[] x = GoldenVectors.toyLogits(vocab, toySeed, step, prev);
      for (int i = 0; i < vocab; i++) {
        x[i] *= scale;
      }
      int[] candidates;
      float[] cx;
      if (transformers) {
        if (temperature != 1f) {
          for (int i = 0; i < vocab; i++) {
            x[i] /= temperature;
          }
        }
        if (topK > 0) {
          float[] sorted = x.clone();
          java.util.Arrays.sort(sorted);
          float kth = sorted[vocab - Math.min(topK, vocab)];
          for (int i = 0; i < vocab; i++) {
            if (x[i] < kth) {
              x[i] = Float.NEGATIVE_INFINITY;
            }
          }
        }
        candidates = null;
        cx = x;
      } else {
        for (int i = 0; i < vocab; i++) {
          x[i] /= temperature;
        }
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) {
          order[i] = i;
        }
        float[] xs = x;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(xs[b], xs[a]));
        candidates = new int[topK];
        cx = new float[topK];
        for (int i = 0; i < topK; i++) {
          candidates[i] = order[i];
          cx[i] = x[order[i]];
        }
      }
      int count = cx.length;
      assertThat(count).isEqualTo(drawsPerStep);
      long context = wm.generationContext(generated, step, skipFirst, watermarked);
      double[] p = new double[count];
      wm.tournament(cx, candidates, count, context, watermarked[0], p);
      double[] e = new double[count];
      for (int i = 0; i < count; i++) {
        e[i] = exponential(mt);
      }
      int index = SynthIdWatermark.race(p, e, count);
      int token = candidates == null ? index : candidates[index];
      assertThat(token).as("step %d", step).isEqualTo(expected[step]);
      generated[step] = token;
      prev = token;
      flags.append(watermarked[0] ? '1' : '0');
    }
    assertThat(flags.toString()).isEqualTo(r[13]);
  }

  /** The generated texts (90 to 200 scored n-grams) are all detected at α = 1e-2, most of them far beyond. */
  @Test
  void generatedTextsAreDetected() {
    int rows = 0;
    int strong = 0;
    for (String[] r : GoldenVectors.rows("synthid-detect.csv")) {
      if (r[2].startsWith("generated") && Integer.parseInt(r[5]) >= 90) {
        Detection d = watermark(r[0] + ",eos-token-id=" + r[3], Integer.MAX_VALUE).detector(DedupMode.WINDOW)
            .detect(GoldenVectors.ints(r[4]));
        assertThat(d.log10PValue()).as(r[2]).isLessThan(-2);
        rows++;
        strong += d.log10PValue() < -10 ? 1 : 0;
      }
    }
    assertThat(rows).isEqualTo(9);
    assertThat(strong).isGreaterThanOrEqualTo(5);
  }
}
