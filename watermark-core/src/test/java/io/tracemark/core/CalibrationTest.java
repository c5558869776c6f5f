package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.Seeding;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Under H0 (text independent of the key) the detector's p-values are exact: the fraction of
 * unwatermarked sequences with p < α must lie inside the 99 % binomial interval around α.
 */
@Tag("slow")
class CalibrationTest {
  static final double[] ALPHAS = {1e-2, 1e-3};

  /** The central 99 % interval of Binomial(trials, alpha), as counts [lo, hi]. */
  static int[] interval99(int trials, double alpha) {
    BinomialDistribution d = new BinomialDistribution(null, trials, alpha);
    return new int[] {d.inverseCumulativeProbability(0.005), d.inverseCumulativeProbability(0.995)};
  }

  @Test
  void randomTokenStreamsAreCalibratedWithDedup() {
    SplittableRandom r = new SplittableRandom(20261128L);
    int vocab = 50_257;
    int perKey = 50;
    int keys = 420; // 21,000 sequences: 140 keys for each of three configurations
    int length = 1_500;
    int[] flagged = new int[ALPHAS.length];
    int sequences = 0;
    for (int k = 0; k < keys; k++) {
      KgwSpec spec;
      switch (k % 3) {
        case 0: spec = KgwSpec.of(0.25, 2, 1); break;
        case 1: spec = KgwSpec.of(0.5, 2, 4); break;
        default: spec = new KgwSpec(0.25, 2, 2, Seeding.SELF, 40); break;
      }
      KgwWatermark wm = new KgwWatermark(KgwWatermarkTest.key(r.nextLong()), spec, vocab);
      Detector d = wm.detector(DedupMode.WINDOW_AND_TOKEN);
      for (int s = 0; s < perKey; s++) {
        // a low-entropy stream (Zipf-like over 2,000 tokens) so that some tuples repeat
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
          tokens[i] = (int) Math.floor(Math.pow(2000, r.nextDouble())) - 1;
        }
        Detection res = d.detect(tokens);
        sequences++;
        for (int a = 0; a < ALPHAS.length; a++) {
          if (res.significantAt(ALPHAS[a])) {
            flagged[a]++;
          }
        }
      }
    }
    System.out.printf(java.util.Locale.ROOT, "random streams: %d sequences, flagged at 1e-2: %d, at 1e-3: %d%n",
        sequences, flagged[0], flagged[1]);
    assertThat(sequences).isGreaterThanOrEqualTo(20_000);
    for (int a = 0; a < ALPHAS.length; a++) {
      int[] iv = interval99(sequences, ALPHAS[a]);
      assertThat(flagged[a]).as("sequences flagged at alpha=%s of %d", ALPHAS[a], sequences)
          .isBetween(iv[0], iv[1]);
    }
  }

  /**
   * Documents the failure that deduplication prevents: on repetitive text every repeat of a
   * tuple is the same coin flip, so without dedup the false-positive rate is far above α.
   * Measured numbers are in docs/statistics.md.
   */
  @Test
  void repetitiveTextDriftsWithoutDedupAndNotWithIt() {
    SplittableRandom r = new SplittableRandom(7);
    int sequences = 2_000;
    int[] flaggedNone = new int[ALPHAS.length];
    int[] flaggedDedup = new int[ALPHAS.length];
    for (int s = 0; s < sequences; s++) {
      KgwWatermark wm = new KgwWatermark(KgwWatermarkTest.key(r.nextLong()), KgwSpec.of(0.25, 2, 1), 1000);
      // boilerplate: a 12-token phrase repeated 25 times with a few random tokens between repeats
      int[] phrase = new int[12];
      for (int i = 0; i < phrase.length; i++) {
        phrase[i] = r.nextInt(1000);
      }
      int[] tokens = new int[25 * 15];
      int n = 0;
      for (int rep = 0; rep < 25; rep++) {
        for (int t : phrase) {
          tokens[n++] = t;
        }
        for (int j = 0; j < 3; j++) {
          tokens[n++] = r.nextInt(1000);
        }
      }
      Detection none = wm.detector(DedupMode.NONE).detect(tokens);
      Detection dedup = wm.detector(DedupMode.WINDOW_AND_TOKEN).detect(tokens);
      for (int a = 0; a < ALPHAS.length; a++) {
        flaggedNone[a] += none.significantAt(ALPHAS[a]) ? 1 : 0;
        flaggedDedup[a] += dedup.significantAt(ALPHAS[a]) ? 1 : 0;
      }
    }
    for (int a = 0; a < ALPHAS.length; a++) {
      int[] iv = interval99(sequences, ALPHAS[a]);
      System.out.printf(java.util.Locale.ROOT, "repetitive text, alpha=%s: dedup off %d/%d flagged, dedup on %d/%d%n",
          ALPHAS[a], flaggedNone[a], sequences, flaggedDedup[a], sequences);
      assertThat(flaggedNone[a]).as("dedup off, alpha=%s", ALPHAS[a]).isGreaterThan(10 * iv[1]);
      assertThat(flaggedDedup[a]).as("dedup on, alpha=%s", ALPHAS[a]).isLessThanOrEqualTo(iv[1]);
    }
  }
}
