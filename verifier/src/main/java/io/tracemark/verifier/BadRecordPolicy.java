package io.tracemark.verifier;

import java.util.Locale;

/** What to do with a record that cannot be scored (empty, or a token id outside the vocabulary). */
public enum BadRecordPolicy {
  /** Stop with an error naming the record and the reason (the default). */
  FAIL,
  /** Count the record, list it in the result, and go on. */
  SKIP;

  /** Parses {@code fail} or {@code skip}. */
  public static BadRecordPolicy parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "fail":
        return FAIL;
      case "skip":
        return SKIP;
      default:
        throw new IllegalArgumentException(
            String.format(Locale.ROOT, "on-bad-record must be fail or skip, was \"%s\"", text));
    }
  }

  /** The command-line spelling. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
