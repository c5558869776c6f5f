package io.tracemark.core.sampling;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import java.util.Arrays;

/**
 * The per-sequence state a bias watermark needs in an engine that does not hand the context to its
 * sampler (llama3.java, Jlama, DJL): the tokens so far. One scheme object serves every sequence;
 * each sequence gets its own session.
 *
 * <pre>{@code
 * WatermarkSession s = new WatermarkSession(scheme, promptTokens);
 * while (...) {
 *   float[] logits = engine.forward(...);
 *   s.bias(logits);             // adds δ to the green tokens of the current context
 *   int next = engine.draw(logits);
 *   s.accept(next);             // extends the context
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one session per sequence, used by one thread at a time.
 */
public final class WatermarkSession {
  private final BiasScheme scheme;
  private int[] tokens;
  private int length;

  /** A session whose context starts with (a copy of) {@code prompt}. */
  public WatermarkSession(BiasScheme scheme, int[] prompt) {
    if (scheme == null) {
      throw new NullPointerException("scheme");
    }
    if (prompt == null) {
      throw new NullPointerException("prompt");
    }
    this.scheme = scheme;
    this.tokens = Arrays.copyOf(prompt, Math.max(16, prompt.length * 2));
    this.length = prompt.length;
    int v = scheme.vocabularySize();
    for (int i = 0; i < prompt.length; i++) {
      Checks.require(prompt[i] >= 0 && prompt[i] < v, "prompt token at position %d must be between 0 and %d, was %d",
          i, v - 1, prompt[i]);
    }
  }

  /** Adds the watermark bias for the next position to {@code logits}, in place. */
  public void bias(float[] logits) {
    scheme.apply(tokens, length, logits);
  }

  /** Appends the token the engine chose. */
  public void accept(int token) {
    int v = scheme.vocabularySize();
    Checks.require(token >= 0 && token < v, "token must be between 0 and %d, was %d", v - 1, token);
    if (length == tokens.length) {
      tokens = Arrays.copyOf(tokens, tokens.length * 2);
    }
    tokens[length++] = token;
  }

  /** Tokens so far (prompt and generated), as a copy. */
  public int[] tokens() {
    return Arrays.copyOf(tokens, length);
  }

  /** The number of tokens so far. */
  public int length() {
    return length;
  }
}
