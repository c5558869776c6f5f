package io.tracemark.core.interop;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PositionMask;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.VllmSpec;
import io.tracemark.api.Watermark;
import io.tracemark.core.internal.SequentialDetector;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.sampling.Multinomial;
import io.tracemark.core.stats.PValues;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.random.RandomGenerator;

/**
 * vLLM's Gumbel-max watermarks ({@code vllm/v1/watermarking/gumbel.py}) with the Philox PRF:
 * {@code gumbel} and {@code dual_key_gumbel}.
 *
 * <p>Context: the w output tokens before a position, with −1 for positions before the first
 * output token (the prompt is not part of the context; pass output tokens only). The detector
 * scores every output token, skipping a token whose context was already seen when
 * {@code deduplicate-contexts} is on (vLLM's default), and sums −ln(1 − u). The dual-key scheme
 * draws with key B (derived with domain "key_b") with probability α and with key A ("key_a")
 * otherwise; its detector sums (1 − α)·s_A + α·s_B and approximates the tail by a gamma law matched
 * to the variance, as vLLM does. Immutable and thread-safe.
 */
final class VllmGumbelWatermark implements Watermark {
  /** vLLM searches this many most recent positions for a repeated context before sampling. */
  static final int DEDUP_HISTORY = 8192;

  private final VllmSpec spec;
  private final NullDistribution nullDistribution;
  private final boolean dual;
  private final double alpha;
  private final int w;
  private final int vocab;
  private final boolean dedupContexts;
  private final PhiloxPrf prfA;
  private final PhiloxPrf prfB;
  private final GumbelScorer scorer = new GumbelScorer();
  private final GumbelSampling sampling = new GumbelSampling();
  private final Detector[] detectors = new Detector[DedupMode.values().length];
  /** Per-thread multinomial draw for contexts that are not watermarked. */
  private final ThreadLocal<Multinomial> draws = ThreadLocal.withInitial(Multinomial::new);

  /**
   * @param vocab token ids lie in [0, vocab): the specification's {@code vocab}, or any bound the
   *     caller gives when it has none ({@link Integer#MAX_VALUE}: every non-negative id)
   */
  VllmGumbelWatermark(VllmSpec spec, int vocab) {
    Checks.require(vocab >= 1, "vocabularySize must be >= 1, was %d", vocab);
    this.spec = spec;
    this.nullDistribution = spec.nullDistribution();
    this.dual = spec.algorithm() == VllmSpec.Algorithm.DUAL_KEY_GUMBEL;
    this.alpha = spec.alpha();
    this.w = spec.contextWidth();
    this.vocab = vocab;
    this.dedupContexts = spec.deduplicateContexts();
    long key = spec.key();
    this.prfA = new PhiloxPrf(dual ? PhiloxPrf.deriveKey(key, "key_a") : key);
    this.prfB = dual ? new PhiloxPrf(PhiloxPrf.deriveKey(key, "key_b")) : null;
    for (DedupMode m : DedupMode.values()) {
      detectors[m.ordinal()] = new SequentialDetector(m, this::detect, spec.redacted());
    }
  }

  @Override
  public VllmSpec spec() {
    return spec;
  }

  @Override
  public int vocabularySize() {
    return vocab;
  }

  /** {@code vllm-key}: the key is in the specification. */
  @Override
  public String keyId() {
    return spec.family() + "-key";
  }

  @Override
  public TokenScorer scorer() {
    return scorer;
  }

  @Override
  public Optional<BiasScheme> bias() {
    return Optional.empty();
  }

  @Override
  public Optional<SamplingScheme> sampling() {
    return Optional.of(sampling);
  }

  @Override
  public DedupMode defaultDedup() {
    return spec.defaultDedup();
  }

  @Override
  public Detector detector(DedupMode dedup) {
    if (dedup == null) {
      throw new NullPointerException("dedup");
    }
    return detectors[dedup.ordinal()];
  }

  /** Copies the context of position {@code pos} of {@code tokens[start, …)} into {@code ctx}, −1 padded. */
  private void context(int[] tokens, int start, int pos, int[] ctx) {
    for (int i = 0; i < w; i++) {
      int p = pos - w + i;
      ctx[i] = p >= 0 ? tokens[start + p] : -1;
    }
  }

