package io.tracemark.verifier;

import io.tracemark.api.DedupMode;
import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.internal.UnitFingerprints;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The deduplication tape of one partition: each distinct unit — (window, token) tuple or window,
 * by {@link DedupMode}, as the scheme fingerprints it — is scored once. Three forms:
 *
 * <ul>
 *   <li>none ({@link DedupMode#NONE}): every position is scored;
 *   <li>shared (units that do not depend on the key): one in-memory set of fingerprints for every
 *       key; past {@code maxUnits} the set is kept for lookups and new candidates go to a {@link
 *       SpillTape} with their weight level (which may have come from more than the window, or from
 *       the record), deduplicated at the end ({@link #drain}), with the same result;
 *   <li>per key (units that depend on the key, e.g. self seeding): a raw tape of key-independent
 *       units (a raw unit seen before is a duplicate under every key) and one tape per key, all in
 *       memory, bounded: a growth that would take them past their bound stops the run with a
 *       {@link TapeMemoryExceededException} before the memory is taken.
 * </ul>
 *
 * <p>A per-record first-window pre-filter (reading mode's two-level dedup: the first occurrence of
 * a window within a text, then the global tape) belongs here, in front of {@link #offer}. Used by
 * one thread.
 */
final class DedupTape {
  private static final long G1_REGION = g1RegionSize();

  /** {@link #offer} outcomes. */
  static final int NEW = 0;
  static final int DUPLICATE = 1;
  static final int SPILLED = 2;

  private final DedupMode dedup;
  private final KeyPanel panel;
  private final int h;
  private final long maxUnits;
  private final long perKeyBytes;
  private final String budgetOrigin;
  private final Path spillDirectory;
  private final LongHashSet shared;
  private final LongHashSet raw;
  private final LongHashSet[] keyTapes;
  private long keyTapeBytes;
  private SpillTape spill;

  /**
   * A tape.
   *
   * @param perKey whether each key keeps its own tape (key-dependent units and a dedup mode)
   * @param maxUnits units of the shared tape kept in memory before it spills
   * @param perKeyBytes the bound of the per-key tapes together
   * @param budgetOrigin where that bound comes from, for the error message
   */
  DedupTape(DedupMode dedup, KeyPanel panel, boolean perKey, long maxUnits, long perKeyBytes, String budgetOrigin,
      Path spillDirectory) {
    this.dedup = dedup;
    this.panel = panel;
    this.h = panel.h;
    this.maxUnits = maxUnits;
    this.perKeyBytes = perKeyBytes;
    this.budgetOrigin = budgetOrigin;
    this.spillDirectory = spillDirectory;
    boolean none = dedup == DedupMode.NONE;
    this.shared = none || perKey ? null : new LongHashSet(1 << 16);
    this.raw = !none && perKey ? new LongHashSet(1 << 16) : null;
    if (raw != null) {
      keyTapes = new LongHashSet[panel.size()];
      keyTapeBytes = heapFootprint(raw.tableBytes());
      for (int k = 0; k < keyTapes.length; k++) {
        keyTapes[k] = new LongHashSet(1 << 10);
        keyTapeBytes += heapFootprint(keyTapes[k].tableBytes());
      }
    } else {
      keyTapes = null;
    }
  }

  /** Whether every position is scored (no dedup). */
  boolean none() {
    return shared == null && raw == null;
  }

  /** Whether units are shared by every key (one tape). */
  boolean shared() {
    return shared != null;
  }

  /** The shared unit of the position (shared tapes only). */
  long unit(int[] tokens, int pos) {
    return panel.scorers[0].unitFingerprint(tokens, pos, dedup);
  }

  /**
   * Offers a shared unit: {@link #NEW} (score it now), {@link #DUPLICATE}, or {@link #SPILLED}
   * (decided at {@link #drain}).
   */
  int offer(long unit, int index, int[] tokens, int pos, int level) {
    if (spill == null) {
      if (!shared.add(unit)) {
        return DUPLICATE;
      }
      if (shared.size() >= maxUnits) {
        // the in-memory tape is full: keep it for lookups, send new candidates to disk
        spill = new SpillTape(spillDirectory, h);
      }
      return NEW;
    }
    if (shared.contains(unit)) {
      return DUPLICATE;
    }
    spill.append(unit, index, tokens, pos, level);
    return SPILLED;
  }

  /** Offers a shared unit that is never spilled (reading mode): whether it is new. */
  boolean add(long unit) {
    return shared.add(unit);
  }

  /** The key-independent unit of the position, as the raw tape keeps it. */
  long rawUnit(int[] tokens, int pos) {
    long w = UnitFingerprints.window(tokens, pos - h, h);
    return dedup == DedupMode.WINDOW ? w : UnitFingerprints.tupleFromWindow(w, tokens[pos]);
  }

  /** Per-key tapes: whether the raw unit is new (checked against the bound first). */
  boolean addRaw(long unit, int index) {
    return addBounded(raw, unit, index);
  }

  /** Per-key tapes: whether key k's unit of the position is new for it (checked against the bound first). */
  boolean addForKey(int k, int[] tokens, int pos, int index) {
    return addBounded(keyTapes[k], panel.scorers[k].unitFingerprint(tokens, pos, dedup), index);
  }

  /** Whether every key has already scored the unit at {@code pos}. */
  boolean allSeen(int[] tokens, int pos) {
    if (raw != null) {
      if (raw.contains(rawUnit(tokens, pos))) {
        return true;
      }
      for (int k = 0; k < keyTapes.length; k++) {
        if (!keyTapes[k].contains(panel.scorers[k].unitFingerprint(tokens, pos, dedup))) {
          return false;
        }
      }
      return true;
    }
    return shared != null && shared.contains(unit(tokens, pos));
  }

  /** Deduplicates what was spilled (first occurrences, in input order); returns the duplicates found. */
  long drain(SpillTape.FirstOccurrences firstOccurrences) {
    if (spill == null) {
      return 0;
    }
    try {
      return spill.drain(firstOccurrences);
    } finally {
      close();
    }
  }

  /** Deletes the spilled files, if any (idempotent). */
  void close() {
    if (spill != null) {
      spill.close();
      spill = null;
    }
  }

  /**
   * Adds a unit to one of the per-key tapes, first checking the bound when the add would grow the
   * tape: growing doubles its table and holds the old one until the copy is done, so the check
   * counts both and the run stops before the memory is taken, not after.
   */
  private boolean addBounded(LongHashSet set, long unit, int index) {
    long bytes = set.tableBytes();
    // LongHashSet doubles its table when an add takes the load past 1/2 (zero is kept aside)
    if (unit != 0 && (long) (set.size() + 1) * 16 > bytes && !set.contains(unit)) {
      long grown = heapFootprint(2 * bytes);
      long peak = keyTapeBytes + grown;
      if (peak > perKeyBytes) {
        throw new TapeMemoryExceededException(String.format(Locale.ROOT,
            "the scheme's dedup units depend on the key (self seeding), so each of the %d keys keeps its own tape "
                + "in memory; after %,d distinct units (record %d) they would need %,d MB, over the %,d MB "
                + "allowed (%s). Use fewer control keys (--control-keys), a larger --tape-memory or heap (-Xmx), "
                + "or a left-seeded scheme",
            keyTapes.length, raw.size(), index + 1, ceilMb(peak), perKeyBytes >> 20, budgetOrigin));
      }
      keyTapeBytes += grown - heapFootprint(bytes);
    }
    return set.add(unit);
  }

  /**
   * The heap a long[] table of {@code bytes} takes. G1 gives an array of half a region or more
   * whole regions of its own, so a table just past a region takes two: with one tape per key, all
   * growing together, counting the bare table bytes would let the tapes take up to twice their bound.
   */
  static long heapFootprint(long bytes) {
    long size = bytes + 16; // array header
    return G1_REGION > 0 && size >= G1_REGION / 2 ? (size + G1_REGION - 1) / G1_REGION * G1_REGION : size;
  }

  /** G1's region size, or 0 under another collector (or when the JVM does not say). */
  private static long g1RegionSize() {
    try {
      com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory.getPlatformMXBean(
          com.sun.management.HotSpotDiagnosticMXBean.class);
      if (vm != null && "true".equals(vm.getVMOption("UseG1GC").getValue())) {
        return Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
      }
    } catch (RuntimeException | LinkageError e) {
      // not HotSpot: table bytes are counted as they are
    }
    return 0;
  }

  private static long ceilMb(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
