package io.tracemark.core;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PositionMask;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.internal.Mix;
import io.tracemark.core.internal.SequentialDetector;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.sampling.Multinomial;
import io.tracemark.core.stats.PValues;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.random.RandomGenerator;

/**
 * tracemark's Gumbel-max watermark ({@code gumbel:h=…[,dual,alpha=…]}) on PRF v1, format
 * {@value #FORMAT}.
 *
 * <p>Uniforms: PRF v1 ({@link PrfV1}) under its own sub-key ({@code HKDF info = }{@value #PURPOSE_A};
 * the dual-key scheme's stream B under {@value #PURPOSE_B}), with the context seed
 * {@code S = SipHash-2-4(k0, k1, "TMv1" 'G' h 0 0 || x[i−h] … x[i−1])} (token ids 4 bytes little-endian),
 * the word {@code w = fmix64(T(t) XOR S)} of token t and its uniform
 * {@code u = ((w >>> 12) + ½) · 2^−52}, strictly inside (0, 1) (52 bits: the largest, 1 − 2^−53, is a double below 1).
 *
 * <p>Generation replaces the engine's draw. At a position with h tokens before it whose context
 * (those h tokens) has not occurred before in the sequence, the token is
 * {@code argmax_t u_t^(1/p_t)} with p the engine's distribution (softmax of its logits after
 * temperature / top-k / top-p), computed as {@code argmax_t ℓ_t − ln(−ln u_t)} (the same argmax:
 * ln of −ln(u)/p is ln(−ln u) − ℓ + const), which is an exact draw from p when the uniforms are
 * fresh (the Gumbel-max trick) and needs no exponential per token. A token whose logit is more than
 * {@value #NEVER_WINS} below the largest cannot win (its noise is at most 36.74 above, the largest
 * logit's at least −3.61 below) and is skipped. The dual-key scheme first draws, with the caller's
 * generator, stream B with probability α (else A), as vLLM's {@code dual_key_gumbel} does, so the
 * same context does not always give the same token. A position with fewer than h tokens before it,
 * or whose context occurred before in the sequence, is drawn from p with the caller's generator
 * (a plain multinomial draw, as vLLM does): reusing a context's uniforms would repeat its choice and
 * bias one sequence's text, so the watermark of one sequence stays distortion-free position by
 * position.
 *
 * <p>Detection: the unit is the (context, token) pair, scored once by default; its score is
 * s = −ln(1 − u), Exp(1) under H0, and for the dual-key scheme the exact Exp(1) transform of
 * (1 − α)·s_A + α·s_B ({@link PValues#dualKeyExpScore}). A sum of n scores is Gamma(n, 1) under H0;
 * the p-value is its exact upper tail ({@code score=sum}), or the Bonferroni-corrected best window
 * of a dyadic cover ({@code score=windowed}, {@link GumbelSpec.Score#WINDOWED}).
 *
 * <p>Multi-bit payload ({@code payload=b,symbol-bits=r}, format v1, docs/payload.md): stream A's
 * sub-key has the purpose {@value #PURPOSE_PAYLOAD} and the header seeding code 'Q'; the context
 * seed S picks the symbol position {@code p = ((fmix64(S XOR 0xA5A5A5A5A5A5A5A5) >>> 32) · L) >>> 32}
 * (L = b / r), and the uniforms of the position are those of the seed {@code S_v = fmix64(S XOR
 * (v + 1) · 0x9E3779B97F4A7C15)} for v the message's symbol p (bits [p·r, (p+1)·r)): the PRF is keyed
 * by (context, symbol value). Generation with message m draws with S_{m_p}; its detector is the test
 * of that one message, the Gamma sum above. Immutable and thread-safe.
 */
