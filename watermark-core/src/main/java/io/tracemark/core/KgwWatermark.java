package io.tracemark.core;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detector;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.Seeding;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.Mix;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.sampling.GreenListBias;
import java.util.Optional;

/**
 * tracemark's keyed green-list watermark (family {@code kgw}), format v1 (see {@link PrfV1}): the
 * generation side ({@link #apply}) and the per-token membership that detection uses
 * ({@link #isGreen}) in one object, which is its own {@link BiasScheme} and {@link TokenScorer}.
 * The two agree exactly: after {@code apply}, token {@code t} received the bias iff
 * {@code isGreen} says so for the same context and token. A step with fewer than h tokens of
 * context is left unbiased, as detection does not score such positions either. It is also a
 * {@link GreenListBias}: a {@link GreenListBias.Probe} tests one token at a time, for the sampling
 * paths that never touch the whole vocabulary. Immutable and thread-safe.
 */
final class KgwWatermark implements Watermark, GreenListBias, TokenScorer {
  private final KgwSpec spec;
  private final NullDistribution nullDistribution;
  private final int vocabularySize;
  private final PrfV1 prf;
  private volatile long[] tagTable;
  private final long threshold63;
  private final long header;
  private final int h;
  private final float delta;
  private final String keyId;
  private final ThreadLocal<int[]> candidateScratch;
  /** Per-thread scratch: the NaN scan's buffers, and the two-pass kernel's mask (JDK 17). */
  private final ThreadLocal<Scratch> scratch;

  /**
   * Which form of the vocabulary pass to run. C2 vectorises the fused loop (mix, compare,
   * long-to-float conversion, add) from JDK 20 on (JDK-8283091 taught SuperWord conversions
   * between sizes); JDK 17 runs it scalar, and a two-pass form whose conversion is a bit mask is
   * about twice as fast there. Both give identical results. Override with
   * {@code -Dtracemark.apply.kernel=fused|two-pass} (for benchmarks).
   */
  static final boolean FUSED_KERNEL = chooseFusedKernel();

  private static boolean chooseFusedKernel() {
    String forced = System.getProperty("tracemark.apply.kernel", "");
    if (forced.equals("fused")) {
      return true;
    }
    if (forced.equals("two-pass")) {
      return false;
    }
    return Runtime.version().feature() >= 20;
  }

