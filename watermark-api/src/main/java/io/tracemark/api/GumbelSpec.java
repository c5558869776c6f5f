package io.tracemark.api;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * tracemark's own Gumbel-max watermark (Aaronson's scheme; family {@code gumbel}), keyed by a
 * {@link WatermarkKey} through PRF v1: each (context, token) pair has a keyed uniform u, generation
 * draws the token maximising u^(1/p) (p the engine's probability of the token), and detection sums
 * −ln(1 − u) of the chosen tokens, Exp(1) each under H0, with the exact Gamma(n, 1) tail.
 *
 * <p>Text form: {@code gumbel:h=4} (single key) or {@code gumbel:h=4,dual,alpha=0.1} (dual key,
 * vLLM's {@code dual_key_gumbel} construction on PRF v1: each watermarked step draws with a second,
 * independent key-derived stream B with probability α from the caller's generator, and with stream
 * A otherwise; detection scores (1 − α)·s_A + α·s_B). {@code h} is the context width, 1 to
 * {@value #MAX_H} (default 4); {@code dual} may also be written {@code dual=true} (or
 * {@code dual=false}); {@code alpha} lies in (0, 1) and is allowed only with {@code dual}
 * (default 0.1); {@code score} is {@code sum} (default) or {@code windowed} ({@link Score}).
 *
 * <p>Multi-bit payload: {@code gumbel:h=4,payload=b,symbol-bits=r} carries a message of b bits
 * (e.g. a tenant number) in every answer by the position allocation of {@code kgw:…,payload=b}
 * (docs/payload.md): the context picks one of the L = b / r symbol positions, and the uniforms of
 * the draw are keyed by the context and the value of that symbol. r is 1 to {@value
 * #MAX_SYMBOL_BITS} (default 2) and divides b; a payload takes the single-key scheme and {@code
 * score=sum}. The message is not part of the specification.
 *
 * @param contextWidth h, the tokens before a position that its uniform depends on
 * @param dual whether the dual-key construction is used
 * @param alpha the probability of stream B (dual key); 0 for the single-key scheme
 * @param score the statistic of a detection
 * @param payloadBits b, the bits of the message every answer carries, 1 to {@value
 *     #MAX_PAYLOAD_BITS}; 0 for no payload
 * @param symbolBits r, the bits of one symbol, 1 to {@value #MAX_SYMBOL_BITS}, dividing b; 0
 *     without a payload
 */
public record GumbelSpec(int contextWidth, boolean dual, double alpha, Score score, int payloadBits, int symbolBits)
    implements SchemeSpec {
  /** The statistic of a detection. */
  public enum Score {
    /** The sum of the unit scores over the whole text, with the exact Gamma(n, 1) tail. */
    SUM("sum"),
    /**
     * The best window of a fixed dyadic cover of the scored units (the whole text, and windows of
     * 2^j ≥ {@value GumbelSpec#MIN_WINDOW} units at steps of half their length), each with its exact
     * Gamma tail, Bonferroni-corrected for the windows of the cover: a per-text test that keeps
     * its power when edits or pasted human text leave only part of the text watermarked. Its
     * {@link Detection}'s score and z are the best window's, its counts the whole text's.
     */
    WINDOWED("windowed");

    private final String label;

    Score(String label) {
      this.label = label;
    }

    /** The spelling in the text form. */
    public String label() {
      return label;
    }
  }

  /** The family name in the text form. */
  public static final String FAMILY = "gumbel";
  /** The largest context width. */
  public static final int MAX_H = 255;
  /** The shortest window of {@link Score#WINDOWED} (in scored units). */
  public static final int MIN_WINDOW = 16;
  /** α of {@code dual} when none is given (vLLM's default). */
  public static final double DEFAULT_ALPHA = 0.1;
  /** Largest supported payload, in bits. */
  public static final int MAX_PAYLOAD_BITS = 32;
  /** Largest supported symbol, in bits: decoding scores every one of the 2^r values of a symbol at each unit. */
  public static final int MAX_SYMBOL_BITS = 4;
  /** Symbol bits of a payload when none are given. */
  public static final int DEFAULT_SYMBOL_BITS = 2;

  /** A specification without payload. */
  public GumbelSpec(int contextWidth, boolean dual, double alpha, Score score) {
    this(contextWidth, dual, alpha, score, 0, 0);
  }

  /** Validates every parameter. */
  public GumbelSpec {
    if (score == null) {
      throw new NullPointerException("score");
    }
    Checks.require(contextWidth >= 1 && contextWidth <= MAX_H, "h (context width) must be between 1 and %d, was %d",
        MAX_H, contextWidth);
    if (dual) {
      Checks.require(alpha > 0 && alpha < 1, "alpha must be in (0, 1), was %s", alpha);
    } else {
      Checks.require(alpha == 0, "alpha applies to the dual-key scheme only (add dual), was %s", alpha);
    }
    Checks.require(payloadBits >= 0 && payloadBits <= MAX_PAYLOAD_BITS,
        "payload must be between 1 and %d bits (or absent), was %d", MAX_PAYLOAD_BITS, payloadBits);
    if (payloadBits == 0) {
      Checks.require(symbolBits == 0, "symbol-bits needs a payload, was %d", symbolBits);
    } else {
      Checks.require(symbolBits >= 1 && symbolBits <= MAX_SYMBOL_BITS,
          "symbol-bits must be between 1 and %d, was %d", MAX_SYMBOL_BITS, symbolBits);
      Checks.require(payloadBits % symbolBits == 0,
          "symbol-bits must divide payload, were symbol-bits=%d and payload=%d", symbolBits, payloadBits);
      Checks.require(!dual, "a payload takes the single-key scheme (no dual)");
      Checks.require(score == Score.SUM, "a payload is decoded with score=sum, was score=%s", score.label);
    }
  }

  /** Whether the scheme carries a multi-bit payload ({@code payload=b}). */
  public boolean hasPayload() {
    return payloadBits > 0;
  }

  /** b / r, the symbols of the message (0 without payload). */
  public int symbols() {
    return payloadBits == 0 ? 0 : payloadBits / symbolBits;
  }

  /**
   * Parses the text form, e.g. {@code gumbel:h=4,dual,alpha=0.1}, with the grammar of
   * {@link SchemeSpec#parse}; a bare {@code dual} part stands for {@code dual=true}.
   *
   * @throws IllegalArgumentException naming the parameter; also for another family
   */
  public static GumbelSpec parse(String text) {
    return parseBody(SpecParameters.bodyOf(text, FAMILY));
  }

  static GumbelSpec parseBody(String body) {
    // the one flag of the family: a part that is exactly "dual" is dual=true
    String[] parts = body.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].trim().equalsIgnoreCase("dual")) {
        parts[i] = "dual=true";
      }
    }
    // values are echoed as for a family holding a key: a key typed into the wrong place stays unshown
    SpecParameters p = new SpecParameters(FAMILY, String.join(",", parts), true);
    String h = p.take("h", "context-width");
    String d = p.take("dual");
    String a = p.take("alpha");
    String sc = p.take("score");
    String b = p.take("payload");
    String r = p.take("symbol-bits");
    p.done("h, dual, alpha, score, payload, symbol-bits");
    int payload = b == null ? 0 : p.integer("payload", b, 1, MAX_PAYLOAD_BITS);
    Checks.require(r == null || b != null, "symbol-bits needs a payload (payload=b)");
    int symbol = r == null ? (payload > 0 ? DEFAULT_SYMBOL_BITS : 0) : p.integer("symbol-bits", r, 1, MAX_SYMBOL_BITS);
    Score score = null;
    for (Score x : Score.values()) {
      if (sc == null ? x == Score.SUM : x.label.equals(sc.toLowerCase(Locale.ROOT))) {
        score = x;
      }
    }
    if (score == null) {
      throw Checks.illegal("score must be sum or windowed, was %s", p.echo(sc));
    }
    boolean dual = d != null && p.bool("dual", d);
    Checks.require(dual || a == null, "alpha applies to the dual-key scheme only (add dual)");
    double alpha = dual ? (a == null ? DEFAULT_ALPHA : p.number("alpha", a)) : 0;
    if (dual && !(alpha > 0 && alpha < 1)) {
      throw Checks.illegal("alpha must be in (0, 1), was %s", p.echo(a));
    }
    return new GumbelSpec(h == null ? 4 : p.integer("h", h, 1, MAX_H), dual, alpha, score, payload, symbol);
  }

  @Override
  public String family() {
    return FAMILY;
  }

  /**
   * {@code gumbel:h=4,score=sum}, {@code gumbel:h=4,dual,alpha=0.1,score=sum}, or {@code
   * gumbel:h=4,score=sum,payload=20,symbol-bits=2}.
   */
  @Override
  public String canonical() {
    return String.format(Locale.ROOT, "%s:h=%d%s,score=%s%s", FAMILY, contextWidth,
        dual ? ",dual,alpha=" + SpecParameters.decimal(alpha) : "", score.label,
        payloadBits > 0 ? ",payload=" + payloadBits + ",symbol-bits=" + symbolBits : "");
  }

  /** The same specification with another statistic. */
  public GumbelSpec withScore(Score newScore) {
    return new GumbelSpec(contextWidth, dual, alpha, newScore, payloadBits, symbolBits);
  }

  /** The canonical form: the key is not part of the specification. */
  @Override
  public String redacted() {
    return canonical();
  }

  /**
   * {@link NullDistribution.GammaSum}: a unit's score is −ln(1 − u) (single key), or the exact
   * Exp(1) transform of (1 − α)·s_A + α·s_B (dual key).
   */
  @Override
  public NullDistribution nullDistribution() {
    return new NullDistribution.GammaSum();
  }

  @Override
  public boolean carriesKey() {
    return false;
  }

  @Override
  public OptionalInt vocabularySize() {
    return OptionalInt.empty();
  }

  /** {@link DedupMode#WINDOW_AND_TOKEN}: a (context, token) pair's uniform is scored once. */
  @Override
  public DedupMode defaultDedup() {
    return DedupMode.WINDOW_AND_TOKEN;
  }

  @Override
  public String toString() {
    return canonical();
  }
}
