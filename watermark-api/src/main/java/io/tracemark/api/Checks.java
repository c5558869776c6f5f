package io.tracemark.api;

import java.util.Locale;

/** Argument checks whose messages name the parameter, the bound and the value. */
final class Checks {
  private Checks() {}

  static IllegalArgumentException illegal(String format, Object... args) {
    return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
  }

  static void require(boolean condition, String format, Object... args) {
    if (!condition) {
      throw illegal(format, args);
    }
  }
}
