package io.tracemark.api;

import java.util.Locale;

/**
 * Which repeated scoring units are scored only once.
 *
 * <p>Under the null hypothesis (text independent of the key) each <em>distinct</em>
 * (window, token) tuple is green with probability γ independently; a repeated tuple is the same
 * coin flip again, so counting it twice inflates the evidence. Deduplication is what makes the
 * p-value exact on repetitive text.
 */
public enum DedupMode {
  /** Score each distinct (window, token) tuple once (the default). */
  WINDOW_AND_TOKEN("window+token"),
  /** Score each distinct window once (the first token seen after it). */
  WINDOW("window"),
  /** Score every position; p-values are NOT exact on text with repeated n-grams. */
  NONE("none");

  private final String label;

  DedupMode(String label) {
    this.label = label;
  }

  /** The command-line spelling: {@code window+token}, {@code window} or {@code none}. */
  public String label() {
    return label;
  }

  /** Parses the command-line spelling (also accepts the enum names). */
  public static DedupMode parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (DedupMode m : values()) {
      if (m.label.equals(t) || m.name().toLowerCase(Locale.ROOT).equals(t)) {
        return m;
      }
    }
    throw Checks.illegal("dedup must be window+token, window or none, was %s", Checks.quote(text));
  }
}
