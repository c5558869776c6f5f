package io.tracemark.verifier.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress indicator on stderr (tokens, tokens/s, ETA from bytes read), shown only when
 * a terminal is attached and {@code --quiet} is not given. Redrawn at most twice a second.
 */
final class Progress {
  private final PrintWriter err;
  private final boolean enabled;
  private final long totalBytes;
  private final LongSupplier bytesRead;
  private final long start = System.nanoTime();
  private long lastDraw;
  private boolean drawn;

  Progress(PrintWriter err, boolean quiet, long totalBytes, LongSupplier bytesRead) {
    this.err = err;
    this.enabled = !quiet && System.console() != null;
    this.totalBytes = totalBytes;
    this.bytesRead = bytesRead;
  }

  void update(long tokens) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < 500_000_000L) {
      return;
    }
    lastDraw = now;
    double seconds = (now - start) / 1e9;
    long read = bytesRead.getAsLong();
    String eta = "";
    if (totalBytes > 0 && read > 0 && read < totalBytes) {
      eta = String.format(Locale.ROOT, ", ETA %ds", Math.round(seconds * (totalBytes - read) / read));
    }
    int percent = totalBytes > 0 ? (int) Math.min(100, 100 * read / totalBytes) : 0;
    err.print(String.format(Locale.ROOT, "\r%3d%% %,d tokens, %,.0f tokens/s%s   ", percent, tokens,
        tokens / Math.max(seconds, 1e-9), eta));
    err.flush();
    drawn = true;
  }

  void finish() {
    if (enabled && drawn) {
      err.print("\r" + " ".repeat(70) + "\r");
      err.flush();
    }
  }
}
