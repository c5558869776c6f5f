package io.tracemark.verifier;

import io.tracemark.api.Checks;
import io.tracemark.core.internal.UnitFingerprints;
import java.util.Locale;
import java.util.Objects;

/**
 * The filter φ of the closed-model test: the set of windows (the h tokens before a position) that
 * occur in the owner's corpus, normally the owner's own watermarked outputs. Only positions whose
 * window is in the set are scored; where the suspect saw the owner's text, the watermark is
 * concentrated, so the same queries give a smaller p-value.
 *
 * <p>The filter depends on windows only, never on the token that follows, so it cannot make an
 * innocent corpus look guilty: under H0 every scored tuple is still green with probability γ. It
 * must be built before the suspect corpus is read. Window fingerprints are key-independent
 * ({@link UnitFingerprints#window}), so one filter serves every key and control key.
 *
 * <p>Immutable and thread-safe once built; serializable, so that a distributed pass ships it to its workers.
 */
public final class OwnerFilter implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** How windows are selected from the owner's corpus. */
  public enum Selection {
    /** Every window that occurs. */
    ALL,
    /** The N most frequent windows (ties broken by fingerprint, so the choice is reproducible). */
    TOP_N,
    /** Windows seen at least m times. */
    MIN_COUNT
  }

  private final int contextWidth;
  private final Selection selection;
  private final long parameter;
  private final long windowsRead;
  private final long distinctWindows;
  private final LongCountMap kept;

  private OwnerFilter(int contextWidth, Selection selection, long parameter, long windowsRead,
      long distinctWindows, LongCountMap kept) {
    this.contextWidth = contextWidth;
    this.selection = selection;
    this.parameter = parameter;
    this.windowsRead = windowsRead;
    this.distinctWindows = distinctWindows;
    this.kept = kept;
  }

  /**
   * Heap per distinct window while the filter is built: a fingerprint and a count at load 1/2 take
   * 24 bytes, and a table that doubles holds the old one until the copy is done.
   */
  public static final long BYTES_PER_WINDOW = 48;

  /** Every window of width {@code contextWidth} that occurs in {@code ownerTexts}. */
  public static OwnerFilter all(int contextWidth, Iterable<int[]> ownerTexts) {
    return build(contextWidth, ownerTexts, Selection.ALL, 0);
  }

  /**
   * The filter of {@code selection} ({@code parameter}: N for top-N, m for min-count, ignored for
   * all), built within {@code memoryBytes} of heap: the owner's corpus is counted window by window,
   * and a corpus with more distinct windows than {@code memoryBytes / }{@value #BYTES_PER_WINDOW}
   * stops the build with a {@link MemoryBoundException} naming {@code option} before the memory is
   * taken.
   *
   * @param option the option that sets the bound, named in the error (e.g. {@code --filter-memory})
   */
  public static OwnerFilter of(Selection selection, int parameter, int contextWidth, Iterable<int[]> ownerTexts,
      long memoryBytes, String option) {
    Objects.requireNonNull(selection, "selection");
    Checks.require(selection == Selection.ALL || parameter >= 1, "filter %s must be >= 1, was %d",
        selection == Selection.TOP_N ? "top-N" : "min-count", parameter);
    Checks.require(memoryBytes >= BYTES_PER_WINDOW, "memoryBytes must be >= %d, was %d", BYTES_PER_WINDOW,
        memoryBytes);
    return build(contextWidth, ownerTexts, selection, parameter, memoryBytes / BYTES_PER_WINDOW, memoryBytes,
        Objects.requireNonNull(option, "option"));
  }

  /** The {@code n} most frequent windows of {@code ownerTexts}. */
  public static OwnerFilter topN(int contextWidth, Iterable<int[]> ownerTexts, int n) {
    Checks.require(n >= 1, "filter top-N must be >= 1, was %d", n);
    return build(contextWidth, ownerTexts, Selection.TOP_N, n);
  }

  /** The windows seen at least {@code m} times in {@code ownerTexts}. */
  public static OwnerFilter minCount(int contextWidth, Iterable<int[]> ownerTexts, int m) {
    Checks.require(m >= 1, "filter min-count must be >= 1, was %d", m);
    return build(contextWidth, ownerTexts, Selection.MIN_COUNT, m);
  }

  private static OwnerFilter build(int h, Iterable<int[]> texts, Selection selection, int parameter) {
    return build(h, texts, selection, parameter, Long.MAX_VALUE, 0, null);
  }

  private static OwnerFilter build(int h, Iterable<int[]> texts, Selection selection, int parameter,
      long maxWindows, long memoryBytes, String option) {
    Checks.require(h >= 0 && h <= 64, "contextWidth must be between 0 and 64, was %d", h);
    Objects.requireNonNull(texts, "ownerTexts");
    LongCountMap counts = new LongCountMap(1 << 12);
    long windows = 0;
    for (int[] text : texts) {
      Objects.requireNonNull(text, "owner text");
      // the window before position i is text[i-h, i), for i in [h, length)
      for (int i = h; i < text.length; i++) {
        counts.increment(UnitFingerprints.window(text, i - h, h));
        windows++;
        if (counts.size() > maxWindows) {
          throw new MemoryBoundException(String.format(Locale.ROOT, "the owner's corpus has more than %,d distinct "
              + "windows (after %,d windows read), over the %s the owner filter may take (%s); give a larger %s or "
              + "heap (-Xmx), or a smaller owner corpus", maxWindows, windows, memoryBytes >= 1 << 20
                  ? String.format(Locale.ROOT, "%,d MB", memoryBytes >> 20)
                  : String.format(Locale.ROOT, "%,d bytes", memoryBytes), option, option));
        }
      }
    }
    long distinct = counts.size();
    LongCountMap kept;
    switch (selection) {
      case ALL:
        kept = counts;
        break;
      case MIN_COUNT: {
        LongCountMap out = new LongCountMap(counts.size());
        counts.forEach((k, c) -> {
          if (c >= parameter) {
            out.increment(k);
          }
        });
        kept = out;
        break;
      }
      case TOP_N: {
        int size = counts.size();
        long[] keys = new long[size];
        int[] cs = new int[size];
        int[] n = {0};
        counts.forEach((k, c) -> {
          keys[n[0]] = k;
          cs[n[0]] = c;
          n[0]++;
        });
        // order by count descending, then fingerprint ascending (reproducible ties)
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
          order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> cs[a] != cs[b] ? Integer.compare(cs[b], cs[a]) : Long.compare(keys[a], keys[b]));
        int take = Math.min(parameter, size);
        LongCountMap out = new LongCountMap(take);
        for (int i = 0; i < take; i++) {
          out.increment(keys[order[i]]);
        }
        kept = out;
        break;
      }
      default:
        throw new AssertionError(selection);
    }
    return new OwnerFilter(h, selection, parameter, windows, distinct, kept);
  }

  /** h, the width of the windows. */
  public int contextWidth() {
    return contextWidth;
  }

  /** How windows were selected. */
  public Selection selection() {
    return selection;
  }

  /** N for {@link Selection#TOP_N}, m for {@link Selection#MIN_COUNT}, 0 for {@link Selection#ALL}. */
  public long parameter() {
    return parameter;
  }

  /** Windows read from the owner's corpus (with repeats). */
  public long windowsRead() {
    return windowsRead;
  }

  /** Distinct windows in the owner's corpus. */
  public long distinctWindows() {
    return distinctWindows;
  }

  /** Windows kept by the filter. */
  public long size() {
    return kept.size();
  }

  /**
   * Whether the window {@code tokens[from, from + h)} is in the filter.
   *
   * @throws IllegalArgumentException if the window does not lie within {@code tokens}
   */
  public boolean containsWindow(int[] tokens, int from) {
    // from <= length - h cannot overflow: both sides are between -64 and Integer.MAX_VALUE
    Checks.require(from >= 0 && from <= tokens.length - contextWidth, "window [%d, %d + h=%d) must lie within "
        + "tokens.length=%d", from, from, contextWidth, tokens.length);
    return kept.contains(UnitFingerprints.window(tokens, from, contextWidth));
  }

  boolean containsFingerprint(long windowFingerprint) {
    return kept.contains(windowFingerprint);
  }

  /** A short description, e.g. {@code top-n=1000 (h=1, 1000 of 5123 distinct windows)}. */
  public String description() {
    String sel = selection == Selection.ALL ? "all" : selection == Selection.TOP_N ? "top-n=" + parameter
        : "min-count=" + parameter;
    return String.format(Locale.ROOT, "%s (h=%d, %d of %d distinct windows)", sel, contextWidth, size(),
        distinctWindows);
  }

  @Override
  public String toString() {
    return "OwnerFilter[" + description() + "]";
  }
}
