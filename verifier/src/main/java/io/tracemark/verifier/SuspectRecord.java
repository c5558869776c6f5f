package io.tracemark.verifier;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of a suspect corpus: an answer produced by the suspect model and, when known, the
 * prompt it answered. Immutable: both arrays are copied in and out.
 *
 * @param id a name for the record in reports (file:line, a JSONL id field, …)
 * @param tokens the answer's token ids
 * @param promptTokens the prompt's token ids, empty when unknown
 */
public record SuspectRecord(String id, int[] tokens, int[] promptTokens) {
  private static final int[] NONE = new int[0];

  /** Copies the arrays; a null prompt means no prompt. */
  public SuspectRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tokens, "tokens");
    tokens = tokens.clone();
    promptTokens = promptTokens == null || promptTokens.length == 0 ? NONE : promptTokens.clone();
  }

  /** A record without a prompt. */
  public SuspectRecord(String id, int[] tokens) {
    this(id, tokens, NONE);
  }

  /** A copy of the answer's token ids. */
  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  /** A copy of the prompt's token ids (empty when there is none). */
  @Override
  public int[] promptTokens() {
    return promptTokens.length == 0 ? NONE : promptTokens.clone();
  }

  /** Number of answer tokens. */
  public int length() {
    return tokens.length;
  }

  /** Prompt followed by answer, without copying when there is no prompt (package-internal). */
  int[] promptThenAnswer() {
    if (promptTokens.length == 0) {
      return tokens;
    }
    int[] all = Arrays.copyOf(promptTokens, promptTokens.length + tokens.length);
    System.arraycopy(tokens, 0, all, promptTokens.length, tokens.length);
    return all;
  }

  int promptLength() {
    return promptTokens.length;
  }

  int[] answerUnsafe() {
    return tokens;
  }

  int[] promptUnsafe() {
    return promptTokens;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SuspectRecord r && id.equals(r.id) && Arrays.equals(tokens, r.tokens)
        && Arrays.equals(promptTokens, r.promptTokens);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * id.hashCode() + Arrays.hashCode(tokens)) + Arrays.hashCode(promptTokens);
  }

  @Override
  public String toString() {
    return "SuspectRecord[id=" + id + ", tokens=" + tokens.length + ", promptTokens=" + promptTokens.length + "]";
  }
}
