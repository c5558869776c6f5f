package io.tracemark.verifier;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of a suspect corpus: an answer produced by the suspect model, when known the prompt
 * it answered, and optionally a weight per answer token supplied by the owner (the weighted test
 * with {@link FieldWeights}). Immutable: the arrays are copied in and out.
 *
 * @param id a name for the record in reports (file:line, a JSONL id field, …)
 * @param tokens the answer's token ids
 * @param promptTokens the prompt's token ids, empty when unknown
 * @param weights one weight per answer token (finite, ≥ 0), or null when the record carries none
 */
public record SuspectRecord(String id, int[] tokens, int[] promptTokens, double[] weights) {
  private static final int[] NONE = new int[0];

  /**
   * Copies the arrays; a null prompt means no prompt.
   *
   * @throws IllegalArgumentException when the weights are not one finite value ≥ 0 per answer token
   */
  public SuspectRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tokens, "tokens");
    tokens = tokens.clone();
    promptTokens = promptTokens == null || promptTokens.length == 0 ? NONE : promptTokens.clone();
    if (weights != null) {
      String problem = weightsProblem(weights, tokens.length);
      if (problem != null) {
        throw new IllegalArgumentException("weights: " + problem);
      }
      weights = weights.clone();
    }
  }

  /** A record without per-token weights. */
  public SuspectRecord(String id, int[] tokens, int[] promptTokens) {
    this(id, tokens, promptTokens, null);
  }

  /**
   * Why {@code weights} cannot weight an answer of {@code length} tokens (the length differs, or a
   * weight is NaN, infinite or negative), or null when they can.
   */
  public static String weightsProblem(double[] weights, int length) {
    if (weights.length != length) {
      return String.format(java.util.Locale.ROOT, "%d weights for %d answer tokens (one weight per token is needed)",
          weights.length, length);
    }
    for (int i = 0; i < weights.length; i++) {
      double w = weights[i];
      if (!(w >= 0) || w == Double.POSITIVE_INFINITY) {
        return String.format(java.util.Locale.ROOT, "weight at index %d must be a finite number >= 0, was %s", i,
            Double.toString(w));
      }
    }
    return null;
  }

  /** A record without a prompt. */
  public SuspectRecord(String id, int[] tokens) {
    this(id, tokens, NONE, null);
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

  /** A copy of the per-token weights, or null when the record carries none. */
  @Override
  public double[] weights() {
    return weights == null ? null : weights.clone();
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

  double[] weightsUnsafe() {
    return weights;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SuspectRecord r && id.equals(r.id) && Arrays.equals(tokens, r.tokens)
        && Arrays.equals(promptTokens, r.promptTokens) && Arrays.equals(weights, r.weights);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * id.hashCode() + Arrays.hashCode(tokens)) + Arrays.hashCode(promptTokens))
        + Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return "SuspectRecord[id=" + id + ", tokens=" + tokens.length + ", promptTokens=" + promptTokens.length
        + (weights == null ? "" : ", weights=" + weights.length) + "]";
  }
}
