package io.tracemark.examples.cli;

import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.input.Fields;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The prompts {@code lm-generate} answers: one per non-blank line of a text file, or one per record
 * of a {@code .jsonl} file, its {@code prompt} string (or {@code prompt_tokens} ids), read with the
 * verifier's record reader and its errors.
 *
 * @param texts the prompts' text (of a JSONL record given as ids: the ids decoded)
 * @param tokens the prompts' token ids
 */
public record PromptFile(List<String> texts, List<int[]> tokens) {
  /** A prompt record's fields: the prompt is the text the reader requires; nothing else is read. */
  static final Fields PROMPT_RECORD = new Fields("id", "prompt", "prompt_tokens", "prompt", "prompt_tokens");

  /** Copies. */
  public PromptFile {
    texts = List.copyOf(texts);
    tokens = List.copyOf(tokens);
  }

  /** Reads and tokenizes the prompts of {@code file}. */
  public static PromptFile read(Path file, TextTokenizer tokenizer) {
    List<String> texts = new ArrayList<>();
    List<int[]> tokens = new ArrayList<>();
    if (file.getFileName().toString().endsWith(".jsonl")) {
      for (SuspectRecord r : TrainingText.read(file, PROMPT_RECORD, tokenizer)) {
        texts.add(tokenizer.decode(r.tokens()));
        tokens.add(r.tokens());
      }
      return new PromptFile(texts, tokens);
    }
    Inputs.requireReadableFile(file);
    String text;
    try {
      text = TextPipeline.decodeDocument(Files.readAllBytes(file));
    } catch (TextPipeline.InvalidTextException e) {
      throw new InputException(file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TextPipeline pipeline = new TextPipeline(tokenizer, Normalization.NONE);
    for (String line : text.split("\r?\n", -1)) {
      if (!line.isBlank()) {
        texts.add(line);
        tokens.add(pipeline.encode(line));
      }
    }
    if (texts.isEmpty()) {
      throw new InputException(file + ": contains no prompts");
    }
    return new PromptFile(texts, tokens);
  }

  /** The number of prompts. */
  public int size() {
    return texts.size();
  }
}
