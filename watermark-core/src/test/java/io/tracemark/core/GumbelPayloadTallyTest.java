package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.DedupMode;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.PayloadDetection;
import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.internal.UnitFingerprints;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Gumbel payload's tally over a corpus: order-free sums that merge across partitions to the same bits, and the
 * family-generic corpus entry point ({@link CorpusPayloadDecoder}, {@link CorpusPayloadTally}).
 */
class GumbelPayloadTallyTest {
  static final int VOCAB = GumbelPayloadTest.VOCAB;

  /** Texts of two tenants and plain text, as one corpus's records. */
  static List<int[]> corpus() {
    List<int[]> texts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      texts.add(GumbelPayloadTest.generate(
          Watermarks.create(GumbelPayloadTest.KEY, GumbelPayloadTest.SPEC, VOCAB, 0xB2C5), 120, 100 + i));
    }
    texts.add(GumbelPayloadTest.generate(
        Watermarks.create(GumbelPayloadTest.KEY, GumbelPayloadTest.SPEC, VOCAB, 17), 120, 200));
    texts.add(GumbelPayloadTest.generate(null, 120, 300));
    return texts;
  }

  @Test
  void partitionsMergedInAnyOrderGiveTheBitsOfOneTally() {
    GumbelPayloadDecoder decoder = Watermarks.payloadDecoder(GumbelPayloadTest.KEY, GumbelPayloadTest.SPEC, VOCAB);
    List<int[]> texts = corpus();
    GumbelPayloadTally whole = decoder.newTally(DedupMode.WINDOW_AND_TOKEN);
    texts.forEach(whole::add);
    PayloadDetection expected = whole.decode();
    assertThat(expected.message()).isEqualTo(0xB2C5);
    long tokens = texts.stream().mapToLong(t -> t.length).sum();
    assertThat(expected.tokensRead()).isEqualTo(tokens);
    for (int parts : new int[] {2, 3, 7}) {
      // the distinct units, dealt to partitions by fingerprint, each scored by addUnit in reverse record order
      LongHashSet seen = new LongHashSet(1024);
      List<GumbelPayloadTally> partitions = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        partitions.add(decoder.newTally(DedupMode.NONE));
      }
      for (int r = texts.size() - 1; r >= 0; r--) {
        int[] t = texts.get(r);
        for (int pos = t.length - 1; pos >= 1; pos--) {
          long f = UnitFingerprints.tuple(t, pos - 1, 1, t[pos]);
          if (seen.add(f)) {
            partitions.get((int) Long.remainderUnsigned(f * 0x9E3779B97F4A7C15L, parts)).addUnit(t, pos);
          }
        }
      }
      for (int first = 0; first < parts; first++) {
        GumbelPayloadTally merged = decoder.newTally(DedupMode.NONE);
        for (int i = 0; i < parts; i++) {
          merged.addAll(partitions.get((first + i) % parts));
        }
        PayloadDetection d = CorpusPayloadDecoder.decodeAll(List.of(merged), tokens).get(0);
        // bit for bit: the same score sums, so the same message, symbols and p-value
        assertThat(d).as("%d partitions from %d", parts, first).isEqualTo(expected);
        for (int p = 0; p < GumbelPayloadTest.SPEC.symbols(); p++) {
          for (int v = 0; v < 4; v++) {
            assertThat(Double.doubleToRawLongBits(merged.sum(p, v))).isEqualTo(
                Double.doubleToRawLongBits(whole.sum(p, v)));
          }
        }
      }
    }
  }

  @Test
  void theSumsAreThoseOfTheScoresAndTheDecoderReadsThem() {
    GumbelPayloadDecoder decoder = Watermarks.payloadDecoder(GumbelPayloadTest.KEY, GumbelPayloadTest.SPEC, VOCAB);
    int[] text = corpus().get(0);
    GumbelPayloadTally tally = decoder.newTally(DedupMode.NONE).add(text);
    GumbelWatermark prf = decoder.prf();
    double[][] plain = new double[8][4];
    long[] units = new long[8];
    for (int pos = 1; pos < text.length; pos++) {
      long s = prf.contextSeed(text, pos - 1);
      int p = prf.symbolIndex(s);
      units[p]++;
      for (int v = 0; v < 4; v++) {
        plain[p][v] += GumbelWatermark.expScore(GumbelWatermark.uniform(
            prf.word(false, GumbelWatermark.symbolSeed(s, v), text[pos])));
      }
    }
    for (int p = 0; p < 8; p++) {
      assertThat(tally.units(p)).isEqualTo(units[p]);
      for (int v = 0; v < 4; v++) {
        // each term truncated by less than 2^-64: the sums agree to rounding
        assertThat(tally.sum(p, v)).isCloseTo(plain[p][v], within(1e-12 * Math.max(1, plain[p][v])));
      }
    }
    assertThat(decoder.decode(text, 0, text.length, DedupMode.NONE)).isEqualTo(tally.decode());
    assertThat(tally.decode().tuplesScored()).isEqualTo(text.length - 1);
  }

  @Test
  void tallyMisuseIsRefusedNamingWhatIsWrong() {
    GumbelPayloadDecoder decoder = Watermarks.payloadDecoder(GumbelPayloadTest.KEY, GumbelPayloadTest.SPEC, VOCAB);
    GumbelPayloadDecoder other = Watermarks.payloadDecoder(KgwWatermarkTest.key(99), GumbelPayloadTest.SPEC, VOCAB);
    GumbelPayloadTally tally = decoder.newTally(DedupMode.NONE);
    assertThatThrownBy(() -> tally.addAll(other.newTally(DedupMode.NONE))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same decoder");
    assertThatThrownBy(() -> tally.addUnit(new int[] {1, VOCAB}, 1)).hasMessageContaining("index 1");
    assertThatThrownBy(() -> tally.addUnit(new int[] {1, 2}, 0)).hasMessageContaining("position must be");
    assertThatThrownBy(() -> tally.add(new int[] {1, 2}, 1, 2)).hasMessageContaining("must lie within");
    PayloadDecoder green = Watermarks.payloadDecoder(GumbelPayloadTest.KEY, KgwSpec.parse("kgw:payload=16,h=1"),
        VOCAB);
    assertThatThrownBy(() -> CorpusPayloadDecoder.decodeAll(List.of(tally, green.newTally(DedupMode.NONE)), 10))
        .hasMessageContaining("another family");
    assertThatThrownBy(() -> tally.decode(-1)).hasMessageContaining("tokensRead");
  }

  @Test
  void decodeAllGivesEachTallysOwnDecodeForBothFamilies() {
    List<int[]> texts = corpus();
    KgwSpec kgw = KgwSpec.parse("kgw:payload=16,h=1");
    List<CorpusPayloadTally> gumbel = new ArrayList<>();
    List<CorpusPayloadTally> green = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      CorpusPayloadDecoder g = Watermarks.payloadDecoder(KgwWatermarkTest.key(60 + k), GumbelPayloadTest.SPEC, VOCAB);
      CorpusPayloadDecoder c = Watermarks.payloadDecoder(KgwWatermarkTest.key(60 + k), kgw, VOCAB);
      CorpusPayloadTally gt = g.newTally(DedupMode.WINDOW_AND_TOKEN);
      CorpusPayloadTally ct = c.newTally(DedupMode.WINDOW_AND_TOKEN);
      texts.forEach(t -> {
        gt.add(t, 0, t.length);
        ct.add(t, 0, t.length);
      });
      gumbel.add(gt);
      green.add(ct);
    }
    for (List<CorpusPayloadTally> tallies : List.of(gumbel, green)) {
      List<PayloadDetection> all = CorpusPayloadDecoder.decodeAll(tallies, tallies.get(0).tokensRead());
      for (int k = 0; k < 3; k++) {
        assertThat(all.get(k)).isEqualTo(tallies.get(k).decode());
      }
    }
  }
}
