package io.tracemark.verifier.input;

import io.tracemark.verifier.report.EvidenceReport;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * What every command does with an input file before and while reading it: say what a path is when
 * it is not a readable regular file, undo gzip (by its magic bytes), stop a record at the size
 * limit, refuse tracemark's own reports, and turn I/O failures into one-line {@link
 * InputException}s naming the file.
 */
public final class Inputs {
  private Inputs() {}

  /** The default {@code --max-record-bytes}: 64 MiB per JSONL line or text file (after gzip). */
  public static final long DEFAULT_MAX_RECORD_BYTES = 64L << 20;
  /** The largest record limit: a record is held in one Java array. */
  public static final long MAX_RECORD_BYTES_LIMIT = Integer.MAX_VALUE - 64;
  /** The smallest record limit. */
  public static final long MIN_RECORD_BYTES_LIMIT = 16;

  /** The option that sets the record limit, named in every message about it. */
  public static final String MAX_RECORD_BYTES_OPTION = "--max-record-bytes";

  /** How much of a file named like a report is read to recognise a report. */
  public static final int REPORT_SNIFF_BYTES = 1 << 16;

  /**
   * Checks that {@code path} (links followed) is a regular file this process can read.
   *
   * @throws InputException naming the path and what it is instead ("is a directory", "is not a
   *     regular file (a FIFO)", "no such file", "permission denied")
   */
  public static void requireReadableFile(Path path) {
    BasicFileAttributes a = attributes(path);
    if (a.isDirectory()) {
      throw new InputException(path + ": is a directory, not a file");
    }
    if (!a.isRegularFile()) {
      throw new InputException(path + ": " + notRegular(path));
    }
    if (!Files.isReadable(path)) {
      throw new InputException(path + ": permission denied");
    }
  }

