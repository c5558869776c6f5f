package io.tracemark.verifier.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.verifier.BadRecordPolicy;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusRecordsTest {
  @TempDir
  Path dir;

  Path corpus() throws IOException {
    StringBuilder b = new StringBuilder();
    int n = 0;
    List<String> texts = SampleTexts.all();
    for (int i = 0; i < 600; i++) {
      b.append("{\"id\":\"s").append(i % texts.size()).append('-').append(n++).append("\",\"text\":")
          .append(com.fasterxml.jackson.databind.node.TextNode.valueOf(texts.get(i % texts.size()))).append("}\n");
      if (n % 97 == 0) {
        b.append("{\"text\":\n"); // malformed
      }
      if (n % 131 == 0) {
        b.append("\n   \n"); // blank lines are not records
      }
    }
    Path f = dir.resolve("c.jsonl");
    Files.writeString(f, b, StandardCharsets.UTF_8);
    return f;
  }

  record Read(List<SuspectRecord> records, List<io.tracemark.verifier.InheritanceResult.SkippedRecord> skipped,
      List<InputFile> inputs) {}

  Read read(Path f, int threads) {
    TextTokenizer t = Tokenizers.jtokkit("cl100k_base");
    CorpusRecords r = new CorpusRecords(List.of(f), Fields.DEFAULT, t, t.vocabularySize(), Normalization.NONE,
        BadRecordPolicy.SKIP)
        .parallelism(threads);
    List<SuspectRecord> out = new ArrayList<>();
    r.forEach(out::add);
    return new Read(out, r.skipped(), r.inputs());
  }

  @Test
  void parallelTokenizingGivesTheSameRecordsSkipsAndDigestsInOrder() throws IOException {
    Path f = corpus();
    Read one = read(f, 1);
    Read three = read(f, 3);
    assertThat(one.records()).hasSizeGreaterThan(500);
    assertThat(one.skipped()).isNotEmpty();
    assertThat(three).isEqualTo(one);
  }

  @Test
  void theFirstBadRecordInInputOrderFailsWhateverTheParallelism() throws IOException {
    Path f = corpus();
    TextTokenizer t = Tokenizers.jtokkit("cl100k_base");
    for (int threads : new int[] {1, 4}) {
      CorpusRecords r = new CorpusRecords(List.of(f), Fields.DEFAULT, t, t.vocabularySize(), Normalization.NONE,
          BadRecordPolicy.FAIL).parallelism(threads);
      assertThatThrownBy(() -> r.forEach(x -> { })).isInstanceOf(InputException.class)
          .hasMessageStartingWith(f + ":98: malformed JSON");
    }
  }
}
