package io.tracemark.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.examples.cli.Records;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.text.Tokenizers;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples' outputs replace a file whole (temporary file, renamed) and never write through a link. */
class OutputFilesTest {
  @TempDir
  Path dir;

  static List<String> listing(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aModelAndGeneratedRecordsNeverGoThroughALinkAndLeaveNoTemporaryFile() throws IOException {
    NGramModel m = NGramModel.train(List.of(new int[] {1, 2, 3, 1, 2, 3, 4}), 2, 10, "cl100k_base");
    Path model = dir.resolve("m.tmlm");
    m.save(model);
    m.save(model); // replaced whole
    assertThat(NGramModel.load(model).vocabularySize()).isEqualTo(10);

    Path victim = Files.writeString(dir.resolve("victim"), "precious");
    Path linkedModel = Files.createSymbolicLink(dir.resolve("linked.tmlm"), victim);
    assertThatThrownBy(() -> m.save(linkedModel)).isInstanceOf(FileSystemException.class)
        .hasMessageContaining("symbolic link");

    Path records = dir.resolve("answers.jsonl");
    List<int[]> prompts = List.of(new int[] {9906}, new int[] {791});
    List<int[]> answers = List.of(new int[] {1917, 0}, new int[] {374, 13});
    Records.write(records, "r-", Tokenizers.jtokkit("cl100k_base"), null, prompts, answers, Map.of());
    assertThat(Files.readAllLines(records)).hasSize(2).allMatch(l -> l.startsWith("{\"id\":\"r-"));
    Path linkedRecords = Files.createSymbolicLink(dir.resolve("linked.jsonl"), victim);
    assertThatThrownBy(() -> Records.write(linkedRecords, "r-", Tokenizers.jtokkit("cl100k_base"), null, prompts,
        answers, Map.of())).hasMessageContaining("symbolic link");

    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(listing(dir)).containsExactly("answers.jsonl", "linked.jsonl", "linked.tmlm", "m.tmlm", "victim");
  }
}
