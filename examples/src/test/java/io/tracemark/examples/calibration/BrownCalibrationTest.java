package io.tracemark.examples.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.examples.corpus.BrownCorpus;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.InheritanceVerifier;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Calibration on human text written decades before language models: under H0 the fraction of
 * Brown documents flagged at alpha must lie inside the 99% interval of Binomial(500, alpha), and
 * so must the fraction of control keys flagged on the whole corpus.
 *
 * <p>Each document is tested under its own key. Under one fixed key the 500 verdicts are not
 * independent: every document contains "of the", "in the", … and those shared tuples are the
 * same coin flips in every document (measured: with one key the mean z over the documents was
 * −0.27 for one key and +0.30 for another, and 5 or 40 documents of 500 were flagged at 0.05).
 * Each test is exact; the 500 are a binomial sample only with independent keys. This is also why
 * a corpus is scored with one global tape, never as a sum of per-document tests.
 */
@Tag("slow")
class BrownCalibrationTest {
  static byte[] bytes(int seed) {
    byte[] b = new byte[32];
    new java.util.SplittableRandom(seed).nextBytes(b);
    return b;
  }


  /** The central 99% interval of Binomial(n, p). */
  static int[] interval99(int n, double p) {
    BinomialDistribution d = new BinomialDistribution(null, n, p);
    return new int[] {d.inverseCumulativeProbability(0.005), d.inverseCumulativeProbability(0.995)};
  }

  @ParameterizedTest(name = "{0}, {1}, key seed {2}, alpha {3}, {4} control keys")
  @CsvSource({
      "r50k_base, 'kgw:gamma=0.25,delta=2,h=1', 11, 0.05, 100",
      "cl100k_base, 'kgw:gamma=0.25,delta=2,h=1', 12, 0.05, 100",
      "cl100k_base, 'kgw:gamma=0.5,delta=2,h=2', 13, 0.1, 100",
      // self seeding has key-dependent units: one tape per key, so fewer controls keep the test light
      "o200k_base, 'kgw:gamma=0.25,delta=2,h=3,seeding=self', 14, 0.1, 30"})
  void fractionOfHumanDocumentsFlaggedStaysInsideItsBinomialInterval(String encoding, String spec, int keySeed,
      double alpha, int controlKeys) {
    TextTokenizer tokenizer = Tokenizers.jtokkit(encoding);
    KgwSpec s = KgwSpec.parse(spec);
    WatermarkKey key = WatermarkKey.fromBytes(bytes(keySeed));
    Watermark wm = Watermarks.create(key, s, tokenizer.vocabularySize());
    List<SuspectRecord> corpus = new ArrayList<>();
    int flagged = 0;
    int index = 0;
    for (BrownCorpus.Document doc : BrownCorpus.documents()) {
      SuspectRecord r = new SuspectRecord(doc.id(), tokenizer.encode(doc.text()));
      corpus.add(r);
      Watermark own = Watermarks.create(InheritanceVerifier.controlKey(keySeed, index++), s,
          tokenizer.vocabularySize());
      InheritanceResult one = InheritanceVerifier.builder().scorer("k", own.scorer()).alpha(alpha).build()
          .closedModel(List.of(r));
      if (one.verdict() == InheritanceResult.Verdict.DETECTED) {
        flagged++;
      }
    }
    int[] docs = interval99(500, alpha);
    assertThat(flagged).as("documents flagged at alpha=%s", alpha).isBetween(docs[0], docs[1]);

    InheritanceResult all = InheritanceVerifier.builder().scorer("k", wm.scorer()).alpha(alpha)
        .controlKeys(controlKeys, k -> Watermarks.create(k, s, tokenizer.vocabularySize()).scorer()).build()
        .closedModel(corpus);
    int[] controls = interval99(controlKeys, alpha);
    assertThat(all.controls().flaggedAtAlpha()).as("control keys flagged").isBetween(controls[0], controls[1]);
    assertThat(all.tuplesScored()).isGreaterThan(300_000);
    assertThat(all.flags()).noneMatch(f -> f.contains("not calibrated"));
  }
}
