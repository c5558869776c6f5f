package io.tracemark.verifier.cli;

import static io.tracemark.verifier.cli.CliRun.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.keys.KeyFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line on hostile or broken input: what is checked before the corpus is read, resource
 * limits that end in exit 3 with one line, cleanup of threads and spill files, empty corpora, paths
 * that are not files, the shared text pipeline, and what a suspect directory holds besides records.
 */
class InputHardeningCliTest {
  static final String SPEC = "kgw:gamma=0.25,delta=2,h=1";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  static Path keyFile;

  static void assertOneLineError(CliRun r, int code, String... expected) {
    assertThat(r.code()).as(r.err()).isEqualTo(code);
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    for (String e : expected) {
      assertThat(r.err()).contains(e);
    }
    // warnings (e.g. that an interop key is guessable) may precede it; the error itself is one line
    assertThat(r.err().lines().filter(l -> !l.contains(": warning: ")).count()).as(r.err())
        .isLessThanOrEqualTo(code == 2 ? 2 : 1);
  }

  @BeforeAll
  static void key() throws IOException {
    keyFile = dir.resolve("key.json");
    KeyFiles.write(WatermarkKey.fromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
        19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}), keyFile);
  }

  static Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  /** {@code count} JSONL records of random token ids below 4000 (nearly every tuple distinct), then {@code tail}. */
  static Path randomRecords(String name, int count, int length, long seed, String tail) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < count; i++) {
      b.append("{\"id\":\"r").append(i).append("\",\"tokens\":[")
          .append(IntStream.range(0, length).mapToObj(j -> Integer.toString(r.nextInt(4000)))
              .collect(Collectors.joining(",")))
          .append("]}\n");
    }
    b.append(tail);
    return write(name, b.toString());
  }

  static List<String> verify(Path suspect, String out, String... extra) {
    List<String> args = new ArrayList<>(List.of("verify", "--key", keyFile.toString(), "--scheme", SPEC,
        "--vocab-size", "4000", "--suspect", suspect.toString(), "--control-keys", "2", "--out",
        dir.resolve(out).toString()));
    args.addAll(Arrays.asList(extra));
    return args;
  }

  /** verify for text input: the tokenizer's own vocabulary. */
  static String[] verifyText(Path suspect, String out, String... extra) {
    List<String> args = new ArrayList<>(List.of("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--suspect",
        suspect.toString(), "--control-keys", "2", "--out", dir.resolve(out).toString()));
    args.addAll(Arrays.asList(extra));
    return args.toArray(new String[0]);
  }

  static Set<Thread> liveTracemarkThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("tracemark-"))
        .collect(Collectors.toSet());
  }

  static List<Path> filesUnder(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !p.equals(root)).collect(Collectors.toList());
    }
  }

  static boolean isRoot() throws IOException {
    Path probe = Files.createTempFile(dir, "uid", ".probe");
    try {
      return ((Integer) Files.getAttribute(probe, "unix:uid")) == 0;
    } finally {
      Files.delete(probe);
    }
  }

  // ------------------------------------------------------------------ cleanup (threads, spill files)

  @Test
  void anInputErrorWithTwoThreadsLeavesNoSpillFilesAndNoWorkerThreads() throws IOException {
    // 3,000 records spill past a 1 MB tape long before the malformed last line stops the run
    Path suspect = randomRecords("spills-then-fails.jsonl", 3000, 200, 7, "{\"tokens\":[1,2,\n");
    Path spill = Files.createDirectories(dir.resolve("spill-6"));
    Set<Thread> before = liveTracemarkThreads();
    CliRun r = run(verify(suspect, "out-spill-6", "--threads", "2", "--tape-memory", "1", "--spill-dir", spill.toString())
        .toArray(new String[0]));
    assertOneLineError(r, 3, suspect + ":3001: malformed JSON");
    assertThat(filesUnder(spill)).isEmpty();
    Set<Thread> after = liveTracemarkThreads();
    after.removeAll(before);
    assertThat(after).extracting(Thread::getName).isEmpty();
    // the same corpus without the bad line spills, completes, and also cleans up
    Path good = randomRecords("spills.jsonl", 3000, 200, 7, "");
    CliRun ok = run(verify(good, "out-spill-6-ok", "--threads", "2", "--tape-memory", "1", "--spill-dir",
        spill.toString()).toArray(new String[0]));
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(filesUnder(spill)).isEmpty();
    after = liveTracemarkThreads();
    after.removeAll(before);
    assertThat(after).extracting(Thread::getName).isEmpty();
  }

  // ------------------------------------------------------------------ checked before the corpus is read

  @Test
  void theOwnerFilterIsBoundedByFilterMemory() throws IOException {
    // 30,000 distinct windows (h = 1) need more than the 1 MB allowed (48 bytes a window while counting)
    Path owner = write("owner-large.jsonl", "{\"tokens\":["
        + IntStream.range(0, 30_000).mapToObj(Integer::toString).collect(Collectors.joining(",")) + "]}\n");
    Path suspect = randomRecords("suspect-for-filter.jsonl", 5, 50, 11, "");
    List<String> args = new ArrayList<>(List.of("verify", "--key", keyFile.toString(), "--scheme", SPEC,
        "--vocab-size", "30000", "--suspect", suspect.toString(), "--filter", owner.toString(), "--control-keys", "2",
        "--out", dir.resolve("o-filter-memory").toString()));
    List<String> bounded = new ArrayList<>(args);
    bounded.addAll(List.of("--filter-memory", "1"));
    assertOneLineError(run(bounded.toArray(new String[0])), 3, "more than 21,845 distinct windows",
        "(--filter-memory)", "give a larger --filter-memory");
    // the default bound (a quarter of the heap) holds them
    CliRun r = run(args.toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    assertOneLineError(run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--suspect", suspect.toString(),
        "--filter-memory", "1", "--out", dir.resolve("o-filter-memory-2").toString()), 2,
        "--filter-memory needs --filter");
  }

  @Test
  void theSpillDirectoryIsCheckedBeforeTheCorpusIsRead() throws IOException {
    // the suspect corpus fails on its first line: an error about the spill directory shows it was checked first
    Path suspect = write("bad-first-line.jsonl", "{\"tokens\":[1,\n");
    Path real = Files.createDirectories(dir.resolve("spill-real"));
    Path link = dir.resolve("spill-link");
    Files.createSymbolicLink(link, real);
    assertOneLineError(run(verify(suspect, "o5a", "--spill-dir", link.toString()).toArray(new String[0])), 3,
        "spill directory " + link + " is a symbolic link", "--spill-dir");
    Path open = Files.createDirectories(dir.resolve("spill-world-writable"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertOneLineError(run(verify(suspect, "o5b", "--spill-dir", open.toString()).toArray(new String[0])), 3,
        "spill directory " + open + " is writable by other users and not sticky");
    Path file = write("spill-file", "x");
    assertOneLineError(run(verify(suspect, "o5c", "--spill-dir", file.toString()).toArray(new String[0])), 3,
        "spill directory " + file + " is not a directory");
    Path foreign;
    if (isRoot()) {
      foreign = Files.createDirectories(dir.resolve("spill-foreign"));
      Files.setAttribute(foreign, "unix:uid", 65534);
    } else {
      foreign = Path.of("/"); // owned by root, not sticky
    }
    assertOneLineError(run(verify(suspect, "o5d", "--spill-dir", foreign.toString()).toArray(new String[0])), 3,
        "spill directory " + foreign + " is owned by another user");
    // a directory of one's own is accepted (and created owner-only when missing); then the corpus is read
    Path fresh = dir.resolve("spill-new").resolve("inner");
    assertOneLineError(run(verify(suspect, "o5e", "--spill-dir", fresh.toString()).toArray(new String[0])), 3,
        suspect + ":1: malformed JSON");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");
  }

  @Test
  void inputPathsAreCheckedBeforeAnyCorpusIsRead() throws IOException {
    // the reference corpus is read before the suspect corpus; a missing suspect path is found before either
    Path reference = write("reference-bad.jsonl", "{\"tokens\":[1,\n");
    Path missing = dir.resolve("no-such-suspect.jsonl");
    assertOneLineError(run(verify(missing, "o5f", "--filter", reference.toString()).toArray(new String[0])), 3,
        missing + ": no such file or directory");
    Path suspect = write("fine.jsonl", "{\"tokens\":[1,2,3]}\n");
    Path missingFilter = dir.resolve("no-such-filter");
    Path bad = write("bad-suspect.jsonl", "{\"tokens\":[1,\n");
    assertOneLineError(run(verify(bad, "o5g", "--filter", missingFilter.toString()).toArray(new String[0])), 3,
        missingFilter + ": no such file or directory");
    assertThat(run(verify(suspect, "o5h").toArray(new String[0])).code()).isZero();
  }

  // ------------------------------------------------------------------ resource limits

  @Test
  void aKeyFileClaimingMoreTenantsThanTheLimitIsRefusedBeforeReading() throws IOException {
    Path many = dir.resolve("million-tenants.json");
    KeyFiles.write(WatermarkKey.fromBytes(new byte[32]).withTenants(1_000_000), many);
    Path bad = write("bad-for-tenants.jsonl", "{\"tokens\":[1,\n");
    CliRun r = run("verify", "--key", many.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--suspect",
        bad.toString(), "--out", dir.resolve("o7t").toString());
    assertOneLineError(r, 3, many + ": field \"tenants\" is over the limit of 10,000", "--tenants");
    assertThat(r.err()).doesNotContain("1000000").doesNotContain("1,000,000"); // no value read from a key file
    // --tenants chooses how many are tested, within the same limit
    Path good = randomRecords("few.jsonl", 3, 50, 1, "");
    CliRun some = run("verify", "--key", many.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--suspect",
        good.toString(), "--out", dir.resolve("o7u").toString(), "--tenants", "3", "--control-keys", "0", "--json");
    assertThat(some.code()).as(some.err()).isZero();
    assertThat(JSON.readTree(some.out()).get("keys")).hasSize(4); // master + 3 tenants
    assertOneLineError(run("verify", "--key", many.toString(), "--scheme", SPEC, "--suspect", good.toString(),
        "--out", "x", "--tenants", "10001"), 2, "--tenants must be between 0 and 10000, was 10001");
  }

  @Test
  void recordsLargerThanTheLimitStopWithExitThreeNamingTheLimitAndOption() throws IOException {
    Path line = write("long-line.jsonl", "{\"tokens\":[1,2]}\n{\"tokens\":[" + "1,".repeat(1000) + "1]}\n");
    assertOneLineError(run(verify(line, "o7a", "--max-record-bytes", "1k").toArray(new String[0])), 3,
        line + ":2: record larger than the limit of 1,024 bytes (1 KiB)", "--max-record-bytes");
    // under --on-bad-record=skip too: a resource limit is not a bad record
    assertOneLineError(run(verify(line, "o7b", "--max-record-bytes", "1024", "--on-bad-record=skip")
        .toArray(new String[0])), 3, "limit of 1,024 bytes");
    Path text = write("long.txt", "word ".repeat(400));
    CliRun t = run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--suspect", text.toString(), "--out",
        dir.resolve("o7c").toString(), "--max-record-bytes", "1k");
    assertOneLineError(t, 3, text + ": record larger than the limit of 1,024 bytes");
    assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--text", text.toString(),
        "--max-record-bytes", "1k"), 3, text + ": record larger than the limit of 1,024 bytes", "--max-record-bytes");
    assertThat(run(verify(line, "o7d", "--max-record-bytes", "4k").toArray(new String[0])).code()).isZero();
    assertOneLineError(run(verify(line, "o7e", "--max-record-bytes", "lots").toArray(new String[0])), 2,
        "--max-record-bytes must be a size");
  }

  @Test
  void aGzipBombStopsAtTheDefaultRecordLimit() throws IOException {
    // 80 MiB of one line inflate from about 80 KB: reading stops at 64 MiB instead of holding it all
    Path bomb = dir.resolve("bomb.jsonl.gz");
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(bomb), 1 << 16)) {
      gz.write("{\"text\":\"".getBytes(StandardCharsets.US_ASCII));
      byte[] block = new byte[1 << 20];
      Arrays.fill(block, (byte) 'a');
      for (int i = 0; i < 80; i++) {
        gz.write(block);
      }
      gz.write("\"}\n".getBytes(StandardCharsets.US_ASCII));
    }
    assertThat(Files.size(bomb)).isLessThan(1 << 20);
    assertOneLineError(run(verify(bomb, "o7g").toArray(new String[0])), 3,
        bomb + ":1: record larger than the limit of 67,108,864 bytes (64 MiB)", "--max-record-bytes");
  }

  @Test
  void outOfMemoryNamesTheHeapAndXmxAndNoOtherOption() {
    String m = Tracemark.outOfMemory(256L << 20);
    assertThat(m).startsWith("tracemark: error: out of memory").contains("256 MB").contains("-Xmx")
        .doesNotContain("--control-keys").doesNotContain("--tape-memory").doesNotContain("\n");
  }

  // ------------------------------------------------------------------ empty corpora, paths that are not files

  @Test
  void emptyOrBlankCorporaAreInputErrorsNotReports() throws IOException {
    Path empty = write("empty.jsonl", "");
    assertOneLineError(run(verify(empty, "o8a").toArray(new String[0])), 3, empty + ": no records");
    Path blankLines = write("blank-lines.jsonl", "\n   \n\t\n");
    assertOneLineError(run(verify(blankLines, "o8b").toArray(new String[0])), 3, blankLines + ": no records");
    Path blankDir = Files.createDirectories(dir.resolve("blank-texts"));
    write("blank-texts/a.txt", "   \n");
    write("blank-texts/b.txt", "\t\n\n");
    CliRun skipped = run(verify(blankDir, "o8c", "--on-bad-record=skip").toArray(new String[0]));
    assertOneLineError(skipped, 3, blankDir + ": no usable records: all 2 were skipped", "empty record");
    assertThat(dir.resolve("o8c").resolve("report.json")).doesNotExist();
    Path hiddenOnly = Files.createDirectories(dir.resolve("hidden-only"));
    write("hidden-only/.a.txt", "some text");
    assertOneLineError(run(verify(hiddenOnly, "o8d").toArray(new String[0])), 3, hiddenOnly + ": no input files");
  }

  @Test
  void detectAndVerifySayWhatAPathIsWhenItIsNotAFile() throws IOException, InterruptedException {
    Path folder = Files.createDirectories(dir.resolve("a-folder"));
    assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--text", folder.toString()), 3,
        folder + ": is a directory");
    assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--text", "/dev/null"), 3,
        "/dev/null: is not a regular file (a character device)");
    assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--tokens-file", "/dev/null"), 3,
        "/dev/null: is not a regular file (a character device)");
    assertOneLineError(run(verify(Path.of("/dev/null"), "o8e").toArray(new String[0])), 3,
        "/dev/null: is not a regular file (a character device)");
    Path missing = dir.resolve("missing.txt");
    assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--text", missing.toString()), 3,
        missing + ": no such file");
    Path fifo = dir.resolve("a-fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    if (mk.waitFor() == 0) {
      // checked by its type, never opened: opening a FIFO without a writer would block
      assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--text", fifo.toString()), 3,
          fifo + ": is not a regular file (a FIFO)");
      assertOneLineError(run(verify(fifo, "o8f").toArray(new String[0])), 3, fifo + ": is not a regular file (a FIFO)");
    }
  }

  @Test
  void aGzipWithoutItsTrailerIsATruncatedGzipNamedWithItsPath() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(buf)) {
      gz.write("{\"tokens\":[1,2,3]}\n{\"tokens\":[4,5,6]}\n".getBytes(StandardCharsets.UTF_8));
    }
    byte[] whole = buf.toByteArray();
    Path cut = dir.resolve("cut.jsonl.gz");
    Files.write(cut, Arrays.copyOf(whole, whole.length - 8)); // the CRC and size trailer is missing
    assertOneLineError(run(verify(cut, "o8g").toArray(new String[0])), 3, cut + ": truncated gzip");
    Path cutText = dir.resolve("cut.txt.gz");
    Files.write(cutText, Arrays.copyOf(whole, whole.length - 8));
    assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--text", cutText.toString()), 3,
        cutText + ": truncated gzip");
    Path half = dir.resolve("half.jsonl.gz");
    Files.write(half, Arrays.copyOf(whole, whole.length / 2));
    assertOneLineError(run(verify(half, "o8h").toArray(new String[0])), 3, half + ": truncated gzip");
  }

  // ------------------------------------------------------------------ one text pipeline

  @Test
  void detectAndVerifyTokenizeTextTheSameWayByteOrderMarkIncluded() throws IOException {
    String body = "Colorless green ideas sleep furiously, and the quick brown fox jumps over the lazy dog.";
    Path plain = write("pipeline/plain.txt", body);
    Path bom = dir.resolve("pipeline-bom.txt");
    Files.write(bom, ("\uFEFF" + body).getBytes(StandardCharsets.UTF_8));
    JsonNode a = JSON.readTree(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--text", plain.toString(),
        "--json").out());
    CliRun withBom = run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--text", bom.toString(), "--json");
    assertThat(withBom.code()).as(withBom.err()).isZero();
    JsonNode b = JSON.readTree(withBom.out());
    assertThat(b.get("tokens_read")).isEqualTo(a.get("tokens_read"));
    assertThat(b.get("green")).isEqualTo(a.get("green"));
    CliRun v = run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--suspect", bom.toString(), "--out",
        dir.resolve("o12a").toString(), "--control-keys", "0", "--json");
    assertThat(v.code()).as(v.err()).isZero();
    JsonNode vr = JSON.readTree(v.out());
    assertThat(vr.get("tokens_read")).isEqualTo(a.get("tokens_read"));
    assertThat(vr.get("tuples_scored")).isEqualTo(a.get("tuples_scored"));
    assertThat(vr.get("green").asLong()).isEqualTo(a.get("green").asLong());
  }

  @Test
  void unpairedSurrogatesAndDuplicatedFieldsAreBadRecordsNamingFileAndLine() throws IOException {
    Path lone = write("surrogate.jsonl", "{\"text\":\"fine text\"}\n{\"text\":\"broken \\ud800 text\"}\n");
    assertOneLineError(run(verifyText(lone, "o12b")), 3,
        lone + ":2: field \"text\": invalid Unicode: unpaired surrogate \\uD800");
    Path lonePrompt = write("surrogate-prompt.jsonl", "{\"text\":\"fine\",\"prompt\":\"\\udc00\"}\n");
    assertOneLineError(run(verifyText(lonePrompt, "o12c")), 3,
        lonePrompt + ":1: field \"prompt\": invalid Unicode: unpaired surrogate \\uDC00");
    Path pair = write("surrogate-pair.jsonl", "{\"text\":\"an emoji \\ud83d\\ude00 is fine\"}\n");
    CliRun emoji = run(verifyText(pair, "o12d"));
    assertThat(emoji.code()).as(emoji.err()).isZero();
    Path twice = write("duplicate.jsonl", "{\"tokens\":[1,2,3]}\n{\"tokens\":[1,2,3],\"tokens\":[4,5,6]}\n");
    assertOneLineError(run(verify(twice, "o12e").toArray(new String[0])), 3,
        twice + ":2: field \"tokens\" is given twice");
    CliRun skipped = run(verify(twice, "o12f", "--on-bad-record=skip", "--json").toArray(new String[0]));
    assertThat(skipped.code()).as(skipped.err()).isZero();
    assertThat(JSON.readTree(skipped.out()).get("skipped").asInt()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ suspect directories

  @Test
  void suspectDirectoriesListWhatTheyDoNotReadAndRefuseTracemarkReports() throws IOException {
    Path corpus = Files.createDirectories(dir.resolve("suspect-dir"));
    write("suspect-dir/a.jsonl", "{\"tokens\":[1,2,3,4]}\n");
    write("suspect-dir/.hidden.jsonl", "{\"tokens\":[5,6,7,8]}\n");
    Path elsewhere = write("elsewhere/b.jsonl", "{\"tokens\":[9,10,11]}\n");
    Files.createSymbolicLink(corpus.resolve("link.jsonl"), elsewhere);
    Files.createSymbolicLink(corpus.resolve("linked-dir"), elsewhere.getParent());
    CliRun r = run(verify(corpus, "o13a", "--json").toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("warning: 3 directory entries are not read");
    JsonNode report = JSON.readTree(dir.resolve("o13a").resolve("report.json").toFile());
    assertThat(report.get("inputs").get("records").asInt()).isEqualTo(1);
    List<String> notRead = new ArrayList<>();
    report.get("inputs").get("not_read").forEach(n -> notRead.add(n.get("path").asText() + " | "
        + n.get("reason").asText()));
    assertThat(notRead).containsExactly(corpus.resolve(".hidden.jsonl") + " | hidden file, not read",
        corpus.resolve("link.jsonl") + " | symbolic link, not followed (name the target itself to read it)",
        corpus.resolve("linked-dir") + " | symbolic link, not followed (name the target itself to read it)");

    // a report written into the suspect directory by an earlier run is refused, naming the file
    CliRun first = run(verify(corpus, "suspect-dir/out").toArray(new String[0]));
    assertThat(first.code()).as(first.err()).isZero();
    CliRun second = run(verify(corpus, "o13b").toArray(new String[0]));
    assertOneLineError(second, 3, corpus.resolve("out").resolve("report.html") + ": is a tracemark report");
    // a file that only shares the name is read as text
    Path namesake = Files.createDirectories(dir.resolve("namesake"));
    write("namesake/report.html", "<p>Just a page someone wrote about the weather.</p>");
    CliRun read = run(verifyText(namesake, "o13c"));
    assertThat(read.code()).as(read.err()).isZero();
  }

  // ------------------------------------------------------------------ vocabulary errors name the tokenizer

  @Test
  void tokenIdsOutsideTheVocabularyNameTheTokenizerAndWhetherItIsTheDefault() throws IOException {
    Path ids = write("big-ids.jsonl", "{\"tokens\":[1,2]}\n{\"tokens\":[1,100300]}\n");
    CliRun dflt = run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--suspect", ids.toString(), "--out",
        dir.resolve("o16a").toString());
    assertOneLineError(dflt, 3, ids + ":2: field \"tokens\"[1]: token id must be between 0 and 100276, was 100300",
        "tokenizer cl100k_base, the default; give --tokenizer or --vocab-size");
    CliRun named = run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--suspect", ids.toString(), "--out",
        dir.resolve("o16b").toString(), "--tokenizer", "r50k_base");
    assertOneLineError(named, 3, "vocabulary of 50,257 of tokenizer r50k_base)");
    assertThat(named.err()).doesNotContain("the default");
    assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--tokens", "1,100300"), 3,
        "--tokens: token id at index 1 must be between 0 and 100276, was 100300",
        "tokenizer cl100k_base, the default; give --tokenizer or --vocab-size");
    assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--tokens", "1,5000",
        "--vocab-size", "4000"), 3, "vocabulary of 4,000 set by --vocab-size");
    // text tokenized by a tokenizer larger than the scheme's vocabulary
    Path text = write("wide.jsonl", "{\"text\":\"Zürich’s café serves crème brûlée\"}\n");
    CliRun narrow = run("verify", "--scheme", "lmw:seeding=lefthash,gamma=0.25,vocab=1000", "--suspect", text.toString(),
        "--out", dir.resolve("o16c").toString(), "--control-keys", "0");
    assertOneLineError(narrow, 3, text + ":1: field \"text\": the tokenizer gave token id",
        "vocabulary of 1,000 set by the vocab parameter of --scheme; text is read with tokenizer cl100k_base, the "
            + "default; give --tokenizer");
  }
}
