package io.tracemark.verifier.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of the {@code tracemark} command line, the harness every CLI test uses: the
 * exit code and what it printed on stdout and stderr (UTF-8). Everything any run printed is also
 * kept in {@link #ALL_OUTPUT}, for the check that no key material is ever printed.
 *
 * @param code the exit code
 * @param out stdout
 * @param err stderr
 */
record CliRun(int code, String out, String err) {
  /** Everything any run printed, stdout and stderr. */
  static final StringBuilder ALL_OUTPUT = new StringBuilder();

  /** Runs {@code tracemark args…} in this JVM. */
  static CliRun run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Tracemark.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    CliRun r = new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    synchronized (ALL_OUTPUT) {
      ALL_OUTPUT.append(r.out).append(r.err);
    }
    return r;
  }
}
