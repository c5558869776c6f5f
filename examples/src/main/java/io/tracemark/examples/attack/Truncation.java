package io.tracemark.examples.attack;

import io.tracemark.api.Checks;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Truncation: the first {@code length} tokens of the watermarked text (a quoted excerpt, a short
 * answer). A text shorter than the length is refused: truncating it would be no attack at all.
 *
 * @param length tokens kept, ≥ 1
 */
public record Truncation(int length) implements Attack {
  /** Validates. */
  public Truncation {
    Checks.require(length >= 1, "truncation length must be >= 1, was %d", length);
  }

  @Override
  public String name() {
    return "truncate";
  }

  @Override
  public String parameters() {
    return String.format(Locale.ROOT, "tokens=%d", length);
  }

  @Override
  public int[] apply(int[] watermarked, int[] human, SplittableRandom random) {
    Attack.requireLength(this, "watermarked", watermarked, length);
    return Arrays.copyOf(watermarked, length);
  }
}
