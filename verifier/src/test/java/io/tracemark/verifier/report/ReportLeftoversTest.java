package io.tracemark.verifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.verifier.cli.Tracemark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the report tells beyond the numbers: the HTML report shows the directory entries that were
 * not read ({@code inputs.not_read}) and the warning about a guessable interop key ({@code
 * key.warning}), as the JSON does; and a write removes the temporary report files a killed earlier
 * write left behind, and only those.
 */
class ReportLeftoversTest {
  @TempDir
  Path dir;

  @Test
  void htmlShowsEntriesNotReadAndTheKeyWarning() throws Exception {
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    Files.copy(Path.of("..", "docs", "sample", "suspect.jsonl"), corpus.resolve("suspect.jsonl"));
    Files.writeString(corpus.resolve(".notes.jsonl"), "{\"text\":\"hidden\"}\n");
    Path out = dir.resolve("out");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Tracemark.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), "verify", "--scheme", "vllm:algorithm=gumbel,key=5",
        "--suspect", corpus.toString(), "--control-keys", "0", "--out", out.toString(), "--quiet");
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String json = Files.readString(out.resolve(EvidenceReport.JSON_FILE), StandardCharsets.UTF_8);
    assertThat(json).contains("\"not_read\"").contains(".notes.jsonl").contains("\"warning\"");
    String html = Files.readString(out.resolve(EvidenceReport.HTML_FILE), StandardCharsets.UTF_8);
    assertThat(html).contains("1 directory entry was not read")
        .contains(corpus.resolve(".notes.jsonl").toString()).contains("hidden file, not read")
        .contains("<th>key warning</th>").contains("vllm keys are 64-bit integers");
  }

  @Test
  void aWriteRemovesStaleTemporaryReportFilesOfOursOnly() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path stale = Files.writeString(out.resolve(".report.json.0123456789ab.tmp"), "half a report");
    Path staleHtml = Files.writeString(out.resolve(".report.html.ba9876543210.tmp"), "half a page");
    Path fresh = Files.writeString(out.resolve(".report.sig.00000000000f.tmp"), "being written now");
    Path other = Files.writeString(out.resolve(".report.json.keep.tmp"), "not ours");
    Path notes = Files.writeString(out.resolve("notes.tmp"), "not ours");
    FileTime old = FileTime.from(Instant.now().minus(ReportWriter.STALE_AFTER).minusSeconds(60));
    for (Path p : new Path[] {stale, staleHtml, other, notes}) {
      Files.setLastModifiedTime(p, old);
    }
    assertThat(ReportWriter.removeStaleTemporaries(out, Instant.now()))
        .containsExactlyInAnyOrder(stale.getFileName().toString(), staleHtml.getFileName().toString());
    assertThat(stale).doesNotExist();
    assertThat(staleHtml).doesNotExist();
    assertThat(fresh).exists();
    assertThat(other).exists();
    assertThat(notes).exists();
    assertThat(ReportWriter.removeStaleTemporaries(dir.resolve("missing"), Instant.now())).isEmpty();
  }
}
