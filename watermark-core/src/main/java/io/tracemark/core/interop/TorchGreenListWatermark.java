package io.tracemark.core.interop;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.HfSpec;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.LmwSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PositionMask;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.core.internal.Mix;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.stats.PValues;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A green-list watermark whose green lists are PyTorch CPU {@code torch.randperm} draws seeded from
 * the context: lm-watermarking ({@code lmw}) and Hugging Face transformers ({@code hf}).
 *
 * <p>At a position the seed function reads h tokens: the h tokens before it (left seeding), or
 * the h − 1 tokens before it and the token itself (self seeding, "self-salt"). The green list is
 * the first ⌊γV⌋ entries of {@code randperm(V)} after {@code manual_seed(seed)}; membership of one
 * token is decided by following that token through the shuffle and stopping as soon as its place
 * is final; the tokens of all positions of a text that share a seed are followed together, in one
 * pass of the shuffle.
 *
 * <p>The two references differ in a few conventions, which {@link Flavor} carries; everything else
 * is shared.
 */
final class TorchGreenListWatermark implements Watermark {
  /** What differs between the two references' generators and detectors. */
  enum Flavor {
    /** lm-watermarking: 41 self-seeding candidates, a short context is an error, normal-tail p. */
    LMW(41) {
      @Override
      int contextNeeded(int h, boolean selfSalt) {
        return selfSalt ? h - 1 : h;
      }

      @Override
      boolean skipsShortContext() {
        return false;
      }

      @Override
      double referencePValue(double z) {
        return ReferenceStats.normalSurvival(z);
      }
    },
    /** transformers: 40 candidates, a short context leaves the logits alone, closed-form approximate p. */
    HF(40) {
      @Override
      int contextNeeded(int h, boolean selfSalt) {
        return h;
      }

      @Override
      boolean skipsShortContext() {
        return true;
      }

      @Override
      double referencePValue(double z) {
        return ReferenceStats.hfPValue(z);
      }
    };

    /** How many of the highest logits self-seeded generation tests for membership. */
    final int candidates;

    Flavor(int candidates) {
      this.candidates = candidates;
    }

    /** The context tokens generation needs before it can bias a step. */
    abstract int contextNeeded(int h, boolean selfSalt);

    /** Whether a step with a shorter context is left unbiased (true) or refused (false). */
    abstract boolean skipsShortContext();

    /** The reference detector's own p-value of a z-score. */
    abstract double referencePValue(double z);
  }

  private final InteropSpec spec;
  private final NullDistribution nullDistribution;
  private final Flavor flavor;
  private final int vocab;
  private final double gamma;
  private final float delta;
  private final int h;
  private final boolean selfSalt;
  private final TorchPrf.SeedFunction prf;
  private final TorchRandperm perm;
  private final int bosTokenId;
  private final ThreadLocal<Scratch> scratch;
  private final GreenListCache greenCache;
  private final RandpermScorer scorer = new RandpermScorer();
  private final RandpermBias bias = new RandpermBias();

