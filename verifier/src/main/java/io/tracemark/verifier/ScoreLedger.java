package io.tracemark.verifier;

import io.tracemark.core.CorpusPayloadDecoder;
import io.tracemark.core.CorpusPayloadTally;
import io.tracemark.core.stats.FixedPointSum;
import java.util.Arrays;

/**
 * The scores of one partition: for every key, the units scored and their score sum per weight
 * level (levels 1..L; the unweighted test has one level, 1, and a weight of 0 means "not scored"),
 * and for every real key the same per record (for the curve and the records that contribute
 * most). Green counts of binomial schemes are sums of 0/1 scores. Score sums are {@link
 * FixedPointSum}s kept as pairs of longs (slot i in elements 2i and 2i + 1): each score is truncated
 * to 2^−64 and added exactly, so the sums, and the sums of several ledgers, are the same bits
 * whatever the partitioning and the order of the units. For a multi-bit payload, every
 * key also has a {@link CorpusPayloadTally} (an L × 2^r table of colour counts for the green list,
 * of order-free score sums for the Gumbel family), fed one unit at a time by {@link #addPayload},
 * from which the message is decoded. Used by one thread; ledgers of several
 * partitions are added up by {@link Evidence}.
 */
final class ScoreLedger {
  final int keys;
  final int realKeys;
  final int levels;
  /** Units scored, by level and key: index {@code level * keys + key}. */
  final long[] scored;
  /** Score sums, by level and key: {@link FixedPointSum} slot {@code level * keys + key}. */
  final long[] sums;
  /** Per key, the tally of a payload scheme; null otherwise. */
  final CorpusPayloadTally[] payload;
  private long[] recordScored;
  /** Per record and real key, score sums: {@link FixedPointSum} slot {@code index * realKeys + key}. */
  private long[] recordSums;
  /** One score as a fixed-point term, converted once for the two sums it goes to. */
  private final long[] term = new long[2];

  ScoreLedger(int keys, int realKeys, int levels) {
    this(keys, realKeys, levels, null);
  }

  /** A ledger that also tallies the payload of every key ({@code decoders}: one per key, or null). */
  ScoreLedger(int keys, int realKeys, int levels, CorpusPayloadDecoder[] decoders) {
    this.payload = decoders == null ? null : new CorpusPayloadTally[keys];
    if (decoders != null) {
      for (int k = 0; k < keys; k++) {
        // the caller's tape has deduplicated the unit already
        payload[k] = decoders[k].newTally(io.tracemark.api.DedupMode.NONE);
      }
    }
    this.keys = keys;
    this.realKeys = realKeys;
    this.levels = levels;
    this.scored = new long[(levels + 1) * keys];
    this.sums = new long[2 * (levels + 1) * keys];
    this.recordScored = new long[256 * realKeys];
    this.recordSums = new long[2 * 256 * realKeys];
  }

  /** Makes room for record {@code index}; returns the base of its per-key slots. */
  int record(int index) {
    if ((index + 1) * realKeys > recordScored.length) {
      int n = Math.max(index + 1, 2 * recordScored.length / realKeys) * realKeys;
      recordScored = Arrays.copyOf(recordScored, n);
      recordSums = Arrays.copyOf(recordSums, 2 * n);
    }
    return index * realKeys;
  }

  /** Adds key k's score of one unit at {@code level} (and, for a real key, to the record at {@code recordBase}). */
  void add(int k, int level, double score, int recordBase) {
    int i = level * keys + k;
    scored[i]++;
    if (k >= realKeys) {
      FixedPointSum.addTo(sums, i, score);
      return;
    }
    term[0] = 0;
    term[1] = 0;
    FixedPointSum.addTo(term, 0, score);
    FixedPointSum.addTo(sums, i, term[0], term[1]);
    FixedPointSum.addTo(recordSums, recordBase + k, term[0], term[1]);
    recordScored[recordBase + k]++;
  }

  /**
   * Adds {@code n} units of key k at {@code level} whose score sum is the {@link FixedPointSum} {@code (high, low)}
   * (totals of a pass run elsewhere).
   */
  void addTotals(int k, int level, long n, long high, long low) {
    int i = level * keys + k;
    FixedPointSum.addTo(sums, i, high, low);
    scored[i] += n;
  }

  /**
   * Adds {@code n} units whose score sum is the {@link FixedPointSum} {@code (high, low)} to real key k of record
   * {@code index} (a pass run elsewhere).
   */
  void addRecord(int index, int k, long n, long high, long low) {
    int base = record(index);
    FixedPointSum.addTo(recordSums, base + k, high, low);
    recordScored[base + k] += n;
  }

  /**
   * Adds the unit at {@code pos} to key k's payload tally (level 1: a payload has no
   * weights) and counts it as scored (and, for a real key, to the record at {@code recordBase}).
   */
  void addPayload(int k, int[] tokens, int pos, int recordBase) {
    payload[k].addUnit(tokens, pos);
    scored[keys + k]++;
    if (k < realKeys) {
      recordScored[recordBase + k]++;
    }
  }

  /** Units scored for key k, all levels. */
  long scored(int k) {
    long n = 0;
    for (int l = 1; l <= levels; l++) {
      n += scored[l * keys + k];
    }
    return n;
  }

  /** Adds key k's score sum at {@code level} to {@code total}. */
  void addSum(int k, int level, FixedPointSum total) {
    int i = 2 * (level * keys + k);
    total.add(sums[i], sums[i + 1]);
  }

  /** Adds key k's score sum, all levels (unweighted), to {@code total}. */
  void addSum(int k, FixedPointSum total) {
    for (int l = 1; l <= levels; l++) {
      addSum(k, l, total);
    }
  }

  long recordScored(int index, int key) {
    int i = index * realKeys + key;
    return i < recordScored.length ? recordScored[i] : 0;
  }

  /** Adds real key {@code key}'s score sum of record {@code index} to slot {@code slot} of {@code slots}. */
  void addRecordSum(int index, int key, long[] slots, int slot) {
    int i = 2 * (index * realKeys + key);
    if (i < recordSums.length) {
      FixedPointSum.addTo(slots, slot, recordSums[i], recordSums[i + 1]);
    }
  }
}
