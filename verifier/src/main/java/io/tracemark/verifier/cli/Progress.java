package io.tracemark.verifier.cli;

import io.tracemark.verifier.report.Numbers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A one-line progress indicator on stderr: percent done, tokens, tokens/s and an ETA, redrawn at
 * most twice a second, and erased at the end. It never writes to stdout.
 *
 * <p>Its ETA counts tokens, the unit of work: the total is estimated from the input's size and the
 * tokens per byte of what the reader has read so far, and the time left is the elapsed time times
 * the tokens still to score over the tokens scored. (Bytes alone would mislead: the reader runs
 * ahead of the scoring, and records differ in tokens per byte.)
 *
 * <p>It is shown when stderr is a terminal, whatever stdout is (see {@link #stderrIsTerminal}),
 * and {@code --quiet} is not given.
 */
final class Progress {
  /** Set by the {@code tracemark} launcher: 1 when stderr is a terminal ({@code test -t 2}), else 0. */
  static final String TTY_VARIABLE = "TRACEMARK_STDERR_TTY";

  private final PrintWriter err;
  private final boolean enabled;
  private final long totalBytes;
  private final LongSupplier bytesRead;
  private final LongSupplier tokensRead;
  private final LongSupplier clock;
  private final long start;
  private long lastDraw;
  private boolean drawn;

  /**
   * A progress line.
   *
   * @param enabled whether to draw at all
   * @param totalBytes the size of the input
   * @param bytesRead bytes the reader has read so far
   * @param tokensRead tokens the reader has produced from them so far
   */
  Progress(PrintWriter err, boolean enabled, long totalBytes, LongSupplier bytesRead, LongSupplier tokensRead) {
    this(err, enabled, totalBytes, bytesRead, tokensRead, System::nanoTime);
  }

  Progress(PrintWriter err, boolean enabled, long totalBytes, LongSupplier bytesRead, LongSupplier tokensRead,
      LongSupplier clock) {
    this.err = err;
    this.enabled = enabled;
    this.totalBytes = totalBytes;
    this.bytesRead = bytesRead;
    this.tokensRead = tokensRead;
    this.clock = clock;
    this.start = clock.getAsLong();
    this.lastDraw = start;
  }

  /**
   * Whether stderr is a terminal. In order: {@code TERM=dumb} says no; the launcher's
   * {@value #TTY_VARIABLE} (1 or 0) decides when set; else, on Linux, {@code /proc/self/fd/2}
   * pointing at {@code /dev/pts/…} or {@code /dev/tty…} says yes; else no. ({@code System.console()}
   * cannot tell: it is null as soon as stdout is redirected.)
   */
  static boolean stderrIsTerminal() {
    String link;
    try {
      link = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      link = null;
    }
    return stderrIsTerminal(System.getenv(), link);
  }

  /** The rule of {@link #stderrIsTerminal()}, on a given environment and fd-2 link (null if unknown). */
  static boolean stderrIsTerminal(Map<String, String> env, String fd2Link) {
    if ("dumb".equals(env.get("TERM"))) {
      return false;
    }
    String flag = env.get(TTY_VARIABLE);
    if (flag != null && !flag.isBlank()) {
      return flag.trim().equals("1");
    }
    return fd2Link != null && (fd2Link.startsWith("/dev/pts/") || fd2Link.startsWith("/dev/tty"));
  }

  /** Called with the tokens scored so far; redraws the line at most every half second. */
  void update(long tokens) {
    if (!enabled) {
      return;
    }
    long now = clock.getAsLong();
    if (now - lastDraw < 500_000_000L) {
      return;
    }
    lastDraw = now;
    err.print("\r" + line(tokens, (now - start) / 1e9, bytesRead.getAsLong(), tokensRead.getAsLong()) + "   ");
    err.flush();
    drawn = true;
  }

  /**
   * The progress line after {@code seconds}: {@code scored} tokens scored, {@code read} bytes of
   * input read and {@code seen} tokens produced from them.
   */
  String line(long scored, double seconds, long read, long seen) {
    StringBuilder b = new StringBuilder();
    double rate = scored / Math.max(seconds, 1e-9);
    if (totalBytes > 0 && read > 0 && seen > 0 && scored > 0) {
      double estimatedTotal = Math.max(scored, (double) seen * totalBytes / read);
      int percent = (int) Math.min(100, Math.floor(100 * scored / estimatedTotal));
      long eta = Math.round(seconds * (estimatedTotal - scored) / scored);
      b.append(String.format(Locale.ROOT, "%3d%% ", percent));
      b.append(Numbers.count(scored)).append(" tokens, ").append(Numbers.count(Math.round(rate))).append(" tokens/s");
      if (estimatedTotal > scored) {
        b.append(", ETA ").append(duration(eta));
      }
    } else {
      b.append(Numbers.count(scored)).append(" tokens, ").append(Numbers.count(Math.round(rate))).append(" tokens/s");
    }
    return b.toString();
  }

  static String duration(long seconds) {
    return seconds < 60 ? seconds + " s"
        : seconds < 3600 ? String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60)
        : String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, (seconds % 3600) / 60);
  }

  /** Erases the line, if one was drawn. */
  void finish() {
    if (enabled && drawn) {
      err.print("\r" + " ".repeat(72) + "\r");
      err.flush();
    }
  }
}
