package io.tracemark.examples.demo;

import io.tracemark.verifier.report.Numbers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The demo's progress lines: a phase's name and its wall time in seconds, printed as it ends and kept. Not thread-safe. */
final class Phases {
  private final PrintWriter out;
  private final List<String> lines = new ArrayList<>();

  Phases(PrintWriter out) {
    this.out = out;
  }

  /** Prints and keeps the line of a phase that began at {@code since} ({@link System#nanoTime()}). */
  void done(String what, long since) {
    String line = String.format(Locale.ROOT, "%-90s %6s s", what, Numbers.fixed((System.nanoTime() - since) / 1e9, 1));
    out.println(line);
    lines.add(line);
  }

  /** The lines printed so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }
}
