package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.LmwSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed golden vectors of lm-watermarking and transformers, produced by the real reference
 * code ({@code src/test/python/generate_interop_vectors.py}); no Python needed here.
 */
class InteropGoldenTest {
  private static final Map<Long, int[]> HF_TABLES = new HashMap<>();

  static Stream<Arguments> seeds() {
    return GoldenVectors.rows("prf-seeds.csv").stream().map(r -> Arguments.of(
        Named.of(r[0] + " " + r[1] + " h=" + r[2] + " key=" + r[3] + " [" + r[4] + "]", r)));
  }

  /** The seed handed to manual_seed: the same low 32 bits (all PyTorch keeps). */
  @ParameterizedTest
  @MethodSource("seeds")
  void seedFunctions(String[] r) {
    int h = Integer.parseInt(r[2]);
    long key = Long.parseLong(r[3]);
    int[] ctx = GoldenVectors.ints(r[4]);
    int expected = new BigInteger(r[5]).intValue();
    TorchPrf.SeedFunction f;
    if (r[0].equals("lmw")) {
      f = TorchPrf.lmw(LmwSpec.Prf.parse(r[1]), key);
    } else if (r[1].equals("lefthash")) {
      f = TorchPrf.hfLefthash(key);
    } else {
      int[] table;
      synchronized (HF_TABLES) {
        table = HF_TABLES.computeIfAbsent(key, k -> TorchRandperm.full(k, TorchPrf.TABLE_SIZE));
      }
      f = TorchPrf.anchoredMinhash(key, table);
    }
    assertThat(ctx).hasSize(h);
    assertThat(f.seed(ctx, 0, h)).isEqualTo(expected);
  }

  private static final Map<String, Watermark> PROFILES = new HashMap<>();

  static Watermark profile(String spec) {
    synchronized (PROFILES) {
      return PROFILES.computeIfAbsent(spec, GoldenVectors::watermark);
    }
  }

  static Stream<Arguments> detections() {
    return GoldenVectors.rows("detect.csv").stream().map(r -> Arguments.of(Named.of(r[0] + " " + r[1], r)));
  }

  /** Reference-generated and random tokens: the reference detector's counts, z and p, and per-n-gram mask. */
  @ParameterizedTest
  @MethodSource("detections")
  void detectorMatchesTheReference(String[] r) {
    Watermark p = profile(r[0]);
    int[] tokens = GoldenVectors.ints(r[2]);
    Detection res = p.detector().detect(tokens);
    assertThat(res.tuplesScored()).as("num_tokens_scored").isEqualTo(Long.parseLong(r[3]));
    assertThat(res.green()).as("num_green_tokens").isEqualTo(Long.parseLong(r[4]));
    double z = Double.parseDouble(r[5]);
    double pv = Double.parseDouble(r[6]);
    assertThat(res.z()).as("z_score").isCloseTo(z, within(1e-12 * Math.max(1, Math.abs(z))));
    assertThat(res.referencePValue().getAsDouble()).as("p_value").isCloseTo(pv, within(1e-15 + 1e-9 * pv));
    assertThat(res.log10PValue()).isLessThanOrEqualTo(0.0);
    if (!r[7].equals("-")) {
      TokenScorer scorer = p.scorer();
      int skip = r[0].contains("bos-token-id") && tokens[0] == 50256 ? 1 : 0;
      int[] text = java.util.Arrays.copyOfRange(tokens, skip, tokens.length);
      String mask = r[7];
      StringBuilder mine = new StringBuilder();
      for (int i = 0; i < mask.length(); i++) {
        mine.append(scorer.score(text, i + scorer.contextWidth()) == 1.0 ? '1' : '0');
      }
      assertThat(mine.toString()).as("green_token_mask").isEqualTo(mask);
    }
  }

  static Stream<Arguments> generations() {
    return GoldenVectors.rows("generate.csv").stream().map(r -> Arguments.of(Named.of(r[0], r)));
  }

  /**
   * Greedy decoding of the toy model through the reference's logits processor, replayed through
   * the Java bias scheme: every step must bias exactly the same token ids, so the Java side
   * generates the identical token sequence, which the reference detector (see detect.csv, case
   * "watermarked") scores as watermarked; the Java detector then agrees with it too.
   */
  @ParameterizedTest
  @MethodSource("generations")
  void generationMatchesTheReference(String[] r) {
    Watermark p = profile(r[0]);
    BiasScheme bias = p.bias().orElseThrow();
    long toySeed = Long.parseLong(r[1]);
    int[] prompt = GoldenVectors.ints(r[2]);
    int steps = Integer.parseInt(r[3]);
    int[] expected = GoldenVectors.ints(r[4]);
    int[] counts = GoldenVectors.ints(r[5]);
    String[] hashes = r[6].split(" ");
    int vocab = bias.vocabularySize();
    int[] ids = new int[prompt.length + steps];
    System.arraycopy(prompt, 0, ids, 0, prompt.length);
    int length = prompt.length;
    for (int step = 0; step < steps; step++) {
      float[] logits = GoldenVectors.toyLogits(vocab, toySeed, step, ids[length - 1]);
      float[] before = logits.clone();
      bias.apply(ids, length, logits);
      List<Integer> changed = new ArrayList<>();
      for (int v = 0; v < vocab; v++) {
        if (Float.floatToRawIntBits(logits[v]) != Float.floatToRawIntBits(before[v])) {
          changed.add(v);
        }
      }
      int[] ch = changed.stream().mapToInt(Integer::intValue).toArray();
      assertThat(ch.length).as("biased tokens at step %d", step).isEqualTo(counts[step]);
      assertThat(GoldenVectors.sha16(ch)).as("biased set at step %d", step).isEqualTo(hashes[step]);
      ids[length++] = GoldenVectors.argmax(logits);
    }
    int[] generated = java.util.Arrays.copyOfRange(ids, prompt.length, ids.length);
    assertThat(generated).isEqualTo(expected);
    // the Java-generated text is detected as watermarked by the reference semantics
    Detection res = p.detector(DedupMode.NONE).detect(generated, 0, generated.length);
    assertThat(res.log10PValue()).isLessThan(-10);
  }
}
