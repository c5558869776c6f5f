package io.tracemark.examples.cli;

import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Option checks of the examples' commands: a value out of range is a usage error (exit 2) naming the option. */
final class CliChecks {
  private CliChecks() {}

  /** Runs {@code s}; an {@link IllegalArgumentException} becomes a usage error naming the option. */
  static <T> T option(CommandSpec spec, String name, Supplier<T> s) {
    try {
      return s.get();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), name + ": " + e.getMessage());
    }
  }

  /** A usage error unless {@code condition} holds; the message is formatted with {@link Locale#ROOT}. */
  static void require(CommandSpec spec, boolean condition, String format, Object... args) {
    if (!condition) {
      throw new CommandLine.ParameterException(spec.commandLine(), String.format(Locale.ROOT, format, args));
    }
  }
}
