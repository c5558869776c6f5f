package io.tracemark.api;

import java.util.Locale;

/** How the green list of a position is seeded from the text. */
public enum Seeding {
  /** The last h tokens before the position seed its green list ("lefthash"). */
  LEFT,
  /**
   * Kirchenbauer et al.'s Algorithm 3 ("selfhash"): the candidate token is part of its own seed,
   * together with a min-hash over the last h tokens. Harder to scrub by paraphrase; generation
   * tests the top candidates by rejection.
   */
  SELF;

  /** Parses {@code left} or {@code self} (case-insensitive). */
  public static Seeding parse(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "left":
      case "lefthash":
        return LEFT;
      case "self":
      case "selfhash":
        return SELF;
      default:
        // an lm-watermarking seeding name may end with a key: that part is never shown
        throw Checks.illegal("seeding must be left or self, was %s",
            Checks.quote(text.regionMatches(true, 0, "ff-", 0, 3) ? LmwSpec.redactSeeding(text) : text));
    }
  }

  /** The lower-case name used in specifications. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