  private TorchGreenListWatermark(InteropSpec spec, Flavor flavor, int vocab, double gamma, double delta, int h,
      boolean selfSalt, TorchPrf.SeedFunction prf, int bosTokenId) {
    this.spec = spec;
    this.nullDistribution = spec.nullDistribution();
    this.flavor = flavor;
    this.vocab = vocab;
    this.gamma = gamma;
    this.delta = (float) delta;
    this.h = h;
    this.selfSalt = selfSalt;
    this.prf = prf;
    // Python: greenlist_size = int(vocab_size * gamma)
    this.perm = new TorchRandperm(vocab, (int) (vocab * gamma));
    this.bosTokenId = bosTokenId;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(perm, h, Math.min(flavor.candidates, vocab)));
    this.greenCache = new GreenListCache(Math.max(16, (int) (CACHE_BYTES / (8L * ((vocab + 63) >>> 6)))));
  }

  /** lm-watermarking's watermark of {@code spec}. */
  static TorchGreenListWatermark of(LmwSpec spec) {
    return new TorchGreenListWatermark(spec, Flavor.LMW, spec.vocab(), spec.gamma(), spec.delta(), spec.width(),
        spec.selfSalt(), TorchPrf.lmw(spec.prf(), spec.hashKey()), spec.bosTokenId().orElse(-1));
  }

  /** transformers' watermark of {@code spec}. */
  static TorchGreenListWatermark of(HfSpec spec) {
    long key = spec.hashKey();
    TorchPrf.SeedFunction prf = spec.selfHash()
        ? TorchPrf.anchoredMinhash(key, TorchRandperm.full(key, TorchPrf.TABLE_SIZE))
        : TorchPrf.hfLefthash(key);
    return new TorchGreenListWatermark(spec, Flavor.HF, spec.vocab(), spec.gamma(), spec.delta(), spec.width(),
        spec.selfHash(), prf, spec.bosTokenId().orElse(-1));
  }

  /** Memory the per-position scorer may spend on cached green lists of recurring contexts. */
  static final long CACHE_BYTES = 32L << 20;

  /** Per-thread working memory of the generation side and of {@link RandpermScorer#score}. */
  private static final class Scratch {
    final TorchMt19937 rng = new TorchMt19937();
    final long[] block = new long[TorchMt19937.blockSize()];
    final int[] identity;
    final int[] touched;
    final int[] out;
    final int[] window;
    final int[] top;
    final boolean[] topGreen;

    Scratch(TorchRandperm perm, int h, int candidates) {
      identity = perm.identity();
      touched = new int[perm.prefixLength()];
      out = new int[perm.prefixLength()];
      window = new int[h];
      top = new int[candidates];
      topGreen = new boolean[candidates];
    }
  }

  @Override
  public InteropSpec spec() {
    return spec;
  }

  @Override
  public int vocabularySize() {
    return vocab;
  }

  /** {@code lmw-key} or {@code hf-key}: the key is in the specification. */
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
    return Optional.of(bias);
  }

  @Override
  public Optional<SamplingScheme> sampling() {
    return Optional.empty();
  }

  @Override
  public DedupMode defaultDedup() {
    return spec.defaultDedup();
  }

  /** A detector on all available processors (see {@link Detector#withParallelism}). */
  @Override
  public Detector detector(DedupMode dedup) {
    if (dedup == null) {
      throw new NullPointerException("dedup");
    }
    return new RandpermDetector(dedup, Runtime.getRuntime().availableProcessors());
  }

  /** The reference detector with one deduplication, splitting its shuffle passes over threads. */
  private final class RandpermDetector implements Detector {
    private final DedupMode dedup;
    private final int parallelism;

    RandpermDetector(DedupMode dedup, int parallelism) {
      this.dedup = dedup;
      this.parallelism = parallelism;
    }

    @Override
    public Detection detect(int[] tokens, int offset, int length) {
      return TorchGreenListWatermark.this.detect(tokens, offset, length, dedup, parallelism);
    }

    @Override
    public DedupMode dedup() {
      return dedup;
    }

    @Override
    public int parallelism() {
      return parallelism;
    }

    @Override
    public Detector withParallelism(int threads) {
      Checks.require(threads >= 1, "parallelism must be at least 1, was %d", threads);
      return threads == parallelism ? this : new RandpermDetector(dedup, threads);
    }

    @Override
    public String toString() {
      return "Detector[" + spec.redacted() + ", dedup " + dedup.label() + ", parallelism " + parallelism + "]";
    }
  }

  /** n: tokens per scored n-gram (h + 1 for left seeding, h for self seeding). */
  private int ngram() {
    return selfSalt ? h : h + 1;
  }

  private void checkToken(int[] tokens, int index) {
    int t = tokens[index];
    if (t < 0 || t >= vocab) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "token id at index %d must be between 0 and %d (vocab - 1), was %d", index, vocab - 1, t));
    }
  }

  /**
   * Scores {@code tokens[offset, offset + length)} as the reference detector does with
   * {@code dedup}, on at most {@code parallelism} threads; the z-score and reference p-value are the
   * reference's formulas applied to the counts. The result does not depend on the parallelism.
   */
  Detection detect(int[] tokens, int offset, int length, DedupMode dedup, int parallelism) {
    if (tokens == null) {
      throw new NullPointerException("tokens");
    }
    if (offset < 0 || length < 0 || offset > tokens.length - length) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "offset %d and length %d out of range for %d tokens", offset, length, tokens.length));
    }
    byte[] states = new byte[length];
    int start = offset;
    int len = length;
    int skipped = 0;
    if (bosTokenId >= 0 && len > 0 && tokens[start] == bosTokenId) {
      states[0] = PositionMask.State.EXCLUDED.code();
      start++;
      len--;
      skipped = 1;
    }
    for (int i = start; i < start + len; i++) {
      checkToken(tokens, i);
    }
    int n = ngram();
    // the references refuse sequences with fewer than h + 1 tokens; nothing is scored then
    int first = len - h < 1 ? len : n - 1;
    for (int i = 0; i < Math.min(first, len); i++) {
      states[skipped + i] = PositionMask.State.NO_CONTEXT.code();
    }
    int[] scored = new int[Math.max(0, len - first)];
    int m = 0;
    NgramSet seen = dedup == DedupMode.NONE ? null
        : new NgramSet(tokens, dedup == DedupMode.WINDOW_AND_TOKEN ? n : n - 1, scored.length);
    for (int i = first; i < len; i++) {
      int end = start + i;
      boolean fresh = seen == null
          || (dedup == DedupMode.WINDOW_AND_TOKEN ? seen.add(end) : seen.add(end - 1));
      if (fresh) {
        scored[m++] = end;
      } else {
        states[skipped + i] = PositionMask.State.DUPLICATE.code();
      }
    }
    boolean[] green = new boolean[m];
    markGreen(tokens, scored, m, green, parallelism);
    long greenCount = 0;
    for (int j = 0; j < m; j++) {
      int end = scored[j];
      states[end - offset] = (green[j] ? PositionMask.State.GREEN : PositionMask.State.RED).code();
      if (green[j]) {
        greenCount++;
      }
    }
    double z;
    double referenceP;
    if (m == 0) {
      z = 0.0;
      referenceP = 1.0;
    } else {
      z = ReferenceStats.kgwZ(greenCount, m, gamma);
      referenceP = flavor.referencePValue(z);
    }
    double log10p = PValues.log10BinomialUpperTail(m, greenCount, gamma);
    return new Detection(length, m, greenCount, greenCount, nullDistribution, z, log10p, new PositionMask(states),
        OptionalDouble.of(referenceP));
  }

  /**
   * Distinct seeds below which a detect stays on the calling thread: 2 × 32 seeds are about 1 ms of
   * shuffle passes at V = 50257, γ = ¼, against tens of microseconds to hand a task to the pool.
   */
  static final int MIN_SEEDS_PER_THREAD = 32;

  /**
   * Decides membership for the n-grams ending at {@code scored[0, m)}. Positions are grouped by
   * seed, and the distinct tokens of one seed are followed together through one pass of its
   * shuffle (no permutation is materialised). The groups are independent: with {@code parallelism}
   * above 1 and enough of them, they are split into chunks taken by up to {@code parallelism}
   * threads (the caller and tasks of the common fork-join pool). Each position's membership is
   * decided by its own group alone, so the outcome does not depend on the split.
   */
  private void markGreen(int[] tokens, int[] scored, int m, boolean[] green, int parallelism) {
    if (m == 0) {
      return;
    }
    int n = ngram();
    long[] keys = new long[m];
    for (int j = 0; j < m; j++) {
      int seed = prf.seed(tokens, scored[j] - n + 1, h);
      keys[j] = ((long) seed << 32) | j;
    }
    Arrays.sort(keys);
    // groupStart[g] is the first index in keys of the g-th distinct seed; groupStart[groups] = m
    int[] groupStart = new int[m + 1];
    int groups = 0;
    for (int a = 0; a < m; a++) {
      if (a == 0 || (int) (keys[a] >> 32) != (int) (keys[a - 1] >> 32)) {
        groupStart[groups++] = a;
      }
    }
    groupStart[groups] = m;
    int threads = Math.min(parallelism, groups / MIN_SEEDS_PER_THREAD);
    if (threads <= 1) {
      new GroupWorker(tokens, scored, keys, groupStart, green).run(0, groups);
      return;
    }
    // a few chunks per thread so that a thread that is descheduled or gets costly groups is helped
    int chunks = Math.min(groups / MIN_SEEDS_PER_THREAD, 4 * threads);
    AtomicInteger next = new AtomicInteger();
    int total = groups;
    Runnable drain = () -> {
      GroupWorker worker = new GroupWorker(tokens, scored, keys, groupStart, green);
      for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
        worker.run((int) ((long) total * c / chunks), (int) ((long) total * (c + 1) / chunks));
      }
    };
    ForkJoinTask<?>[] helpers = new ForkJoinTask<?>[threads - 1];
    for (int t = 0; t < helpers.length; t++) {
      helpers[t] = ForkJoinTask.adapt(drain).fork();
    }
    drain.run();
    for (ForkJoinTask<?> helper : helpers) {
      helper.join(); // also publishes the helper's writes to green
    }
  }

  /** One thread's working memory for {@link #markGreen}; writes only the entries of its groups. */
  private final class GroupWorker {
    private final int[] tokens;
    private final int[] scored;
    private final long[] keys;
    private final int[] groupStart;
    private final boolean[] green;
    private final TorchMt19937 rng = new TorchMt19937();
    private final TorchMt19937 pairRng = new TorchMt19937();
    private final long[] block = new long[TorchMt19937.blockSize()];
    private long[] occupied;
    private int[] owner;
    private int[] targets;
    private boolean[] targetGreen;

    GroupWorker(int[] tokens, int[] scored, long[] keys, int[] groupStart, boolean[] green) {
      this.tokens = tokens;
      this.scored = scored;
      this.keys = keys;
      this.groupStart = groupStart;
      this.green = green;
    }

    /**
     * Decides the positions of groups {@code [from, to)}. Two consecutive groups of one position
     * each (the common case of self-seeded schemes) are seeded together, which halves the cost of
     * seeding, about a tenth of a shuffle pass.
     */
    void run(int from, int to) {
      int g = from;
      while (g < to) {
        int a = groupStart[g];
        int b = groupStart[g + 1];
        if (b - a == 1 && g + 1 < to && groupStart[g + 2] - b == 1) {
          TorchMt19937.seedBoth(rng, seedOf(a), pairRng, seedOf(b));
          decideSingle(rng, a);
          decideSingle(pairRng, b);
          g += 2;
        } else {
          group(a, b);
          g++;
        }
      }
    }

    private int seedOf(int keyIndex) {
      return (int) (keys[keyIndex] >> 32);
    }

    /** The one position {@code keys[keyIndex]} of its seed, with {@code engine} freshly seeded. */
    private void decideSingle(TorchMt19937 engine, int keyIndex) {
      int j = (int) keys[keyIndex];
      green[j] = perm.inPrefix(engine, block, tokens[scored[j]]);
    }

    /** Decides the positions {@code keys[a, b)}, which share one seed. */
    private void group(int a, int b) {
      rng.seed(seedOf(a));
      if (b - a == 1) {
        decideSingle(rng, a);
        return;
      }
      if (occupied == null) {
        occupied = new long[(vocab + 63) >>> 6];
        owner = new int[vocab];
        targets = new int[16];
        targetGreen = new boolean[16];
      }
      // distinct targets of this seed, followed through one pass of the shuffle
      int count = 0;
      for (int c = a; c < b; c++) {
        int t = tokens[scored[(int) keys[c]]];
        if ((occupied[t >>> 6] & (1L << t)) == 0) {
          occupied[t >>> 6] |= 1L << t;
          if (count == targets.length) {
            targets = Arrays.copyOf(targets, 2 * count);
            targetGreen = new boolean[2 * count];
          }
          targets[count++] = t;
        }
      }
      for (int c = 0; c < count; c++) {
        occupied[targets[c] >>> 6] = 0;
      }
      perm.inPrefix(rng, block, targets, count, targetGreen, occupied, owner);
      for (int c = 0; c < count; c++) {
        owner[targets[c]] = c;
      }
      for (int c = a; c < b; c++) {
        int j = (int) keys[c];
        green[j] = targetGreen[owner[tokens[scored[j]]]];
      }
    }
  }

  /** Per-position scoring: 1 if green, else 0. */
  private final class RandpermScorer implements TokenScorer {
    @Override
    public int contextWidth() {
      return ngram() - 1;
    }

    @Override
    public int vocabularySize() {
      return vocab;
    }

    @Override
    public NullDistribution nullDistribution() {
      return nullDistribution;
    }

    /** Checks the position and the token ids of its n-gram; returns where the n-gram starts. */
    private int checkedNgramStart(int[] tokens, int position) {
      int w = contextWidth();
      if (position < w || position >= tokens.length) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "position must be between %d (context width) and %d, was %d", w, tokens.length - 1, position));
      }
      int from = position - ngram() + 1;
      for (int i = from; i <= position; i++) {
        checkToken(tokens, i);
      }
      return from;
    }

    @Override
    public double score(int[] tokens, int position) {
      int from = checkedNgramStart(tokens, position);
      int seed = prf.seed(tokens, from, h);
      int target = tokens[position];
      if (!selfSalt) {
        long[] bits = greenCache.get(seed);
        if (bits != null) {
          return (bits[target >>> 6] & (1L << target)) != 0 ? 1.0 : 0.0;
        }
      }
      Scratch s = scratch.get();
      TorchMt19937 rng = s.rng;
      rng.seed(seed);
      if (!selfSalt && greenCache.shouldCache(seed)) {
        perm.prefix(rng, s.block, s.identity, s.touched, s.out);
        long[] bits = new long[(vocab + 63) >>> 6];
        for (int i = 0; i < perm.prefixLength(); i++) {
          bits[s.out[i] >>> 6] |= 1L << s.out[i];
        }
        greenCache.put(seed, bits);
        return (bits[target >>> 6] & (1L << target)) != 0 ? 1.0 : 0.0;
      }
      return perm.inPrefix(rng, s.block, target) ? 1.0 : 0.0;
    }

    /**
     * The score of a position is decided by its seed and its token, and different windows can
     * share a seed: permutations of the window under {@code additive_prf}, windows that share
     * their last token under transformers' {@code lefthash} with w > 1, windows with the same
     * minimum under the min-hash PRFs, and 32-bit seed collisions. The unit is therefore (seed,
     * token), or the seed alone for {@link DedupMode#WINDOW}; it depends on the key.
     */
    @Override
    public long unitFingerprint(int[] tokens, int position, DedupMode mode) {
      int from = checkedNgramStart(tokens, position);
      long seedUnit = seedFingerprint(prf.seed(tokens, from, h));
      switch (mode) {
        case WINDOW:
          return seedUnit;
        case WINDOW_AND_TOKEN:
          return UnitFingerprints.tupleFromWindow(seedUnit, tokens[position]);
        default:
          throw new IllegalArgumentException("dedup mode NONE has no unit fingerprint");
      }
    }

    @Override
    public boolean keyDependentUnits() {
      return true;
    }

    @Override
    public String toString() {
      return "TokenScorer[" + spec.redacted() + "]";
    }
  }

  /** A 64-bit fingerprint of a 32-bit seed (SplitMix64 finalizer of a domain-tagged value). */
  static long seedFingerprint(int seed) {
    return Mix.splitMix64((seed & 0xFFFFFFFFL) ^ 0x544D_4950_5345_4544L); // "TMIPSEED"
  }

  /** The generation side: adds δ to the green logits as the reference's logits processor does. */
  private final class RandpermBias implements BiasScheme {
    @Override
    public void apply(int[] tokens, int length, float[] logits) {
      if (logits.length != vocab) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "logits.length must equal vocab %d, was %d", vocab, logits.length));
      }
      if (length < 0 || length > tokens.length) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "length must be between 0 and %d, was %d", tokens.length, length));
      }
      int needed = flavor.contextNeeded(h, selfSalt);
      if (length < needed) {
        if (flavor.skipsShortContext()) {
          return; // transformers logs a warning and leaves the scores alone
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%s needs at least %d context tokens, length was %d", spec.redacted(), needed, length));
      }
      for (int i = length - Math.min(length, h); i < length; i++) {
        checkToken(tokens, i);
      }
      for (int i = 0; i < logits.length; i++) {
        if (Float.isNaN(logits[i])) {
          throw new IllegalArgumentException(String.format(Locale.ROOT, "logit %d is NaN", i));
        }
      }
      Scratch s = scratch.get();
      if (!selfSalt) {
        s.rng.seed(prf.seed(tokens, length - h, h));
        perm.prefix(s.rng, s.block, s.identity, s.touched, s.out);
        int k = perm.prefixLength();
        for (int i = 0; i < k; i++) {
          int t = s.out[i];
          logits[t] = logits[t] + delta;
        }
        return;
      }
      int count = topCandidates(logits, s.top);
      int[] window = s.window;
      System.arraycopy(tokens, length - (h - 1), window, 0, h - 1);
      for (int c = 0; c < count; c++) {
        int candidate = s.top[c];
        window[h - 1] = candidate;
        s.rng.seed(prf.seed(window, 0, h));
        s.topGreen[c] = perm.inPrefix(s.rng, s.block, candidate);
      }
      for (int c = 0; c < count; c++) {
        if (s.topGreen[c]) {
          int t = s.top[c];
          logits[t] = logits[t] + delta;
        }
      }
    }

    @Override
    public int vocabularySize() {
      return vocab;
    }

    @Override
    public InteropSpec spec() {
      return spec;
    }

    @Override
    public String toString() {
      return "BiasScheme[" + spec.redacted() + "]";
    }
  }

  /**
   * The indices of the {@code top.length} largest logits, largest first (ties: lower index
   * first; {@code torch.sort} does not promise an order for ties). Returns how many were written.
   */
  static int topCandidates(float[] logits, int[] top) {
    int size = 0;
    int cap = top.length;
    for (int i = 0; i < logits.length; i++) {
      float v = logits[i];
      if (size == cap && !(v > logits[top[size - 1]])) {
        continue;
      }
      int j = size == cap ? size - 1 : size;
      while (j > 0 && v > logits[top[j - 1]]) {
        top[j] = top[j - 1];
        j--;
      }
      top[j] = i;
      if (size < cap) {
        size++;
      }
    }
    return size;
  }

  @Override
  public String toString() {
    return "Watermark[" + spec.redacted() + "]";
  }
}
