package io.tracemark.examples.attack;

import io.tracemark.api.Checks;
import java.util.SplittableRandom;

/**
 * One attack on a watermarked text: immutable, thread-safe, deterministic given the generator.
 * Every attack refuses an empty text, and a text too short for its parameters, with a message that
 * names the attack and the lengths.
 */
public interface Attack {
  /** The attack's name, e.g. {@code copy-paste}. */
  String name();

  /** Its parameters as {@code key=value} pairs joined by commas, e.g. {@code x=10%,k=1}; empty when it has none. */
  String parameters();

  /** The name and parameters, e.g. {@code copy-paste:x=10%,k=1}. */
  default String label() {
    return parameters().isEmpty() ? name() : name() + ":" + parameters();
  }

  /**
   * The attacked text.
   *
   * @param watermarked the watermarked token ids (not modified)
   * @param human human token ids the attack may mix in (the host text of copy-paste, the pool of
   *     inserted and substituted tokens); not modified, and ignored by attacks that mix nothing in
   * @param random the seeded generator every random choice draws from
   * @return the attacked token ids, a new array
   * @throws IllegalArgumentException for an empty or too short text, naming the attack and the lengths
   */
  int[] apply(int[] watermarked, int[] human, SplittableRandom random);

  /** Refuses an empty text or one shorter than {@code minimum} tokens, naming the attack. */
  static void requireLength(Attack attack, String what, int[] tokens, int minimum) {
    if (tokens == null) {
      throw new NullPointerException(what);
    }
    Checks.require(tokens.length >= Math.max(1, minimum), "%s: the %s text must have at least %d tokens, had %d",
        attack.label(), what, Math.max(1, minimum), tokens.length);
  }

  /** {@code round(rate · n)}, the number of tokens a rate touches. */
  static int count(double rate, int n) {
    return (int) Math.round(rate * n);
  }

  /** A rate as a percentage for labels, e.g. {@code 10%}. */
  static String percent(double rate) {
    double p = rate * 100;
    return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
  }

  /** Refuses a rate outside [0, 1]. */
  static double checkRate(String name, double rate) {
    Checks.require(rate >= 0 && rate <= 1, "%s must be in [0, 1], was %s", name, rate);
    return rate;
  }
}
