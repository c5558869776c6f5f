package io.tracemark.verifier.spark;

import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.input.SourceListing;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.security.AccessControlException;

/**
 * The suspect inputs listed on the driver through Hadoop's {@link FileSystem}, for inputs named by a URI ({@code
 * hdfs://}, {@code s3a://}, {@code abfs://}, {@code file:}, any scheme with a Hadoop file system), with the rules and
 * the order of {@link SourceListing}: each path must exist; a directory is walked in sorted path order; hidden entries
 * (names starting with a dot), symbolic links and entries that are not files are not read and are listed with the
 * reason; a tracemark report among the files is refused, and so is an input that holds no file to read. The files are
 * named by their URIs (as the file system qualifies them), which is also where the executors read them.
 */
final class HadoopListing {
  /** A URI's scheme: two or more characters before the colon, so that a Windows drive letter is not one. */
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*", Pattern.DOTALL);

  private HadoopListing() {}

  /** Whether {@code input} names a URI with a scheme (listed through Hadoop) rather than a local path. */
  static boolean isUri(String input) {
    return SCHEME.matcher(input).matches();
  }

  /**
   * Lists {@code roots} through the file systems of {@code conf}; a root without a scheme is a path on the driver's
   * local file system (a {@code file:} URI).
   *
   * @throws InputException naming a path that is missing, unreadable, of a scheme without a file system, or a
   *     tracemark report, or inputs that hold no file to read
   */
  static SourceListing list(Configuration conf, List<String> roots) {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("at least one input path is required");
    }
    List<String> names = new ArrayList<>();
    List<SkippedRecord> notRead = new ArrayList<>();
    long bytes = 0;
    for (String root : roots) {
      Path path = isUri(root) ? new Path(root) : new Path(new File(root).getAbsoluteFile().toURI());
      FileSystem fs = fileSystem(conf, root, path);
      FileStatus status;
      try {
        status = fs.getFileStatus(path);
      } catch (FileNotFoundException e) {
        throw new InputException(root + ": no such file or directory", e);
      } catch (IOException e) {
        throw new InputException(root + ": cannot read: " + message(e), e);
      }
      List<FileStatus> found = new ArrayList<>();
      List<SkippedRecord> skippedHere = new ArrayList<>();
      if (status.isFile()) {
        found.add(status);
      } else if (status.isDirectory()) {
        walk(fs, status.getPath(), found, skippedHere);
      } else {
        throw new InputException(root + ": is not a regular file or directory");
      }
      found.sort((x, y) -> Arrays.compareUnsigned(name(fs, x).getBytes(StandardCharsets.UTF_8),
          name(fs, y).getBytes(StandardCharsets.UTF_8)));
      skippedHere.sort((x, y) -> x.id().compareTo(y.id()));
      for (FileStatus f : found) {
        String name = name(fs, f);
        if (isReport(fs, f, name)) {
          throw Inputs.reportAmongInputs(name);
        }
        names.add(name);
        bytes += f.getLen();
      }
      for (SkippedRecord s : skippedHere) {
        if (notRead.size() < SourceListing.MAX_LISTED) {
          notRead.add(s);
        }
      }
    }
    String where = roots.size() == 1 ? roots.get(0) : roots.size() + " inputs (" + roots.get(0) + ", …)";
    if (names.isEmpty()) {
      throw new InputException(where + ": no input files" + (notRead.isEmpty() ? ""
          : String.format(Locale.ROOT, " (%s not read, e.g. %s: %s)", notRead.size() == 1 ? "1 directory entry"
              : String.format(Locale.ROOT, "%,d directory entries", notRead.size()), notRead.get(0).id(),
              notRead.get(0).reason())));
    }
    // java.nio cannot name these files; the listing names them by their URIs, and each stands for its own
    List<java.nio.file.Path> files = names.stream().map(java.nio.file.Path::of).toList();
    return SourceListing.of(where, files, names, notRead, bytes);
  }

  private static FileSystem fileSystem(Configuration conf, String root, Path path) {
    try {
      return path.getFileSystem(conf);
    } catch (UnsupportedFileSystemException e) {
      throw new InputException(root + ": no Hadoop file system for the scheme \"" + path.toUri().getScheme()
          + "\" (put its connector on the class path, e.g. hadoop-aws for s3a:)", e);
    } catch (IOException e) {
      throw new InputException(root + ": cannot read: " + message(e), e);
    }
  }

  /** Walks {@code dir} without following symbolic links, as {@link SourceListing} walks a local directory. */
  private static void walk(FileSystem fs, Path dir, List<FileStatus> found, List<SkippedRecord> skipped) {
    FileStatus[] entries;
    try {
      entries = fs.listStatus(dir);
    } catch (AccessControlException e) {
      throw new InputException(name(fs, dir) + ": cannot read directory: permission denied", e);
    } catch (IOException e) {
      throw new InputException(String.format(Locale.ROOT, "%s: cannot read directory: %s", name(fs, dir),
          message(e)), e);
    }
    for (FileStatus e : entries) {
      boolean hidden = e.getPath().getName().startsWith(".");
      String name = name(fs, e);
      if (e.isDirectory() && !e.isSymlink()) {
        if (hidden) {
          skipped.add(new SkippedRecord(name, "hidden directory, not read"));
        } else {
          walk(fs, e.getPath(), found, skipped);
        }
      } else if (hidden) {
        skipped.add(new SkippedRecord(name, "hidden file, not read"));
      } else if (e.isSymlink()) {
        skipped.add(new SkippedRecord(name, "symbolic link, not followed (name the target itself to read it)"));
      } else if (!e.isFile()) {
        skipped.add(new SkippedRecord(name, "is not a regular file, not read"));
      } else {
        found.add(e);
      }
    }
  }

  private static boolean isReport(FileSystem fs, FileStatus f, String name) {
    String file = f.getPath().getName();
    if (!Inputs.isReportName(file)) {
      return false;
    }
    try (InputStream in = fs.open(f.getPath())) {
      return Inputs.isTracemarkReport(file, in.readNBytes(Inputs.REPORT_SNIFF_BYTES));
    } catch (IOException e) {
      return false; // reported when the file is read
    }
  }

  private static String name(FileSystem fs, FileStatus f) {
    return name(fs, f.getPath());
  }

  private static String name(FileSystem fs, Path p) {
    return fs.makeQualified(p).toString();
  }

  private static String message(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
