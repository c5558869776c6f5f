package io.tracemark.verifier;

import io.tracemark.api.TokenScorer;
import io.tracemark.core.internal.UnitFingerprints;

/**
 * One partition of a pass: the units whose fingerprint falls in it ({@link #of}), with their own
 * position filter, dedup tape, score ledger and counts. In a closed-model pass it sees every record
 * in order and scores the positions it owns; in reading mode the one partition is offered the
 * suspect's predictions. Used by one thread.
 */
final class Partition implements PartitionedPass.Partition, PositionFilter.Candidates {
  private final int part;
  private final int parts;
  private final TokenScorer[] scorers;
  final PositionFilter filter;
  final DedupTape tape;
  final ScoreLedger ledger;
  final Evidence.Counts counts = new Evidence.Counts();
  /** The record being scored and the unit of the position at hand ({@link #owns} computes it). */
  private int index;
  private long unit;

  Partition(int part, int parts, KeyPanel panel, PositionFilter filter, DedupTape tape, int levels) {
    this.part = part;
    this.parts = parts;
    this.scorers = panel.scorers;
    this.filter = filter;
    this.tape = tape;
    this.ledger = new ScoreLedger(panel.size(), panel.realKeys, levels, panel.decoders);
  }

  /** The partition a unit fingerprint belongs to. */
  static int of(long unit, int parts) {
    return (int) (((unit >>> 32) * parts) >>> 32);
  }

  @Override
  public void score(SuspectRecord record, int index) {
    this.index = index;
    filter.scan(record, counts, part == 0, this);
  }

  @Override
  public boolean owns(int[] seq, int pos, long window) {
    unit = tape.shared() ? tape.unit(seq, pos) : 0;
    if (parts == 1) {
      return true;
    }
    long p = tape.shared() ? unit : UnitFingerprints.tupleFromWindow(window, seq[pos]);
    return of(p, parts) == part;
  }

  @Override
  public void candidate(int[] seq, int pos, long window, int level) {
    if (!tape.shared()) {
      offer(seq, pos, index, level);
      return;
    }
    switch (tape.offer(unit, index, seq, pos, level)) {
      case DedupTape.NEW:
        scoreAll(seq, pos, index, level);
        break;
      case DedupTape.DUPLICATE:
        counts.duplicates++;
        break;
      default: // spilled with its level: decided when the tape drains
    }
  }

  /** Deduplicates (in memory, never spilling) and scores one candidate position. */
  void offer(int[] tokens, int pos, int index, int level) {
    if (tape.none()) {
      scoreAll(tokens, pos, index, level);
    } else if (!tape.shared()) {
      scoreEach(tokens, pos, index, level);
    } else if (tape.add(tape.unit(tokens, pos))) {
      scoreAll(tokens, pos, index, level);
    } else {
      counts.duplicates++;
    }
  }

  /** Scores what the tape spilled to disk (first occurrences, in input order). */
  @Override
  public void finish() {
    counts.duplicates += tape.drain(this::scoreAll);
  }

  @Override
  public void close() {
    tape.close();
  }

  /** Scores the position under every key (shared units). */
  private void scoreAll(int[] tokens, int pos, int index, int level) {
    int base = ledger.record(index);
    if (ledger.payload != null) {
      for (int k = 0; k < scorers.length; k++) {
        ledger.addPayload(k, tokens, pos, base);
      }
      return;
    }
    for (int k = 0; k < scorers.length; k++) {
      ledger.add(k, level, scorers[k].score(tokens, pos), base);
    }
  }

  /** Scores the position under each key whose own tape has not seen its unit (key-dependent units). */
  private void scoreEach(int[] tokens, int pos, int index, int level) {
    if (!tape.addRaw(tape.rawUnit(tokens, pos), index)) {
      counts.duplicates++;
      return;
    }
    int base = ledger.record(index);
    for (int k = 0; k < scorers.length; k++) {
      if (!tape.addForKey(k, tokens, pos, index)) {
        if (k == 0) {
          counts.duplicates++; // counted for the first key
        }
        continue;
      }
      ledger.add(k, level, scorers[k].score(tokens, pos), base);
    }
  }
}