  /** The attributes of {@code path} (links followed), or an {@link InputException} saying why there are none. */
  static BasicFileAttributes attributes(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      if (Files.isSymbolicLink(path)) {
        throw new InputException(path + ": no such file or directory (a symbolic link to a missing target)", e);
      }
      throw new InputException(path + ": no such file or directory", e);
    } catch (IOException e) {
      throw new InputException(path + ": cannot read: " + message(e), e);
    }
  }

  /** "is not a regular file (a character device)" and the like, from the file type of {@code path}. */
  static String notRegular(Path path, LinkOption... options) {
    String kind = null;
    try {
      Object mode = Files.getAttribute(path, "unix:mode", options);
      if (mode instanceof Integer) {
        switch ((Integer) mode & 0170000) {
          case 0020000:
            kind = "a character device";
            break;
          case 0060000:
            kind = "a block device";
            break;
          case 0010000:
            kind = "a FIFO";
            break;
          case 0140000:
            kind = "a socket";
            break;
          default:
            break;
        }
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // no POSIX file type on this platform: the generic sentence below
    }
    return kind == null ? "is not a regular file" : "is not a regular file (" + kind + ")";
  }

  /**
   * Whether {@code file} is one of tracemark's own report files: named {@code report.json},
   * {@code report.html} or {@code report.sig}, and carrying the report's schema name, the HTML
   * report's title, or the signature's {@code signed_file} field in its first 64 KiB.
   */
  public static boolean isTracemarkReport(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    if (!isReportName(name)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      return isTracemarkReport(name, in.readNBytes(REPORT_SNIFF_BYTES));
    } catch (IOException e) {
      return false; // reported when the file is read
    }
  }

  /** Whether a file named {@code name} may be a report ({@link #isTracemarkReport(Path)} then reads its start). */
  public static boolean isReportName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals(EvidenceReport.JSON_FILE) || n.equals(EvidenceReport.HTML_FILE) || n.equals(EvidenceReport.SIG_FILE);
  }

  /**
   * {@link #isTracemarkReport(Path)} for a file of another file system: {@code name} is its file name, {@code head}
   * its first 64 KiB ({@link #REPORT_SNIFF_BYTES}) or all of it.
   */
  public static boolean isTracemarkReport(String name, byte[] head) {
    if (!isReportName(name)) {
      return false;
    }
    String text = new String(head, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    return text.contains(EvidenceReport.SCHEMA) || text.contains("tracemark evidence report")
        || (name.toLowerCase(Locale.ROOT).equals(EvidenceReport.SIG_FILE) && text.contains("\"signed_file\""));
  }

  /** The error for a report file found among the inputs. */
  static InputException reportAmongInputs(Path file) {
    return reportAmongInputs(file.toString());
  }

  /** The error for a report file found among the inputs, named {@code file}. */
  public static InputException reportAmongInputs(String file) {
    return new InputException(file + ": is a tracemark report (from an earlier run?), not suspect text; move it out "
        + "of the input, or write reports elsewhere with --out");
  }

  /**
   * {@code in}, decompressed when it starts with the gzip magic bytes 1f 8b. The result is
   * buffered; close it to close {@code in}.
   */
  public static InputStream decompressed(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    return b0 == 0x1f && b1 == 0x8b ? new Gunzipped(new GZIPInputStream(buffered, 1 << 16)) : buffered;
  }

  /** A buffered gzip stream, recognisable by {@link #isGzip}. */
  private static final class Gunzipped extends BufferedInputStream {
    Gunzipped(InputStream in) {
      super(in, 1 << 16);
    }
  }

  /**
   * Reads {@code in} to its end, at most {@code limit} bytes.
   *
   * @param where the file (and line) for the message
   * @throws InputException naming the limit and {@value #MAX_RECORD_BYTES_OPTION} when there is more
   */
  public static byte[] readRecord(InputStream in, long limit, String where) throws IOException {
    int cap = (int) Math.min(limit, MAX_RECORD_BYTES_LIMIT);
    byte[] bytes = in.readNBytes(cap);
    if (bytes.length == cap && in.read() >= 0) {
      throw recordTooLarge(where, limit, (long) cap + 1);
    }
    return bytes;
  }

  /** The error for a record past the size limit, after {@code read} bytes of it (whatever the bad-record policy). */
  public static InputException recordTooLarge(String where, long limit, long read) {
    return new InputException(String.format(Locale.ROOT, "%s: record larger than the limit of %s: %,d bytes read "
        + "without reaching its end; raise the limit with %s", where, size(limit), read, MAX_RECORD_BYTES_OPTION));
  }

  /** A byte count for people: {@code 67,108,864 bytes (64 MiB)}. */
  public static String size(long bytes) {
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
      return String.format(Locale.ROOT, "%,d bytes (%,d MiB)", bytes, bytes >> 20);
    }
    if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
      return String.format(Locale.ROOT, "%,d bytes (%,d KiB)", bytes, bytes >> 10);
    }
    return String.format(Locale.ROOT, "%,d bytes", bytes);
  }

  /**
   * A one-line input error for a read that failed: a gzip stream that ends early is "truncated
   * gzip", a damaged one "corrupt gzip", missing and unreadable files say so.
   *
   * @param where the file (and line) for the message
   * @param gzip whether the failing stream was being decompressed
   */
  public static InputException readError(String where, IOException e, boolean gzip) {
    if (gzip && e instanceof EOFException) {
      return new InputException(where + ": truncated gzip (the file ends before the end of the compressed data)", e);
    }
    if (gzip && e instanceof ZipException) {
      return new InputException(where + ": corrupt gzip (" + message(e) + ")", e);
    }
    return new InputException(where + ": cannot read: " + message(e), e);
  }

  /** Whether {@code in} is a stream that {@link #decompressed} made to undo gzip. */
  public static boolean isGzip(InputStream in) {
    return in instanceof Gunzipped;
  }

  /** An I/O exception as a short reason. */
  static String message(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ').replace('\r', ' ');
  }
}