final class GumbelWatermark implements Watermark {
  /** The format tag of this construction. */
  static final String FORMAT = "v1";
  /** The HKDF purpose of the sub-key of stream A (the only stream of the single-key scheme). */
  static final String PURPOSE_A = "tracemark/v1/gumbel/prf";
  /** The HKDF purpose of the sub-key of the dual-key scheme's stream B. */
  static final String PURPOSE_B = "tracemark/v1/gumbel/prf-b";
  /** The HKDF purpose of the sub-key of a multi-bit payload. */
  static final String PURPOSE_PAYLOAD = "tracemark/v1/gumbel-payload/prf";
  /** XORed into S before it picks the symbol position (the constant of the green-list payload). */
  static final long ALLOCATION = 0xA5A5A5A5A5A5A5A5L;
  /** The multiplier of a symbol value's shift of the seed (the golden ratio, odd). */
  static final long SYMBOL_SHIFT = 0x9E3779B97F4A7C15L;
  /** A logit this far below the largest never wins the argmax (noise within [−3.61, 36.74]). */
  static final double NEVER_WINS = 41.0;

  private final WatermarkKey key;
  private final GumbelSpec spec;
  private final int vocab;
  private final PrfV1 prfA;
  private final PrfV1 prfB;
  private final long header;
  private final int h;
  private final boolean dual;
  private final double alpha;
  /** The message of a payload scheme; 0 when there is none. */
  private final long message;
  private final int symbols;
  private final int symbolBits;
  private final NullDistribution law = new NullDistribution.GammaSum();
  private final Scorer scorer = new Scorer();
  private final Sampling sampling = new Sampling();
  /** Per-thread multinomial draw for positions that are not watermarked. */
  private final ThreadLocal<Multinomial> draws = ThreadLocal.withInitial(Multinomial::new);

  GumbelWatermark(WatermarkKey key, GumbelSpec spec, int vocab) {
    this(key, spec, vocab, 0);
    Checks.require(!spec.hasPayload(), "gumbel with payload=%d needs its message: create(key, spec, vocabularySize, "
        + "message); decode with payloadDecoder", spec.payloadBits());
  }

  /** The watermark of {@code spec} carrying {@code message} (in [0, 2^b)) when the spec has a payload. */
  GumbelWatermark(WatermarkKey key, GumbelSpec spec, int vocab, long message) {
    Checks.require(vocab >= 2, "vocabularySize must be >= 2, was %d", vocab);
    Checks.require(message >= 0 && message >>> spec.payloadBits() == 0,
        "message must be between 0 and 2^%d - 1, was %d", spec.payloadBits(), message);
    this.message = message;
    this.symbols = spec.symbols();
    this.symbolBits = spec.symbolBits();
    this.key = key;
    this.spec = spec;
    this.vocab = vocab;
    this.h = spec.contextWidth();
    this.dual = spec.dual();
    this.alpha = spec.alpha();
    this.prfA = new PrfV1(key, spec.hasPayload() ? PURPOSE_PAYLOAD : PURPOSE_A);
    this.prfB = dual ? new PrfV1(key, PURPOSE_B) : null;
    this.header = PrfV1.header(spec.hasPayload() ? 'Q' : 'G', h);
  }

  /**
   * The seed of the uniforms of stream A (b false) or B (b true) for the h tokens {@code tokens[from,
   * from + h)}: the context seed, or for a payload the seed of the message's symbol at the position
   * the context carries.
   */
  long seed(boolean b, int[] tokens, int from) {
    long s = (b ? prfB : prfA).seedLeft(header, tokens, from, h);
    if (symbols == 0) {
      return s;
    }
    int p = symbolIndex(s);
    return symbolSeed(s, (int) ((message >>> (p * symbolBits)) & ((1 << symbolBits) - 1)));
  }

  /** S, the context seed of stream A, before a payload's symbol shifts it. */
  long contextSeed(int[] tokens, int from) {
    return prfA.seedLeft(header, tokens, from, h);
  }

  /** The symbol position, in [0, L), that the context of seed {@code s} carries. */
  int symbolIndex(long s) {
    return (int) (((Mix.fmix64(s ^ ALLOCATION) >>> 32) * symbols) >>> 32);
  }

  /** The seed of the uniforms of symbol value {@code value} in the context of seed {@code s}. */
  static long symbolSeed(long s, int value) {
    return Mix.fmix64(s ^ ((value + 1L) * SYMBOL_SHIFT));
  }

  /** The PRF word of {@code token} under {@code seed} of stream A (b false) or B. */
  long word(boolean b, long seed, int token) {
    return Mix.fmix64((b ? prfB : prfA).tag(token) ^ seed);
  }

