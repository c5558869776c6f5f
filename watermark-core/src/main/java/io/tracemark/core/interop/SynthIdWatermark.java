package io.tracemark.core.interop;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.HfSynthIdSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PositionMask;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.core.internal.Digests;
import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.internal.SequentialDetector;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.stats.WeightedPValues;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.random.RandomGenerator;

/**
 * SynthID-Text's tournament watermark as transformers' {@code SynthIDTextWatermarkLogitsProcessor} and
 * DeepMind's synthid-text compute it (docs/interop.md, "SynthID-Text"), bit for bit on the CPU.
 *
 * <p>Hash: {@code f(h, x) = (h + x)·M + 1} on wrapping signed 64-bit integers; the context hash of
 * an n-gram folds its first N − 1 tokens from the initial value (1 for {@code gvals=table}, a SHA-256
 * of the keys for {@code gvals=hash}), the n-gram hash adds its last token, and layer l's key is
 * {@code f(ngramHash, k_l)}. A layer key's g-value is a bit of the table drawn with torch's CPU
 * generator ({@code table[floorMod(key, size)]}) or bit 30 of the key re-hashed 12 times.
 *
 * <p>Detection masks an n-gram whose context hash occurred among the {@code context-history} most
 * recent contexts (the reference's history starts as that many zeros) and every n-gram ending at or
 * after the first EOS token, and reports the reference's statistic over the T scored n-grams. Its
 * p-value is exact under the model that distinct g-value units are independent Bernoulli(p) bits
 * (p = ½ for the hash, the table's fraction of ones for the table): a unit is a table entry (table)
 * or a layer key (hash), and a unit met twice — a repeated n-gram beyond the history, two layers
 * hitting one table entry — counts once, with the level of its first occurrence. Immutable and
 * thread-safe.
 */
final class SynthIdWatermark implements Watermark {
  /** The multiplier of the reference's {@code accumulate_hash}. */
  static final long MULTIPLIER = 6364136223846793005L;

  private final HfSynthIdSpec spec;
  private final int vocab;
  private final long[] keys;
  private final int[] levels;
  private final int n;
  private final boolean useTable;
  private final long iv;
  /** The table's bits, one per byte (table mode only). */
  private final byte[] table;
  private final NullDistribution.LayeredBinomial law;
  private final int maxLevel;
  private final SynthIdScorer scorer = new SynthIdScorer();
  private final SynthIdSampling sampling = new SynthIdSampling();

  SynthIdWatermark(HfSynthIdSpec spec, int vocab) {
    Checks.require(vocab >= 1, "vocabularySize must be >= 1, was %d", vocab);
    this.spec = spec;
    this.vocab = vocab;
    this.keys = spec.keys().stream().mapToLong(Long::longValue).toArray();
    this.levels = spec.levels();
    this.n = spec.ngramLength();
    this.useTable = spec.gValues() == HfSynthIdSpec.GValues.TABLE;
    this.iv = initialValue(keys, spec.gValues());
    double p;
    if (useTable) {
      this.table = table(spec.tableSeed(), spec.tableSize());
      long ones = 0;
      for (byte b : table) {
        ones += b;
      }
      Checks.require(ones > 0 && ones < table.length, "table-size %d with table-seed gives a table of %s: its g-values "
          + "are constant and carry no watermark", table.length, ones == 0 ? "zeros only" : "ones only");
      p = (double) ones / table.length;
    } else {
      this.table = null;
      p = 0.5;
    }
    this.law = new NullDistribution.LayeredBinomial(levels, p);
    int max = 0;
    for (int l : levels) {
      max = Math.max(max, l);
    }
    this.maxLevel = max;
  }

  /** One step of the reference's hash: {@code (h + x)·M + 1}, wrapping. */
  static long step(long h, long x) {
    return (h + x) * MULTIPLIER + 1;
  }

