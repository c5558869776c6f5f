package io.tracemark.verifier;

import io.tracemark.core.internal.UnitFingerprints;

/**
 * Which positions of a record are scored, and at which weight level, decided from the key-
 * independent window alone (so the choice cannot make an innocent corpus look guilty): a position
 * whose window occurs in the record's prompt is excluded (a watermarked prompt copied into the
 * answer would otherwise look like inheritance; with h = 0 the rule applies to the token itself),
 * and with an {@link OwnerFilter} only windows in it are scored. {@link #level} asks the weight
 * source fixed before the suspect is read; the unweighted test gives every position level 1.
 *
 * <p>Holds the prompt of the record at hand: one instance per partition, used by one thread.
 */
final class PositionFilter {
  /** The weight level of a position, from key-independent information fixed before the suspect is read. */
  @FunctionalInterface
  interface Levels {
    /** Every position at level 1: the unweighted test. */
    Levels UNWEIGHTED = (record, tokens, pos, window) -> 1;

    /**
     * The level of {@code tokens[pos]} with window fingerprint {@code window}, in {@code record}
     * (null in reading mode); 0 means not scored.
     */
    int level(SuspectRecord record, int[] tokens, int pos, long window);

    /** The levels of a weight source. */
    static Levels of(WeightSource source) {
      return (record, tokens, pos, window) -> source.level(record, tokens, pos);
    }
  }

  private final int h;
  private final boolean excludePrompt;
  private final OwnerFilter ownerFilter;
  private final Levels levels;
  private SuspectRecord record;
  private LongCountMap promptUnits;
  private boolean firstWindowPerRecord;
  private LongCountMap recordWindows;

  PositionFilter(int h, boolean excludePrompt, OwnerFilter ownerFilter, Levels levels) {
    this.h = h;
    this.excludePrompt = excludePrompt;
    this.ownerFilter = ownerFilter;
    this.levels = levels;
  }

  /** The positions of a record that pass the filter, as {@link #scan} finds them. */
  interface Candidates {
    /**
     * Whether this pass scores the position (a partition owns a share of the units); asked for
     * every position with a window, after the first-window rule has seen it and before the rest.
     */
    boolean owns(int[] seq, int pos, long window);

    /** A position to deduplicate and score, at {@code level} (at least 1). */
    void candidate(int[] seq, int pos, long window, int level);
  }

  /**
   * The closed model's steps for one record, in position order: a position without h tokens
   * before it is counted in {@code noContext} (when {@code countNoContext}), a repeated window
   * (two-level dedup), a window in the prompt and one outside the owner filter are counted and
   * skipped, a position at level 0 is skipped, and every other position that {@code out} owns is
   * handed to it. The prompt is context only.
   */
  void scan(SuspectRecord record, Evidence.Counts counts, boolean countNoContext, Candidates out) {
    beginRecord(record);
    int[] seq = record.promptThenAnswer();
    for (int pos = record.promptLength(); pos < seq.length; pos++) {
      if (pos < h) {
        if (countNoContext) {
          counts.noContext++;
        }
        continue;
      }
      long window = UnitFingerprints.window(seq, pos - h, h);
      boolean repeated = repeatedWindow(window); // every partition sees every window of the record
      if (!out.owns(seq, pos, window)) {
        continue;
      }
      if (repeated) {
        counts.duplicates++;
        continue;
      }
      if (inPrompt(seq, pos, window)) {
        counts.excludedPrompt++;
        continue;
      }
      if (excludedByOwnerFilter(window)) {
        counts.excludedFilter++;
        continue;
      }
      int level = level(seq, pos, window);
      if (level != 0) {
        out.candidate(seq, pos, window, level);
      }
    }
  }

  /** Starts a record: remembers its prompt's windows (or tokens, for h = 0) when prompts are excluded. */
  void beginRecord(SuspectRecord record) {
    beginText(record.length());
    this.record = record;
    promptUnits = null;
    if (excludePrompt && record.promptLength() > 0) {
      int[] prompt = record.promptUnsafe();
      promptUnits = new LongCountMap(prompt.length);
      if (h == 0) {
        long empty = UnitFingerprints.window(prompt, 0, 0);
        for (int t : prompt) {
          promptUnits.increment(UnitFingerprints.tupleFromWindow(empty, t));
        }
      } else {
        for (int j = h; j <= prompt.length; j++) {
          promptUnits.increment(UnitFingerprints.window(prompt, j - h, h));
        }
      }
    }
  }

  /**
   * Two-level dedup: only the first occurrence of a window within a record (or text) is scored;
   * the global (window, token) tape comes after. A later occurrence has the window and its first
   * follower in its context, so a suspect that copies from its context (attention) would repeat
   * that follower; the first occurrence cannot have copied it.
   */
  PositionFilter firstWindowPerRecord(boolean on) {
    this.firstWindowPerRecord = on;
    return this;
  }

  /** Starts a text for the first-occurrence rule ({@link #beginRecord} calls it). */
  void beginText(int length) {
    record = null;
    recordWindows = firstWindowPerRecord ? new LongCountMap(Math.max(16, length)) : null;
  }

  /**
   * Whether the window occurred earlier in the record (two-level dedup only); call once for every
   * position with a window, in order, whether or not it is scored.
   */
  boolean repeatedWindow(long window) {
    return recordWindows != null && recordWindows.increment(window) > 1;
  }

  /** Whether the position's window (its token, for h = 0) occurs in the record's prompt. */
  boolean inPrompt(int[] seq, int pos, long window) {
    return promptUnits != null
        && promptUnits.contains(h == 0 ? UnitFingerprints.tupleFromWindow(window, seq[pos]) : window);
  }

  /** Whether the owner filter, if any, excludes the window. */
  boolean excludedByOwnerFilter(long window) {
    return ownerFilter != null && !ownerFilter.containsFingerprint(window);
  }

  /**
   * The weight level of the position of the record (or text) at hand (1 for every position of the
   * unweighted test). A tuple that the dedup tape spills keeps this level with it.
   */
  int level(int[] seq, int pos, long window) {
    return levels.level(record, seq, pos, window);
  }
}
