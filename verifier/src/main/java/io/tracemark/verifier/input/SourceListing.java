package io.tracemark.verifier.input;

import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The files an input names, fixed before anything is read. Each path must exist and be readable; a
 * path given directly must be a regular file or a directory. Directories are walked in sorted path
 * order without following symbolic links; hidden entries (names starting with a dot), symbolic
 * links and entries that are not regular files are not read and are listed with the reason in
 * {@link #notRead()} (at most {@value #MAX_LISTED}); a file that is one of tracemark's own reports
 * is refused, and so is an input that holds no file to read. Immutable.
 */
public final class SourceListing {
  /** At most this many entries that are not read are listed. */
  public static final int MAX_LISTED = 1000;

  private final List<Path> roots;
  private final List<Path> files = new ArrayList<>();
  private final List<SkippedRecord> notRead = new ArrayList<>();
  /** The inputs as messages name them, and the files' names and total size, for a listing made elsewhere. */
  private final String where;
  private final List<String> names;
  private final long bytes;

  /**
   * Checks the paths and lists the files.
   *
   * @throws InputException naming a path that is missing, unreadable, not a file or directory, or
   *     a tracemark report, or inputs that hold no file to read
   */
  public SourceListing(List<Path> roots) {
    this.roots = List.copyOf(roots);
    if (this.roots.isEmpty()) {
      throw new IllegalArgumentException("at least one input path is required");
    }
    this.where = null;
    this.names = null;
    this.bytes = -1;
    for (Path root : this.roots) {
      expand(root);
    }
    if (files.isEmpty()) {
      throw new InputException(where() + ": no input files" + (notRead.isEmpty() ? ""
          : String.format(Locale.ROOT, " (%s not read, e.g. %s: %s)", entries(notRead.size()), notRead.get(0).id(),
              notRead.get(0).reason())));
    }
  }

  private SourceListing(String where, List<Path> files, List<String> names, List<SkippedRecord> notRead, long bytes) {
    this.roots = List.of();
    this.where = where;
    this.files.addAll(files);
    this.names = List.copyOf(names);
    this.notRead.addAll(notRead.subList(0, Math.min(notRead.size(), MAX_LISTED)));
    this.bytes = bytes;
  }

  /**
   * A listing made elsewhere with the same rules (a file system that {@code java.nio} does not reach, listed by a
   * distributed job through its own client): {@code names} are the files as messages and reports name them (their
   * URIs), {@code files} stand for them in {@link #files()}, one for one.
   *
   * @param where the inputs as messages name them
   * @param bytes the files' total size
   */
  public static SourceListing of(String where, List<Path> files, List<String> names, List<SkippedRecord> notRead,
      long bytes) {
    if (files.size() != names.size() || files.isEmpty()) {
      throw new IllegalArgumentException("a listing names each of its files, and has at least one");
    }
    return new SourceListing(where, files, names, notRead, bytes);
  }

  /** The files as messages and reports name them, in the order of {@link #files()}. */
  public List<String> names() {
    return names != null ? names : files.stream().map(Path::toString).toList();
  }

  /** "1 directory entry", "3 directory entries". */
  private static String entries(int n) {
    return n == 1 ? "1 directory entry" : String.format(Locale.ROOT, "%,d directory entries", n);
  }

  /** The inputs as messages name them: the path, or the first of several. */
  public String where() {
    if (where != null) {
      return where;
    }
    return roots.size() == 1 ? roots.get(0).toString() : roots.size() + " inputs (" + roots.get(0) + ", …)";
  }

  /** The files to read, in order. */
  public List<Path> files() {
    return List.copyOf(files);
  }

  /** Directory entries that are not read, with the reason, in path order. */
  public List<SkippedRecord> notRead() {
    return List.copyOf(notRead);
  }

  /** Total size of the files in bytes (a file that cannot be sized counts 0; reading it reports the error). */
  public long totalBytes() {
    if (bytes >= 0) {
      return bytes;
    }
    long total = 0;
    for (Path p : files) {
      try {
        total += Files.size(p);
      } catch (IOException e) {
        // reported when the file is read
      }
    }
    return total;
  }

  private void expand(Path root) {
    BasicFileAttributes a = Inputs.attributes(root);
    if (a.isRegularFile()) {
      Inputs.requireReadableFile(root);
      if (Inputs.isTracemarkReport(root)) {
        throw Inputs.reportAmongInputs(root);
      }
      files.add(root);
      return;
    }
    if (!a.isDirectory()) {
      throw new InputException(root + ": " + Inputs.notRegular(root) + " or directory");
    }
    List<Path> found = new ArrayList<>();
    List<SkippedRecord> skippedHere = new ArrayList<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (!dir.equals(root) && hidden(dir)) {
            skippedHere.add(new SkippedRecord(dir.toString(), "hidden directory, not read"));
            return FileVisitResult.SKIP_SUBTREE;
          }
          if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw new InputException(dir + ": cannot read directory: permission denied");
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (hidden(file)) {
            skippedHere.add(new SkippedRecord(file.toString(), "hidden file, not read"));
          } else if (attrs.isSymbolicLink()) {
            skippedHere.add(new SkippedRecord(file.toString(), "symbolic link, not followed (name the target "
                + "itself to read it)"));
          } else if (!attrs.isRegularFile()) {
            skippedHere.add(new SkippedRecord(file.toString(),
                Inputs.notRegular(file, LinkOption.NOFOLLOW_LINKS) + ", not read"));
          } else {
            found.add(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          throw e;
        }
      });
    } catch (IOException | UncheckedIOException e) {
      Exception cause = e instanceof UncheckedIOException ? ((UncheckedIOException) e).getCause() : e;
      throw new InputException(String.format(Locale.ROOT, "%s: cannot read directory: %s", root,
          Inputs.message(cause)), e);
    }
    Collections.sort(found);
    skippedHere.sort((x, y) -> x.id().compareTo(y.id()));
    for (Path f : found) {
      if (!Files.isReadable(f)) {
        throw new InputException(f + ": permission denied");
      }
      if (Inputs.isTracemarkReport(f)) {
        throw Inputs.reportAmongInputs(f);
      }
    }
    files.addAll(found);
    for (SkippedRecord s : skippedHere) {
      if (notRead.size() < MAX_LISTED) {
        notRead.add(s);
      }
    }
  }

  private static boolean hidden(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  /** Whether the file is read as JSONL (by its name: .jsonl, .ndjson, .json, each optionally .gz), else as text. */
  public static boolean isJsonl(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz")) {
      n = n.substring(0, n.length() - 3);
    }
    return n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json");
  }

}