  /** The uniform of a word: {@code ((w >>> 12) + ½) · 2^−52}, in [2^−53, 1 − 2^−53], exactly. */
  static double uniform(long word) {
    return ((word >>> 12) + 0.5) * 0x1.0p-52;
  }

  /** −ln(1 − u), Exp(1) for a uniform u. */
  static double expScore(double u) {
    return -Math.log1p(-u);
  }

  /** The score of {@code tokens[pos]} after the h tokens before it (checked by the caller). */
  double unitScore(int[] tokens, int pos) {
    int t = tokens[pos];
    double sA = expScore(uniform(word(false, seed(false, tokens, pos - h), t)));
    if (!dual) {
      return sA;
    }
    double sB = expScore(uniform(word(true, seed(true, tokens, pos - h), t)));
    return PValues.dualKeyExpScore((1 - alpha) * sA + alpha * sB, alpha);
  }

  @Override
  public GumbelSpec spec() {
    return spec;
  }

  @Override
  public int vocabularySize() {
    return vocab;
  }

  @Override
  public String keyId() {
    return key.keyId();
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
    return new SequentialDetector(dedup, this::detect, spec.canonical() + ", key " + key.keyId());
  }

  private void checkTokens(int[] tokens, int from, int to) {
    Checks.tokenIds(tokens, from, to, vocab);
  }

  Detection detect(int[] tokens, int offset, int length, DedupMode dedup) {
    Checks.require(offset >= 0 && length >= 0 && offset <= tokens.length - length,
        "offset=%d and length=%d must lie within tokens.length=%d", offset, length, tokens.length);
    checkTokens(tokens, offset, offset + length);
    byte[] states = new byte[length];
    LongHashSet seen = dedup == DedupMode.NONE ? null : new LongHashSet(Math.max(16, length - h));
    double[] scores = new double[Math.max(0, length - h)];
    int scored = 0;
    long green = 0;
    double total = 0;
    double ln2 = Math.log(2);
    for (int i = 0; i < length; i++) {
      int pos = offset + i;
      if (i < h) {
        states[i] = PositionMask.State.NO_CONTEXT.code();
        continue;
      }
      if (seen != null && !seen.add(dedup == DedupMode.WINDOW ? UnitFingerprints.window(tokens, pos - h, h)
          : UnitFingerprints.tuple(tokens, pos - h, h, tokens[pos]))) {
        states[i] = PositionMask.State.DUPLICATE.code();
        continue;
      }
      double s = unitScore(tokens, pos);
      scores[scored++] = s;
      total += s;
      boolean high = s >= ln2; // u >= 1/2: the null median of an Exp(1) score
      green += high ? 1 : 0;
      states[i] = (high ? PositionMask.State.GREEN : PositionMask.State.RED).code();
    }
    PositionMask mask = new PositionMask(states);
    if (spec.score() == GumbelSpec.Score.WINDOWED) {
      return windowed(length, scores, scored, green, mask);
    }
    return new Detection(length, scored, green, total, law, PValues.zScore(law, scored, total),
        PValues.log10UpperTail(law, scored, total), mask, OptionalDouble.empty());
  }

