package io.tracemark.api;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * The watermark of Hugging Face transformers ({@code WatermarkLogitsProcessor} /
 * {@code WatermarkDetector}, family {@code hf}): green lists of PyTorch CPU {@code torch.randperm}
 * draws seeded from the context, keyed by an integer hashing key.
 *
 * <p>Text form: {@code hf:seeding=lefthash,vocab=50257} with {@code seeding} = {@code lefthash} |
 * {@code selfhash}, {@code vocab} (required, the model config's), {@code gamma} (alias
 * {@code greenlist-ratio}, 0.25), {@code delta} (alias {@code bias}, 2.0), {@code hash-key} (alias
 * {@code hashing-key}, 15485863), {@code context-width} (1), {@code bos-token-id} (none),
 * {@code ignore-repeated-ngrams} (accepted and checked; the reference detector does not deduplicate
 * either way, so it is not part of the canonical form).
 *
 * @param selfHash {@code selfhash} seeding (the scored token is part of its own seed), else {@code lefthash}
 * @param width the {@code context-width} parameter: the tokens the seed reads, the scored token
 *     itself included with {@code selfHash}; 1 to {@value LmwSpec#MAX_WIDTH}
 * @param hashKey the integer key ({@code hash-key})
 * @param gamma green fraction, in (0, 1)
 * @param delta bias added to green logits, finite
 * @param vocab the vocabulary size, 2 to {@value LmwSpec#MAX_VOCAB}
 * @param bosTokenId a token the detector skips when it starts the text, if any
 */
public record HfSpec(boolean selfHash, int width, long hashKey, double gamma, double delta, int vocab,
    OptionalInt bosTokenId) implements InteropSpec {

  /** The family name in the text form. */
  public static final String FAMILY = "hf";

  /** Validates every parameter; messages name the parameter and never the key. */
  public HfSpec {
    if (bosTokenId == null) {
      throw new NullPointerException("bosTokenId");
    }
    Checks.require(width >= 1 && width <= LmwSpec.MAX_WIDTH, "context-width must be between 1 and %d, was %d",
        LmwSpec.MAX_WIDTH, width);
    Checks.require(gamma > 0 && gamma < 1, "gamma must be in (0, 1), was %s", SpecParameters.decimal(gamma));
    Checks.require(Double.isFinite(delta), "delta must be finite, was %s", delta);
    Checks.require(vocab >= 2 && vocab <= LmwSpec.MAX_VOCAB, "vocab must be between 2 and %d, was %d",
        LmwSpec.MAX_VOCAB, vocab);
    Checks.require(bosTokenId.isEmpty() || bosTokenId.getAsInt() >= 0, "bos-token-id must be >= 0, was %d",
        bosTokenId.orElse(0));
  }

  /**
   * Parses the text form, e.g. {@code hf:seeding=selfhash,vocab=50257}, with the grammar of
   * {@link SchemeSpec#parse}.
   *
   * @throws IllegalArgumentException naming the parameter, never showing the key; also for
   *     another family
   */
  public static HfSpec parse(String text) {
    return parseBody(SpecParameters.bodyOf(text, FAMILY));
  }

  static HfSpec parseBody(String body) {
    SpecParameters p = new SpecParameters(FAMILY, body, true);
    Checks.require(!p.isEmpty(), "%s: needs its parameters, e.g. %s:seeding=lefthash,vocab=50257", FAMILY, FAMILY);
    String seeding = p.take("seeding", "seeding-scheme");
    boolean self;
    if (seeding == null || seeding.equals("lefthash")) {
      self = false;
    } else if (seeding.equals("selfhash")) {
      self = true;
    } else {
      throw Checks.illegal("seeding must be lefthash or selfhash, was %s", p.echo(LmwSpec.redactSeeding(seeding)));
    }
    String g = p.take("gamma", "greenlist-ratio");
    double gamma = g == null ? 0.25 : p.number("gamma", g);
    String d = p.take("delta", "bias");
    double delta = d == null ? 2.0 : p.number("delta", d);
    String k = p.take("hash-key", "hashing-key");
    long key = k == null ? LmwSpec.DEFAULT_HASH_KEY : SpecParameters.signedKey("hash-key", k);
    String w = p.take("context-width");
    int h = w == null ? 1 : p.integer("context-width", w, 1, LmwSpec.MAX_WIDTH);
    int vocab = p.integer("vocab", p.required("vocab"), 2, LmwSpec.MAX_VOCAB);
    String bos = p.take("bos-token-id");
    OptionalInt bosId = bos == null ? OptionalInt.empty()
        : OptionalInt.of(p.integer("bos-token-id", bos, 0, Integer.MAX_VALUE));
    String ig = p.take("ignore-repeated-ngrams");
    if (ig != null) {
      p.bool("ignore-repeated-ngrams", ig); // checked; the reference counts every n-gram either way
    }
    p.done("seeding, gamma, delta, hash-key, context-width, vocab, bos-token-id, ignore-repeated-ngrams");
    return new HfSpec(self, h, key, gamma, delta, vocab, bosId);
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
    String s = String.format(Locale.ROOT, "%s:seeding=%s,context-width=%d,hash-key=%s,gamma=%s,delta=%s,vocab=%d",
        FAMILY, selfHash ? "selfhash" : "lefthash", width, key, SpecParameters.decimal(gamma),
        SpecParameters.decimal(delta), vocab);
    return bosTokenId.isPresent() ? s + ",bos-token-id=" + bosTokenId.getAsInt() : s;
  }

  /** The tokens before a position that its seed reads: the width, less the token itself with selfhash. */
  @Override
  public int contextWidth() {
    return selfHash ? width - 1 : width;
  }

  @Override
  public NullDistribution nullDistribution() {
    return new NullDistribution.Binomial(gamma);
  }

  @Override
  public OptionalInt vocabularySize() {
    return OptionalInt.of(vocab);
  }

  /** {@link DedupMode#NONE}: transformers' detector scores every n-gram (its {@code ignore_repeated_ngrams} does not deduplicate). */
  @Override
  public DedupMode defaultDedup() {
    return DedupMode.NONE;
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
  public HfSpec withKey(long key) {
    return new HfSpec(selfHash, width, key, gamma, delta, vocab, bosTokenId);
  }

  @Override
  public boolean guessableKey() {
    return true;
  }

  @Override
  public String keyWarning() {
    return LmwSpec.guessableKeyWarning(FAMILY);
  }

  @Override
  public String caveat() {
    return LmwSpec.GPU_CAVEAT;
  }

  /** The redacted form: never the key. */
  @Override
  public String toString() {
    return redacted();
  }
}
