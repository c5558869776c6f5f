package io.tracemark.core;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.PayloadDetection;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.stats.MaxMultinomialLaw;
import io.tracemark.core.stats.PValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes the message of a multi-bit payload ({@code kgw:…,payload=b,symbol-bits=r}) from text,
 * without trying the 2^b messages: one pass tallies, per distinct unit, the colour of its token at
 * the symbol position its context carries ({@link PayloadPrf}); each symbol is its fullest colour.
 * The cost is one keyed hash per token plus the law of the statistic, whatever b is.
 *
 * <p>The p-value is the exact upper tail of Σ_p max_c counts[p][c] under H0 given the units per
 * position ({@link MaxMultinomialLaw}), which corrects for all 2^b messages; when the counts are
 * too large for the exact law it is the union bound 2^b · P(Binomial(n, 2^−r) ≥ green)
 * (conservative, flagged in the result). Immutable and thread-safe; laws of the maximum already
 * computed are kept (at most 4,096 of them) and shared between calls.
 */
public final class PayloadDecoder implements CorpusPayloadDecoder {
  static final int CACHED_LAWS = 4096;
  private static final double LOG10_2 = Math.log10(2);

  private final KgwSpec spec;
  private final int vocabularySize;
  private final PayloadPrf prf;
  private final String keyId;
  private final ConcurrentHashMap<Integer, double[]> laws = new ConcurrentHashMap<>();

  PayloadDecoder(WatermarkKey key, KgwSpec spec, int vocabularySize) {
    Checks.require(vocabularySize >= 2, "vocabularySize must be >= 2, was %d", vocabularySize);
    Checks.require(spec.hasPayload(), "the specification has no payload (payload=b): %s", spec.canonical());
    this.spec = spec;
    this.vocabularySize = vocabularySize;
    this.prf = new PayloadPrf(key, spec);
    this.keyId = key.keyId();
  }

  /** The specification. */
  @Override
  public KgwSpec spec() {
    return spec;
  }

  /** Token ids lie in {@code [0, vocabularySize())}. */
  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  /** The public key id. */
  public String keyId() {
    return keyId;
  }

  /** Decodes one text with window+token deduplication. */
  @Override
  public PayloadDetection decode(int[] tokens) {
    return newTally(spec.defaultDedup()).add(tokens, 0, tokens.length).decode();
  }

  /** Decodes {@code tokens[offset, offset + length)} with the given deduplication. */
  @Override
  public PayloadDetection decode(int[] tokens, int offset, int length, DedupMode dedup) {
    return newTally(dedup).add(tokens, offset, length).decode();
  }

  /**
   * A new accumulator of colour counts: one text, or a corpus whose records are added one by one
   * with one deduplication across all of them (as the corpus verifier's global tape does).
   */
  @Override
  public PayloadTally newTally(DedupMode dedup) {
    if (dedup == null) {
      throw new NullPointerException("dedup");
    }
    return new PayloadTally(this, dedup);
  }

  PayloadPrf prf() {
    return prf;
  }

  static long unitFingerprint(int[] tokens, int position, int h, DedupMode mode) {
    long window = UnitFingerprints.window(tokens, position - h, h);
    switch (mode) {
      case WINDOW:
        return window;
      case WINDOW_AND_TOKEN:
        return UnitFingerprints.tupleFromWindow(window, tokens[position]);
      default:
        throw Checks.illegal("dedup mode NONE has no unit fingerprint");
    }
  }

  /**
   * Decodes from colour counts: {@code counts[p][c]} units of colour c at symbol position p, e.g.
   * summed by a corpus verifier across its partitions.
   *
   * @param counts L rows of 2^r non-negative counts
   * @param tokensRead the tokens read to collect them (at least their total)
   * @throws IllegalArgumentException if the shape or a count is wrong
   */
  public PayloadDetection decodeCounts(long[][] counts, long tokensRead) {
    return decodeCounts(counts, tokensRead, Map.of());
  }