  /**
   * The windowed test over the first {@code n} unit scores: the whole sequence and every window
   * of 2^j ≥ {@link GumbelSpec#MIN_WINDOW} units (2^j &lt; n) starting at a multiple of 2^(j−1); the
   * best window's exact Gamma tail times the number of windows W (Bonferroni, capped at p = 1).
   * The detection's score and z are the best window's; its counts are the whole text's.
   */
  static Detection windowed(long tokensRead, double[] scores, int n, long green, PositionMask mask) {
    NullDistribution law = new NullDistribution.GammaSum();
    double[] prefix = new double[n + 1];
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = prefix[i] + scores[i];
    }
    double best = PValues.log10UpperTail(law, n, prefix[n]);
    double bestSum = prefix[n];
    long bestLength = n;
    long windows = 1;
    for (int len = GumbelSpec.MIN_WINDOW; len < n; len *= 2) {
      for (int s = 0; s + len <= n; s += len / 2) {
        windows++;
        double sum = prefix[s + len] - prefix[s];
        double lp = PValues.log10UpperTail(law, len, sum);
        if (lp < best) {
          best = lp;
          bestSum = sum;
          bestLength = len;
        }
      }
    }
    double corrected = Math.min(0.0, best + Math.log10(windows));
    return new Detection(tokensRead, n, green, bestSum, law, PValues.zScore(law, bestLength, bestSum), corrected,
        mask, OptionalDouble.empty());
  }

  /** The number of windows of the windowed test over n scored units. */
  static long windowCount(int n) {
    long windows = 1;
    for (int len = GumbelSpec.MIN_WINDOW; len < n; len *= 2) {
      windows += (n - len) / (len / 2) + 1;
    }
    return windows;
  }

  private final class Scorer implements TokenScorer {
    @Override
    public int contextWidth() {
      return h;
    }

    @Override
    public int vocabularySize() {
      return vocab;
    }

    @Override
    public NullDistribution nullDistribution() {
      return law;
    }

    @Override
    public double score(int[] tokens, int position) {
      if (position < h || position >= tokens.length) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "position must be between %d (context width) and %d, was %d", h, tokens.length - 1, position));
      }
      checkTokens(tokens, position - h, position + 1);
      return unitScore(tokens, position);
    }

    @Override
    public long unitFingerprint(int[] tokens, int position, DedupMode mode) {
      switch (mode) {
        case WINDOW:
          return UnitFingerprints.window(tokens, position - h, h);
        case WINDOW_AND_TOKEN:
          return UnitFingerprints.tuple(tokens, position - h, h, tokens[position]);
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
      return "TokenScorer[" + spec.canonical() + ", key " + key.keyId() + "]";
    }
  }

  /** Whether the context of position {@code length} (its h tokens) occurred before in {@code tokens[0, length)}. */
  boolean repeatedContext(int[] tokens, int length) {
    if (length <= h) {
      return false;
    }
    // a scan of one int per earlier position, the whole window compared only where its last token matches: the
    // check runs at every generation step, over the whole sequence so far
    int last = tokens[length - 1];
    for (int j = h; j < length; j++) {
      if (tokens[j - 1] == last && Arrays.equals(tokens, j - h, j, tokens, length - h, length)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The Gumbel-max choice over {@code logits} with the uniforms of stream A (b false) or B under
   * {@code seed}: argmax of ℓ − ln(−ln u) over the tokens that can win.
   *
   * @throws IllegalArgumentException naming the first NaN logit, or when every logit is −∞
   */
  int argmax(boolean b, long seed, float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float x = logits[i];
      if (Float.isNaN(x)) {
        throw Checks.illegal("logits[%d] is NaN", i);
      }
      max = Math.max(max, x);
    }
    Checks.require(max > Float.NEGATIVE_INFINITY, "logits must hold a finite value, all %d were -infinity",
        logits.length);
    double floor = max - NEVER_WINS;
    PrfV1 prf = b ? prfB : prfA;
    int best = -1;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (int t = 0; t < logits.length; t++) {
      double l = logits[t];
      if (l < floor) {
        continue;
      }
      double u = uniform(Mix.fmix64(prf.tag(t) ^ seed));
      double value = l - Math.log(-Math.log(u));
      if (value > bestValue) {
        best = t;
        bestValue = value;
      }
    }
    return best;
  }

  /**
   * Generation: {@code tokens[0, length)} is the sequence so far (prompt and output). The keyed
   * Gumbel-max choice, or a multinomial draw from softmax(logits) with the caller's generator at a
   * position without h tokens before it or whose context occurred before in the sequence; the
   * dual-key scheme's stream is drawn with the caller's generator.
   */
  private final class Sampling implements SamplingScheme {
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
      if (length < h || repeatedContext(tokens, length)) {
        return draws.get().draw(logits, random);
      }
      checkTokens(tokens, length - h, length);
      boolean b = dual && random.nextDouble() < alpha;
      return argmax(b, seed(b, tokens, length - h), logits);
    }

    @Override
    public int vocabularySize() {
      return vocab;
    }

    @Override
    public GumbelSpec spec() {
      return spec;
    }
  }

  @Override
  public String toString() {
    return "Watermark[" + spec.canonical() + ", key " + key.keyId() + "]";
  }
}
