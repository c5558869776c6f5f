package io.tracemark.verifier.cli;

import io.tracemark.verifier.input.Fields;
import picocli.CommandLine.Option;

/** The JSONL field names of a corpus, read by the one JSONL record reader. */
public final class JsonlFieldOptions {
  @Option(names = "--id-field", defaultValue = "id", paramLabel = "NAME", description = "JSONL id field")
  String idField;

  @Option(names = "--text-field", defaultValue = "text", paramLabel = "NAME", description = "JSONL text field")
  String textField;

  @Option(names = "--tokens-field", defaultValue = "tokens", paramLabel = "NAME", description = "JSONL token-id field")
  String tokensField;

  @Option(names = "--prompt-field", defaultValue = "prompt", paramLabel = "NAME", description = "JSONL prompt field")
  String promptField;

  @Option(names = "--prompt-tokens-field", defaultValue = "prompt_tokens", paramLabel = "NAME",
      description = "JSONL prompt token-id field")
  String promptTokensField;

  /** The default field names unless options name others; picocli sets the fields of a mixin. */
  public JsonlFieldOptions() {}

  /** The field names. */
  public Fields fields() {
    return new Fields(idField, textField, tokensField, promptField, promptTokensField);
  }
}
