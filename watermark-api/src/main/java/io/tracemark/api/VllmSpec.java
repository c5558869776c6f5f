package io.tracemark.api;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * vLLM's Gumbel-max watermarks ({@code vllm/v1/watermarking}, family {@code vllm}) with the
 * {@value #PRF} PRF, keyed by an unsigned 64-bit key.
 *
 * <p>Text form: {@code vllm:algorithm=gumbel,key=42} with {@code algorithm} = {@code gumbel} |
 * {@code dual_key_gumbel}, {@code key} (required, unsigned 64-bit), {@code context-width} (4),
 * {@code alpha} (0.1, dual key only), {@code prf} ({@code philox}, i.e. {@value #PRF}),
 * {@code deduplicate-contexts} (true), {@code vocab} (optional; needed only to check token ids).
 *
 * @param algorithm gumbel or dual-key gumbel
 * @param key the key, an unsigned 64-bit value
 * @param contextWidth w, the output tokens before a position that its uniforms depend on, 1 to
 *     {@value #MAX_CONTEXT_WIDTH}
 * @param alpha for the dual-key scheme, the probability of drawing with the second key, in [0, 1];
 *     {@value #DEFAULT_ALPHA} (and not part of the text form) for gumbel
 * @param deduplicateContexts whether a context already seen is neither watermarked nor scored again
 * @param vocab the vocabulary size, if given (1 or more)
 */
public record VllmSpec(Algorithm algorithm, long key, int contextWidth, double alpha, boolean deduplicateContexts,
    OptionalInt vocab) implements InteropSpec {

  /** The family name in the text form. */
  public static final String FAMILY = "vllm";
  /** The PRF reproduced. */
  public static final String PRF = "philox4x32-10-v1";
  /** The largest context width accepted. */
  public static final int MAX_CONTEXT_WIDTH = 1024;
  /** The default α of the dual-key scheme. */
  public static final double DEFAULT_ALPHA = 0.1;

  /** vLLM's two Gumbel-max algorithms. */
  public enum Algorithm {
    /** {@code gumbel}: one key. */
    GUMBEL("gumbel"),
    /** {@code dual_key_gumbel}: key B with probability α, key A otherwise. */
    DUAL_KEY_GUMBEL("dual_key_gumbel");

    private final String label;

    Algorithm(String label) {
      this.label = label;
    }

    /** The name in vLLM and in the text form. */
    public String label() {
      return label;
    }
  }

  /** Validates every parameter; messages name the parameter and never the key. */
  public VllmSpec {
    if (algorithm == null) {
      throw new NullPointerException("algorithm");
    }
    if (vocab == null) {
      throw new NullPointerException("vocab");
    }
    Checks.require(contextWidth >= 1 && contextWidth <= MAX_CONTEXT_WIDTH,
        "context-width must be between 1 and %d, was %d", MAX_CONTEXT_WIDTH, contextWidth);
    if (algorithm == Algorithm.GUMBEL) {
      alpha = DEFAULT_ALPHA; // not a parameter of gumbel
    }
    Checks.require(alpha >= 0 && alpha <= 1, "alpha must be between 0 and 1, was %s", SpecParameters.decimal(alpha));
    Checks.require(vocab.isEmpty() || vocab.getAsInt() >= 1, "vocab must be between 1 and %d, was %d",
        Integer.MAX_VALUE, vocab.orElse(0));
  }

  /**
   * Parses the text form, e.g. {@code vllm:algorithm=gumbel,key=42}, with the grammar of
   * {@link SchemeSpec#parse}.
   *
   * @throws IllegalArgumentException naming the parameter, never showing the key; also for
   *     another family
   */
  public static VllmSpec parse(String text) {
    return parseBody(SpecParameters.bodyOf(text, FAMILY));
  }

  static VllmSpec parseBody(String body) {
    SpecParameters p = new SpecParameters(FAMILY, body, true);
    Checks.require(!p.isEmpty(), "%s: needs its parameters, e.g. %s:algorithm=gumbel,key=K", FAMILY, FAMILY);
    String a = p.take("algorithm");
    Algorithm algorithm;
    if (a == null || a.equals("gumbel")) {
      algorithm = Algorithm.GUMBEL;
    } else if (a.equals("dual_key_gumbel") || a.equals("dual-key-gumbel")) {
      algorithm = Algorithm.DUAL_KEY_GUMBEL;
    } else {
      throw Checks.illegal("algorithm must be gumbel or dual_key_gumbel, was %s", p.echo(a));
    }
    long key = SpecParameters.unsignedKey("key", p.required("key"));
    String w = p.take("context-width");
    int width = w == null ? 4 : p.integer("context-width", w, 1, MAX_CONTEXT_WIDTH);
    String al = p.take("alpha");
    double alpha = DEFAULT_ALPHA;
    if (al != null) {
      Checks.require(algorithm == Algorithm.DUAL_KEY_GUMBEL,
          "alpha applies to algorithm=dual_key_gumbel only, algorithm was gumbel");
      alpha = p.number("alpha", al);
    }
    String prf = p.take("prf");
    Checks.require(prf == null || prf.equals("philox") || prf.equals(PRF), "prf must be philox (%s), was %s", PRF,
        prf == null ? "" : p.echo(prf));
    String d = p.take("deduplicate-contexts");
    boolean dedup = d == null || p.bool("deduplicate-contexts", d);
    String v = p.take("vocab");
    OptionalInt vocab = v == null ? OptionalInt.empty() : OptionalInt.of(p.integer("vocab", v, 1, Integer.MAX_VALUE));
    p.done("algorithm, key, context-width, alpha, prf, deduplicate-contexts, vocab");
    return new VllmSpec(algorithm, key, width, alpha, dedup, vocab);
  }

  @Override
  public String family() {
    return FAMILY;
  }

  @Override
  public String canonical() {
    return render(Long.toUnsignedString(key));
  }

  @Override
  public String redacted() {
    return render("***");
  }

  private String render(String keyText) {
    StringBuilder b = new StringBuilder(FAMILY).append(":algorithm=").append(algorithm.label).append(",key=")
        .append(keyText).append(",context-width=").append(contextWidth);
    if (algorithm == Algorithm.DUAL_KEY_GUMBEL) {
      b.append(",alpha=").append(SpecParameters.decimal(alpha));
    }
    b.append(",prf=").append(PRF).append(",deduplicate-contexts=").append(deduplicateContexts);
    vocab.ifPresent(v -> b.append(",vocab=").append(v));
    return b.toString();
  }

  /** GammaSum: each scored token's score is Exp(1) under H0 (for dual key, after the exact transform). */
  @Override
  public NullDistribution nullDistribution() {
    return new NullDistribution.GammaSum();
  }

  @Override
  public OptionalInt vocabularySize() {
    return vocab;
  }

  /** {@link DedupMode#WINDOW} with {@code deduplicate-contexts} (vLLM's default), else {@link DedupMode#NONE}. */
  @Override
  public DedupMode defaultDedup() {
    return deduplicateContexts ? DedupMode.WINDOW : DedupMode.NONE;
  }

  @Override
  public String keyParameter() {
    return "key";
  }

  @Override
  public VllmSpec withKey(long newKey) {
    return new VllmSpec(algorithm, newKey, contextWidth, alpha, deduplicateContexts, vocab);
  }

  @Override
  public boolean guessableKey() {
    return false;
  }

  @Override
  public String keyWarning() {
    return String.format(Locale.ROOT, "%s keys are 64-bit integers: the salted commitment hides the key only as well "
        + "as the key is random; a key picked by hand (a small number, a date) is found from it by trying keys, and "
        + "even a random 64-bit key is within reach of a large search", FAMILY);
  }

  @Override
  public String caveat() {
    return "score the generated (output) tokens only: vLLM's watermark context excludes the prompt";
  }

  /** The redacted form: never the key. */
  @Override
  public String toString() {
    return redacted();
  }
}
