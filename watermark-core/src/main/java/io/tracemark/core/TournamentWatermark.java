package io.tracemark.core;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PositionMask;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.SynthIdSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.internal.Mix;
import io.tracemark.core.internal.SequentialDetector;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.stats.PValues;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.random.RandomGenerator;

/**
 * tracemark's SynthID-style tournament watermark ({@code synthid:depth=m,h=…}) on PRF v1, format
 * {@value #FORMAT}.
 *
 * <p>g-values: PRF v1 ({@link PrfV1}) under its own sub-key ({@code HKDF info = }{@value #PURPOSE}),
 * with the context seed {@code S = SipHash-2-4(k0, k1, "TMv1" 'T' h 0 0 || x[i−h] … x[i−1])} (token
 * ids 4 bytes little-endian) and the word {@code u = fmix64(T(t) XOR S)} of candidate t; the
 * g-value of layer l (0 … m − 1) is bit {@code 63 − l} of u. So one SipHash per step and one mix per
 * candidate give every layer, and distinct (context, token) pairs have independent fair bits.
 *
 * <p>Generation replaces the engine's draw: with p the engine's distribution (softmax of its logits
 * after temperature / top-k / top-p), each layer in order sets {@code p ← p·(1 + g − Σ p·g)}, the
 * exact law of the winner of a two-leaf-per-match tournament, and one uniform from the caller's
 * generator draws from the result. A position with fewer than h tokens before it, or whose context
 * (its h tokens) occurred before in the sequence, is drawn from p unchanged: the watermark of one
 * sequence stays unbiased for each context, and detection scores each (context, token) pair once.
 *
 * <p>Detection: the score of a position is Σ_l level_l·g_l (levels all 1 for {@code score=mean});
 * distinct (context, token) pairs are scored once ({@link DedupMode#WINDOW_AND_TOKEN}), and the
 * p-value is the exact tail of Σ level·Binomial over the scored pairs' g-values. Immutable and
 * thread-safe.
 */
final class TournamentWatermark implements Watermark {
  /** The format tag of this construction. */
  static final String FORMAT = "v1";
  /** The HKDF purpose of the sub-key. */
  static final String PURPOSE = "tracemark/v1/synthid/prf";

  private final WatermarkKey key;
  private final SynthIdSpec spec;
  private final int vocab;
  private final PrfV1 prf;
  private final long header;
  private final int h;
  private final int m;
  private final int[] levels;
  private final NullDistribution.LayeredBinomial law;
  private final Scorer scorer = new Scorer();
  private final Sampling sampling = new Sampling();
  /** Allocated on a thread's first generation step (detection never needs it). */
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(() -> new Scratch(vocabularySize()));

  TournamentWatermark(WatermarkKey key, SynthIdSpec spec, int vocab) {
    Checks.require(vocab >= 2, "vocabularySize must be >= 2, was %d", vocab);
    this.key = key;
    this.spec = spec;
    this.vocab = vocab;
    this.prf = new PrfV1(key, PURPOSE);
    this.h = spec.contextWidth();
    this.m = spec.depth();
    this.header = PrfV1.header('T', h);
    this.levels = spec.levels();
    this.law = (NullDistribution.LayeredBinomial) spec.nullDistribution();
  }

  /** The context seed of the h tokens {@code tokens[from, from + h)}. */
  long seed(int[] tokens, int from) {
    return prf.seedLeft(header, tokens, from, h);
  }

  /** The PRF word of candidate {@code token} under {@code seed}: its g-values are bits 63, 62, … */
  long word(long seed, int token) {
    return Mix.fmix64(prf.tag(token) ^ seed);
  }

  /** Σ_l level_l · g_l of a word. */
  long score(long word) {
    long s = 0;
    for (int l = 0; l < m; l++) {
      s += levels[l] * ((word >>> (63 - l)) & 1);
    }
    return s;
  }