  /**
   * Decodes the count tables of several decoders of one specification and vocabulary (e.g. the
   * owner's key and its control keys over the same units), computing the laws of the maximum that
   * the tables need together, in one pass whose cost is that of the largest unit count: {@code
   * decoders.get(i)} decodes {@code counts.get(i)}, each as {@link #decodeCounts(long[][], long)}
   * does, with the same results.
   *
   * @throws IllegalArgumentException if the lists differ in length, the decoders in specification
   *     or vocabulary, or a table is malformed
   */
  public static List<PayloadDetection> decodeCounts(List<PayloadDecoder> decoders, List<long[][]> counts,
      long tokensRead) {
    Checks.require(decoders.size() == counts.size(), "there must be one count table per decoder: %d for %d decoders",
        counts.size(), decoders.size());
    if (decoders.isEmpty()) {
      return List.of();
    }
    PayloadDecoder first = decoders.get(0);
    TreeSet<Integer> needed = new TreeSet<>();
    Map<Integer, double[]> shared = new HashMap<>();
    for (int i = 0; i < decoders.size(); i++) {
      PayloadDecoder d = decoders.get(i);
      Checks.require(d.spec.equals(first.spec) && d.vocabularySize == first.vocabularySize,
          "decoder %d has another specification or vocabulary than decoder 0", i);
      long[][] table = counts.get(i);
      long maxUnits = 0;
      int[] units = new int[table.length];
      for (int p = 0; p < table.length; p++) {
        long n = 0;
        for (long c : table[p]) {
          n += Math.max(0, c);
        }
        maxUnits = Math.max(maxUnits, n);
        units[p] = (int) Math.min(n, Integer.MAX_VALUE);
      }
      if (MaxMultinomialLaw.affordable(maxUnits, first.prf.colours)) {
        for (int n : units) {
          double[] law = first.laws.get(n);
          if (law == null) {
            needed.add(n);
          } else {
            shared.put(n, law);
          }
        }
      }
    }
    if (!needed.isEmpty()) {
      int[] ns = needed.stream().mapToInt(Integer::intValue).toArray();
      double[][] computed = MaxMultinomialLaw.lnPmfsOfMax(ns, first.prf.colours);
      for (int i = 0; i < ns.length; i++) {
        shared.put(ns[i], computed[i]);
      }
    }
    List<PayloadDetection> out = new ArrayList<>(decoders.size());
    for (int i = 0; i < decoders.size(); i++) {
      out.add(decoders.get(i).decodeCounts(counts.get(i), tokensRead, shared));
    }
    return out;
  }

  private PayloadDetection decodeCounts(long[][] counts, long tokensRead, Map<Integer, double[]> known) {
    int symbols = prf.symbols;
    int colours = prf.colours;
    Checks.require(counts.length == symbols, "counts must have %d rows (payload / symbol-bits), had %d", symbols,
        counts.length);
    long total = 0;
    long green = 0;
    long maxUnits = 0;
    long message = 0;
    int[] units = new int[symbols];
    List<PayloadDetection.Symbol> out = new ArrayList<>(symbols);
    for (int p = 0; p < symbols; p++) {
      long[] row = counts[p];
      Checks.require(row.length == colours, "counts row %d must have %d colours (2^symbol-bits), had %d", p, colours,
          row.length);
      int best = 0;
      long n = 0;
      for (int c = 0; c < colours; c++) {
        Checks.require(row[c] >= 0, "counts[%d][%d] must be >= 0, was %d", p, c, row[c]);
        n += row[c];
        if (row[c] > row[best]) {
          best = c;
        }
      }
      long second = 0;
      for (int c = 0; c < colours; c++) {
        if (c != best) {
          second = Math.max(second, row[c]);
        }
      }
      total += n;
      green += row[best];
      maxUnits = Math.max(maxUnits, n);
      units[p] = (int) Math.min(n, Integer.MAX_VALUE);
      message |= (long) best << (p * prf.symbolBits);
      out.add(new PayloadDetection.Symbol(p, best, n, row[best], second,
          PValues.log10BinomialUpperTail(row[best] + second, row[best], 0.5)));
    }
    Checks.require(tokensRead >= total, "tokensRead must be at least the units counted %d, was %d", total, tokensRead);
    boolean exact = MaxMultinomialLaw.affordable(maxUnits, colours);
    double log10p;
    if (total == 0) {
      log10p = 0.0;
    } else if (exact) {
      log10p = MaxMultinomialLaw.lnUpperTailOfSum(lawsOf(units, known), green) / Math.log(10);
    } else {
      log10p = Math.min(0.0, spec.payloadBits() * LOG10_2 + PValues.log10BinomialUpperTail(total, green, spec.gamma()));
    }
    return new PayloadDetection(tokensRead, total, spec.payloadBits(), prf.symbolBits, message, green, log10p, exact,
        out);
  }

  /**
   * The laws of the maximum for these unit counts, from {@code known}, the cache, or computed
   * together in one pass.
   */
  private double[][] lawsOf(int[] units, Map<Integer, double[]> known) {
    double[][] out = new double[units.length][];
    List<Integer> missing = new ArrayList<>();
    for (int p = 0; p < units.length; p++) {
      out[p] = known.get(units[p]);
      if (out[p] == null) {
        out[p] = laws.get(units[p]);
      }
      if (out[p] == null && !missing.contains(units[p])) {
        missing.add(units[p]);
      }
    }
    if (!missing.isEmpty()) {
      int[] ns = missing.stream().mapToInt(Integer::intValue).toArray();
      double[][] computed = MaxMultinomialLaw.lnPmfsOfMax(ns, prf.colours);
      for (int i = 0; i < ns.length; i++) {
        if (laws.size() < CACHED_LAWS) {
          laws.putIfAbsent(ns[i], computed[i]);
        }
        for (int p = 0; p < units.length; p++) {
          if (units[p] == ns[i]) {
            out[p] = computed[i];
          }
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "PayloadDecoder[" + spec.canonical() + ", vocab=" + vocabularySize + ", key=" + keyId + "]";
  }
}
