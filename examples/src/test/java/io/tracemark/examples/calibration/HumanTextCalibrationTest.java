package io.tracemark.examples.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.Seeding;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.examples.corpus.BrownCorpus;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The detector is calibrated on real human text: the 500 Brown samples (1961, long before
 * language models) tokenized with cl100k_base, each scored under 40 independent random keys
 * (20,000 sequences). With deduplication the fraction with p < α must lie inside the 99 %
 * binomial interval around α for α = 1e-2 and 1e-3.
 */
@Tag("slow")
class HumanTextCalibrationTest {
  @Test
  void brownCorpusIsCalibratedUnderManyKeys() {
    TextTokenizer enc = Tokenizers.jtokkit("cl100k_base");
    int vocab = enc.vocabularySize();
    List<int[]> docs = new ArrayList<>();
    long tokens = 0;
    for (BrownCorpus.Document d : BrownCorpus.documents()) {
      int[] ids = enc.encode(d.text());
      docs.add(ids);
      tokens += ids.length;
    }
    assertThat(docs).hasSize(500);
    SplittableRandom r = new SplittableRandom(1961);
    int keysPerConfig = 40;
    double[] alphas = {1e-2, 1e-3};
    int[] flagged = new int[alphas.length];
    int sequences = 0;
    for (int k = 0; k < keysPerConfig; k++) {
      byte[] secret = new byte[32];
      for (int i = 0; i < 32; i++) {
        secret[i] = (byte) r.nextInt();
      }
      KgwSpec spec;
      switch (k % 4) {
        case 0: spec = KgwSpec.of(0.25, 2, 1); break;
        case 1: spec = KgwSpec.of(0.25, 2, 4); break;
        case 2: spec = KgwSpec.of(0.5, 2, 2); break;
        default: spec = new KgwSpec(0.25, 2, 3, Seeding.SELF, 40); break;
      }
      Detector detector = Watermarks.create(WatermarkKey.fromBytes(secret), spec, vocab)
          .detector(DedupMode.WINDOW_AND_TOKEN);
      for (int[] doc : docs) {
        Detection res = detector.detect(doc);
        sequences++;
        for (int a = 0; a < alphas.length; a++) {
          flagged[a] += res.significantAt(alphas[a]) ? 1 : 0;
        }
      }
    }
    System.out.printf(Locale.ROOT, "Brown calibration: %d sequences (%d tokens per key), flagged at 1e-2: %d, at 1e-3: %d%n",
        sequences, tokens, flagged[0], flagged[1]);
    assertThat(sequences).isEqualTo(20_000);
    for (int a = 0; a < alphas.length; a++) {
      BinomialDistribution d = new BinomialDistribution(null, sequences, alphas[a]);
      assertThat(flagged[a]).as("flagged at alpha=%s", alphas[a])
          .isBetween(d.inverseCumulativeProbability(0.005), d.inverseCumulativeProbability(0.995));
    }
  }
}
