package io.tracemark.core;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.PayloadDetection;
import io.tracemark.core.internal.LongHashSet;

/**
 * The colour counts of a multi-bit payload over one text or a corpus: {@link #add} scores each
 * distinct unit once across everything added (one deduplication tape, as the corpus verifier's),
 * {@link #decode} gives the message with its corrected p-value. Memory: the counts, plus 8 bytes
 * per distinct unit for deduplication. Not thread-safe: one per text, or per corpus and thread,
 * merged by {@link #addAll} (or by summing {@link #counts()} into {@link PayloadDecoder#decodeCounts})
 * when units are partitioned so that no unit reaches two tallies.
 */
public final class PayloadTally implements CorpusPayloadTally {
  private final PayloadDecoder decoder;
  private final PayloadPrf prf;
  private final DedupMode dedup;
  private final LongHashSet seen;
  private final long[][] counts;
  private final int vocabularySize;
  private long tokensRead;

  PayloadTally(PayloadDecoder decoder, DedupMode dedup) {
    this.decoder = decoder;
    this.prf = decoder.prf();
    this.dedup = dedup;
    this.seen = dedup == DedupMode.NONE ? null : new LongHashSet(1024);
    this.counts = new long[prf.symbols][prf.colours];
    this.vocabularySize = decoder.vocabularySize();
  }

  @Override
  public PayloadDecoder decoder() {
    return decoder;
  }

  /** Adds the whole array as one record. */
  public PayloadTally add(int[] tokens) {
    return add(tokens, 0, tokens.length);
  }

  /**
   * Adds {@code tokens[offset, offset + length)} as one record: its first h tokens are context
   * only, and units already seen (in any record) are skipped.
   *
   * @throws IllegalArgumentException if the range is outside {@code tokens} or a token id is outside
   *     the vocabulary (naming its index)
   */
  @Override
  public PayloadTally add(int[] tokens, int offset, int length) {
    Checks.require(offset >= 0 && length >= 0 && offset <= tokens.length - length,
        "offset=%d and length=%d must lie within tokens.length=%d", offset, length, tokens.length);
    for (int j = offset; j < offset + length; j++) {
      if (tokens[j] < 0 || tokens[j] >= vocabularySize) {
        throw Checks.illegal("token id at index %d must be between 0 and %d, was %d", j, vocabularySize - 1,
            tokens[j]);
      }
    }
    int h = prf.h;
    tokensRead += length;
    for (int pos = offset + h; pos < offset + length; pos++) {
      if (seen != null && !seen.add(PayloadDecoder.unitFingerprint(tokens, pos, h, dedup))) {
        continue;
      }
      count(tokens, pos);
    }
    return this;
  }

  /**
   * Counts the unit at {@code position} without deduplication, for callers that deduplicate with
   * their own tape; its h tokens of context are {@code tokens[position − h, position)}.
   */
  @Override
  public void addUnit(int[] tokens, int position) {
    Checks.require(position >= prf.h && position < tokens.length, "position must be between h=%d and %d, was %d",
        prf.h, tokens.length - 1, position);
    for (int j = position - prf.h; j <= position; j++) {
      if (tokens[j] < 0 || tokens[j] >= vocabularySize) {
        throw Checks.illegal("token id at index %d must be between 0 and %d, was %d", j, vocabularySize - 1,
            tokens[j]);
      }
    }
    tokensRead++;
    count(tokens, position);
  }

  private void count(int[] tokens, int pos) {
    long seed = prf.seed(tokens, pos - prf.h);
    counts[prf.symbolIndex(seed)][prf.colour(seed, tokens[pos])]++;
  }

  /** A copy of the counts: {@code [symbol position][colour]}. */
  public long[][] counts() {
    long[][] out = new long[counts.length][];
    for (int p = 0; p < counts.length; p++) {
      out[p] = counts[p].clone();
    }
    return out;
  }

  /** Adds the counts and tokens read of {@code other}, a tally of the same decoder over other units. */
  @Override
  public void addAll(CorpusPayloadTally other) {
    Checks.require(other instanceof PayloadTally o && o.decoder == decoder,
        "only a tally of the same decoder can be added: %s", other.decoder());
    PayloadTally t = (PayloadTally) other;
    for (int p = 0; p < counts.length; p++) {
      for (int c = 0; c < counts[p].length; c++) {
        counts[p][c] = Math.addExact(counts[p][c], t.counts[p][c]);
      }
    }
    tokensRead = Math.addExact(tokensRead, t.tokensRead);
  }

  /** Tokens read so far (each {@link #addUnit} counts one). */
  @Override
  public long tokensRead() {
    return tokensRead;
  }

  /** The message decoded from everything added so far. */
  @Override
  public PayloadDetection decode() {
    return decoder.decodeCounts(counts, tokensRead);
  }
}