  private void checkToken(int[] tokens, int index) {
    int t = tokens[index];
    if (t < 0 || t >= vocab) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "token id at index %d must be between 0 and %d, was %d", index, vocab - 1, t));
    }
  }

  /** Scores {@code tokens[offset, offset + length)} as vLLM's detector does with {@code dedup}. */
  Detection detect(int[] tokens, int offset, int length, DedupMode dedup) {
    if (tokens == null) {
      throw new NullPointerException("tokens");
    }
    if (dedup == null) {
      throw new NullPointerException("dedup");
    }
    if (offset < 0 || length < 0 || offset > tokens.length - length) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "offset %d and length %d out of range for %d tokens", offset, length, tokens.length));
    }
    for (int i = offset; i < offset + length; i++) {
      checkToken(tokens, i);
    }
    // padded copy so that contexts are plain windows: w times -1, then the tokens
    int[] padded = new int[w + length];
    java.util.Arrays.fill(padded, 0, w, -1);
    System.arraycopy(tokens, offset, padded, w, length);
    NgramSet seen = dedup == DedupMode.NONE ? null
        : new NgramSet(padded, dedup == DedupMode.WINDOW ? w : w + 1, length);
    byte[] states = new byte[length];
    int[] state = new int[4];
    int[] out = new int[4];
    double score = 0.0;
    double exactSum = 0.0;
    long n = 0;
    long green = 0;
    for (int i = 0; i < length; i++) {
      int end = w + i; // index of the token in padded
      if (seen != null && !seen.add(dedup == DedupMode.WINDOW ? end - 1 : end)) {
        states[i] = PositionMask.State.DUPLICATE.code();
        continue;
      }
      int t = padded[end];
      prfA.contextState(padded, i, w, state);
      float uA = PhiloxPrf.uniform(prfA.word(state, t, out));
      double sA = -Math.log1p(-(double) uA);
      double s;
      if (dual) {
        prfB.contextState(padded, i, w, state);
        float uB = PhiloxPrf.uniform(prfB.word(state, t, out));
        double sB = -Math.log1p(-(double) uB);
        s = sA * (1 - alpha) + sB * alpha;
        exactSum += exactScore(s);
      } else {
        s = sA;
        exactSum += s;
      }
      score += s;
      n++;
      boolean high = dual ? exactScore(s) >= Math.log(2) : uA >= 0.5f;
      if (high) {
        green++;
      }
      states[i] = (high ? PositionMask.State.GREEN : PositionMask.State.RED).code();
    }
    double referenceP = n == 0 ? 1.0 : referencePValue(score, n);
    double log10p = PValues.log10UpperTail(nullDistribution, n, exactSum);
    double z = PValues.zScore(nullDistribution, n, exactSum);
    return new Detection(length, n, green, score, nullDistribution, z, log10p, new PositionMask(states),
        OptionalDouble.of(referenceP));
  }

  /** vLLM's {@code _get_p_value}. */
  double referencePValue(double score, long n) {
    if (!dual) {
      return ReferenceStats.vllmGammaSurvivalIntegerShape(score, n);
    }
    double variance = (1 - alpha) * (1 - alpha) + alpha * alpha;
    if (alpha == 0 || alpha == 0.5 || alpha == 1) {
      return ReferenceStats.vllmGammaSurvivalIntegerShape(score / variance, (long) Math.rint(n / variance));
    }
    return Math.exp(PValues.lnGammaUpperTail(n / variance, score / variance));
  }

  /**
   * For the dual-key scheme, the per-token weighted score x = (1 − α)·s_A + α·s_B mapped to
   * −ln P(X ≥ x) under the null (s_A, s_B independent Exp(1)): an exactly Exp(1) score that is
   * monotone in x, so that a sum of them has an exact Gamma(n, 1) tail. Identity for gumbel.
   */
  double exactScore(double x) {
    return dual ? PValues.dualKeyExpScore(x, alpha) : x;
  }

  /** Per-position score: −ln(1 − u), or its exact dual-key transform. */
  private final class GumbelScorer implements TokenScorer {
    @Override
    public int contextWidth() {
      return w;
    }

    @Override
    public int vocabularySize() {
      return vocab;
    }

    @Override
    public NullDistribution nullDistribution() {
      return nullDistribution;
    }

    @Override
    public double score(int[] tokens, int position) {
      if (position < w || position >= tokens.length) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "position must be between %d (context width) and %d, was %d", w, tokens.length - 1, position));
      }
      for (int i = position - w; i <= position; i++) {
        checkToken(tokens, i);
      }
      int[] state = new int[4];
      int[] out = new int[4];
      int t = tokens[position];
      prfA.contextState(tokens, position - w, w, state);
      double sA = -Math.log1p(-(double) PhiloxPrf.uniform(prfA.word(state, t, out)));
      if (!dual) {
        return sA;
      }
      prfB.contextState(tokens, position - w, w, state);
      double sB = -Math.log1p(-(double) PhiloxPrf.uniform(prfB.word(state, t, out)));
      return exactScore(sA * (1 - alpha) + sB * alpha);
    }

    /** The unit is the window (and token): the Philox input is the window itself, whatever the key. */
    @Override
    public long unitFingerprint(int[] tokens, int position, DedupMode mode) {
      switch (mode) {
        case WINDOW:
          return UnitFingerprints.window(tokens, position - w, w);
        case WINDOW_AND_TOKEN:
          return UnitFingerprints.tuple(tokens, position - w, w, tokens[position]);
        default:
          throw new IllegalArgumentException("dedup mode NONE has no unit fingerprint");
      }
    }

    @Override
    public boolean keyDependentUnits() {
      return false;
    }

    @Override
    public String toString() {
      return "TokenScorer[" + spec.redacted() + "]";
    }
  }

  /**
   * Generation: argmax of logits + Gumbel noise −ln(−ln u) in float32, u the keyed uniforms of the
   * context (clamped to the smallest normal float). Reads {@code tokens[0, length)} as the output
   * so far (no prompt). With {@code deduplicate-contexts} (vLLM's default "single_turn"), a context
   * already seen among the last 8192 output positions is sampled without watermark, from
   * softmax(logits); the dual-key scheme routes to key B with probability α. Both random draws come
   * from the caller's generator.
   */
  private final class GumbelSampling implements SamplingScheme {
    @Override
    public int sample(int[] tokens, int length, float[] logits, RandomGenerator random) {
      if (logits.length > vocab) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "logits.length must be at most vocab %d, was %d", vocab, logits.length));
      }
      if (length < 0 || length > tokens.length) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "length must be between 0 and %d, was %d", tokens.length, length));
      }
      int[] ctx = new int[w];
      context(tokens, 0, length, ctx);
      if (dedupContexts && repeated(tokens, length, ctx)) {
        return draws.get().draw(logits, random);
      }
      PhiloxPrf prf = dual && random.nextDouble() < alpha ? prfB : prfA;
      return argmaxWithNoise(prf, ctx, logits);
    }

    private boolean repeated(int[] tokens, int length, int[] ctx) {
      int[] other = new int[w];
      for (int j = Math.max(0, length - DEDUP_HISTORY); j < length; j++) {
        context(tokens, 0, j, other);
        if (java.util.Arrays.equals(other, ctx)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public int vocabularySize() {
      return vocab;
    }

    @Override
    public VllmSpec spec() {
      return spec;
    }
  }

  /** vLLM's {@code _sample_watermarked} on the CPU. */
  int argmaxWithNoise(PhiloxPrf prf, int[] ctx, float[] logits) {
    int[] state = new int[4];
    int[] out = new int[4];
    prf.contextState(ctx, 0, w, state);
    int best = 0;
    float bestValue = Float.NaN;
    for (int v = 0; v < logits.length; v++) {
      float u = Math.max(PhiloxPrf.uniform(prf.word(state, v, out)), Float.MIN_NORMAL);
      float noise = -(float) Math.log(-(float) Math.log(u));
      float value = logits[v] + noise;
      if (v == 0 || value > bestValue || (Float.isNaN(value) && !Float.isNaN(bestValue))) {
        best = v;
        bestValue = value;
      }
    }
    return best;
  }

  /** PRF of key A (the only key of gumbel), for tests. */
  PhiloxPrf prfA() {
    return prfA;
  }

  PhiloxPrf prfB() {
    return prfB;
  }

  @Override
  public String toString() {
    return "Watermark[" + spec.redacted() + "]";
  }
}
