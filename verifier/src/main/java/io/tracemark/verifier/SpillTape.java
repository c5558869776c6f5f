package io.tracemark.verifier;

import io.tracemark.core.LongHashSet;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The part of a deduplication tape that no longer fits the memory budget: candidate tuples are
 * appended, in input order, to one of {@value #PARTITIONS} files chosen by fingerprint; afterwards
 * each file is deduplicated on its own (a fingerprint always lands in the same file, and the file
 * keeps the input order, so the first occurrence wins exactly as in memory). Not thread-safe.
 */
final class SpillTape implements AutoCloseable {
  static final int PARTITIONS = 64;

  /** Receives the first occurrence of each spilled tuple. */
  interface Scorer {
    void score(int[] tokens, int position, int recordIndex);
  }

  private final Path dir;
  private final int h;
  private final DataOutputStream[] out = new DataOutputStream[PARTITIONS];
  private final long[] counts = new long[PARTITIONS];
  private long spilled;

  SpillTape(Path parent, int h) {
    this.h = h;
    try {
      Files.createDirectories(parent);
      this.dir = Files.createTempDirectory(parent, "tracemark-tape-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a spill directory in " + parent, e);
    }
  }

  static int partition(long unit) {
    return (int) (unit >>> 8) & (PARTITIONS - 1);
  }

  /** Appends a candidate: its fingerprint, record, and the h + 1 tokens ending at {@code pos}. */
  void append(long unit, int recordIndex, int[] tokens, int pos) {
    int p = partition(unit);
    try {
      DataOutputStream o = out[p];
      if (o == null) {
        o = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(p)), 1 << 15));
        out[p] = o;
      }
      o.writeLong(unit);
      o.writeInt(recordIndex);
      for (int j = pos - h; j <= pos; j++) {
        o.writeInt(tokens[j]);
      }
      counts[p]++;
      spilled++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the spilled dedup tape in " + dir, e);
    }
  }

  long spilled() {
    return spilled;
  }

  private Path file(int p) {
    return dir.resolve("part-" + p);
  }

  /** Deduplicates each file and scores first occurrences; returns the number of duplicates. */
  long drain(Scorer scorer) {
    long duplicates = 0;
    int[] window = new int[h + 1];
    try {
      for (int p = 0; p < PARTITIONS; p++) {
        if (out[p] == null) {
          continue;
        }
        out[p].close();
        out[p] = null;
        LongHashSet seen = new LongHashSet((int) Math.min(1 << 26, counts[p]));
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file(p)), 1 << 15))) {
          for (long i = 0; i < counts[p]; i++) {
            long unit = in.readLong();
            int record = in.readInt();
            for (int j = 0; j <= h; j++) {
              window[j] = in.readInt();
            }
            if (seen.add(unit)) {
              scorer.score(window, h, record);
            } else {
              duplicates++;
            }
          }
        } catch (EOFException e) {
          throw new IllegalStateException("spill file " + file(p) + " is shorter than written", e);
        }
        Files.deleteIfExists(file(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the spilled dedup tape in " + dir, e);
    }
    return duplicates;
  }

  @Override
  public void close() {
    for (int p = 0; p < PARTITIONS; p++) {
      try {
        if (out[p] != null) {
          out[p].close();
          out[p] = null;
        }
        Files.deleteIfExists(file(p));
      } catch (IOException e) {
        // best effort: the directory is temporary
      }
    }
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // best effort
    }
  }
}
