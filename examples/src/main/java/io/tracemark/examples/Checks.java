package io.tracemark.examples;

import java.util.Locale;

/** Argument checks whose messages name the parameter, the bound and the value. */
public final class Checks {
  private Checks() {}

  /** An {@link IllegalArgumentException} with a {@link Locale#ROOT}-formatted message. */
  public static IllegalArgumentException illegal(String format, Object... args) {
    return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
  }

  /** Throws {@link #illegal} unless {@code condition} holds. */
  public static void require(boolean condition, String format, Object... args) {
    if (!condition) {
      throw illegal(format, args);
    }
  }
}
