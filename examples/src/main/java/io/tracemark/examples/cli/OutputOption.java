package io.tracemark.examples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --out}: the one file a command writes (a model, or JSONL records), replaced whole and never
 * written through a symbolic link. The demo writes a directory of files and has its own
 * {@code --out} with a default.
 */
public final class OutputOption {
  @Option(names = "--out", paramLabel = "FILE", required = true,
      description = "File to write (replaced whole, never through a symbolic link).")
  Path out;

  /** The file to write. */
  public Path out() {
    return out;
  }
}
