package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.Detection;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.Watermark;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** vLLM vectors produced by vLLM's own watermarking code (CPU path), see generate_interop_vectors.py. */
class VllmGoldenTest {

  static Stream<Arguments> detections() {
    return GoldenVectors.rows("vllm-detect.csv").stream().map(r -> Arguments.of(Named.of(r[0] + " " + r[1], r)));
  }

  @ParameterizedTest
  @MethodSource("detections")
  void detectorMatchesVllm(String[] r) {
    Watermark p = GoldenVectors.watermark(r[0]);
    Detection res = p.detector().detect(GoldenVectors.ints(r[2]));
    double score = Double.parseDouble(r[4]);
    double pv = Double.parseDouble(r[5]);
    assertThat(res.tuplesScored()).as("num_scored_tokens").isEqualTo(Long.parseLong(r[3]));
    assertThat(res.score()).as("score").isCloseTo(score, within(1e-9 * Math.abs(score)));
    double exact = Double.parseDouble(r[6]);
    if (exact == pv) {
      assertThat(res.referencePValue().getAsDouble()).as("p_value").isCloseTo(pv, within(1e-300 + 1e-9 * pv));
    } else {
      // vLLM's torch.special.gammaincc is accurate to about 1e-9 relative; ours to mpmath's 40 digits
      assertThat(res.referencePValue().getAsDouble()).as("p_value (torch)").isCloseTo(pv, within(1e-7 * pv));
      assertThat(res.referencePValue().getAsDouble()).as("p_value (mpmath)").isCloseTo(exact, within(1e-12 * exact));
    }
  }

  static Stream<Arguments> generations() {
    return GoldenVectors.rows("vllm-generate.csv").stream().map(r -> Arguments.of(Named.of(r[0], r)));
  }

  /** The Java sampler draws the very tokens vLLM's Gumbel-max sampler drew from the toy model. */
  @ParameterizedTest
  @MethodSource("generations")
  void samplerMatchesVllm(String[] r) {
    Watermark p = GoldenVectors.watermark(r[0]);
    SamplingScheme sampler = p.sampling().orElseThrow();
    long toySeed = Long.parseLong(r[1]);
    int steps = Integer.parseInt(r[2]);
    int[] expected = GoldenVectors.ints(r[3]);
    int[] ids = new int[steps];
    // without deduplicate-contexts and with one key the draw needs no randomness: any generator
    SplittableRandom random = new SplittableRandom(0);
    for (int step = 0; step < steps; step++) {
      float[] logits = GoldenVectors.toyLogits(sampler.vocabularySize(), toySeed, step, step == 0 ? -1 : ids[step - 1]);
      ids[step] = sampler.sample(ids, step, logits, random);
    }
    assertThat(ids).isEqualTo(expected);
    // and vLLM's detector semantics find the watermark in the Java-generated tokens
    assertThat(p.detector().detect(ids).log10PValue()).isLessThan(-5);
  }
}