  @Override
  public SynthIdSpec spec() {
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
    long scored = 0;
    long green = 0;
    long total = 0;
    double mean = law.mean();
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
      long s = score(word(seed(tokens, pos - h), tokens[pos]));
      total += s;
      scored++;
      boolean high = s >= mean;
      green += high ? 1 : 0;
      states[i] = (high ? PositionMask.State.GREEN : PositionMask.State.RED).code();
    }
    return new Detection(length, scored, green, total, law, PValues.zScore(law, scored, total),
        PValues.log10UpperTail(law, scored, total), new PositionMask(states), OptionalDouble.empty());
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
      return TournamentWatermark.this.score(word(seed(tokens, position - h), tokens[position]));
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
      if (tokens[j - 1] == last && java.util.Arrays.equals(tokens, j - h, j, tokens, length - h, length)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The distribution the tournament draws from: softmax of {@code logits}, then each layer's
   * {@code p ← p·(1 + g − Σ p·g)} unless {@code seed} is absent ({@code watermark} false).
   */
  void tournament(float[] logits, long seed, boolean watermark, double[] p) {
    float max = Float.NEGATIVE_INFINITY;
    for (float x : logits) {
      Checks.require(!Float.isNaN(x), "logits must not be NaN");
      max = Math.max(max, x);
    }
    Checks.require(max > Float.NEGATIVE_INFINITY, "logits must hold a finite value, all %d were -infinity",
        logits.length);
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      double e = logits[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp((double) logits[i] - max);
      p[i] = e;
      sum += e;
    }
    if (!watermark) {
      for (int i = 0; i < logits.length; i++) {
        p[i] /= sum;
      }
      return;
    }
    // the layers run over the tokens of positive probability only (after an engine's top-k or top-p,
    // a few dozen of the vocabulary), in id order: a token of probability 0 adds 0 to every layer's
    // mass and keeps probability 0, so the result is the same, bit for bit, as over every id
    Scratch buffers = scratch.get();
    int[] support = buffers.support;
    int n = 0;
    for (int i = 0; i < logits.length; i++) {
      p[i] /= sum;
      if (p[i] > 0) {
        support[n++] = i;
      }
    }
    long[] words = buffers.words;
    for (int j = 0; j < n; j++) {
      words[j] = word(seed, support[j]);
    }
    for (int l = 0; l < m; l++) {
      int shift = 63 - l;
      double mass = 0;
      for (int j = 0; j < n; j++) {
        mass += ((words[j] >>> shift) & 1) * p[support[j]];
      }
      for (int j = 0; j < n; j++) {
        p[support[j]] *= 1 + ((words[j] >>> shift) & 1) - mass;
      }
    }
  }

  /** A thread's vocabulary-sized buffers for the generation step, so that a step allocates nothing. */
  private static final class Scratch {
    final double[] p;
    final int[] support;
    final long[] words;

    Scratch(int vocab) {
      p = new double[vocab];
      support = new int[vocab];
      words = new long[vocab];
    }
  }

  /**
   * Generation: {@code tokens[0, length)} is the sequence so far (prompt and output); the tournament
   * over the engine's logits, or the engine's distribution itself for a position without h tokens
   * before it or with a context seen before in the sequence. One uniform of the caller's generator
   * per call (inversion).
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
      boolean watermark = length >= h && !repeatedContext(tokens, length);
      if (watermark) {
        checkTokens(tokens, length - h, length);
      }
      double[] p = scratch.get().p; // only the first logits.length entries are written and read
      tournament(logits, watermark ? seed(tokens, length - h) : 0, watermark, p);
      double total = 0;
      for (int i = 0; i < logits.length; i++) {
        total += p[i];
      }
      double u = random.nextDouble() * total;
      double c = 0;
      int last = 0;
      for (int i = 0; i < logits.length; i++) {
        if (p[i] > 0) {
          c += p[i];
          last = i;
          if (u < c) {
            return i;
          }
        }
      }
      return last; // u beyond the rounded total: the last token with mass
    }

    @Override
    public int vocabularySize() {
      return vocab;
    }

    @Override
    public SynthIdSpec spec() {
      return spec;
    }
  }

  @Override
  public String toString() {
    return "Watermark[" + spec.canonical() + ", key " + key.keyId() + "]";
  }
}
