package io.tracemark.core;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PayloadDetection;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.stats.MaxGammaSumLaw;
import io.tracemark.core.stats.PValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.special.Beta;

/**
 * Decodes the message of a Gumbel-family payload ({@code gumbel:…,payload=b,symbol-bits=r}) from
 * text, without trying the 2^b messages: each distinct unit (window, token) adds, for each of the 2^r
 * values v of the symbol its context carries, the score −ln(1 − u_v) of its token under the
 * uniforms of value v ({@link GumbelWatermark}); each symbol is the value of largest score sum. The
 * cost is 2^r uniforms per token, whatever b is. A text or a corpus is accumulated in a {@link
 * GumbelPayloadTally}, whose order-free sums make a corpus decode to the same bits however its units
 * were split between threads.
 *
 * <p>The p-value: under H0 the 2^r scores of a unit are independent Exp(1) (each value has its own
 * uniforms), so the sum of value v at position p over its n_p units is Gamma(n_p, 1), independently
 * across values and positions; the decoded message's score is S = Σ_p M_p with M_p the largest of the
 * 2^r sums of position p, and P(S ≥ s) is the p-value corrected for the 2^b messages. {@link
 * MaxGammaSumLaw} brackets it; the decoder reports the smaller of its certified upper bound and the
 * union bound 2^b · P(Gamma(n, 1) ≥ s) (both valid). {@link PayloadDetection#exact()} is true when the
 * reported value is the certified upper bound and the bracket is within 1 % (upper/lower ≤ 1.01): the
 * reported p-value is then at least the exact tail and at most 1.01 times it. The bracket is first
 * computed to within a factor 2 (cheap) and refined to 1 % only when its upper bound is at most
 * {@value #REFINE_BELOW}: above that the p-value is a certified upper bound at most twice the exact tail
 * and {@code exact} is false. Immutable and thread-safe.
 */
public final class GumbelPayloadDecoder implements CorpusPayloadDecoder {
  /** The per-symbol log10 margin is floored here (the confidence is then 1 in double precision). */
  static final double MARGIN_FLOOR = -300;
  private static final double LOG10_2 = Math.log10(2);
  /** The bracket of the exact law is refined to within 1 % only for p-values up to this. */
  static final double REFINE_BELOW = 0.05;
  /** The first, cheap bracket of the exact law: upper/lower at most this. */
  private static final double SCREEN_RATIO = 2;

  private final GumbelSpec spec;
  private final int vocabularySize;
  private final GumbelWatermark prf;
  private final int colours;

  GumbelPayloadDecoder(WatermarkKey key, GumbelSpec spec, int vocabularySize) {
    Checks.require(spec.hasPayload(), "the specification has no payload (payload=b): %s", spec.canonical());
    this.spec = spec;
    this.vocabularySize = vocabularySize;
    this.prf = new GumbelWatermark(key, spec, vocabularySize, 0);
    this.colours = 1 << spec.symbolBits();
  }

  /** The specification. */
  @Override
  public GumbelSpec spec() {
    return spec;
  }

  /** Token ids lie in {@code [0, vocabularySize())}. */
  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  /** Decodes one text with window+token deduplication. */
  @Override
  public PayloadDetection decode(int[] tokens) {
    return decode(tokens, 0, tokens.length, spec.defaultDedup());
  }

  /**
   * Decodes {@code tokens[offset, offset + length)} with the given deduplication: its first h
   * tokens are context only. The same as adding the range to a new {@link #newTally}.
   *
   * @throws IllegalArgumentException if the range is outside {@code tokens} or a token id is outside
   *     the vocabulary
   */
  @Override
  public PayloadDetection decode(int[] tokens, int offset, int length, DedupMode dedup) {
    return newTally(dedup).add(tokens, offset, length).decode();
  }

  /**
   * A new accumulator of score sums: one text, or a corpus whose records are added one by one with
   * one deduplication across all of them (as the corpus verifier's global tape does); tallies of
   * partitions that share no unit merge ({@link GumbelPayloadTally#addAll}) to the same bits in any
   * order.
   */
  @Override
  public GumbelPayloadTally newTally(DedupMode dedup) {
    if (dedup == null) {
      throw new NullPointerException("dedup");
    }
    return new GumbelPayloadTally(this, dedup);
  }

  GumbelWatermark prf() {
    return prf;
  }

  /** Decodes a tally's totals: per position and value, the score sums and the wins, and the units per position. */
  PayloadDetection decodeTotals(double[][] sums, long[][] wins, long[] units, long tokensRead) {
    return decodeSums(sums, wins, units, tokensRead);
  }

  private PayloadDetection decodeSums(double[][] sums, long[][] wins, long[] units, long tokensRead) {
    int symbols = sums.length;
    long message = 0;
    long total = 0;
    long green = 0;
    double score = 0;
    List<PayloadDetection.Symbol> out = new ArrayList<>(symbols);
    for (int p = 0; p < symbols; p++) {
      int best = 0;
      for (int v = 1; v < colours; v++) {
        if (sums[p][v] > sums[p][best]) {
          best = v;
        }
      }
      int second = best == 0 ? 1 : 0;
      for (int v = 0; v < colours; v++) {
        if (v != best && sums[p][v] > sums[p][second]) {
          second = v;
        }
      }
      long n = units[p];
      total += n;
      green += wins[p][best];
      score += sums[p][best];
      message |= (long) best << (p * spec.symbolBits());
      out.add(new PayloadDetection.Symbol(p, best, n, wins[p][best], wins[p][second],
          log10Margin(n, sums[p][best], sums[p][second]), sums[p][best], sums[p][second]));
    }
    double log10p = 0.0;
    boolean exact = false;
    if (total > 0) {
      double union = Math.min(0.0, spec.payloadBits() * LOG10_2
          + PValues.log10UpperTail(new NullDistribution.GammaSum(), total, score));
      MaxGammaSumLaw.Tail tail = MaxGammaSumLaw.log10UpperTail(units, colours, score, SCREEN_RATIO);
      if (tail.log10Upper() <= Math.log10(REFINE_BELOW)) {
        tail = MaxGammaSumLaw.log10UpperTail(units, colours, score);
      }
      if (tail.log10Upper() <= union) {
        log10p = tail.log10Upper();
        exact = tail.tight();
      } else {
        log10p = union;
      }
    }
    return new PayloadDetection(tokensRead, total, spec.payloadBits(), spec.symbolBits(), message, green, log10p,
        exact, out, score);
  }

  /**
   * log10 P(Beta(n, n) ≥ a / (a + c)): for two independent Gamma(n, 1) sums, how likely one takes at
   * least this share; computed as the lower tail I_{c/(a+c)}(n, n), never as 1 − CDF; floored at
   * {@value #MARGIN_FLOOR}; 0 without units.
   */
  static double log10Margin(long n, double a, double c) {
    if (n == 0 || a + c <= 0) {
      return 0.0;
    }
    double tail = Beta.regularizedBeta(c / (a + c), n, n);
    return tail > 0 ? Math.max(MARGIN_FLOOR, Math.min(0.0, Math.log10(tail))) : MARGIN_FLOOR;
  }

  @Override
  public String toString() {
    return "GumbelPayloadDecoder[" + spec.canonical() + ", vocab=" + vocabularySize + ", key=" + prf.keyId() + "]";
  }
}
