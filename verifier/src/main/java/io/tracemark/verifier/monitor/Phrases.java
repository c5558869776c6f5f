package io.tracemark.verifier.monitor;

import java.util.List;
import java.util.Locale;

/**
 * A list of phrases that mark chain-of-thought elicitation or output harvesting in a prompt,
 * matched case-insensitively as substrings. Immutable.
 */
public final class Phrases {
  /** The default list: requests for the model's step-by-step reasoning or its hidden thinking. */
  public static final Phrases DEFAULT = new Phrases(List.of("step by step", "step-by-step", "chain of thought",
      "chain-of-thought", "think through", "show your reasoning", "explain your reasoning", "show your work",
      "reasoning process", "your thought process", "think out loud", "internal reasoning", "full reasoning",
      "let's think", "lets think", "reason carefully before", "detailed rationale", "scratchpad"));

  private final List<String> phrases;

  private Phrases(List<String> phrases) {
    this.phrases = phrases;
  }

  /**
   * A list of phrases; blank ones are dropped.
   *
   * @throws IllegalArgumentException when none is left
   */
  public static Phrases of(List<String> phrases) {
    List<String> p = phrases.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
        .distinct().toList();
    if (p.isEmpty()) {
      throw new IllegalArgumentException("the phrase list has no phrase");
    }
    return new Phrases(p);
  }

  /** The phrases, lowercase. */
  public List<String> phrases() {
    return phrases;
  }

  /** Whether {@code text} contains one of the phrases (case-insensitive). */
  boolean matches(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    for (String p : phrases) {
      if (t.contains(p)) {
        return true;
      }
    }
    return false;
  }
}
