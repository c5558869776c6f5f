package io.tracemark.verifier;

import io.tracemark.api.Checks;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.stats.WeightGrid;
import java.util.Locale;
import java.util.Objects;

/**
 * Weights from the owner's reference corpus: w = ln(1 + c), where c is how often the N tokens
 * before the position occur as a context in the owner's corpus (normally the owner's own
 * watermarked outputs). A student inherits the watermark where it saw the owner's text, and it
 * conditions on its own context, which may be longer than the scheme's window: N = h counts the
 * window, a larger N the context the student is believed to use. Positions with fewer than N
 * tokens before them, and contexts the owner's corpus never shows, have weight 0 (not scored).
 *
 * <p>Only contexts are counted, never context + token: the owner's tokens are green-biased, so a
 * count of the token would depend on the key. The contexts themselves are, strictly, functions of
 * the watermarked corpus and so weakly of the key (which contexts the biased sampler produced);
 * the null calibration test of the weighted statistic checks that this leaves the test calibrated.
 *
 * <p>The grid puts the largest weight of the corpus, ln(1 + max c), on the top level. Immutable
 * and thread-safe once built.
 */
public final class ContextCountWeights implements WeightSource {
  private final int contextLength;
  private final LongCountMap counts;
  private final long contextsRead;
  private final int maxCount;
  private final WeightGrid grid;

  private ContextCountWeights(int contextLength, LongCountMap counts, long contextsRead, int maxLevel) {
    this.contextLength = contextLength;
    this.counts = counts;
    this.contextsRead = contextsRead;
    int[] max = {0};
    counts.forEach((k, c) -> max[0] = Math.max(max[0], c));
    this.maxCount = max[0];
    this.grid = WeightGrid.ofMaximum(Math.log1p(Math.max(1, maxCount)), maxLevel);
  }

  /**
   * Counts the {@code contextLength}-token contexts of {@code ownerTexts}, on a grid of {@link
   * WeightGrid#DEFAULT_MAX_LEVEL} levels.
   */
  public static ContextCountWeights of(int contextLength, Iterable<int[]> ownerTexts) {
    return of(contextLength, ownerTexts, WeightGrid.DEFAULT_MAX_LEVEL);
  }

  /** Counts the {@code contextLength}-token contexts of {@code ownerTexts}, on a grid of {@code maxLevel} levels. */
  public static ContextCountWeights of(int contextLength, Iterable<int[]> ownerTexts, int maxLevel) {
    Counter c = counter(contextLength);
    for (int[] text : Objects.requireNonNull(ownerTexts, "ownerTexts")) {
      c.add(text);
    }
    return c.build(maxLevel);
  }

  /** A counter fed one owner text at a time (so that one pass over the owner's corpus can also build a filter). */
  static Counter counter(int contextLength) {
    Checks.require(contextLength >= 0 && contextLength <= 64, "context length must be between 0 and 64, was %d",
        contextLength);
    return new Counter(contextLength);
  }

  /** Counts contexts; single use, one thread. */
  static final class Counter {
    private final int n;
    private final LongCountMap counts = new LongCountMap(1 << 12);
    private long read;

    private Counter(int n) {
      this.n = n;
    }

    void add(int[] text) {
      Objects.requireNonNull(text, "owner text");
      for (int i = n; i < text.length; i++) {
        counts.increment(UnitFingerprints.window(text, i - n, n));
        read++;
      }
    }

    ContextCountWeights build(int maxLevel) {
      return new ContextCountWeights(n, counts, read, maxLevel);
    }
  }

  /** How often the {@code contextLength} tokens before {@code pos} occur as a context in the owner's corpus. */
  public int count(int[] tokens, int pos) {
    return pos < contextLength ? 0 : counts.count(UnitFingerprints.window(tokens, pos - contextLength, contextLength));
  }

  @Override
  public double weight(int[] tokens, int pos) {
    return Math.log1p(count(tokens, pos));
  }

  @Override
  public int contextTokens() {
    return contextLength;
  }

  /** N, the context length counted. */
  public int contextLength() {
    return contextLength;
  }

  /** The largest context count in the owner's corpus. */
  public int maxCount() {
    return maxCount;
  }

  /** Distinct contexts in the owner's corpus. */
  public long distinctContexts() {
    return counts.size();
  }

  @Override
  public WeightGrid grid() {
    return grid;
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "reference: w = ln(1 + count of the %d-token context in the owner corpus) "
        + "(%d contexts read, %d distinct, largest count %d)", contextLength, contextsRead, counts.size(), maxCount);
  }

  @Override
  public String toString() {
    return "ContextCountWeights[" + description() + "]";
  }
}
