package io.tracemark.verifier;

import io.tracemark.api.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which of the owner's watermarked texts reading mode feeds to the suspect: the texts whose
 * contexts are most shared with the owner's other answers. A student that saw a few percent of the
 * owner's answers learned the contexts that recur in them; a text made of such contexts is where
 * its predictions show what it learned. The ranking reads only the owner's texts and the counts of
 * their contexts: it is fixed before the suspect is seen and does not depend on the key (beyond
 * the owner's corpus itself, as the context counts of {@link ContextCountWeights}).
 */
public final class ReadingTexts {
  /** The default minimum count of a context for it to count as shared. */
  public static final int DEFAULT_MIN_COUNT = 2;

  private ReadingTexts() {}

  /**
   * The {@code take} texts of {@code ownerTexts} with the largest share of positions whose context
   * occurs at least {@code minCount} times in {@code contexts} (normally counted in the same
   * owner texts), in that order; ties keep the earlier text first. The share is taken over the
   * positions after the first token of a text.
   */
  public static List<int[]> bySharedContexts(List<int[]> ownerTexts, ContextCountWeights contexts, int minCount,
      int take) {
    Objects.requireNonNull(ownerTexts, "ownerTexts");
    Objects.requireNonNull(contexts, "contexts");
    Checks.require(minCount >= 1, "minCount must be >= 1, was %d", minCount);
    Checks.require(take >= 0 && take <= ownerTexts.size(), "take must be between 0 and the %d owner texts, was %d",
        ownerTexts.size(), take);
    int n = ownerTexts.size();
    double[] share = new double[n];
    for (int i = 0; i < n; i++) {
      int[] t = Objects.requireNonNull(ownerTexts.get(i), "owner text");
      int shared = 0;
      for (int pos = 1; pos < t.length; pos++) {
        if (contexts.count(t, pos) >= minCount) {
          shared++;
        }
      }
      share[i] = shared / (double) Math.max(1, t.length - 1);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> share[a] != share[b] ? Double.compare(share[b], share[a]) : Integer.compare(a, b));
    List<int[]> out = new ArrayList<>(take);
    for (int i = 0; i < take; i++) {
      out.add(ownerTexts.get(order[i]));
    }
    return out;
  }
}
