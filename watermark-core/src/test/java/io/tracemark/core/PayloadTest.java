package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.PayloadDetection;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.sampling.GreenListBias;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The multi-bit payload: specification, generation against decoding, and the decoder's bookkeeping. */
class PayloadTest {
  static final int VOCAB = 1000;

  @Test
  void specificationGrammar() {
    KgwSpec s = KgwSpec.parse("kgw:payload=16");
    assertThat(s.symbolBits()).isEqualTo(2);
    assertThat(s.gamma()).isEqualTo(0.25);
    assertThat(s.symbols()).isEqualTo(8);
    assertThat(s.canonical()).isEqualTo("kgw:gamma=0.25,delta=2,h=1,seeding=left,payload=16,symbol-bits=2");
    assertThat(SchemeSpec.parse(s.canonical())).isEqualTo(s);
    assertThat(KgwSpec.parse("kgw:gamma=0.5,payload=8").symbolBits()).isEqualTo(1);
    assertThat(KgwSpec.parse("kgw:symbol-bits=4,payload=32").gamma()).isEqualTo(0.0625);
    assertThat(KgwSpec.parse("kgw").hasPayload()).isFalse();
    assertThatThrownBy(() -> KgwSpec.parse("kgw:payload=33")).hasMessage("payload must be between 1 and 32, was 33");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:payload=9,symbol-bits=2"))
        .hasMessage("symbol-bits must divide payload, were symbol-bits=2 and payload=9");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:gamma=0.3,payload=8")).hasMessageContaining("gamma must be 2^-r");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:gamma=0.5,symbol-bits=2,payload=8"))
        .hasMessage("gamma must be 2^-symbol-bits = 0.25 with a payload, was 0.5");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:symbol-bits=2")).hasMessage("symbol-bits needs a payload (payload=b)");
    assertThatThrownBy(() -> KgwSpec.parse("kgw:payload=8,seeding=self,h=2"))
        .hasMessage("a payload needs seeding=left, was self");
  }

  /**
   * Known answers that freeze format v1 of the payload (docs/payload.md): key bytes 0, 1, …, 31,
   * {@code payload=12,symbol-bits=3,h=2}; per context its seed, symbol position and the colours of
   * tokens 0, 1, 2 and 99,999. A change here is a new format version, not an update.
   */
  @Test
  void formatV1KnownAnswers() {
    byte[] bytes = new byte[32];
    for (int i = 0; i < 32; i++) {
      bytes[i] = (byte) i;
    }
    PayloadPrf prf = new PayloadPrf(WatermarkKey.fromBytes(bytes), KgwSpec.parse("kgw:payload=12,symbol-bits=3,h=2"));
    int[][] contexts = {{0, 1}, {17, 50256}, {1000, 7}};
    long[] seeds = {0x8e06b712721e1307L, 0x3ca7f9cc80d88342L, 0xb0cb939dd3e68650L};
    int[] positions = {3, 1, 2};
    int[][] colours = {{3, 3, 4, 7}, {4, 1, 3, 3}, {1, 2, 5, 4}};
    int[] tokens = {0, 1, 2, 99_999};
    for (int c = 0; c < contexts.length; c++) {
      long seed = prf.seed(contexts[c], 0);
      assertThat(seed).isEqualTo(seeds[c]);
      assertThat(prf.symbolIndex(seed)).isEqualTo(positions[c]);
      for (int t = 0; t < tokens.length; t++) {
        assertThat(prf.colour(seed, tokens[t])).as("context %d token %d", c, tokens[t]).isEqualTo(colours[c][t]);
      }
    }
  }

  @Test
  void messageIsGivenAtCreationNotInTheSpecification() {
    WatermarkKey key = KgwWatermarkTest.key(1);
    KgwSpec spec = KgwSpec.parse("kgw:payload=8");
    assertThatThrownBy(() -> Watermarks.create(key, spec, VOCAB)).hasMessageContaining("needs its message");
    assertThatThrownBy(() -> Watermarks.create(key, spec, VOCAB, 256))
        .hasMessage("message must be between 0 and 2^payload - 1 = 255, was 256");
    assertThatThrownBy(() -> Watermarks.create(key, KgwSpec.parse("kgw"), VOCAB, 1))
        .hasMessageContaining("no payload");
    assertThatThrownBy(() -> Watermarks.payloadDecoder(key, KgwSpec.parse("kgw"), VOCAB))
        .hasMessageContaining("no payload");
  }

  /** apply adds δ exactly to the tokens the probe calls green, and those are the colour of the message's symbol. */
  @Test
  void biasProbeAndDecoderAgree() {
    WatermarkKey key = KgwWatermarkTest.key(2);
    KgwSpec spec = KgwSpec.parse("kgw:payload=12,symbol-bits=3,h=2");
    long message = 0xA5C;
    PayloadWatermark wm = (PayloadWatermark) Watermarks.create(key, spec, VOCAB, message);
    PayloadPrf prf = new PayloadPrf(key, spec);
    SplittableRandom r = new SplittableRandom(3);
    GreenListBias.Probe probe = wm.newProbe();
    int[] symbolHits = new int[spec.symbols()];
    for (int trial = 0; trial < 200; trial++) {
      int[] ctx = {r.nextInt(VOCAB), r.nextInt(VOCAB)};
      float[] logits = new float[VOCAB];
      wm.apply(ctx, 2, logits);
      assertThat(probe.seek(ctx, 2)).isTrue();
      long seed = prf.seed(ctx, 0);
      int p = prf.symbolIndex(seed);
      symbolHits[p]++;
      int green = 0;
      for (int t = 0; t < VOCAB; t++) {
        boolean g = logits[t] == 2.0f;
        assertThat(logits[t] == 0f || g).isTrue();
        assertThat(probe.isGreen(t)).isEqualTo(g);
        assertThat(prf.colour(seed, t) == (int) ((message >>> (3 * p)) & 7)).isEqualTo(g);
        green += g ? 1 : 0;
      }
      assertThat(green).isBetween(60, 200); // about V / 8
    }
    assertThat(symbolHits).doesNotContain(0); // every symbol position is used
    // too short a context: unbiased, and the probe says nothing is green
    float[] logits = new float[VOCAB];
    wm.apply(new int[] {5}, 1, logits);
    assertThat(logits).containsOnly(0f);
    assertThat(probe.seek(new int[] {5}, 1)).isFalse();
    assertThat(probe.isGreen(5)).isFalse();
  }

  /** Greedy text (nearly every token of its context's message colour) decodes to the message with a tiny p-value. */
  @Test
  void greedyGreenTextDecodesItsMessage() {
    WatermarkKey key = KgwWatermarkTest.key(4);
    KgwSpec spec = KgwSpec.parse("kgw:payload=32,delta=4");
    long message = 0xDEADBEEFL;
    PayloadWatermark wm = (PayloadWatermark) Watermarks.create(key, spec, VOCAB, message);
    int[] tokens = generate(wm, 400, true, new SplittableRandom(5), VOCAB);
    PayloadDecoder decoder = Watermarks.payloadDecoder(key, spec, VOCAB);
    PayloadDetection d = decoder.decode(tokens);
    assertThat(d.message()).isEqualTo(message);
    assertThat(d.exact()).isTrue();
    assertThat(d.log10PValue()).isLessThan(-100);
    assertThat(d.symbols()).hasSize(16).allMatch(s -> s.log10MarginP() < -2);
    // the known-message detector sees the same green count
    Detection known = wm.detector().detect(tokens);
    assertThat(known.green()).isEqualTo(d.green());
    assertThat(known.tuplesScored()).isEqualTo(d.tuplesScored());
    // the exact tail is below the union bound over the 2^32 messages
    double union = 32 * Math.log10(2) + io.tracemark.core.stats.PValues.log10BinomialUpperTail(d.tuplesScored(),
        d.green(), 0.25);
    assertThat(d.log10PValue()).isLessThanOrEqualTo(union + 1e-9);
  }

  /** The session's rejection and candidate paths need only the probe: text they sample decodes to the message. */
  @Test
  void sessionFastPathsCarryTheMessage() {
    WatermarkKey key = KgwWatermarkTest.key(9);
    KgwSpec spec = KgwSpec.parse("kgw:payload=8,delta=3");
    PayloadWatermark wm = (PayloadWatermark) Watermarks.create(key, spec, VOCAB, 0xC3);
    PayloadDecoder decoder = Watermarks.payloadDecoder(key, spec, VOCAB);
    SplittableRandom r = new SplittableRandom(10);
    float[] profile = new float[VOCAB];
    for (int q = 0; q < VOCAB; q++) {
      profile[q] = (float) (-1.5 * Math.log(q + 1));
    }
    float[] logits = new float[VOCAB];
    io.tracemark.core.sampling.WatermarkSession rejection =
        new io.tracemark.core.sampling.WatermarkSession(wm, new int[] {r.nextInt(VOCAB)});
    io.tracemark.core.sampling.WatermarkSession candidates =
        new io.tracemark.core.sampling.WatermarkSession(wm, new int[] {r.nextInt(VOCAB)});
    int[] ids = new int[50];
    float[] top = new float[50];
    for (int n = 0; n < 300; n++) {
      shuffled(profile, logits, r);
      rejection.sampleByRejection(logits, r);
      for (int q = 0; q < ids.length; q++) {
        int id = 0;
        while (logits[id] != profile[q]) {
          id++;
        }
        ids[q] = id;
        top[q] = profile[q];
      }
      candidates.sampleCandidates(ids, top, ids.length, r);
    }
    for (io.tracemark.core.sampling.WatermarkSession s : java.util.List.of(rejection, candidates)) {
      PayloadDetection d = decoder.decode(s.tokens());
      assertThat(d.message()).isEqualTo(0xC3);
      assertThat(d.log10PValue()).isLessThan(-10);
    }
  }

  @Test
  void tallyDeduplicatesAcrossRecordsAndMergesByCounts() {
    WatermarkKey key = KgwWatermarkTest.key(6);
    KgwSpec spec = KgwSpec.parse("kgw:payload=8");
    PayloadWatermark wm = (PayloadWatermark) Watermarks.create(key, spec, VOCAB, 77);
    PayloadDecoder decoder = Watermarks.payloadDecoder(key, spec, VOCAB);
    SplittableRandom r = new SplittableRandom(7);
    int[] a = generate(wm, 150, false, r, VOCAB);
    int[] b = generate(wm, 150, false, r, VOCAB);
    PayloadTally tally = decoder.newTally(DedupMode.WINDOW_AND_TOKEN).add(a).add(b).add(a);
    PayloadDetection once = decoder.newTally(DedupMode.WINDOW_AND_TOKEN).add(a).add(b).decode();
    assertThat(tally.decode().tuplesScored()).isEqualTo(once.tuplesScored());
    assertThat(tally.decode().green()).isEqualTo(once.green());
    assertThat(tally.tokensRead()).isEqualTo(450);
    assertThat(once.message()).isEqualTo(77);
    // two tallies merged by their counts equal one tally when no unit reaches both
    long[][] ca = decoder.newTally(DedupMode.NONE).add(a).counts();
    long[][] cb = decoder.newTally(DedupMode.NONE).add(b).counts();
    for (int p = 0; p < ca.length; p++) {
      for (int c = 0; c < ca[p].length; c++) {
        ca[p][c] += cb[p][c];
      }
    }
    PayloadDetection merged = decoder.decodeCounts(ca, 300);
    PayloadDetection whole = decoder.newTally(DedupMode.NONE).add(a).add(b).decode();
    assertThat(merged).isEqualTo(whole);
    assertThatThrownBy(() -> decoder.newTally(DedupMode.NONE).add(new int[] {1, VOCAB}))
        .hasMessage("token id at index 1 must be between 0 and 999, was 1000");
    assertThatThrownBy(() -> decoder.decodeCounts(new long[3][4], 0)).hasMessageContaining("must have 4 rows");
  }

  @Test
  void decodersOfSeveralKeysShareTheirLawsAndGiveEachKeysResult() {
    KgwSpec spec = KgwSpec.parse("kgw:payload=8");
    PayloadWatermark wm = (PayloadWatermark) Watermarks.create(KgwWatermarkTest.key(10), spec, VOCAB, 201);
    int[] text = generate(wm, 400, false, new SplittableRandom(10), VOCAB);
    java.util.List<PayloadDecoder> decoders = new java.util.ArrayList<>();
    java.util.List<long[][]> tables = new java.util.ArrayList<>();
    for (int k = 10; k < 14; k++) {
      PayloadDecoder d = Watermarks.payloadDecoder(KgwWatermarkTest.key(k), spec, VOCAB);
      decoders.add(d);
      tables.add(d.newTally(DedupMode.NONE).add(text).counts());
    }
    java.util.List<PayloadDetection> together = PayloadDecoder.decodeCounts(decoders, tables, 400);
    for (int k = 0; k < 4; k++) {
      // a fresh decoder of the same key computes its own laws: the same result, bit for bit
      PayloadDetection alone = Watermarks.payloadDecoder(KgwWatermarkTest.key(10 + k), spec, VOCAB)
          .decodeCounts(tables.get(k), 400);
      assertThat(together.get(k)).isEqualTo(alone);
    }
    assertThat(together.get(0).message()).isEqualTo(201);
    assertThatThrownBy(() -> PayloadDecoder.decodeCounts(decoders, tables.subList(0, 3), 400))
        .hasMessageContaining("one count table per decoder");
    java.util.List<PayloadDecoder> mixed = java.util.List.of(decoders.get(0),
        Watermarks.payloadDecoder(KgwWatermarkTest.key(10), KgwSpec.parse("kgw:payload=8,h=2"), VOCAB));
    assertThatThrownBy(() -> PayloadDecoder.decodeCounts(mixed, tables.subList(0, 2), 400))
        .hasMessageContaining("another specification");
  }

  @Test
  void emptyAndContextOnlyTextsScoreNothing() {
    WatermarkKey key = KgwWatermarkTest.key(8);
    PayloadDecoder decoder = Watermarks.payloadDecoder(key, KgwSpec.parse("kgw:payload=8,h=3"), VOCAB);
    PayloadDetection d = decoder.decode(new int[] {1, 2, 3});
    assertThat(d.tuplesScored()).isZero();
    assertThat(d.log10PValue()).isZero();
    assertThat(d.significantAt(0.5)).isFalse();
    assertThat(d.symbols()).allMatch(s -> s.units() == 0 && s.log10MarginP() == 0);
  }

  /**
   * A sampling loop over a Zipf(1.5) law (entropy 2.8 nats at V = 1000) whose ranks are shuffled onto token ids at each step (as
   * in {@link PowerTest}), with the watermark's bias, sampled or greedy; returns the tokens.
   */
  static int[] generate(PayloadWatermark wm, int length, boolean greedy, SplittableRandom r, int vocab) {
    int h = wm.contextWidth();
    int[] tokens = new int[length];
    for (int i = 0; i < h; i++) {
      tokens[i] = r.nextInt(vocab);
    }
    float[] profile = new float[vocab];
    for (int q = 0; q < vocab; q++) {
      profile[q] = (float) (-1.5 * Math.log(q + 1));
    }
    io.tracemark.api.TokenSampler draw = io.tracemark.core.sampling.Samplers.multinomial(r.split());
    float[] logits = new float[vocab];
    for (int n = h; n < length; n++) {
      shuffled(profile, logits, r);
      wm.apply(tokens, n, logits);
      if (greedy) {
        // the highest biased logit: nearly every token green
        int best = 0;
        for (int t = 1; t < vocab; t++) {
          best = logits[t] > logits[best] ? t : best;
        }
        tokens[n] = best;
      } else {
        tokens[n] = draw.sample(logits);
      }
    }
    return tokens;
  }

  /** The profile's ranks placed on token ids by a fresh affine bijection (stride coprime with the vocabulary size). */
  static void shuffled(float[] profile, float[] logits, SplittableRandom r) {
    int v = logits.length;
    int offset = r.nextInt(v);
    int stride;
    do {
      stride = 1 + r.nextInt(v - 1);
    } while (gcd(stride, v) != 1);
    for (int q = 0, id = offset; q < v; q++) {
      logits[id] = profile[q];
      id += stride;
      if (id >= v) {
        id -= v;
      }
    }
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
