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
 * <h2>Sampling with the green list without a pass over the vocabulary</h2>
 *
 * <p>For tracemark's green list ({@code kgw:}, a {@link GreenListBias}) two paths draw the next
 * token from the biased distribution without adding δ to every logit, each in place of the
 * engine's draw (they append the token, like {@link #sample}):
 * <ul>
 *   <li>{@link #sampleByRejection}: proposals from the engine's own distribution (its logits after
 *       temperature / top-k / top-p), a red proposal kept with probability e<sup>−δ</sup>. The
 *       law of the token is exactly softmax(logits + δ·green), the law of {@link #bias} followed
 *       by a multinomial draw. Costs one preparation of the engine's distribution (what its own
 *       draw costs) plus, per proposal, a draw in O(log V) and a green test.
 *   <li>{@link #sampleCandidates}: the engine's candidates after its top-k / top-p (ids and
 *       logits) and the law of δ added to the green ones and the candidates renormalised, drawn
 *       by the same rejection algorithm over the candidates. Costs the engine's own draw over its
 *       candidates plus a few proposals and green tests.
 * </ul>
 *
 * <p>Both give the law of the convention this library follows, <em>bias after truncation</em>:
 * the engine's top-k / top-p chooses the candidates C from the unbiased logits, then the bias is
 * added, so P(t) = e<sup>ℓ(t) + δ·g(t)</sup> / Σ<sub>u∈C</sub> e<sup>ℓ(u) + δ·g(u)</sup> on C
 * and 0 elsewhere. That is also what {@link #bias} gives when it runs after the engine's top-p
 * processor (as {@link Samplers} shows it). Hugging Face's and lm-watermarking's order is the
 * other one, <em>bias then truncation</em>: their watermark is a logits processor that runs before
 * the top-k / top-p warpers, so the nucleus is chosen on the biased logits; green tokens just
 * below the unbiased nucleus can enter it and red tokens at its edge drop out. Neither fast path
 * can give that law (the biased nucleus depends on the green list of tokens outside the unbiased
 * one); for it, call {@link #bias} before the engine's top-p on the full vocabulary. Detection is
 * the same for all of them; only the strength of the signal per token differs slightly.
 *
 * <p>For self seeding ({@code seeding=self}), {@link #bias} adds δ only to the green tokens among
 * the specification's {@code candidates} highest logits; the fast paths bias every green token
 * they meet, so {@link #sampleByRejection} draws from softmax(logits + δ·green) over the whole
 * vocabulary (which that rule approximates) and {@link #sampleCandidates} equals {@link #bias}
 * when the engine's candidates lie within those highest logits.
 *
 * <p>Not thread-safe: one session per sequence, used by one thread at a time.
 */
public final class WatermarkSession {
  private final BiasScheme scheme;
  private final SamplingScheme sampling;
  private final int vocab;
  private int[] tokens;
  private int length;
  /** The fast paths' state, made on first use. */
  private FastPaths fast;

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

  /**
   * Draws the next token from softmax(logits + δ·green) by rejection sampling, and appends it.
   * {@code logits} are the engine's, after its temperature / top-k / top-p and without the bias
   * (masked tokens are {@code -Infinity}); they are not modified. The randomness is
   * {@code random}'s, one generator per sequence.
   *
   * <p>The algorithm: prepare q = softmax(logits) once; repeat: draw y from q, accept y if it is
   * green, otherwise accept it with probability e<sup>−δ</sup>. After 64
   * rejections, draw once from the biased distribution built over the whole vocabulary instead
   * (with δ ≤ 2 that happens less than once in 10,000 steps).
   *
   * <p>Proof that the law is exact. Write ℓ for the logits, g(y) ∈ {0, 1} for the green
   * indicator of this context, Z = Σ e<sup>ℓ(y)</sup>, Z' = Σ e<sup>ℓ(y) + δ·g(y)</sup>, and
   * a(y) = e<sup>δ·g(y) − δ</sup> (1 for green, e<sup>−δ</sup> for red). The green list is fixed
   * for the step and each round uses fresh randomness, so the rounds are independent and alike:
   * one round accepts y with probability q(y)·a(y) = e<sup>ℓ(y) + δ·g(y) − δ</sup> / Z, and
   * accepts something with probability A = Σ q(y)·a(y) = e<sup>−δ</sup>·Z'/Z ≥ e<sup>−δ</sup>
   * (Z' ≥ Z). Given that round k is the first to accept, the token is y with probability
   * q(y)·a(y) / A = e<sup>ℓ(y) + δ·g(y)</sup> / Z' = softmax(ℓ + δ·g)(y), whatever k. Hence the
   * law after the rounds is that softmax, the number of proposals is geometric with mean
   * 1/A ≤ e<sup>δ</sup>, and the fallback after 64 rejections draws from the
   * same law, so it leaves the mixture unchanged. A context shorter than h is not watermarked:
   * the first proposal is kept. (Sampling in floating point adds only the rounding of the
   * exponentials and of the running sums, as any multinomial draw does.)
   *
   * @throws IllegalStateException if the scheme is not a {@link GreenListBias}
   * @throws IllegalArgumentException if {@code logits.length} differs from the vocabulary size, a
   *     logit is NaN, or the largest logit is not finite
   */
  public int sampleByRejection(float[] logits, RandomGenerator random) {
    FastPaths f = fastPaths();
    Checks.require(logits.length == vocab, "logits length must equal the vocabulary size %d, was %d", vocab,
        logits.length);
    Multinomial q = f.proposals;
    q.prepare(logits);
    int token = q.next(random);
    if (f.probe.seek(tokens, length)) {
      int proposals = 1;
      while (!f.probe.isGreen(token) && !(random.nextDouble() < f.redAcceptance)) {
        if (proposals == MAX_PROPOSALS) {
          token = drawBiased(f, logits, random);
          break;
        }
        token = q.next(random);
        proposals++;
      }
    }
    accept(token);
    return token;
  }

  /** Rejections after which {@link #sampleByRejection} draws from the biased distribution directly. */
  static final int MAX_PROPOSALS = 64;

  private int drawBiased(FastPaths f, float[] logits, RandomGenerator random) {
    float[] biased = f.biased.length == logits.length ? f.biased : (f.biased = new float[logits.length]);
    System.arraycopy(logits, 0, biased, 0, logits.length);
    scheme.apply(tokens, length, biased);
    return f.proposals.draw(biased, random);
  }

  /**
   * Draws the next token among the engine's candidates with the bias, and appends it: δ is added
   * to the logits of the green candidates, and the token is drawn from the softmax of the
   * candidates alone with one uniform of {@code random}. {@code candidateLogits[j]} is the logit
   * (after temperature) of token {@code ids[j]}, for j &lt; {@code count}; the ids are distinct.
   * Neither array is modified. The draw is {@link #sampleByRejection}'s algorithm over the
   * candidates: proposals from the softmax of the candidate logits, a red one kept with
   * probability e<sup>−δ</sup>, and after 64 rejections one draw from the biased candidates (δ
   * added in float, as {@link #bias} adds it). So the path costs the engine's own draw over its
   * candidates plus a few proposals and green tests, however many candidates there are. The law
   * (by the proof of {@link #sampleByRejection} with the candidates as the vocabulary) is
   * P(ids[j]) ∝ e<sup>ℓ<sub>j</sub> + δ·g(ids[j])</sup>:
   * the bias after truncation (see the class comment), equal to {@link #bias} run after the
   * engine's top-k / top-p, with the tokens outside the candidates at probability 0.
   *
   * @throws IllegalStateException if the scheme is not a {@link GreenListBias}
   * @throws IllegalArgumentException if {@code count} is out of range, a candidate id is outside
   *     the vocabulary, a candidate logit is NaN or +∞, or every candidate logit is −∞
   */
  public int sampleCandidates(int[] ids, float[] candidateLogits, int count, RandomGenerator random) {
    FastPaths f = fastPaths();
    Checks.require(count >= 1 && count <= ids.length && count <= candidateLogits.length,
        "count must be between 1 and the length of ids (%d) and of candidateLogits (%d), was %d", ids.length,
        candidateLogits.length, count);
    for (int j = 0; j < count; j++) {
      float x = candidateLogits[j];
      if (!(x < Float.POSITIVE_INFINITY)) {
        throw Checks.illegal("candidateLogits[%d] is %s", j, x);
      }
      int t = ids[j];
      if (t < 0 || t >= vocab) {
        throw Checks.illegal("ids[%d] must be between 0 and %d, was %d", j, vocab - 1, t);
      }
    }
    Multinomial q = f.proposals;
    q.prepare(candidateLogits, count);
    int chosen = q.next(random);
    if (f.probe.seek(tokens, length)) {
      int proposals = 1;
      while (!f.probe.isGreen(ids[chosen]) && !(random.nextDouble() < f.redAcceptance)) {
        if (proposals == MAX_PROPOSALS) {
          chosen = drawBiasedCandidates(f, ids, candidateLogits, count, random);
          break;
        }
        chosen = q.next(random);
        proposals++;
      }
    }
    int token = ids[chosen];
    accept(token);
    return token;
  }

  private static int drawBiasedCandidates(FastPaths f, int[] ids, float[] candidateLogits, int count,
      RandomGenerator random) {
    float[] biased = f.candidateLogits.length >= count ? f.candidateLogits
        : (f.candidateLogits = new float[Math.max(count, 2 * f.candidateLogits.length)]);
    float delta = (float) f.delta;
    for (int j = 0; j < count; j++) {
      biased[j] = f.probe.isGreen(ids[j]) ? candidateLogits[j] + delta : candidateLogits[j];
    }
    return f.proposals.draw(biased, count, random);
  }

  private FastPaths fastPaths() {
    FastPaths f = fast;
    if (f == null) {
      if (!(scheme instanceof GreenListBias)) {
        throw new IllegalStateException(scheme == null
            ? "this session runs a sampling scheme: call sample(logits, random)"
            : "rejection and candidate sampling need a green list that is tested per token (kgw:); "
                + "this session's scheme " + scheme.spec().family() + " is not: call bias(logits)");
      }
      f = new FastPaths((GreenListBias) scheme);
      fast = f;
    }
    return f;
  }

  /** The fast paths' per-sequence state: the probe, the prepared proposals, scratch arrays. */
  private static final class FastPaths {
    final GreenListBias.Probe probe;
    final double delta;
    final double redAcceptance;
    final Multinomial proposals = new Multinomial();
    float[] candidateLogits = new float[64];
    float[] biased = new float[0];

    FastPaths(GreenListBias scheme) {
      this.probe = scheme.newProbe();
      this.delta = scheme.delta();
      this.redAcceptance = Math.exp(-delta);
    }
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
