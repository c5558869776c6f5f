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
import java.util.SplittableRandom;
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
    assertThat(d.exact()).isFalse();
    assertThat(d.symbols()).hasSize(8).allSatisfy(s -> assertThat(s.score()).isGreaterThan(s.runnerUpScore()));
    // the decoded message's score is its one-message test's Gamma sum over the same units
    Detection one = wm.detector(DedupMode.WINDOW_AND_TOKEN).detect(text);
    assertThat(one.tuplesScored()).isEqualTo(d.tuplesScored());
    assertThat(d.score()).isCloseTo(one.score(), within(1e-9 * one.score()));
    assertThat(one.log10PValue()).isLessThan(d.log10PValue());
    // the union bound costs at most log10(2^16) against the one-message p-value
    assertThat(d.log10PValue() - one.log10PValue()).isCloseTo(16 * Math.log10(2), within(1e-9));
    // another message's test does not see it; unwatermarked text decodes to nothing significant
    assertThat(Watermarks.create(KEY, SPEC, VOCAB, message ^ 0xFFFF).detector().detect(text).log10PValue())
        .isGreaterThan(-2);
    assertThat(decoder.decode(generate(null, 300, 6)).log10PValue()).isGreaterThan(-2);
  }

  /**
   * 2,000 uniform random texts of 100 tokens: the conservative p-value is below α = 1e-2 at most as often as
   * Binomial(2000, 0.01) allows (bound 36, reached with probability below 1e-6 at the nominal rate).
   */
  @Test
  void theUnionBoundIsConservativeOnRandomText() {
    GumbelPayloadDecoder decoder = Watermarks.payloadDecoder(KEY, SPEC, VOCAB);
    SplittableRandom r = new SplittableRandom(77);
    int below = 0;
    int[] text = new int[100];
    for (int i = 0; i < 2000; i++) {
      for (int j = 0; j < text.length; j++) {
        text[j] = r.nextInt(VOCAB);
      }
      if (decoder.decode(text).significantAt(1e-2)) {
        below++;
      }
    }
    assertThat(below).isLessThanOrEqualTo(36);
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