  KgwWatermark(WatermarkKey key, KgwSpec spec, int vocabularySize) {
    Checks.require(vocabularySize >= 2, "vocabularySize must be >= 2, was %d", vocabularySize);
    this.spec = spec;
    this.nullDistribution = spec.nullDistribution();
    this.vocabularySize = vocabularySize;
    this.prf = new PrfV1(key);
    this.threshold63 = PrfV1.threshold63(spec.gamma());
    this.h = spec.contextWidth();
    this.header = PrfV1.header(spec.seeding() == Seeding.SELF ? 'S' : 'L', h);
    this.delta = (float) spec.delta();
    this.keyId = key.keyId();
    int c = Math.min(spec.candidates(), vocabularySize);
    this.candidateScratch = ThreadLocal.withInitial(() -> new int[c]);
    int maskLength = FUSED_KERNEL || spec.seeding() == Seeding.SELF ? 0 : vocabularySize; // the mask is two-pass only
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(maskLength));
  }

  /**
   * The token tags for the generation pass, built on first use (8 bytes per token), so that a
   * detection-only scheme (e.g. one of a verifier's 100 control keys) costs no table.
   */
  private long[] tags() {
    long[] t = tagTable;
    if (t == null) {
      synchronized (this) {
        t = tagTable;
        if (t == null) {
          t = new long[vocabularySize];
          for (int i = 0; i < t.length; i++) {
            t[i] = prf.tag(i);
          }
          tagTable = t;
        }
      }
    }
    return t;
  }

  @Override
  public KgwSpec spec() {
    return spec;
  }

  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  @Override
  public String keyId() {
    return keyId;
  }

  long threshold63() {
    return threshold63;
  }

  /** Itself: the green-list membership of every position. */
  @Override
  public TokenScorer scorer() {
    return this;
  }

  /** Itself: δ added to the green logits. */
  @Override
  public Optional<BiasScheme> bias() {
    return Optional.of(this);
  }

  /** Empty: a green list biases the logits and leaves the draw to the engine. */
  @Override
  public Optional<SamplingScheme> sampling() {
    return Optional.empty();
  }

  @Override
  public DedupMode defaultDedup() {
    return spec.defaultDedup();
  }

  @Override
  public NullDistribution nullDistribution() {
    return nullDistribution;
  }

  // ------------------------------------------------------------------ generation

  @Override
  public void apply(int[] tokens, int length, float[] logits) {
    Checks.require(logits.length == vocabularySize, "logits length must equal the vocabulary size %d, was %d",
        vocabularySize, logits.length);
    Checks.require(length >= 0 && length <= tokens.length, "length must be between 0 and tokens.length=%d, was %d",
        tokens.length, length);
    Scratch s = scratch.get();
    if (NaNScan.byAbsoluteSum(logits, s.lanes, s.block)) {
      throw NaNScan.firstNaN(logits);
    }
    if (length < h) {
      // Not enough context for a green list: leave the step unwatermarked, as detection will not
      // score this position either.
      return;
    }
    checkTokens(tokens, length - h, h);
    if (spec.seeding() == Seeding.SELF) {
      applySelf(tokens, length, logits);
      return;
    }
    long seed = prf.seedLeft(header, tokens, length - h, h);
    if (FUSED_KERNEL) {
      biasAll(logits, tags(), seed, threshold63, delta);
    } else {
      biasAllTwoPass(logits, s.mask, tags(), seed, threshold63, Float.floatToRawIntBits(delta));
    }
  }

  /**
   * The same computation in two passes for JDKs whose C2 cannot vectorise the long-to-float
   * conversion: first a vectorisable all-long pass writes a mask (−1 for green, 0 for red), then
   * the bias is added as {@code intBitsToFloat(mask & bits(δ))}, which is δ or +0.0.
   */
  static void biasAllTwoPass(float[] logits, long[] mask, long[] tags, long seed, long threshold63,
      int deltaBits) {
    int n = logits.length;
    for (int t = 0; t < n; t++) {
      long k = tags[t] ^ seed;
      k ^= k >>> 33;
      k *= 0xff51afd7ed558ccdL;
      k ^= k >>> 33;
      k *= 0xc4ceb9fe1a85ec53L;
      k ^= k >>> 33;
      mask[t] = ((k >>> 1) - threshold63) >> 63;
    }
    for (int t = 0; t < n; t++) {
      logits[t] += Float.intBitsToFloat((int) mask[t] & deltaBits);
    }
  }

  /**
   * The hot loop: one pass over the vocabulary, branch-free so that C2 can vectorise it
   * (JDK 21+ does on AVX2/AVX-512; see docs/benchmarks.md).
   */
  static void biasAll(float[] logits, long[] tags, long seed, long threshold63, float delta) {
    for (int t = 0; t < logits.length; t++) {
      long k = tags[t] ^ seed;
      k ^= k >>> 33;
      k *= 0xff51afd7ed558ccdL;
      k ^= k >>> 33;
      k *= 0xc4ceb9fe1a85ec53L;
      k ^= k >>> 33;
      long green = ((k >>> 1) - threshold63) >>> 63;
      logits[t] += delta * (float) green;
    }
  }

  private void applySelf(int[] tokens, int length, float[] logits) {
    int[] top = candidateScratch.get();
    int n = topCandidates(logits, top);
    long minTag = prf.minTag(tokens, length - h, h);
    for (int j = 0; j < n; j++) {
      int t = top[j];
      long seed = prf.seedSelf(header, minTag, t);
      if (PrfV1.green(Mix.fmix64(prf.tag(t) ^ seed), threshold63)) {
        logits[t] += delta;
      }
    }
  }

  /** Fills {@code out} with the ids of the highest finite logits; returns how many. */
  private static int topCandidates(float[] logits, int[] out) {
    int k = out.length;
    int n = 0;
    // min-heap on (logit, -id) of size k
    for (int i = 0; i < logits.length; i++) {
      float v = logits[i];
      if (v == Float.NEGATIVE_INFINITY) {
        continue;
      }
      if (n < k) {
        out[n] = i;
        siftUp(logits, out, n++);
      } else if (v > logits[out[0]]) {
        out[0] = i;
        siftDown(logits, out, n);
      }
    }
    return n;
  }

  private static boolean less(float[] l, int a, int b) {
    return l[a] < l[b] || (l[a] == l[b] && a > b);
  }

  private static void siftUp(float[] l, int[] heap, int i) {
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (!less(l, heap[i], heap[p])) {
        return;
      }
      int t = heap[i];
      heap[i] = heap[p];
      heap[p] = t;
      i = p;
    }
  }

  private static void siftDown(float[] l, int[] heap, int n) {
    int i = 0;
    while (true) {
      int a = 2 * i + 1;
      if (a >= n) {
        return;
      }
      int b = a + 1;
      int m = b < n && less(l, heap[b], heap[a]) ? b : a;
      if (!less(l, heap[m], heap[i])) {
        return;
      }
      int t = heap[m];
      heap[m] = heap[i];
      heap[i] = t;
      i = m;
    }
  }

  private void checkTokens(int[] tokens, int from, int count) {
    for (int j = from; j < from + count; j++) {
      int t = tokens[j];
      if (t < 0 || t >= vocabularySize) {
        throw Checks.illegal("token id at position %d must be between 0 and %d, was %d", j, vocabularySize - 1, t);
      }
    }
  }

  /** Per-thread buffers of {@link #apply}. */
  private static final class Scratch {
    /** The two-pass kernel's mask; empty on the fused kernel and for self seeding, which do not use it. */
    final long[] mask;
    final float[] lanes = new float[NaNScan.BLOCK];
    final float[] block = new float[NaNScan.BLOCK];

    Scratch(int maskLength) {
      mask = new long[maskLength];
    }
  }

  // ------------------------------------------------------------------ per-token generation

  /** δ as {@link #apply} adds it (the specification's δ rounded to a float). */
  @Override
  public double delta() {
    return delta;
  }

  @Override
  public GreenListBias.Probe newProbe() {
    return new Probe();
  }

  /**
   * The green list of one context, one token at a time: {@link #seek} computes the context's seed
   * (left seeding) or its minimum tag (self seeding) once, and {@link #isGreen} is then the same
   * test as {@link #greenUnchecked}, so it agrees with detection bit for bit.
   */
  private final class Probe implements GreenListBias.Probe {
    private long seedOrMinTag;
    private boolean watermarked;
    private boolean sought;

    @Override
    public boolean seek(int[] tokens, int length) {
      Checks.require(length >= 0 && length <= tokens.length, "length must be between 0 and tokens.length=%d, was %d",
          tokens.length, length);
      sought = true;
      watermarked = length >= h;
      if (watermarked) {
        checkTokens(tokens, length - h, h);
        seedOrMinTag = spec.seeding() == Seeding.SELF ? prf.minTag(tokens, length - h, h)
            : prf.seedLeft(header, tokens, length - h, h);
      }
      return watermarked;
    }

    @Override
    public boolean isGreen(int token) {
      if (!sought) {
        throw new IllegalStateException("call seek(tokens, length) before isGreen");
      }
      if (token < 0 || token >= vocabularySize) {
        throw Checks.illegal("token must be between 0 and %d, was %d", vocabularySize - 1, token);
      }
      if (!watermarked) {
        return false;
      }
      long seed = spec.seeding() == Seeding.SELF ? prf.seedSelf(header, seedOrMinTag, token) : seedOrMinTag;
      return PrfV1.green(Mix.fmix64(prf.tag(token) ^ seed), threshold63);
    }
  }

  // ------------------------------------------------------------------ detection

  /**
   * Whether {@code tokens[position]} is in the green list of its context, the h tokens before it
   * (with self seeding, also the token itself). O(1) in the vocabulary size.
   *
   * @throws IllegalArgumentException if {@code position < h}, or a token id involved is outside
   *     the vocabulary
   */
  boolean isGreen(int[] tokens, int position) {
    Checks.require(position >= h && position < tokens.length,
        "position must be between h=%d and %d, was %d", h, tokens.length - 1, position);
    checkTokens(tokens, position - h, h + 1);
    return greenUnchecked(tokens, position);
  }

  /** 1 if {@link #isGreen} holds at {@code position}, else 0. */
  @Override
  public double score(int[] tokens, int position) {
    return isGreen(tokens, position) ? 1.0 : 0.0;
  }

  /** Membership without range checks; the caller has validated {@code tokens[position-h, position]}. */
  boolean greenUnchecked(int[] tokens, int position) {
    int t = tokens[position];
    long seed = spec.seeding() == Seeding.SELF
        ? prf.seedSelf(header, prf.minTag(tokens, position - h, h), t)
        : prf.seedLeft(header, tokens, position - h, h);
    return PrfV1.green(Mix.fmix64(prf.tag(t) ^ seed), threshold63);
  }

  /**
   * With left seeding the unit is the window (and token), independent of the key. With self
   * seeding the seed depends on the window only through its min-hash token, so windows sharing
   * that token are one unit: the fingerprint is built from the (keyed) minimum tag instead.
   */
  @Override
  public long unitFingerprint(int[] tokens, int position, DedupMode mode) {
    long window = spec.seeding() == Seeding.SELF ? Mix.fmix64(prf.minTag(tokens, position - h, h))
        : UnitFingerprints.window(tokens, position - h, h);
    switch (mode) {
      case WINDOW:
        return window;
      case WINDOW_AND_TOKEN:
        return UnitFingerprints.tupleFromWindow(window, tokens[position]);
      default:
        throw Checks.illegal("dedup mode NONE has no unit fingerprint");
    }
  }

  @Override
  public boolean keyDependentUnits() {
    return spec.seeding() == Seeding.SELF;
  }

  /** The context seed of left seeding (exposed for golden vectors and tests). */
  long leftSeed(int[] tokens, int from) {
    return prf.seedLeft(header, tokens, from, h);
  }

  void checkRange(int[] tokens, int offset, int length) {
    checkTokens(tokens, offset, length);
  }

  @Override
  public Detector detector(DedupMode dedup) {
    if (dedup == null) {
      throw new NullPointerException("dedup");
    }
    return new KgwDetector(this, dedup);
  }

  @Override
  public int contextWidth() {
    return h;
  }

  @Override
  public String toString() {
    return "KgwWatermark[" + spec.canonical() + ", vocab=" + vocabularySize + ", key=" + keyId + "]";
  }
}
