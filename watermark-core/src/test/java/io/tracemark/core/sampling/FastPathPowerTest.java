package io.tracemark.core.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.LogitsProcessor;
import io.tracemark.api.Watermark;
import io.tracemark.core.Watermarks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Detection power is the same whichever path samples: the synthetic loop (a Zipf law p ∝ rank^−1.5
 * over 4,096 tokens, its ranks scattered over the ids by a fresh affine bijection at each step;
 * γ = 0.25, δ = 2, h = 1) generates 1,000 sequences of 12 tokens per path. The rate of sequences
 * detected at α = 1e-2 and the fraction of green tokens of the full path ({@code bias} then a
 * multinomial draw) and of the fast paths must agree within the 99.9 % interval of the
 * difference of two binomial proportions. Short sequences keep the rate away from 0 and 1, where
 * a difference would show.
 */
class FastPathPowerTest {
  static final int VOCAB = 4096;
  static final int SEQUENCES = 1000;
  static final int LENGTH = 12;

  enum Path { FULL, REJECTION, CANDIDATES }

  /** Detected sequences and green tokens of one path. */
  record Outcome(int detected, long green, long scored) {}

  @Test
  void plainSamplingDetectsAsOftenByRejectionAsWithTheFullBias() {
    Outcome full = run(Path.FULL, null, 1);
    Outcome rejection = run(Path.REJECTION, null, 2);
    assertSameRates(full, rejection);
  }

  @Test
  void topPSamplingDetectsAsOftenWithCandidatesAsWithTheFullBiasAfterTopP() {
    Outcome full = run(Path.FULL, Samplers.topP(0.95), 3);
    Outcome candidates = run(Path.CANDIDATES, Samplers.topP(0.95), 4);
    Outcome rejection = run(Path.REJECTION, Samplers.topP(0.95), 5);
    assertSameRates(full, candidates);
    assertSameRates(full, rejection);
  }

  static void assertSameRates(Outcome a, Outcome b) {
    double pa = a.detected() / (double) SEQUENCES;
    double pb = b.detected() / (double) SEQUENCES;
    double p = (pa + pb) / 2;
    System.out.printf(java.util.Locale.ROOT, "detected %d and %d of %d; green %d/%d and %d/%d%n", a.detected(), b.detected(), SEQUENCES, a.green(), a.scored(), b.green(), b.scored());
    assertThat(p).as("detection rate away from 0 and 1").isBetween(0.1, 0.9);
    assertThat(Math.abs(pa - pb)).as("detection rates %s and %s", pa, pb)
        .isLessThanOrEqualTo(3.29 * Math.sqrt(2 * p * (1 - p) / SEQUENCES));
    double ga = a.green() / (double) a.scored();
    double gb = b.green() / (double) b.scored();
    double g = (a.green() + b.green()) / (double) (a.scored() + b.scored());
    assertThat(g).as("the watermark raises the green fraction above γ").isGreaterThan(0.4);
    assertThat(Math.abs(ga - gb)).as("green fractions %s and %s", ga, gb)
        .isLessThanOrEqualTo(3.29 * Math.sqrt(g * (1 - g) * (1.0 / a.scored() + 1.0 / b.scored())));
  }

  static Outcome run(Path path, LogitsProcessor truncation, long seed) {
    Watermark wm = Watermarks.create(WatermarkSessionSamplingTest.key(7), KgwSpec.of(0.25, 2, 1), VOCAB);
    GreenListBias bias = (GreenListBias) wm.bias().orElseThrow();
    SplittableRandom r = new SplittableRandom(seed);
    float[] profile = new float[VOCAB];
    for (int rank = 0; rank < VOCAB; rank++) {
      profile[rank] = (float) (Math.rint(-96 * Math.log(rank + 1)) / 64);
    }
    Multinomial draw = new Multinomial();
    float[] logits = new float[VOCAB];
    int[] ids = new int[VOCAB];
    float[] values = new float[VOCAB];
    int detected = 0;
    long green = 0;
    long scored = 0;
    for (int s = 0; s < SEQUENCES; s++) {
      WatermarkSession session = new WatermarkSession(bias, new int[] {r.nextInt(VOCAB)});
      for (int n = 1; n < LENGTH; n++) {
        int offset = r.nextInt(VOCAB);
        int stride = 1 + 2 * r.nextInt(VOCAB / 2); // odd, so coprime with 2^12
        for (int q = 0, id = offset; q < VOCAB; q++) {
          logits[id] = profile[q];
          id = (id + stride) & (VOCAB - 1);
        }
        if (truncation != null) {
          truncation.process(logits);
        }
        switch (path) {
          case FULL:
            session.bias(logits);
            session.accept(draw.draw(logits, r));
            break;
          case REJECTION:
            session.sampleByRejection(logits, r);
            break;
          default:
            int count = 0;
            for (int t = 0; t < VOCAB; t++) {
              if (logits[t] != Float.NEGATIVE_INFINITY) {
                ids[count] = t;
                values[count++] = logits[t];
              }
            }
            session.sampleCandidates(ids, values, count, r);
        }
      }
      var detection = wm.detector().detect(session.tokens());
      detected += detection.log10PValue() < -2 ? 1 : 0;
      green += detection.green();
      scored += detection.tuplesScored();
    }
    return new Outcome(detected, green, scored);
  }
}
