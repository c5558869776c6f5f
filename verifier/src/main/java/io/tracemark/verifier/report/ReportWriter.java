package io.tracemark.verifier.report;

import io.tracemark.core.internal.SafeFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes an {@link EvidenceReport} into a directory: {@code report.json}, {@code report.html} and,
 * with a signing key, {@code report.sig}, each through {@link SafeFiles#publish} (a temporary file
 * forced to disk and renamed into place, the signature last), so that a crash at any moment
 * leaves complete files only, never a signature beside a {@code report.json} it does not sign.
 *
 * <p>A process killed while writing leaves its temporary files ({@code .report.json.<hex>.tmp}
 * and the like) behind; the next write into the same directory removes those of them that are
 * regular files owned by the current user and untouched for {@link #STALE_AFTER} (a report being
 * written right now by another run is younger than that). Stateless and thread-safe.
 */
public final class ReportWriter {
  /** How old a temporary report file must be before a later write removes it. */
  public static final Duration STALE_AFTER = Duration.ofMinutes(10);
  /** The temporary files {@link SafeFiles#publish} makes for the report files. */
  static final Pattern TEMPORARY = Pattern.compile(
      "\\.(report\\.json|report\\.html|report\\.sig)\\.[0-9a-f]{12}\\.tmp");

  private ReportWriter() {}

  /**
   * Checks, before any work is done, that {@code dir} can receive the report files: a directory
   * (or nothing yet) owned by the current user, without a symbolic link or a non-file under a
   * report file's name ({@link SafeFiles#checkOutputDirectory}).
   */
  public static void checkOutputDirectory(Path dir) throws IOException {
    SafeFiles.checkOutputDirectory(dir, List.of(EvidenceReport.JSON_FILE, EvidenceReport.HTML_FILE,
        EvidenceReport.SIG_FILE));
  }

  /**
   * Writes the report files into {@code dir} (created if needed), replacing a previous report;
   * stale temporary report files of an interrupted earlier write are removed first.
   *
   * @param signer the Ed25519 signing key, or null for an unsigned report
   */
  public static void write(Path dir, EvidenceReport report, SigningKey signer) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(report, "report");
    byte[] json = report.jsonBytes();
    byte[] html = report.html(signer == null ? null : signer.keyId()).getBytes(StandardCharsets.UTF_8);
    byte[] sig = signer == null ? null : EvidenceReport.signatureFile(signer.keyId(), signer.sign(json));
    removeStaleTemporaries(dir, Instant.now());
    SafeFiles.publish(dir, List.of(new SafeFiles.Output(EvidenceReport.JSON_FILE, json),
        new SafeFiles.Output(EvidenceReport.HTML_FILE, html), new SafeFiles.Output(EvidenceReport.SIG_FILE, sig)));
  }

  /**
   * Removes, from {@code dir}, the temporary report files that are regular files (not links)
   * owned by the current user and last modified more than {@link #STALE_AFTER} before {@code now}.
   * Returns the names removed; a directory that does not exist yet has none.
   */
  static List<String> removeStaleTemporaries(Path dir, Instant now) throws IOException {
    List<String> removed = new ArrayList<>();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return removed;
    }
    String user = currentUser(dir);
    FileTime limit = FileTime.from(now.minus(STALE_AFTER));
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
        p -> TEMPORARY.matcher(p.getFileName().toString()).matches())) {
      for (Path p : entries) {
        var attrs = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isRegularFile() || attrs.lastModifiedTime().compareTo(limit) > 0) {
          continue;
        }
        if (user != null && !user.equals(Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName())) {
          continue;
        }
        Files.deleteIfExists(p);
        removed.add(p.getFileName().toString());
      }
    }
    return removed;
  }

  /**
   * The current user's name as the file system reports owners: the owner of the output directory,
   * which {@link #checkOutputDirectory} requires to be the current user; null without owners.
   */
  private static String currentUser(Path dir) throws IOException {
    try {
      return Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }
}
