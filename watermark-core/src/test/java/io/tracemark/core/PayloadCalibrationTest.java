package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.PayloadDetection;
import io.tracemark.core.stats.PValues;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The decoder's p-value is calibrated: on text independent of the key (uniform random tokens, and
 * text watermarked under another key) it falls below α at most α of the time, within a one-sided
 * binomial bound at 1e-6; the uncorrected binomial p-value of the decoded message does not.
 */
@Tag("slow")
class PayloadCalibrationTest {
  static final double[] ALPHAS = {1e-2, 1e-3};

  /** The smallest count whose probability of being reached by Binomial(n, alpha) is below 1e-6. */
  static long bound(long n, double alpha) {
    long k = (long) (n * alpha);
    while (PValues.log10BinomialUpperTail(n, k, alpha) >= -6) {
      k++;
    }
    return k;
  }

  @Test
  void twentyThousandNullTextsAtOnePercentAndOnePerMille() {
    int texts = 20_000;
    int vocab = 32_000;
    KgwSpec spec = KgwSpec.parse("kgw:payload=16,h=1");
    PayloadDecoder decoder = Watermarks.payloadDecoder(KgwWatermarkTest.key(31), spec, vocab);
    SplittableRandom r = new SplittableRandom(32);
    long[] rejected = new long[ALPHAS.length];
    long[] naive = new long[ALPHAS.length];
    int[] tokens = new int[200];
    for (int t = 0; t < texts; t++) {
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = r.nextInt(vocab);
      }
      PayloadDetection d = decoder.decode(tokens);
      assertThat(d.exact()).isTrue();
      double uncorrected = PValues.log10BinomialUpperTail(d.tuplesScored(), d.green(), spec.gamma());
      for (int a = 0; a < ALPHAS.length; a++) {
        rejected[a] += d.significantAt(ALPHAS[a]) ? 1 : 0;
        naive[a] += uncorrected < Math.log10(ALPHAS[a]) ? 1 : 0;
      }
    }
    for (int a = 0; a < ALPHAS.length; a++) {
      System.out.printf(java.util.Locale.ROOT, "payload null: alpha %s: %d/%d rejected (uncorrected: %d)%n",
          ALPHAS[a], rejected[a], texts, naive[a]);
      assertThat(rejected[a]).as("alpha %s", ALPHAS[a]).isLessThan(bound(texts, ALPHAS[a]));
      assertThat(naive[a]).as("uncorrected, alpha %s", ALPHAS[a]).isGreaterThan(bound(texts, ALPHAS[a]));
    }
  }

  @Test
  void aWrongKeyNeverDecodesBelowAlphaMoreThanAlphaOfTheTime() {
    int texts = 1_000;
    int vocab = 1000;
    KgwSpec spec = KgwSpec.parse("kgw:payload=16");
    PayloadWatermark owner = (PayloadWatermark) Watermarks.create(KgwWatermarkTest.key(41), spec, vocab, 0xBEEF);
    PayloadDecoder right = Watermarks.payloadDecoder(KgwWatermarkTest.key(41), spec, vocab);
    PayloadDecoder wrong = Watermarks.payloadDecoder(KgwWatermarkTest.key(42), spec, vocab);
    SplittableRandom r = new SplittableRandom(43);
    long rejected = 0;
    long decoded = 0;
    double alpha = 1e-2;
    for (int t = 0; t < texts; t++) {
      int[] tokens = PayloadTest.generate(owner, 200, false, r, vocab);
      rejected += wrong.decode(tokens).significantAt(alpha) ? 1 : 0;
      PayloadDetection d = right.decode(tokens);
      decoded += d.message() == 0xBEEF && d.significantAt(alpha) ? 1 : 0;
    }
    System.out.printf(java.util.Locale.ROOT, "payload wrong key: %d/%d below %s; right key: %d decoded%n", rejected,
        texts, alpha, decoded);
    assertThat(rejected).isLessThan(bound(texts, alpha));
    assertThat(decoded).isGreaterThan(texts * 9 / 10);
  }
}
