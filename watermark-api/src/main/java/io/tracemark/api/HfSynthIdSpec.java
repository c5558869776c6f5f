package io.tracemark.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * SynthID-Text tournament watermarks as Google DeepMind's reference ({@code synthid-text}) and Hugging
 * Face transformers' {@code SynthIDTextWatermarkLogitsProcessor} compute them (family
 * {@code hf-synthid}): m keyed layers of binary g-values per n-gram, detected by the mean g-value
 * (or its weighted variant) with an exact tail. docs/interop.md, "SynthID-Text", gives the algorithm.
 *
 * <p>Text form: {@code hf-synthid:keys=K1/K2/…/Km,ngram-len=N,gvals=table|hash} with {@code keys}
 * (required; signed 64-bit integers separated by {@code /}, one per layer in layer order),
 * {@code ngram-len} (required, 2 to {@value #MAX_NGRAM_LEN}), {@code gvals} (required: {@code table}
 * as transformers and synthid-text until June 2025, {@code hash} as synthid-text since),
 * {@code table-size} (65536) and {@code table-seed} (0) with {@code gvals=table} only,
 * {@code context-history} (1024), {@code eos-token-id} (optional: n-grams ending at or after the
 * first EOS are not scored), {@code vocab} (optional; needed only to check token ids) and
 * {@code score} ({@code mean}, or {@code weighted-mean} for weights falling linearly from 10 to 1
 * over the layers).
 *
 * <p>The keys are secrets: {@link #redacted()} (also {@code toString()}) shows {@code keys=***}, and
 * no error message shows a key.
 *
 * @param keys the layer keys, 1 to {@value #MAX_DEPTH}, in layer order (an unmodifiable copy)
 * @param ngramLength N, the n-gram length: the N − 1 tokens before a position are its context
 * @param gValues how a layer key becomes a g-value
 * @param tableSize the size of the table of {@code gvals=table}, 1 to {@value #MAX_TABLE_SIZE};
 *     {@value #DEFAULT_TABLE_SIZE} (and not part of the text form) with {@code gvals=hash}
 * @param tableSeed the seed of the table's torch CPU generator; 0 with {@code gvals=hash}
 * @param contextHistory how many most recent contexts a repeated context is looked for in
 * @param eosTokenId the end-of-sequence token id, if given
 * @param vocab the vocabulary size, if given (1 or more)
 * @param score the statistic of a detection
 */
public record HfSynthIdSpec(List<Long> keys, int ngramLength, GValues gValues, int tableSize, long tableSeed,
    int contextHistory, OptionalInt eosTokenId, OptionalInt vocab, Score score) implements InteropSpec {

  /** The family name in the text form. */
  public static final String FAMILY = "hf-synthid";
  /** The largest number of layers accepted. */
  public static final int MAX_DEPTH = 1024;
  /** The largest n-gram length accepted. */
  public static final int MAX_NGRAM_LEN = 1024;
  /** The largest table accepted (transformers' configuration refuses larger ones). */
  public static final int MAX_TABLE_SIZE = 1 << 24;
  /** The default table size. */
  public static final int DEFAULT_TABLE_SIZE = 65536;
  /** The largest context history accepted. */
  public static final int MAX_CONTEXT_HISTORY = 1 << 20;
  /** The default context history. */
  public static final int DEFAULT_CONTEXT_HISTORY = 1024;

  /** How a layer key becomes a g-value. */
  public enum GValues {
    /** {@code table}: a bit of a table drawn with torch's CPU {@code randint}, indexed by the key modulo its size. */
    TABLE("table"),
    /** {@code hash}: bit 30 of the key re-hashed 12 times. */
    HASH("hash");

    private final String label;

    GValues(String label) {
      this.label = label;
    }

    /** The name in the text form. */
    public String label() {
      return label;
    }
  }

  /** The statistic of a detection. */
  public enum Score {
    /** {@code mean}: the mean g-value over the scored n-grams and the layers. */
    MEAN("mean"),
    /** {@code weighted-mean}: layer l weighted by 10 − 9l/(m − 1), normalised to sum to m. */
    WEIGHTED_MEAN("weighted-mean");

    private final String label;

    Score(String label) {
      this.label = label;
    }

    /** The name in the text form. */
    public String label() {
      return label;
    }
  }

  /** Validates and copies; messages name the parameter and never a key. */
  public HfSynthIdSpec {
    if (keys == null) {
      throw new NullPointerException("keys");
    }
    for (Long k : keys) {
      if (k == null) {
        throw new NullPointerException("keys contains null");
      }
    }
    keys = List.copyOf(keys);
    if (gValues == null) {
      throw new NullPointerException("gValues");
    }
    if (eosTokenId == null) {
      throw new NullPointerException("eosTokenId");
    }
    if (vocab == null) {
      throw new NullPointerException("vocab");
    }
    if (score == null) {
      throw new NullPointerException("score");
    }
    Checks.require(!keys.isEmpty() && keys.size() <= MAX_DEPTH, "keys must hold between 1 and %d keys, held %d",
        MAX_DEPTH, keys.size());
    Checks.require(ngramLength >= 2 && ngramLength <= MAX_NGRAM_LEN, "ngram-len must be between 2 and %d, was %d",
        MAX_NGRAM_LEN, ngramLength);
    if (gValues == GValues.HASH) {
      tableSize = DEFAULT_TABLE_SIZE; // not a parameter of the hash
      tableSeed = 0;
    }
    Checks.require(tableSize >= 1 && tableSize <= MAX_TABLE_SIZE, "table-size must be between 1 and %d, was %d",
        MAX_TABLE_SIZE, tableSize);
    Checks.require(contextHistory >= 1 && contextHistory <= MAX_CONTEXT_HISTORY,
        "context-history must be between 1 and %d, was %d", MAX_CONTEXT_HISTORY, contextHistory);
    Checks.require(eosTokenId.isEmpty() || eosTokenId.getAsInt() >= 0,
        "eos-token-id must be between 0 and %d, was %d", Integer.MAX_VALUE, eosTokenId.orElse(0));
    Checks.require(vocab.isEmpty() || vocab.getAsInt() >= 1, "vocab must be between 1 and %d, was %d",
        Integer.MAX_VALUE, vocab.orElse(0));
    Checks.require(vocab.isEmpty() || eosTokenId.isEmpty() || eosTokenId.getAsInt() < vocab.getAsInt(),
        "eos-token-id must be below vocab %d, was %d", vocab.orElse(0), eosTokenId.orElse(0));
  }

  /**
   * Parses the text form, e.g. {@code hf-synthid:keys=654/400/836,ngram-len=5,gvals=table}, with the
   * grammar of {@link SchemeSpec#parse}.
   *
   * @throws IllegalArgumentException naming the parameter, never showing a key; also for another family
   */
  public static HfSynthIdSpec parse(String text) {
    return parseBody(SpecParameters.bodyOf(text, FAMILY));
  }

  static HfSynthIdSpec parseBody(String body) {
    SpecParameters p = new SpecParameters(FAMILY, body, true);
    Checks.require(!p.isEmpty(), "%s: needs its parameters, e.g. %s:keys=K1/K2/K3,ngram-len=5,gvals=table", FAMILY,
        FAMILY);
    String[] parts = p.required("keys").split("/", -1);
    Checks.require(parts.length <= MAX_DEPTH, "keys must hold between 1 and %d keys, held %d", MAX_DEPTH,
        parts.length);
    List<Long> keys = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      keys.add(SpecParameters.signedKey(String.format(Locale.ROOT, "keys (key %d, counting from 1)", i + 1),
          parts[i].trim()));
    }
    int n = p.integer("ngram-len", p.required("ngram-len"), 2, MAX_NGRAM_LEN);
    String g = p.required("gvals");
    GValues gValues;
    if (g.equals("table")) {
      gValues = GValues.TABLE;
    } else if (g.equals("hash")) {
      gValues = GValues.HASH;
    } else {
      throw Checks.illegal("gvals must be table or hash, was %s", p.echo(g));
    }
    String size = p.take("table-size");
    String seed = p.take("table-seed");
    Checks.require(gValues == GValues.TABLE || (size == null && seed == null),
        "table-size and table-seed apply to gvals=table only, gvals was hash");
    int tableSize = size == null ? DEFAULT_TABLE_SIZE : p.integer("table-size", size, 1, MAX_TABLE_SIZE);
    long tableSeed = 0;
    if (seed != null) {
      Checks.require(Checks.isPlainInteger(seed), "table-seed must be an integer, was %s", p.echo(seed));
      try {
        tableSeed = Long.parseLong(seed);
      } catch (NumberFormatException e) {
        throw Checks.illegal("table-seed must be an integer between %d and %d, was %s", Long.MIN_VALUE,
            Long.MAX_VALUE, p.echo(seed));
      }
    }
    String h = p.take("context-history");
    int history = h == null ? DEFAULT_CONTEXT_HISTORY : p.integer("context-history", h, 1, MAX_CONTEXT_HISTORY);
    String e = p.take("eos-token-id");
    OptionalInt eos = e == null ? OptionalInt.empty()
        : OptionalInt.of(p.integer("eos-token-id", e, 0, Integer.MAX_VALUE));
    String v = p.take("vocab");
    OptionalInt vocab = v == null ? OptionalInt.empty() : OptionalInt.of(p.integer("vocab", v, 1, Integer.MAX_VALUE));
    String s = p.take("score");
    Score score;
    if (s == null || s.equals("mean")) {
      score = Score.MEAN;
    } else if (s.equals("weighted-mean") || s.equals("weighted_mean")) {
      score = Score.WEIGHTED_MEAN;
    } else {
      throw Checks.illegal("score must be mean or weighted-mean, was %s", p.echo(s));
    }
    p.done("keys, ngram-len, gvals, table-size, table-seed, context-history, eos-token-id, vocab, score");
    return new HfSynthIdSpec(keys, n, gValues, tableSize, tableSeed, history, eos, vocab, score);
  }

  /** m, the number of layers (keys). */
  public int depth() {
    return keys.size();
  }

  /**
   * The integer weight (level) of each layer in the statistic: all 1 for {@code score=mean}; for
   * {@code weighted-mean}, 10(m − 1) − 9l for layer l (1 for m = 1) divided by their greatest common
   * divisor: proportional to the reference's weights 10 − 9l/(m − 1), so the weighted mean g-value is
   * Σ level·g / (T·Σ level) exactly.
   */
  public int[] levels() {
    return score == Score.MEAN ? NullDistribution.LayeredBinomial.equalLevels(depth())
        : NullDistribution.LayeredBinomial.linearLevels(depth());
  }

  /** The same specification with another statistic. */
  public HfSynthIdSpec withScore(Score newScore) {
    return new HfSynthIdSpec(keys, ngramLength, gValues, tableSize, tableSeed, contextHistory, eosTokenId, vocab,
        newScore);
  }

  @Override
  public String family() {
    return FAMILY;
  }

  @Override
  public String canonical() {
    StringBuilder b = new StringBuilder();
    for (Long k : keys) {
      b.append(b.length() == 0 ? "" : "/").append(k.longValue());
    }
    return render(b.toString());
  }

  @Override
  public String redacted() {
    return render("***");
  }

  private String render(String keyText) {
    StringBuilder b = new StringBuilder(FAMILY).append(":keys=").append(keyText).append(",ngram-len=")
        .append(ngramLength).append(",gvals=").append(gValues.label);
    if (gValues == GValues.TABLE) {
      b.append(",table-size=").append(tableSize).append(",table-seed=").append(tableSeed);
    }
    b.append(",context-history=").append(contextHistory);
    eosTokenId.ifPresent(e -> b.append(",eos-token-id=").append(e));
    vocab.ifPresent(v -> b.append(",vocab=").append(v));
    return b.append(",score=").append(score.label).toString();
  }

  /** N − 1: the tokens of an n-gram before its last. */
  @Override
  public int contextWidth() {
    return ngramLength - 1;
  }

  /**
   * The law of one scored n-gram's score, {@link NullDistribution.LayeredBinomial} over
   * {@link #levels()}, with g-values Bernoulli(½) for {@code gvals=hash}.
   *
   * @throws UnsupportedOperationException for {@code gvals=table}: the law depends on the table's
   *     actual fraction of ones; the watermark's {@code scorer().nullDistribution()} has it
   */
  @Override
  public NullDistribution nullDistribution() {
    if (gValues == GValues.TABLE) {
      throw new UnsupportedOperationException("gvals=table: the null law depends on the table's fraction of ones; "
          + "use the watermark's scorer().nullDistribution()");
    }
    return new NullDistribution.LayeredBinomial(levels(), 0.5);
  }

  @Override
  public OptionalInt vocabularySize() {
    return vocab;
  }

  /** {@link DedupMode#WINDOW}: the reference masks an n-gram whose context occurred among the last {@code context-history}. */
  @Override
  public DedupMode defaultDedup() {
    return DedupMode.WINDOW;
  }

  /** {@code keys}. */
  @Override
  public String keyParameter() {
    return "keys";
  }

  /** The first layer's key. Never print it. */
  @Override
  public long key() {
    return keys.get(0);
  }

  /**
   * The same specification under m keys derived from {@code seed} (SplitMix64's output sequence
   * from that seed), e.g. a control family of keys for an empirical null.
   */
  @Override
  public HfSynthIdSpec withKey(long seed) {
    List<Long> derived = new ArrayList<>(keys.size());
    long x = seed;
    for (int i = 0; i < keys.size(); i++) {
      x += 0x9E3779B97F4A7C15L;
      long z = x;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      derived.add(z ^ (z >>> 31));
    }
    return new HfSynthIdSpec(derived, ngramLength, gValues, tableSize, tableSeed, contextHistory, eosTokenId, vocab,
        score);
  }

  /**
   * True for {@code gvals=table} with a power-of-two table: a layer's g-values then depend on its
   * key modulo the table size only (at most 2²⁴ values per layer, searchable one layer at a time).
   */
  @Override
  public boolean guessableKey() {
    return gValues == GValues.TABLE && Integer.bitCount(tableSize) == 1;
  }

  @Override
  public String keyWarning() {
    if (guessableKey()) {
      return FAMILY + " keys with gvals=table and a power-of-two table-size are guessable: a layer's g-values depend "
          + "on its key modulo the table size only, so each layer's key is found by trying at most table-size "
          + "values against watermarked text; no commitment to the keys hides them";
    }
    return FAMILY + " keys are 64-bit integers: a commitment hides them only as well as they are random; keys picked "
        + "by hand (small numbers, the published examples) are found by trying them";
  }

  @Override
  public String caveat() {
    return gValues == GValues.TABLE
        ? "gvals=table reproduces the table drawn on the CPU: text watermarked on a GPU used another table (CUDA's "
            + "generator), and 'not detected' means nothing for it; score the generated tokens only"
        : "score the generated tokens only: the watermark context excludes the prompt";
  }

  /** The redacted form: never a key. */
  @Override
  public String toString() {
    return redacted();
  }
}
