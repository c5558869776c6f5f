package io.tracemark.core.sampling;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.SamplingScheme;
import java.util.Arrays;
import java.util.random.RandomGenerator;

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
 * <p>A sampling scheme (tournaments, Gumbel-max) replaces the engine's draw instead:
 * {@code int next = s.sample(logits, random)} draws and appends in one call. Such a scheme reads
 * every token of the session as its context, so start the session with the tokens the scheme
 * expects: the prompt for {@code synthid:}, no prompt for {@code hf-synthid:} and {@code vllm:},
 * whose references hash the generated tokens only.
 *
 * <p>Not thread-safe: one session per sequence, used by one thread at a time.
 */
public final class WatermarkSession {
  private final BiasScheme scheme;
  private final SamplingScheme sampling;
  private final int vocab;
  private int[] tokens;
  private int length;

  /** A session whose context starts with (a copy of) {@code prompt}. */
  public WatermarkSession(BiasScheme scheme, int[] prompt) {
    this(scheme, null, scheme == null ? 0 : scheme.vocabularySize(), prompt);
  }

  /** A session of a scheme that replaces the draw, whose context starts with (a copy of) {@code prompt}. */
  public WatermarkSession(SamplingScheme scheme, int[] prompt) {
    this(null, scheme, scheme == null ? 0 : scheme.vocabularySize(), prompt);
  }

  private WatermarkSession(BiasScheme bias, SamplingScheme sampling, int vocab, int[] prompt) {
    if (bias == null && sampling == null) {
      throw new NullPointerException("scheme");
    }
    if (prompt == null) {
      throw new NullPointerException("prompt");
    }
    this.scheme = bias;
    this.sampling = sampling;
    this.vocab = vocab;
    this.tokens = Arrays.copyOf(prompt, Math.max(16, prompt.length * 2));
    this.length = prompt.length;
    int v = vocab;
    for (int i = 0; i < prompt.length; i++) {
      Checks.require(prompt[i] >= 0 && prompt[i] < v, "prompt token at position %d must be between 0 and %d, was %d",
          i, v - 1, prompt[i]);
    }
  }

  /**
   * Adds the watermark bias for the next position to {@code logits}, in place.
   *
   * @throws IllegalStateException if the session runs a sampling scheme ({@link #sample})
   */
  public void bias(float[] logits) {
    if (scheme == null) {
      throw new IllegalStateException("this session runs a sampling scheme: call sample(logits, random)");
    }
    scheme.apply(tokens, length, logits);
  }

  /**
   * Draws the next token from the engine's {@code logits} (after its temperature / top-k / top-p)
   * with the sampling scheme and the caller's generator, and appends it.
   *
   * @throws IllegalStateException if the session runs a bias scheme ({@link #bias})
   */
  public int sample(float[] logits, RandomGenerator random) {
    if (sampling == null) {
      throw new IllegalStateException("this session runs a bias scheme: call bias(logits), then accept(token)");
    }
    int token = sampling.sample(tokens, length, logits, random);
    accept(token);
    return token;
  }

  /** Appends the token the engine chose. */
  public void accept(int token) {
    int v = vocab;
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
