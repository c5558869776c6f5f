package io.tracemark.api;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * The watermark of lm-watermarking (jwkirchenbauer/lm-watermarking, family {@code lmw}): green
 * lists of PyTorch CPU {@code torch.randperm} draws seeded by one of its PRFs over the context,
 * keyed by an integer hash key.
 *
 * <p>Text form: {@code lmw:seeding=lefthash,vocab=50257} with {@code seeding} = {@code lefthash}
 * (alias {@code simple_1}), {@code selfhash} ({@code algorithm-3}), {@code minhash},
 * {@code skipgram}, or {@code ff-<prf>-<h>-<True|False>[-<key>]}; or explicitly {@code prf},
 * {@code context-width}, {@code self-salt}. {@code vocab} (required), {@code gamma} (0.25),
 * {@code delta} (2.0), {@code hash-key} (alias {@code hashing-key}; 15485863, or the ff name's key),
 * {@code ignore-repeated-ngrams} (true, the reference detector's default), {@code bos-token-id}
 * (none). The canonical form spells out {@code prf}, {@code context-width} and {@code self-salt}.
 *
 * @param prf the PRF that seeds a green list from the context
 * @param width the PRF's context width (the {@code context-width} parameter): the tokens its seed
 *     reads, the scored token itself included when {@code selfSalt}; 1 to {@value #MAX_WIDTH}
 * @param selfSalt whether the scored token is part of its own seed ("self-salt")
 * @param hashKey the integer key ({@code hash-key})
 * @param gamma green fraction, in (0, 1)
 * @param delta bias added to green logits, finite
 * @param vocab the vocabulary size, 2 to {@value #MAX_VOCAB}
 * @param ignoreRepeatedNgrams whether the detector scores each distinct n-gram once
 * @param bosTokenId a token the detector skips when it starts the text, if any
 */
public record LmwSpec(Prf prf, int width, boolean selfSalt, long hashKey, double gamma, double delta, int vocab,
    boolean ignoreRepeatedNgrams, OptionalInt bosTokenId) implements InteropSpec {

  /** The family name in the text form. */
  public static final String FAMILY = "lmw";
  /** The reference's default hash key. */
  public static final long DEFAULT_HASH_KEY = 15485863L;
  /** The largest context width accepted. */
  public static final int MAX_WIDTH = 64;
  /**
   * The largest vocabulary: {@code torch.randperm} takes another branch (with another generator
   * use) from 2^32 / 20 on, which is not reproduced.
   */
  public static final int MAX_VOCAB = (int) (0xFFFFFFFFL / 20) - 1;

  /** What a reader must know about the PyTorch-randperm families: GPU green lists are not reproducible. */
  static final String GPU_CAVEAT = "green lists are reproduced for generation on a CPU only (torch.Generator on"
      + " \"cpu\"); text generated with this watermark on a GPU (CUDA generator) cannot be detected, and a"
      + " non-significant result on such text says nothing";

  /** lm-watermarking's PRF names ({@code prf_lookup} of {@code alternative_prf_schemes.py}). */
  public enum Prf {
    /** {@code additive_prf}. */
    ADDITIVE("additive_prf", 1),
    /** {@code multiplicative_prf}. */
    MULTIPLICATIVE("multiplicative_prf", 1),
    /** {@code minfunc_prf}. */
    MINFUNC("minfunc_prf", 1),
    /** {@code simple_skip_prf}. */
    SIMPLE_SKIP("simple_skip_prf", 1),
    /** {@code skipgram_prf}. */
    SKIPGRAM("skipgram_prf", 1),
    /** {@code anchored_skipgram_prf}. */
    ANCHORED_SKIPGRAM("anchored_skipgram_prf", 1),
    /** {@code minhash_prf}. */
    MINHASH("minhash_prf", 1),
    /** {@code anchored_minhash_prf}. */
    ANCHORED_MINHASH("anchored_minhash_prf", 1),
    /** {@code minskipgram_prf}. */
    MINSKIPGRAM("minskipgram_prf", 2),
    /** {@code noncomm_prf}. */
    NONCOMM("noncomm_prf", 1),
    /** {@code position_prf}. */
    POSITION("position_prf", 1);

    private final String pythonName;
    private final int minWidth;

    Prf(String pythonName, int minWidth) {
      this.pythonName = pythonName;
      this.minWidth = minWidth;
    }

    /** The name in lm-watermarking, e.g. {@code additive_prf}. */
    public String pythonName() {
      return pythonName;
    }

    /** The smallest context width the PRF works with. */
    public int minWidth() {
      return minWidth;
    }

    /**
     * The PRF of a Python name.
     *
     * @throws IllegalArgumentException listing the names
     */
    public static Prf parse(String name) {
      for (Prf p : values()) {
        if (p.pythonName.equals(name)) {
          return p;
        }
      }
      StringBuilder names = new StringBuilder();
      for (Prf p : values()) {
        names.append(names.length() == 0 ? "" : ", ").append(p.pythonName);
      }
      throw Checks.illegal("prf must be one of %s, was %s", names, SpecParameters.echoSafely(name));
    }
  }

  /** Validates every parameter; messages name the parameter and never the key. */
  public LmwSpec {
    if (prf == null) {
      throw new NullPointerException("prf");
    }
    if (bosTokenId == null) {
      throw new NullPointerException("bosTokenId");
    }
    Checks.require(width >= 1 && width <= MAX_WIDTH, "context-width must be between 1 and %d, was %d", MAX_WIDTH,
        width);
    Checks.require(width >= prf.minWidth, "context-width must be >= %d for %s, was %d", prf.minWidth, prf.pythonName,
        width);
    Checks.require(gamma > 0 && gamma < 1, "gamma must be in (0, 1), was %s", SpecParameters.decimal(gamma));
    Checks.require(Double.isFinite(delta), "delta must be finite, was %s", delta);
    Checks.require(vocab >= 2 && vocab <= MAX_VOCAB, "vocab must be between 2 and %d, was %d", MAX_VOCAB, vocab);
    Checks.require(bosTokenId.isEmpty() || bosTokenId.getAsInt() >= 0, "bos-token-id must be >= 0, was %d",
        bosTokenId.orElse(0));
  }

  /**
   * Parses the text form, e.g. {@code lmw:seeding=lefthash,gamma=0.25,vocab=50257}, with the
   * grammar of {@link SchemeSpec#parse}.
   *
   * @throws IllegalArgumentException naming the parameter, never showing the key; also for
   *     another family
   */
  public static LmwSpec parse(String text) {
    return parseBody(SpecParameters.bodyOf(text, FAMILY));
  }

  static LmwSpec parseBody(String body) {
    SpecParameters p = new SpecParameters(FAMILY, body, true);
    Checks.require(!p.isEmpty(), "%s: needs its parameters, e.g. %s:seeding=lefthash,vocab=50257", FAMILY, FAMILY);
    String seeding = p.take("seeding", "seeding-scheme");
    String prfName = p.take("prf", "prf-type");
    String widthText = p.take("context-width");
    String selfSaltText = p.take("self-salt");
    String keyText = p.take("hash-key", "hashing-key");
    Prf prf;
    int h;
    boolean selfSalt;
    Long nameKey = null;
    if (seeding != null) {
      Checks.require(prfName == null && widthText == null && selfSaltText == null,
          "lmw: give either seeding or prf/context-width/self-salt, not both");
      switch (seeding) {
        case "lefthash":
        case "simple_1":
          prf = Prf.ADDITIVE;
          h = 1;
          selfSalt = false;
          break;
        case "selfhash":
        case "algorithm-3":
          prf = Prf.ANCHORED_MINHASH;
          h = 4;
          selfSalt = true;
          break;
        case "minhash":
          prf = Prf.MINHASH;
          h = 4;
          selfSalt = false;
          break;
        case "skipgram":
          prf = Prf.SKIPGRAM;
          h = 5;
          selfSalt = false;
          break;
        default:
          Checks.require(seeding.startsWith("ff-"), "seeding must be lefthash, simple_1, selfhash, algorithm-3, "
              + "minhash, skipgram or ff-<prf>-<h>-<True|False>[-<key>], was %s", p.echo(redactSeeding(seeding)));
          String[] parts = seeding.split("-");
          Checks.require(parts.length == 4 || parts.length == 5, "seeding ff-<prf>-<h>-<True|False>[-<key>] must "
              + "have 4 or 5 parts, was %s", p.echo(redactSeeding(seeding)));
          Checks.require(parts[1].matches("[A-Za-z_]+"), "the prf part of seeding ff-<prf>-<h>-<True|False>[-<key>] "
              + "must be a PRF name, was %s", p.echo(redactSeeding(seeding)));
          prf = Prf.parse(parts[1]);
          Checks.require(parts[2].matches("[0-9]{1,2}"), "the h part of seeding ff-<prf>-<h>-<True|False>[-<key>] "
              + "must be an integer between 1 and 64, was %s", p.echo(redactSeeding(seeding)));
          h = p.integer("the h part of seeding", parts[2], 1, MAX_WIDTH);
          // Python: self_salt = split_scheme[3] == "True"
          selfSalt = parts[3].equals("True");
          if (parts.length == 5) {
            nameKey = SpecParameters.signedKey("the key part of seeding ff-<prf>-<h>-<True|False>-<key>", parts[4]);
          }
      }
    } else {
      prf = Prf.parse(prfName == null ? "additive_prf" : prfName);
      h = widthText == null ? 1 : p.integer("context-width", widthText, 1, MAX_WIDTH);
      selfSalt = selfSaltText != null && p.bool("self-salt", selfSaltText);
    }
    Checks.require(h >= prf.minWidth, "context-width must be >= %d for %s, was %d", prf.minWidth, prf.pythonName, h);
    long key = DEFAULT_HASH_KEY;
    if (keyText != null) {
      key = SpecParameters.signedKey("hash-key", keyText);
      Checks.require(nameKey == null || nameKey == key, "hash-key differs from the key part of seeding "
          + "ff-<prf>-<h>-<True|False>-<key>: give the key once (neither value is shown: they are keys)");
    } else if (nameKey != null) {
      key = nameKey;
    }
    int vocab = p.integer("vocab", p.required("vocab"), 2, MAX_VOCAB);
    String g = p.take("gamma");
    double gamma = g == null ? 0.25 : p.number("gamma", g);
    String d = p.take("delta");
    double delta = d == null ? 2.0 : p.number("delta", d);
    String ig = p.take("ignore-repeated-ngrams");
    boolean ignoreRepeated = ig == null || p.bool("ignore-repeated-ngrams", ig);
    String bos = p.take("bos-token-id");
    OptionalInt bosId = bos == null ? OptionalInt.empty()
        : OptionalInt.of(p.integer("bos-token-id", bos, 0, Integer.MAX_VALUE));
    p.done("seeding, prf, context-width, self-salt, hash-key, vocab, gamma, delta, ignore-repeated-ngrams, "
        + "bos-token-id");
    return new LmwSpec(prf, h, selfSalt, key, gamma, delta, vocab, ignoreRepeated, bosId);
  }

  /**
   * A seeding name as it may be shown in a message: an {@code ff-} name keeps the parts that look
   * like what belongs there (a PRF name, a width of one or two digits, {@code True}/{@code False}),
   * and every other part, the key included, becomes {@code ***}; any other name with a digit in it
   * is not shown at all.
   */
  static String redactSeeding(String seeding) {
    if (!seeding.regionMatches(true, 0, "ff-", 0, 3)) {
      return seeding.chars().anyMatch(Character::isDigit) ? "***" : seeding;
    }
    String[] parts = seeding.split("-", -1);
    StringBuilder b = new StringBuilder("ff");
    for (int i = 1; i < parts.length; i++) {
      boolean shown = (i == 1 && parts[1].matches("[A-Za-z_]+")) || (i == 2 && parts[2].matches("[0-9]{1,2}"))
          || (i == 3 && (parts[3].equals("True") || parts[3].equals("False")));
      b.append('-').append(shown ? parts[i] : "***");
    }
    return b.toString();
  }

  @Override
  public String family() {
    return FAMILY;
  }

  @Override
  public String canonical() {
    return render(Long.toString(hashKey));
  }

  @Override
  public String redacted() {
    return render("***");
  }

  private String render(String key) {
    String s = String.format(Locale.ROOT, "%s:prf=%s,context-width=%d,self-salt=%s,hash-key=%s,gamma=%s,delta=%s,"
        + "vocab=%d,ignore-repeated-ngrams=%s", FAMILY, prf.pythonName, width, selfSalt, key,
        SpecParameters.decimal(gamma), SpecParameters.decimal(delta), vocab, ignoreRepeatedNgrams);
    return bosTokenId.isPresent() ? s + ",bos-token-id=" + bosTokenId.getAsInt() : s;
  }

  /** The tokens before a position that its seed reads: the width, less the token itself when self-salted. */
  @Override
  public int contextWidth() {
    return selfSalt ? width - 1 : width;
  }

  @Override
  public NullDistribution nullDistribution() {
    return new NullDistribution.Binomial(gamma);
  }

  @Override
  public OptionalInt vocabularySize() {
    return OptionalInt.of(vocab);
  }

  /** Each distinct n-gram once with {@code ignore-repeated-ngrams} (the reference's default), else every position. */
  @Override
  public DedupMode defaultDedup() {
    return ignoreRepeatedNgrams ? DedupMode.WINDOW_AND_TOKEN : DedupMode.NONE;
  }

  @Override
  public String keyParameter() {
    return "hash-key";
  }

  @Override
  public long key() {
    return hashKey;
  }

  @Override
  public LmwSpec withKey(long key) {
    return new LmwSpec(prf, width, selfSalt, key, gamma, delta, vocab, ignoreRepeatedNgrams, bosTokenId);
  }

  @Override
  public boolean guessableKey() {
    return true;
  }

  @Override
  public String keyWarning() {
    return guessableKeyWarning(FAMILY);
  }

  static String guessableKeyWarning(String family) {
    return family + " keys are guessable: PyTorch seeds each green list with 32 bits, and keys are often the public "
        + "default 15485863 or a small number, so anyone holding watermarked text can find the key by trying keys "
        + "with the public detector; no commitment to the key is recorded, since any digest of it would give it away";
  }

  @Override
  public String caveat() {
    return GPU_CAVEAT;
  }

  /** The redacted form: never the key. */
  @Override
  public String toString() {
    return redacted();
  }
}
