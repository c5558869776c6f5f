package io.tracemark.verifier.input;

import java.util.Objects;

/**
 * The JSONL field names of a record.
 *
 * @param id the record id (string or number; default: file:line)
 * @param text the answer text (tokenized with the chosen tokenizer)
 * @param tokens the answer's token ids (an array of integers), used when {@code text} is absent
 * @param prompt the prompt text, optional
 * @param promptTokens the prompt's token ids, optional
 * @param weights the per-token weights of the answer (an array of numbers ≥ 0, one per answer
 *     token), required in every record when not null; null when the records carry no weights
 */
public record Fields(String id, String text, String tokens, String prompt, String promptTokens, String weights) {
  /** The defaults: {@code id}, {@code text}, {@code tokens}, {@code prompt}, {@code prompt_tokens}. */
  public static final Fields DEFAULT = new Fields("id", "text", "tokens", "prompt", "prompt_tokens");

  /** Validates. */
  public Fields {
    Objects.requireNonNull(id, "id field");
    Objects.requireNonNull(text, "text field");
    Objects.requireNonNull(tokens, "tokens field");
    Objects.requireNonNull(prompt, "prompt field");
    Objects.requireNonNull(promptTokens, "prompt_tokens field");
  }

  /** Field names without a weights field. */
  public Fields(String id, String text, String tokens, String prompt, String promptTokens) {
    this(id, text, tokens, prompt, promptTokens, null);
  }

  /** The same names, with every record's per-token weights read from {@code field} (null: none). */
  public Fields withWeights(String field) {
    return new Fields(id, text, tokens, prompt, promptTokens, field);
  }
}
