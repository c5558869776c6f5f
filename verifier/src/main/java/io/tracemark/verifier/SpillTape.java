package io.tracemark.verifier;

import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.internal.SafeFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The part of a deduplication tape that no longer fits the memory budget: candidate tuples are
 * appended, in input order, to one of {@value #PARTITIONS} files chosen by fingerprint; afterwards
 * each file is deduplicated on its own (a fingerprint always lands in the same file, and the file
 * keeps the input order, so the first occurrence wins exactly as in memory). Not thread-safe.
 *
 * <p>The files live in a private directory (owner-only) made inside a spill directory that {@link
 * #checkDirectory} accepts; each is created new, owner-only, without following a symbolic link.
 * {@link #close()} deletes them, and a shutdown hook deletes the files of tapes still open when the
 * JVM exits (Ctrl-C, SIGTERM).
 */
final class SpillTape implements AutoCloseable {
  static final int PARTITIONS = 64;

  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<SpillTape> OPEN = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean HOOK = new AtomicBoolean();
  /** Set when the JVM shuts down: no tape creates a file after its files were deleted. */
  private static volatile boolean exiting;

  /** Receives the first occurrence of each spilled tuple (the verifier scores it under every key at its level). */
  interface FirstOccurrences {
    void accept(int[] tokens, int position, int recordIndex, int level);
  }

  private final Path dir;
  private final int h;
  private final DataOutputStream[] out = new DataOutputStream[PARTITIONS];
  private final long[] counts = new long[PARTITIONS];
  private long spilled;
  private boolean closed;

  SpillTape(Path parent, int h) {
    this.h = h;
    checkDirectory(parent);
    try {
      this.dir = POSIX ? Files.createTempDirectory(parent, "tracemark-tape-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
          : Files.createTempDirectory(parent, "tracemark-tape-");
    } catch (IOException e) {
      throw failure("cannot create a directory in " + parent, e);
    }
    if (HOOK.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(SpillTape::deleteOpenTapes, "tracemark-spill-cleanup"));
    }
    OPEN.add(this);
  }

  /**
   * Checks a spill directory through {@link SafeFiles#checkWorkDirectory} (created owner-only when
   * missing; not a symbolic link; the current user's, or root's with the sticky bit; not writable
   * by others unless sticky; writable).
   *
   * @throws IllegalArgumentException naming the directory, what is wrong with it, and the option
   */
  static void checkDirectory(Path dir) {
    try {
      SafeFiles.checkWorkDirectory(dir);
    } catch (FileSystemException e) {
      throw refused(dir, e.getReason());
    }
  }

  private static IllegalArgumentException refused(Path dir, String reason) {
    return new IllegalArgumentException("spill directory " + dir + " " + reason + " (--spill-dir)");
  }

  private static String reason(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
  }

  /** An I/O failure as an {@link UncheckedIOException} whose cause's message names the tape directory. */
  private static UncheckedIOException failure(String what, IOException e) {
    return new UncheckedIOException(new IOException("spilled dedup tape: " + what + ": " + reason(e), e));
  }

  static int partition(long unit) {
    return (int) (unit >>> 8) & (PARTITIONS - 1);
  }

  /**
   * Appends a candidate: its fingerprint, record, weight level (fixed when it was offered: a level
   * may read more than the window, or come with the record, neither of which the file keeps), and
   * the h + 1 tokens ending at {@code pos}.
   */
  void append(long unit, int recordIndex, int[] tokens, int pos, int level) {
    int p = partition(unit);
    try {
      DataOutputStream o = out[p];
      if (o == null) {
        if (exiting) {
          throw new IOException("the JVM is shutting down");
        }
        o = new DataOutputStream(new BufferedOutputStream(create(file(p)), 1 << 15));
        out[p] = o;
      }
      o.writeLong(unit);
      o.writeInt(recordIndex);
      o.writeInt(level);
      for (int j = pos - h; j <= pos; j++) {
        o.writeInt(tokens[j]);
      }
      counts[p]++;
      spilled++;
    } catch (IOException e) {
      throw failure("cannot write in " + dir, e);
    }
  }

  /** A new file, owner-only from its creation, never through a symbolic link. */
  private static java.io.OutputStream create(Path file) throws IOException {
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    FileAttribute<?>[] attributes = POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    return Channels.newOutputStream(Files.newByteChannel(file, options, attributes));
  }

  long spilled() {
    return spilled;
  }

  /** The private directory holding this tape's files. */
  Path directory() {
    return dir;
  }

  private Path file(int p) {
    return dir.resolve("part-" + p);
  }

  /** Deduplicates each file and scores first occurrences; returns the number of duplicates. */
  long drain(FirstOccurrences firstOccurrences) {
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
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
            Files.newInputStream(file(p), LinkOption.NOFOLLOW_LINKS), 1 << 15))) {
          for (long i = 0; i < counts[p]; i++) {
            long unit = in.readLong();
            int record = in.readInt();
            int level = in.readInt();
            for (int j = 0; j <= h; j++) {
              window[j] = in.readInt();
            }
            if (seen.add(unit)) {
              firstOccurrences.accept(window, h, record, level);
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
      throw failure("cannot read back " + dir, e);
    }
    return duplicates;
  }

  /** Closes and deletes the tape's files and directory (idempotent). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int p = 0; p < PARTITIONS; p++) {
      if (out[p] != null) {
        try {
          out[p].close();
        } catch (IOException e) {
          // the file is deleted next
        }
        out[p] = null;
      }
    }
    deleteFiles();
    OPEN.remove(this);
  }

  /** Deletes the files and the directory, best effort. */
  private void deleteFiles() {
    // a second pass catches a file a writer created while the first one ran
    for (int pass = 0; pass < 2 && Files.exists(dir, LinkOption.NOFOLLOW_LINKS); pass++) {
      for (int p = 0; p < PARTITIONS; p++) {
        try {
          Files.deleteIfExists(file(p));
        } catch (IOException e) {
          // best effort: nothing else can be done about it here
        }
      }
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // not empty yet: the next pass
      }
    }
  }

  /** At JVM exit: deletes the files of tapes that were not closed (the writers may still hold them open). */
  private static void deleteOpenTapes() {
    exiting = true;
    for (SpillTape t : OPEN) {
      t.deleteFiles();
    }
  }
}
