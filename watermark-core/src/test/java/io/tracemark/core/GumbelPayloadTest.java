package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.PayloadDetection;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.stats.MaxGammaSumLaw;
import io.tracemark.core.stats.PValues;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The multi-bit payload on the Gumbel family: its format, generation, the one-message test and decoding. */
class GumbelPayloadTest {
  static final int VOCAB = 1000;
  static final GumbelSpec SPEC = GumbelSpec.parse("gumbel:h=1,payload=16");
  static final WatermarkKey KEY = KgwWatermarkTest.key(31);

  @Test
  void specificationGrammar() {
    GumbelSpec s = GumbelSpec.parse("gumbel:payload=16");
    assertThat(s.payloadBits()).isEqualTo(16);
    assertThat(s.symbolBits()).isEqualTo(2);
    assertThat(s.symbols()).isEqualTo(8);
    assertThat(s.canonical()).isEqualTo("gumbel:h=4,score=sum,payload=16,symbol-bits=2");
    assertThat(SchemeSpec.parse(s.canonical())).isEqualTo(s);
    assertThat(GumbelSpec.parse("gumbel:h=2,payload=12,symbol-bits=3").symbols()).isEqualTo(4);
    assertThat(GumbelSpec.parse("gumbel:h=2").hasPayload()).isFalse();
    assertThatThrownBy(() -> GumbelSpec.parse("gumbel:payload=16,symbol-bits=5"))
        .hasMessageContaining("symbol-bits must be between 1 and 4");
    assertThatThrownBy(() -> GumbelSpec.parse("gumbel:payload=16,symbol-bits=3")).hasMessageContaining("divide");
    assertThatThrownBy(() -> GumbelSpec.parse("gumbel:payload=16,dual")).hasMessageContaining("single-key");
    assertThatThrownBy(() -> GumbelSpec.parse("gumbel:payload=16,score=windowed")).hasMessageContaining("score=sum");
    assertThatThrownBy(() -> GumbelSpec.parse("gumbel:symbol-bits=2")).hasMessageContaining("needs a payload");
    assertThatThrownBy(() -> Watermarks.create(KEY, SPEC, VOCAB)).hasMessageContaining("needs its message");
    assertThatThrownBy(() -> Watermarks.create(KEY, SPEC, VOCAB, 1L << 16)).hasMessageContaining("message must be");
  }

  /** Values printed by src/test/python/generate_gumbel_payload_vectors.py from the definition. */
  @Test
  void formatV1KnownAnswers() {
    byte[] bytes = new byte[32];
    for (int i = 0; i < 32; i++) {
      bytes[i] = (byte) i;
    }
    GumbelWatermark prf = new GumbelWatermark(WatermarkKey.fromBytes(bytes),
        GumbelSpec.parse("gumbel:h=2,payload=12,symbol-bits=3"), 100_000, 0);
    int[][] contexts = {{0, 1}, {17, 50256}, {1000, 7}};
    long[] seeds = {0x1b5ba3ff6132dc3fL, 0x9a517dc558d09582L, 0x4273ee429f766cecL};
    int[] positions = {3, 2, 1};
    long[][] words = {
        {0xd942249fae26ce8bL, 0xdb878345fecd6f36L, 0x8ab69eb31bbfbfd1L, 0xe897da23bc3e29ccL,
            0x760dd29ef648da66L, 0x0d8f73178a0c6ee1L, 0x1dcd11fdae5cdb7dL, 0x77ef8f865721dc5dL},
        {0x04e9bfa56bb14232L, 0x62c0825f9c103090L, 0x61e0117ed4dda9acL, 0x96b96cd2cb781980L,
            0xbfb27c4ecab76fefL, 0x469f16d57ad0a97fL, 0x21541507d5944361L, 0x90d942e9dabc4fa9L},
        {0x87706255fb13379dL, 0x1e0e74a2e45105adL, 0x7a62c6329b1801a2L, 0xc13981b771db7769L,
            0xb0e58e25967ce74fL, 0x545277a6a2946283L, 0x7b55e5ef4ed09278L, 0x43db00392e5cdc7aL}};
    int[] tokens = {0, 1, 2, 99_999};
    int[] values = {0, 5};
    for (int c = 0; c < contexts.length; c++) {
      long seed = prf.contextSeed(contexts[c], 0);
      assertThat(seed).isEqualTo(seeds[c]);
      assertThat(prf.symbolIndex(seed)).isEqualTo(positions[c]);
      for (int v = 0; v < values.length; v++) {
        for (int t = 0; t < tokens.length; t++) {
          assertThat(prf.word(false, GumbelWatermark.symbolSeed(seed, values[v]), tokens[t]))
              .as("context %d value %d token %d", c, values[v], tokens[t]).isEqualTo(words[c][v * 4 + t]);
        }
      }
      // generation with a message draws with the uniforms of the message's symbol at that position
      long message = 5L << (3 * positions[c]);
      GumbelWatermark carrier = new GumbelWatermark(WatermarkKey.fromBytes(bytes),
          GumbelSpec.parse("gumbel:h=2,payload=12,symbol-bits=3"), 100_000, message);
      assertThat(carrier.seed(false, contexts[c], 0)).isEqualTo(GumbelWatermark.symbolSeed(seed, 5));
    }
  }

