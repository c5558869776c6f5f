package io.tracemark.examples.cli;

import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.input.CorpusRecords;
import io.tracemark.verifier.input.Fields;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Training text and generated records for the experiment commands, read with the verifier's
 * {@link CorpusRecords}: the same files, record format, precedence rule (a record's {@code text}
 * wins over its {@code tokens}) and errors (an {@link io.tracemark.verifier.input.InputException}
 * naming the file and line) as {@code tracemark verify}. The name {@code brown} stands for the Brown
 * corpus bundled with the verifier.
 */
public final class TrainingText {
  private TrainingText() {}

  /** The name that stands for the bundled Brown corpus. */
  public static final String BROWN = "brown";

  /**
   * The documents of {@code source} as token arrays: the Brown corpus for {@value #BROWN}, else a
   * file or directory as the verifier reads it (a JSONL file is one document per record, any other
   * file one document).
   */
  public static List<int[]> documents(String source, TextTokenizer tokenizer) {
    List<int[]> out = new ArrayList<>();
    if (source.equals(BROWN)) {
      for (BrownTokens.Doc d : BrownTokens.documents(tokenizer)) {
        out.add(d.tokens());
      }
      return out;
    }
    for (SuspectRecord r : records(Path.of(source), tokenizer)) {
      out.add(r.tokens());
    }
    return out;
  }

  /** The records of a file or directory (every bad record is an error), in input order. */
  public static List<SuspectRecord> records(Path source, TextTokenizer tokenizer) {
    return read(source, Fields.DEFAULT, tokenizer);
  }

  static List<SuspectRecord> read(Path source, Fields fields, TextTokenizer tokenizer) {
    List<SuspectRecord> out = new ArrayList<>();
    try (CorpusRecords reader = new CorpusRecords(List.of(source), fields, tokenizer, tokenizer.vocabularySize(),
        Normalization.NONE, BadRecordPolicy.FAIL)) {
      for (SuspectRecord r : reader) {
        out.add(r);
      }
    }
    return out;
  }
}
