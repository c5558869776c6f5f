package io.tracemark.verifier.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.SampleTexts;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader's limits, strictness, directory walk and thread cleanup. */
class CorpusRecordsHardeningTest {
  @TempDir
  Path dir;

  /** A tokenizer that is cheap on huge strings: one token per 1,000 characters. */
  static final TextTokenizer COARSE = new TextTokenizer() {
    @Override
    public String name() {
      return "coarse";
    }

    @Override
    public int vocabularySize() {
      return 1000;
    }

    @Override
    public int[] encode(String text) {
      int[] out = new int[(text.length() + 999) / 1000];
      for (int i = 0; i < out.length; i++) {
        out[i] = text.charAt(i * 1000) % 1000;
      }
      return out;
    }

    @Override
    public String decode(int[] tokens) {
      throw new UnsupportedOperationException();
    }
  };

  CorpusRecords reader(Path p, TextTokenizer t, BadRecordPolicy policy) {
    return new CorpusRecords(List.of(p), Fields.DEFAULT, t, t.vocabularySize(), Normalization.NONE, policy);
  }

  static List<SuspectRecord> all(CorpusRecords r) {
    List<SuspectRecord> out = new ArrayList<>();
    r.forEach(out::add);
    return out;
  }

  @Test
  void jsonStringsAreBoundedByTheRecordLimitNotByJacksonsTwentyMillionCharacters() throws IOException {
    Path f = dir.resolve("long-string.jsonl");
    String text = "a".repeat(21_000_000);
    Files.writeString(f, "{\"text\":\"" + text + "\"}\n", StandardCharsets.US_ASCII);
    List<SuspectRecord> read = all(reader(f, COARSE, BadRecordPolicy.FAIL).maxRecordBytes(32L << 20));
    assertThat(read).hasSize(1);
    assertThat(read.get(0).length()).isEqualTo(21_000);
    assertThatThrownBy(() -> all(reader(f, COARSE, BadRecordPolicy.SKIP).maxRecordBytes(16L << 20)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(f + ":1: record larger than the limit of 16,777,216 bytes (16 MiB)")
        .hasMessageContaining("--max-record-bytes");
  }

  @Test
  void aDuplicatedFieldIsABadRecordNamingFileLineAndField() throws IOException {
    Path f = dir.resolve("dup.jsonl");
    Files.writeString(f, "{\"id\":\"a\",\"tokens\":[1,2]}\n{\"id\":\"b\",\"text\":\"x\",\"text\":\"y\"}\n"
        + "{\"id\":\"c\",\"tokens\":[3],\"extra\":{\"k\":1,\"k\":2}}\n");
    TextTokenizer t = Tokenizers.jtokkit("r50k_base");
    assertThatThrownBy(() -> all(reader(f, t, BadRecordPolicy.FAIL))).isInstanceOf(InputException.class)
        .hasMessage(f + ":2: field \"text\" is given twice");
    CorpusRecords skip = reader(f, t, BadRecordPolicy.SKIP);
    assertThat(all(skip)).extracting(SuspectRecord::id).containsExactly("a");
    assertThat(skip.skipped()).extracting(SkippedRecord::id).containsExactly(f + ":2", f + ":3");
    assertThat(skip.skipped().get(1).reason()).isEqualTo("field \"k\" is given twice");
  }

  @Test
  void unpairedSurrogatesAreRefusedInTextPromptAndId() throws IOException {
    Path f = dir.resolve("surrogates.jsonl");
    Files.writeString(f, "{\"text\":\"ok \\ud83d\\ude00\"}\n{\"text\":\"\\ud800\"}\n{\"text\":\"a\",\"prompt\":\"b\\udfff\"}\n"
        + "{\"id\":\"\\udbff\",\"text\":\"a\"}\n{\"text\":\"x\\ude00\\ud83d\"}\n");
    CorpusRecords r = reader(f, Tokenizers.jtokkit("r50k_base"), BadRecordPolicy.SKIP);
    assertThat(all(r)).hasSize(1);
    assertThat(r.skipped()).extracting(s -> s.id() + ": " + s.reason()).containsExactly(
        f + ":2: field \"text\": invalid Unicode: unpaired surrogate \\uD800 at character 0",
        f + ":3: field \"prompt\": invalid Unicode: unpaired surrogate \\uDFFF at character 1",
        f + ":4: field \"id\": invalid Unicode: unpaired surrogate \\uDBFF at character 0",
        f + ":5: field \"text\": invalid Unicode: unpaired surrogate \\uDE00 at character 1");
  }

  @Test
  void aByteOrderMarkOpensADocumentAndIsNotPartOfTheRecord() throws IOException {
    TextTokenizer t = Tokenizers.jtokkit("cl100k_base");
    String body = "Plain words in a plain file.";
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    Path text = dir.resolve("bom.txt");
    Files.write(text, concat(bom, body.getBytes(StandardCharsets.UTF_8)));
    Path jsonl = dir.resolve("bom.jsonl");
    byte[] line = ("{\"text\":\"" + body + "\"}\n").getBytes(StandardCharsets.UTF_8);
    Files.write(jsonl, concat(concat(bom, line), concat(bom, line))); // two files with a BOM, concatenated
    int[] expected = t.encode(body);
    assertThat(all(reader(text, t, BadRecordPolicy.FAIL)).get(0).tokens()).containsExactly(expected);
    assertThat(all(reader(jsonl, t, BadRecordPolicy.FAIL))).extracting(SuspectRecord::tokens)
        .containsExactly(expected, expected);
  }

  @Test
  void directoriesListHiddenEntriesLinksAndSpecialFilesInsteadOfDroppingThem() throws IOException {
    Path root = Files.createDirectories(dir.resolve("corpus"));
    Files.writeString(Files.createDirectories(root.resolve("a")).resolve("1.jsonl"), "{\"tokens\":[1]}\n");
    Files.writeString(Files.createDirectories(root.resolve("a/.cache")).resolve("2.jsonl"), "{\"tokens\":[2]}\n");
    Files.writeString(root.resolve(".notes.txt"), "hidden");
    Path outside = Files.writeString(dir.resolve("outside.jsonl"), "{\"tokens\":[3]}\n");
    Files.createSymbolicLink(root.resolve("b.jsonl"), outside);
    Files.createSymbolicLink(root.resolve("dangling.jsonl"), dir.resolve("nothing-here"));
    CorpusRecords r = reader(root, COARSE, BadRecordPolicy.FAIL);
    assertThat(r.files()).containsExactly(root.resolve("a/1.jsonl"));
    assertThat(r.notRead()).extracting(s -> s.id() + " | " + s.reason()).containsExactly(
        root.resolve(".notes.txt") + " | hidden file, not read",
        root.resolve("a/.cache") + " | hidden directory, not read",
        root.resolve("b.jsonl") + " | symbolic link, not followed (name the target itself to read it)",
        root.resolve("dangling.jsonl") + " | symbolic link, not followed (name the target itself to read it)");
    assertThat(all(r)).hasSize(1);
    // a path named directly is followed, links included
    assertThat(all(reader(root.resolve("b.jsonl"), COARSE, BadRecordPolicy.FAIL))).hasSize(1);
  }

  @Test
  void anAbandonedParallelReadStopsAndJoinsItsThreads() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int round = 0; round < 5; round++) {
      for (String p : SampleTexts.all()) {
        b.append("{\"text\":").append(com.fasterxml.jackson.databind.node.TextNode.valueOf(p)).append("}\n");
      }
    }
    Path f = Files.writeString(dir.resolve("sample.jsonl"), b);
    Set<Thread> before = readerThreads();
    TextTokenizer t = Tokenizers.jtokkit("cl100k_base");
    try (CorpusRecords r = reader(f, t, BadRecordPolicy.FAIL).parallelism(3)) {
      Iterator<SuspectRecord> it = r.iterator();
      for (int i = 0; i < 10; i++) {
        it.next();
      }
      assertThat(readerThreads()).hasSizeGreaterThan(before.size()); // the pool is busy reading ahead
    }
    Set<Thread> after = readerThreads();
    after.removeAll(before);
    assertThat(after).isEmpty();
    // and after a failure in the middle
    Path bad = Files.writeString(dir.resolve("brown-bad.jsonl"), b + "{\"text\":1}\n" + b);
    assertThatThrownBy(() -> all(reader(bad, t, BadRecordPolicy.FAIL).parallelism(3)))
        .hasMessageContaining("must be a string");
    after = readerThreads();
    after.removeAll(before);
    assertThat(after).isEmpty();
  }

  static Set<Thread> readerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("tracemark-read")).collect(Collectors.toSet());
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