  /** A Gumbel-max sampling loop over toy logits N(0, 4²) (about 2.3 nats per step at V = 1000); plain draws without {@code wm}. */
  static int[] generate(Watermark wm, int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    SamplingScheme sampling = wm == null ? null : wm.sampling().orElseThrow();
    io.tracemark.api.TokenSampler plain = io.tracemark.core.sampling.Samplers.multinomial(random);
    int[] tokens = new int[length];
    for (int i = 0; i < length; i++) {
      float[] logits = TournamentWatermarkTest.logits(random, VOCAB, 4.0);
      tokens[i] = sampling == null ? plain.sample(logits) : sampling.sample(tokens, i, logits, random);
    }
    return tokens;
  }

  @Test
  void generatedTextDecodesItsMessageAndItsOneMessageTestDetectsIt() {
    long message = 0xB2C5;
    Watermark wm = Watermarks.create(KEY, SPEC, VOCAB, message);
    int[] text = generate(wm, 300, 5);
    GumbelPayloadDecoder decoder = Watermarks.payloadDecoder(KEY, SPEC, VOCAB);
    PayloadDetection d = decoder.decode(text);
    assertThat(d.message()).isEqualTo(message);
    assertThat(d.log10PValue()).isLessThan(-6);
    assertThat(d.symbols()).hasSize(8).allSatisfy(s -> assertThat(s.score()).isGreaterThan(s.runnerUpScore()));
    // the decoded message's score is its one-message test's Gamma sum over the same units
    Detection one = wm.detector(DedupMode.WINDOW_AND_TOKEN).detect(text);
    assertThat(one.tuplesScored()).isEqualTo(d.tuplesScored());
    assertThat(d.score()).isCloseTo(one.score(), within(1e-9 * one.score()));
    assertThat(one.log10PValue()).isLessThan(d.log10PValue());
    // the p-value is the certified upper bound of the exact law of the decoded score, never above the
    // union bound 2^16 times the one-message p-value
    long[] units = d.symbols().stream().mapToLong(PayloadDetection.Symbol::units).toArray();
    MaxGammaSumLaw.Tail law = MaxGammaSumLaw.log10UpperTail(units, 4, d.score());
    double union = one.log10PValue() + 16 * Math.log10(2);
    assertThat(d.log10PValue()).isCloseTo(Math.min(law.log10Upper(), union), within(1e-9));
    assertThat(d.log10PValue()).isLessThanOrEqualTo(union + 1e-9);
    if (d.exact()) {
      assertThat(law.tight()).isTrue();
      assertThat(d.log10PValue()).isEqualTo(law.log10Upper());
    }
    // on its first 60 tokens (p about 1e-24) the bracket is tight and the exact law below the union bound
    PayloadDetection shorter = decoder.decode(java.util.Arrays.copyOf(text, 60));
    assertThat(shorter.exact()).isTrue();
    assertThat(shorter.log10PValue()).isLessThan(unionBound(shorter, 16) - 0.1);
    // another message's test does not see it; unwatermarked text decodes to nothing significant
    assertThat(Watermarks.create(KEY, SPEC, VOCAB, message ^ 0xFFFF).detector().detect(text).log10PValue())
        .isGreaterThan(-2);
    assertThat(decoder.decode(generate(null, 300, 6)).log10PValue()).isGreaterThan(-2);
  }

