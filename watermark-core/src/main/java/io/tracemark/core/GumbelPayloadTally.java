package io.tracemark.core;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.PayloadDetection;
import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.stats.FixedPointSum;

/**
 * The score sums of a Gumbel-family payload ({@code gumbel:…,payload=b}) over one text or a corpus:
 * per symbol position p and value v, the sum of the scores −ln(1 − u_v) of the units at p under the
 * uniforms of v, the units at p, and the wins (units whose own best value is v); these are what
 * {@link GumbelPayloadDecoder} decodes. {@link #add} scores each distinct unit once across
 * everything added (one deduplication tape, as the corpus verifier's); {@link #addUnit} scores a
 * unit a caller has deduplicated.
 *
 * <p>The sums are {@link FixedPointSum}s (each score truncated to a multiple of 2^−64 and added
 * exactly in 128 bits, kept as two longs per sum), so they are the same bits whatever the order of
 * the units and however they were split into tallies merged by {@link #addAll}: a corpus decodes to
 * the same message and p-value on one thread or many. Memory: 2^r · L · 24 bytes, plus 8 bytes per
 * distinct unit for deduplication. Not thread-safe: one per text, or per corpus and thread.
 */
public final class GumbelPayloadTally implements CorpusPayloadTally {
  private final GumbelPayloadDecoder decoder;
  private final GumbelWatermark prf;
  private final LongHashSet seen;
  private final DedupMode dedup;
  private final int h;
  private final int colours;
  private final int vocabularySize;
  /** The sum of position p and value v in slot {@code p · 2^r + v} (two longs per slot, {@link FixedPointSum#addTo}). */
  private final long[] sums;
  /** Units whose best value is v, at {@code p · 2^r + v}. */
  private final long[] wins;
  /** Units per position. */
  private final long[] units;
  private long tokensRead;

  GumbelPayloadTally(GumbelPayloadDecoder decoder, DedupMode dedup) {
    this.decoder = decoder;
    this.prf = decoder.prf();
    this.dedup = dedup;
    this.seen = dedup == DedupMode.NONE ? null : new LongHashSet(1024);
    this.h = decoder.spec().contextWidth();
    this.colours = 1 << decoder.spec().symbolBits();
    this.vocabularySize = decoder.vocabularySize();
    int symbols = decoder.spec().symbols();
    this.sums = new long[2 * symbols * colours];
    this.wins = new long[symbols * colours];
    this.units = new long[symbols];
  }

  @Override
  public GumbelPayloadDecoder decoder() {
    return decoder;
  }

  /** Adds the whole array as one record. */
  public GumbelPayloadTally add(int[] tokens) {
    return add(tokens, 0, tokens.length);
  }

  @Override
  public GumbelPayloadTally add(int[] tokens, int offset, int length) {
    Checks.require(offset >= 0 && length >= 0 && offset <= tokens.length - length,
        "offset=%d and length=%d must lie within tokens.length=%d", offset, length, tokens.length);
    Checks.tokenIds(tokens, offset, offset + length, vocabularySize);
    tokensRead += length;
    for (int pos = offset + h; pos < offset + length; pos++) {
      if (seen != null && !seen.add(dedup == DedupMode.WINDOW ? UnitFingerprints.window(tokens, pos - h, h)
          : UnitFingerprints.tuple(tokens, pos - h, h, tokens[pos]))) {
        continue;
      }
      score(tokens, pos);
    }
    return this;
  }

  @Override
  public void addUnit(int[] tokens, int position) {
    Checks.require(position >= h && position < tokens.length, "position must be between h=%d and %d, was %d", h,
        tokens.length - 1, position);
    Checks.tokenIds(tokens, position - h, position + 1, vocabularySize);
    tokensRead++;
    score(tokens, position);
  }

  /** Adds the 2^r scores of the unit at {@code pos} to its position's sums, and its win. */
  private void score(int[] tokens, int pos) {
    long s = prf.contextSeed(tokens, pos - h);
    int base = prf.symbolIndex(s) * colours;
    units[base / colours]++;
    int best = 0;
    double bestScore = -1;
    for (int v = 0; v < colours; v++) {
      double score = GumbelWatermark.expScore(GumbelWatermark.uniform(
          prf.word(false, GumbelWatermark.symbolSeed(s, v), tokens[pos])));
      FixedPointSum.addTo(sums, base + v, score);
      if (score > bestScore) {
        bestScore = score;
        best = v;
      }
    }
    wins[base + best]++;
  }

  @Override
  public void addAll(CorpusPayloadTally other) {
    Checks.require(other instanceof GumbelPayloadTally o && o.decoder == decoder,
        "only a tally of the same decoder can be added: %s", other.decoder());
    GumbelPayloadTally t = (GumbelPayloadTally) other;
    for (int i = 0; i < wins.length; i++) {
      FixedPointSum.addTo(sums, i, t.sums[2 * i], t.sums[2 * i + 1]);
      wins[i] = Math.addExact(wins[i], t.wins[i]);
    }
    for (int p = 0; p < units.length; p++) {
      units[p] = Math.addExact(units[p], t.units[p]);
    }
    tokensRead = Math.addExact(tokensRead, t.tokensRead);
  }

  @Override
  public long tokensRead() {
    return tokensRead;
  }

  /** The score sum of value v at position p, rounded once to a double. */
  public double sum(int p, int v) {
    Checks.require(p >= 0 && p < units.length && v >= 0 && v < colours,
        "position must be in [0, %d) and value in [0, %d), were %d and %d", units.length, colours, p, v);
    return FixedPointSum.valueAt(sums, p * colours + v);
  }

  /** Units at position p. */
  public long units(int p) {
    Checks.require(p >= 0 && p < units.length, "position must be in [0, %d), was %d", units.length, p);
    return units[p];
  }

  @Override
  public PayloadDetection decode() {
    return decode(tokensRead);
  }

  /** The message decoded from everything added so far, with {@code tokensRead} tokens read (at least the units). */
  PayloadDetection decode(long tokensRead) {
    int symbols = units.length;
    double[][] s = new double[symbols][colours];
    long[][] w = new long[symbols][colours];
    long total = 0;
    for (int p = 0; p < symbols; p++) {
      for (int v = 0; v < colours; v++) {
        s[p][v] = FixedPointSum.valueAt(sums, p * colours + v);
        w[p][v] = wins[p * colours + v];
      }
      total += units[p];
    }
    Checks.require(tokensRead >= total, "tokensRead must be at least the units scored %d, was %d", total, tokensRead);
    return decoder.decodeTotals(s, w, units.clone(), tokensRead);
  }
}
