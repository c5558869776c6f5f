package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.PayloadDetection;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Decoding accuracy against length in the synthetic loop of {@link PowerTest} (Zipf(1.5) over
 * 32,000 tokens, 3.14 nats, shuffled at each step), δ = 2, a 32-bit payload in 2-bit symbols
 * (γ = 0.25): 60 sequences of 400 tokens with random messages, decoded from their first 100,
 * 200 and 400 tokens. A sequence counts when the whole message is right and p &lt; 1e-6 (94 of 100 at
 * 400 tokens when measured over 100 sequences; the bound, 52 of 60, is 2.4 standard deviations below).
 */
@Tag("slow")
class PayloadPowerTest {
  static final int VOCAB = 32_000;
  static final int[] PREFIXES = {100, 200, 400};

  @Test
  void thirtyTwoBitMessagesAreDecodedFromFourHundredTokens() {
    KgwSpec spec = KgwSpec.parse("kgw:payload=32,symbol-bits=2,delta=2,h=1");
    SplittableRandom r = new SplittableRandom(51);
    int sequences = 60;
    int[] right = new int[PREFIXES.length];
    int[] wrongButSignificant = new int[PREFIXES.length];
    for (int s = 0; s < sequences; s++) {
      long message = r.nextLong() >>> 32;
      PayloadWatermark wm = (PayloadWatermark) Watermarks.create(KgwWatermarkTest.key(52), spec, VOCAB, message);
      int[] tokens = PayloadTest.generate(wm, PREFIXES[PREFIXES.length - 1], false, r, VOCAB);
      PayloadDecoder decoder = Watermarks.payloadDecoder(KgwWatermarkTest.key(52), spec, VOCAB);
      for (int i = 0; i < PREFIXES.length; i++) {
        PayloadDetection d = decoder.decode(java.util.Arrays.copyOf(tokens, PREFIXES[i]));
        boolean significant = d.significantAt(1e-6);
        right[i] += significant && d.message() == message ? 1 : 0;
        wrongButSignificant[i] += significant && d.message() != message ? 1 : 0;
      }
    }
    for (int i = 0; i < PREFIXES.length; i++) {
      System.out.printf(java.util.Locale.ROOT, "payload power: %d tokens: %d/%d decoded at p < 1e-6, %d wrong%n",
          PREFIXES[i], right[i], sequences, wrongButSignificant[i]);
    }
    assertThat(right[2]).isGreaterThanOrEqualTo(52);
    assertThat(right[0]).isLessThan(right[2]);
  }
}