  /**
   * The initial value of the context and n-gram hashes: 1 for the table; for the hash, the SHA-256
   * of the keys as 8-byte little-endian words in layer order, read as a big-endian unsigned integer,
   * modulo 2⁶³ − 1.
   */
  static long initialValue(long[] keys, HfSynthIdSpec.GValues gValues) {
    if (gValues == HfSynthIdSpec.GValues.TABLE) {
      return 1;
    }
    ByteBuffer b = ByteBuffer.allocate(8 * keys.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long k : keys) {
      b.putLong(k);
    }
    return new BigInteger(1, Digests.sha256("", b.array())).mod(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
  }

  /** The g-value of a layer key with the hash: 12 times {@code k ← f(k, 1) >> 5} (arithmetic), then bit 30. */
  static int hashBit(long key) {
    long k = key;
    for (int i = 0; i < 12; i++) {
      k = step(k, 1) >> 5;
    }
    return (int) ((k >> 30) & 1);
  }

  /**
   * {@code torch.randint(0, 2, (size,), generator=torch.Generator().manual_seed(seed))}: entry i is
   * the low bit of the i-th 32-bit MT19937 output (torch draws a range of 2 with one 32-bit word).
   */
  static byte[] table(long seed, int size) {
    TorchMt19937 mt = new TorchMt19937();
    mt.seed(seed);
    byte[] t = new byte[size];
    for (int i = 0; i < size; i++) {
      t[i] = (byte) (mt.nextInt() & 1);
    }
    return t;
  }

  /** The g-value of layer key {@code key}. */
  int gValue(long key) {
    return useTable ? table[Math.floorMod(key, table.length)] : hashBit(key);
  }

  /** The unit a layer key's g-value is read from: its table index, or the key itself for the hash. */
  private long unit(long key) {
    return useTable ? Math.floorMod(key, table.length) : key;
  }

  /** The hash of the N − 1 tokens {@code tokens[from, from + N − 1)} from the initial value. */
  long contextHash(int[] tokens, int from) {
    long h = iv;
    for (int i = from; i < from + n - 1; i++) {
      h = step(h, tokens[i]);
    }
    return h;
  }

  long initialValue() {
    return iv;
  }

  long[] keys() {
    return keys.clone();
  }

  /** The layer keys of the n-gram with context hash {@code context} and last token {@code token}. */
  long layerKey(long context, int token, int layer) {
    return step(step(context, token), keys[layer]);
  }

  @Override
  public HfSynthIdSpec spec() {
    return spec;
  }

  @Override
  public int vocabularySize() {
    return vocab;
  }

  /** {@code hf-synthid-key}: the keys are in the specification. */
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

  /**
   * {@link DedupMode#WINDOW}: the reference's context-repetition mask; {@link DedupMode#NONE}: no
   * repetition mask (the EOS mask and the count-once rule of the p-value stay).
   *
   * @throws IllegalArgumentException for {@link DedupMode#WINDOW_AND_TOKEN}, which the reference has no rule for
   */
  @Override
  public Detector detector(DedupMode dedup) {
    if (dedup == null) {
      throw new NullPointerException("dedup");
    }
    Checks.require(dedup != DedupMode.WINDOW_AND_TOKEN, "%s detects with dedup window (the reference's "
        + "context-repetition mask) or none, was %s", spec.family(), dedup.label());
    return new SequentialDetector(dedup, this::detect, spec.redacted());
  }

  private void checkTokens(int[] tokens, int from, int to) {
    Checks.tokenIds(tokens, from, to, vocab);
  }

  /**
   * The reference's context-repetition mask over {@code length} context hashes: entry j is true
   * (masked) when {@code contexts[j]} is among the {@code history} most recent previous ones, the
   * list starting as {@code history} zeros.
   */
  static boolean[] repeatedContexts(long[] contexts, int length, int history) {
    boolean[] masked = new boolean[length];
    long[] ring = new long[history];
    java.util.HashMap<Long, Integer> counts = new java.util.HashMap<>();
    counts.put(0L, history);
    int at = 0;
    for (int j = 0; j < length; j++) {
      long c = contexts[j];
      masked[j] = counts.getOrDefault(c, 0) > 0;
      long old = ring[at];
      counts.merge(old, -1, Integer::sum);
      ring[at] = c;
      counts.merge(c, 1, Integer::sum);
      at = at + 1 == history ? 0 : at + 1;
    }
    return masked;
  }

  /** Scores {@code tokens[offset, offset + length)} as the reference's detector masks them. */
  Detection detect(int[] tokens, int offset, int length, DedupMode dedup) {
    if (tokens == null) {
      throw new NullPointerException("tokens");
    }
    if (offset < 0 || length < 0 || offset > tokens.length - length) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "offset %d and length %d out of range for %d tokens", offset, length, tokens.length));
    }
    checkTokens(tokens, offset, offset + length);
    byte[] states = new byte[length];
    java.util.Arrays.fill(states, PositionMask.State.NO_CONTEXT.code());
    int grams = Math.max(0, length - n + 1);
    long[] contexts = new long[grams];
    for (int j = 0; j < grams; j++) {
      contexts[j] = contextHash(tokens, offset + j);
    }
    boolean[] repeated = dedup == DedupMode.WINDOW ? repeatedContexts(contexts, grams, spec.contextHistory())
        : new boolean[grams];
    int firstEos = length;
    if (spec.eosTokenId().isPresent()) {
      int eos = spec.eosTokenId().getAsInt();
      for (int i = 0; i < length; i++) {
        if (tokens[offset + i] == eos) {
          firstEos = i;
          break;
        }
      }
    }
    long[] tuplesPerLevel = new long[maxLevel + 1];
    LongHashSet units = new LongHashSet((int) Math.min((long) grams * keys.length, 1 << 16));
    long s = 0;
    long score = 0;
    long scored = 0;
    long green = 0;
    double mean = law.mean();
    for (int j = 0; j < grams; j++) {
      int pos = j + n - 1;
      if (pos >= firstEos) {
        states[pos] = PositionMask.State.EXCLUDED.code();
        continue;
      }
      if (repeated[j]) {
        states[pos] = PositionMask.State.DUPLICATE.code();
        continue;
      }
      long h = step(contexts[j], tokens[offset + pos]);
      long here = 0;
      for (int l = 0; l < keys.length; l++) {
        long key = step(h, keys[l]);
        int g = gValue(key);
        here += (long) levels[l] * g;
        if (units.add(unit(key))) {
          tuplesPerLevel[levels[l]]++;
          s += (long) levels[l] * g;
        }
      }
      score += here;
      scored++;
      boolean high = here >= mean;
      if (high) {
        green++;
      }
      states[pos] = (high ? PositionMask.State.GREEN : PositionMask.State.RED).code();
    }
    double log10p = WeightedPValues.log10BinomialUpperTail(tuplesPerLevel, s, law.p());
    double z = WeightedPValues.binomialZScore(tuplesPerLevel, s, law.p());
    return new Detection(length, scored, green, score, law, z, log10p, new PositionMask(states),
        OptionalDouble.empty());
  }

  /** Per-position score: Σ level·g over the layers of the n-gram ending at the position, no masks. */
  private final class SynthIdScorer implements TokenScorer {
    @Override
    public int contextWidth() {
      return n - 1;
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
      if (position < n - 1 || position >= tokens.length) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "position must be between %d (context width) and %d, was %d", n - 1, tokens.length - 1, position));
      }
      checkTokens(tokens, position - n + 1, position + 1);
      long h = step(contextHash(tokens, position - n + 1), tokens[position]);
      long here = 0;
      for (int l = 0; l < keys.length; l++) {
        here += (long) levels[l] * gValue(step(h, keys[l]));
      }
      return here;
    }

    /** The unit is the n-gram (or its context): its hash is a function of the tokens alone. */
    @Override
    public long unitFingerprint(int[] tokens, int position, DedupMode mode) {
      switch (mode) {
        case WINDOW:
          return UnitFingerprints.window(tokens, position - n + 1, n - 1);
        case WINDOW_AND_TOKEN:
          return UnitFingerprints.tuple(tokens, position - n + 1, n - 1, tokens[position]);
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
   * The tournament's distribution over {@code count} candidates: {@code p ← softmax(logits)}, then,
   * when {@code watermark}, for each layer in key order {@code p ← p·(1 + g − Σ p·g)} (the exact law
   * of the winner of a two-leaf-per-match tournament), normalised. {@code g} of candidate i in layer
   * l is the g-value of {@code f(f(context, candidates[i]), k_l)}. Writes p into {@code out}.
   */
  void tournament(float[] logits, int[] candidates, int count, long context, boolean watermark, double[] out) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < count; i++) {
      max = Math.max(max, logits[i]);
    }
    Checks.require(max > Float.NEGATIVE_INFINITY, "logits must hold a finite value, all %d were -infinity or NaN",
        count);
    double sum = 0;
    for (int i = 0; i < count; i++) {
      double e = logits[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp((double) logits[i] - max);
      out[i] = e;
      sum += e;
    }
    for (int i = 0; i < count; i++) {
      out[i] /= sum;
    }
    if (!watermark) {
      return;
    }
    int[] g = new int[count];
    for (int l = 0; l < keys.length; l++) {
      double mass = 0;
      for (int i = 0; i < count; i++) {
        g[i] = gValue(step(step(context, candidates == null ? i : candidates[i]), keys[l]));
        mass += g[i] * out[i];
      }
      for (int i = 0; i < count; i++) {
        out[i] *= 1 + g[i] - mass;
      }
    }
    sum = 0;
    for (int i = 0; i < count; i++) {
      sum += out[i];
    }
    for (int i = 0; i < count; i++) {
      out[i] /= sum;
    }
  }

  /** The index of the largest {@code p[i] / exponentials[i]} (the first on ties): a draw from p. */
  static int race(double[] p, double[] exponentials, int count) {
    int best = 0;
    double bestValue = -1;
    for (int i = 0; i < count; i++) {
      double q = p[i] / exponentials[i];
      if (q > bestValue) {
        best = i;
        bestValue = q;
      }
    }
    return best;
  }

  /**
   * The contexts of the generation calls before call {@code calls} (0-based) whose output so far is
   * {@code tokens[0, calls)}, and whether call {@code calls} is watermarked: its context (the last
   * N − 1 generated tokens, left-padded with token 0) is not among the {@code context-history} most
   * recent contexts of the previous calls (a list that starts as zeros), and it is not one of the
   * first N − 1 calls when {@code skipFirst}. Returns the context hash of call {@code calls}, and
   * writes the verdict into {@code watermarked[0]}.
   */
  long generationContext(int[] tokens, int calls, boolean skipFirst, boolean[] watermarked) {
    int history = spec.contextHistory();
    int first = skipFirst ? n - 1 : 0; // the calls that enter the history are first, first + 1, …
    long here = paddedContext(tokens, calls);
    if (calls < first) {
      watermarked[0] = false;
      return here;
    }
    int entered = calls - first;
    boolean seen = entered < history && here == 0; // the list still holds some of its initial zeros
    for (int c = Math.max(first, calls - history); c < calls && !seen; c++) {
      seen = paddedContext(tokens, c) == here;
    }
    watermarked[0] = !seen;
    return here;
  }

  /** The context hash of generation call {@code call}: the last N − 1 of {@code tokens[0, call)}, 0-padded. */
  private long paddedContext(int[] tokens, int call) {
    long h = iv;
    for (int i = call - (n - 1); i < call; i++) {
      h = step(h, i < 0 ? 0 : tokens[i]);
    }
    return h;
  }

  /**
   * Generation as transformers does it: the tournament over the whole vocabulary of the engine's
   * logits (after its temperature and top-k), a context repeated among the last
   * {@code context-history} calls left unwatermarked; {@code tokens[0, length)} is the generated
   * output so far (the prompt is never hashed). The draw from the tournament's distribution takes
   * one uniform from the caller's generator (inversion: an exact draw from the same distribution the
   * reference draws from with its exponential race).
   */
  private final class SynthIdSampling implements SamplingScheme {
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
      boolean[] watermarked = new boolean[1];
      long context = generationContext(tokens, length, false, watermarked);
      double[] p = new double[logits.length];
      tournament(logits, null, logits.length, context, watermarked[0], p);
      double u = random.nextDouble();
      double c = 0;
      int last = 0;
      for (int i = 0; i < p.length; i++) {
        if (p[i] > 0) {
          c += p[i];
          last = i;
          if (u < c) {
            return i;
          }
        }
      }
      return last; // u beyond the rounded total: the last candidate with mass
    }

    @Override
    public int vocabularySize() {
      return vocab;
    }

    @Override
    public HfSynthIdSpec spec() {
      return spec;
    }
  }

  @Override
  public String toString() {
    return "Watermark[" + spec.redacted() + "]";
  }
}