  /**
   * 500 uniform random texts of 100 tokens: the p-value is below α = 1e-2 at most as often as
   * Binomial(500, 0.01) allows (bound 20, reached with probability below 1e-6 at the nominal rate), and
   * never above the union bound 2^16 · P(Gamma(n, 1) ≥ score).
   */
  @Test
  void thePValueIsValidOnRandomTextAndNeverAboveTheUnionBound() {
    GumbelPayloadDecoder decoder = Watermarks.payloadDecoder(KEY, SPEC, VOCAB);
    SplittableRandom r = new SplittableRandom(77);
    int below = 0;
    int[] text = new int[100];
    for (int i = 0; i < 500; i++) {
      for (int j = 0; j < text.length; j++) {
        text[j] = r.nextInt(VOCAB);
      }
      PayloadDetection d = decoder.decode(text);
      assertThat(d.log10PValue()).isLessThanOrEqualTo(unionBound(d, 16));
      if (d.significantAt(1e-2)) {
        below++;
      }
    }
    assertThat(below).isLessThanOrEqualTo(20);
  }

  /** log10 of min(1, 2^b · P(Gamma(n, 1) ≥ score)), n the units scored. */
  static double unionBound(PayloadDetection d, int bits) {
    return Math.min(0, bits * Math.log10(2) + PValues.log10GammaUpperTail(d.tuplesScored(), d.score()));
  }

  /**
   * Calibration: 20,000 uniform random texts of 200 tokens (V = 1,000, seeded), b = 16, r = 2. The p-value
   * of the exact law is below α = 1e-2 and 1e-3 as often as Binomial(20000, α) allows (20,000·α ± 4.5 σ:
   * 137–263 and 0–40; the statistic is continuous, so the p-value is uniform under H0 up to its 1 %
   * bracket); the union bound, counted alongside, rejects fewer.
   */
  @Test
  @Tag("calibration-full") // minutes of CPU: excluded by default (watermark-core/pom.xml), run with -DexcludedGroups=none
  void theExactLawIsCalibratedOnTwentyThousandRandomTexts() {
    GumbelPayloadDecoder decoder = Watermarks.payloadDecoder(KEY, SPEC, VOCAB);
    SplittableRandom r = new SplittableRandom(41);
    int[] exact = new int[2];
    int[] union = new int[2];
    double[] alphas = {1e-2, 1e-3};
    int[] text = new int[200];
    for (int i = 0; i < 20_000; i++) {
      for (int j = 0; j < text.length; j++) {
        text[j] = r.nextInt(VOCAB);
      }
      PayloadDetection d = decoder.decode(text);
      double u = unionBound(d, 16);
      for (int a = 0; a < alphas.length; a++) {
        if (d.log10PValue() <= Math.log10(alphas[a])) {
          exact[a]++;
        }
        if (u <= Math.log10(alphas[a])) {
          union[a]++;
        }
      }
    }
    assertThat(exact[0]).as("exact at 1e-2 (union bound: %d)", union[0]).isBetween(137, 263);
    assertThat(exact[1]).as("exact at 1e-3 (union bound: %d)", union[1]).isBetween(0, 40);
    assertThat(union[0]).isLessThanOrEqualTo(exact[0]);
    assertThat(union[1]).isLessThanOrEqualTo(exact[1]);
  }

  @Test
  void theMarginIsTheBetaTailOfTwoEquallyFavouredSums() {
    assertThat(GumbelPayloadDecoder.log10Margin(0, 0, 0)).isZero();
    // a tie: P(Beta(n, n) >= 1/2) = 1/2
    assertThat(GumbelPayloadDecoder.log10Margin(10, 5, 5)).isCloseTo(Math.log10(0.5), within(1e-12));
    // n = 1: Beta(1, 1) is uniform, P(U >= a / (a + c)) = c / (a + c)
    assertThat(GumbelPayloadDecoder.log10Margin(1, 3, 1)).isCloseTo(Math.log10(0.25), within(1e-12));
    assertThat(GumbelPayloadDecoder.log10Margin(5000, 1e6, 1)).isEqualTo(GumbelPayloadDecoder.MARGIN_FLOOR);
  }
}
