package io.tracemark.api;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * tracemark's keyed green-list scheme after Kirchenbauer et al. (family {@code kgw}): at each
 * position a keyed pseudo-random fraction γ of the vocabulary, seeded by the context, is "green",
 * and δ is added to the logits of green tokens before sampling. Its key is a {@link WatermarkKey},
 * not part of the specification.
 *
 * <p>Text form: {@code kgw:gamma=0.25,delta=2,h=1,seeding=left} with optional
 * {@code candidates=N} for self seeding. Defaults: γ = 0.25, δ = 2, h = 1, seeding left,
 * candidates 40. {@link #canonical()} spells every parameter out and equals {@link #redacted()}.
 *
 * <p>Multi-bit payload: {@code kgw:payload=b,symbol-bits=r} carries a message of b bits (e.g. a
 * tenant number) in every answer (docs/payload.md). Each position carries one r-bit symbol of
 * the message, chosen by the keyed context seed; the vocabulary is split into 2^r keyed colour
 * classes and the class equal to that symbol is the green list, so γ = 2^−r. Give either
 * {@code gamma} or {@code symbol-bits} (the other follows) or both, agreeing; neither means r = 2,
 * γ = 0.25. r divides b; payloads use left seeding. The message itself is not part of the
 * specification: it is given when the watermark is created, and decoded from text without it.
 *
 * @param gamma green fraction, in (0, 1)
 * @param delta bias added to green logits, finite and ≥ 0 (0 gives a detector-only scheme)
 * @param contextWidth h, the number of preceding tokens that seed the green list, 0 to
 *     {@value #MAX_CONTEXT_WIDTH}; 0 is the fixed "Unigram" green list
 * @param seeding {@link Seeding#LEFT} or {@link Seeding#SELF} (self requires h ≥ 1)
 * @param candidates for self seeding, how many of the highest-logit tokens generation tests for
 *     membership of their own green list (tokens outside them get no bias); ignored for left
 *     seeding. 1 to {@value #MAX_CANDIDATES}
 * @param payloadBits b, the bits of the message every answer carries, 1 to
 *     {@value #MAX_PAYLOAD_BITS}; 0 for no payload (the plain green list)
 * @param symbolBits r, the bits of one symbol of the message, 1 to {@value #MAX_SYMBOL_BITS},
 *     dividing b, with γ = 2^−r; 0 when there is no payload
 */
public record KgwSpec(double gamma, double delta, int contextWidth, Seeding seeding, int candidates, int payloadBits,
    int symbolBits) implements SchemeSpec {

  /** The family name in the text form. */
  public static final String FAMILY = "kgw";
  /** Largest supported context width. */
  public static final int MAX_CONTEXT_WIDTH = 64;
  /** Largest supported number of self-seeding candidates. */
  public static final int MAX_CANDIDATES = 4096;
  /** Default number of self-seeding candidates. */
  public static final int DEFAULT_CANDIDATES = 40;
  /** Largest supported payload, in bits. */
  public static final int MAX_PAYLOAD_BITS = 32;
  /** Largest supported symbol, in bits (2^8 colour classes). */
  public static final int MAX_SYMBOL_BITS = 8;
  /** Symbol bits of a payload when neither gamma nor symbol-bits is given. */
  public static final int DEFAULT_SYMBOL_BITS = 2;

  /** Validates every parameter; messages name the parameter and the value. */
  public KgwSpec {
    Checks.require(gamma > 0 && gamma < 1, "gamma must be in (0, 1), was %s", gamma);
    Checks.require(Double.isFinite(delta) && delta >= 0, "delta must be finite and >= 0, was %s", delta);
    Checks.require(contextWidth >= 0 && contextWidth <= MAX_CONTEXT_WIDTH,
        "h (context width) must be between 0 and %d, was %d", MAX_CONTEXT_WIDTH, contextWidth);
    if (seeding == null) {
      throw new NullPointerException("seeding");
    }
    Checks.require(seeding != Seeding.SELF || contextWidth >= 1,
        "h (context width) must be >= 1 with seeding=self, was %d", contextWidth);
    Checks.require(candidates >= 1 && candidates <= MAX_CANDIDATES,
        "candidates must be between 1 and %d, was %d", MAX_CANDIDATES, candidates);
    Checks.require(payloadBits >= 0 && payloadBits <= MAX_PAYLOAD_BITS,
        "payload must be between 1 and %d bits (or absent), was %d", MAX_PAYLOAD_BITS, payloadBits);
    if (payloadBits == 0) {
      Checks.require(symbolBits == 0, "symbol-bits needs a payload, was %d", symbolBits);
    } else {
      Checks.require(symbolBits >= 1 && symbolBits <= MAX_SYMBOL_BITS,
          "symbol-bits must be between 1 and %d, was %d", MAX_SYMBOL_BITS, symbolBits);
      Checks.require(payloadBits % symbolBits == 0,
          "symbol-bits must divide payload, were symbol-bits=%d and payload=%d", symbolBits, payloadBits);
      Checks.require(gamma == Math.scalb(1.0, -symbolBits),
          "gamma must be 2^-symbol-bits = %s with a payload, was %s", Math.scalb(1.0, -symbolBits), gamma);
      Checks.require(seeding == Seeding.LEFT, "a payload needs seeding=left, was %s", seeding.label());
    }
  }

  /** A specification without payload. */
  public KgwSpec(double gamma, double delta, int contextWidth, Seeding seeding, int candidates) {
    this(gamma, delta, contextWidth, seeding, candidates, 0, 0);
  }

  /** Whether the scheme carries a multi-bit payload ({@code payload=b}). */
  public boolean hasPayload() {
    return payloadBits > 0;
  }

  /** b / r, the symbols of the message (0 without payload). */
  public int symbols() {
    return payloadBits == 0 ? 0 : payloadBits / symbolBits;
  }

  /** Left seeding with the default number of candidates. */
  public static KgwSpec of(double gamma, double delta, int contextWidth) {
    return new KgwSpec(gamma, delta, contextWidth, Seeding.LEFT, DEFAULT_CANDIDATES);
  }

  /** The same specification with another seeding mode. */
  public KgwSpec withSeeding(Seeding newSeeding) {
    return new KgwSpec(gamma, delta, contextWidth, newSeeding, candidates, payloadBits, symbolBits);
  }

  /**
   * Parses the text form, e.g. {@code kgw:gamma=0.25,delta=2,h=1}, with the grammar of
   * {@link SchemeSpec#parse}. The family prefix is optional here, and the bare family name
   * {@code kgw} means every parameter at its default. {@code h} may be written
   * {@code context-width}.
   *
   * @throws IllegalArgumentException naming the parameter and quoting the value, also for another
   *     family
   */
  public static KgwSpec parse(String text) {
    return parseBody(SpecParameters.bodyOf(text, FAMILY));
  }

  static KgwSpec parseBody(String body) {
    SpecParameters p = new SpecParameters(FAMILY, body, false);
    String g = p.take("gamma");
    String d = p.take("delta");
    String h = p.take("h", "context-width");
    String s = p.take("seeding");
    String c = p.take("candidates");
    String b = p.take("payload");
    String r = p.take("symbol-bits");
    p.done("gamma, delta, h, seeding, candidates, payload, symbol-bits");
    int payload = b == null ? 0 : p.integer("payload", b, 1, MAX_PAYLOAD_BITS);
    Checks.require(r == null || b != null, "symbol-bits needs a payload (payload=b)");
    int symbol = r == null ? 0 : p.integer("symbol-bits", r, 1, MAX_SYMBOL_BITS);
    double gamma = g == null ? Double.NaN : p.number("gamma", g);
    if (payload > 0 && symbol == 0) {
      symbol = g == null ? DEFAULT_SYMBOL_BITS : symbolBitsOf(gamma);
    }
    if (g == null) {
      gamma = payload > 0 ? Math.scalb(1.0, -symbol) : 0.25;
    }
    return new KgwSpec(gamma, d == null ? 2.0 : p.number("delta", d),
        h == null ? 1 : p.integer("h", h, Integer.MIN_VALUE, Integer.MAX_VALUE),
        s == null ? Seeding.LEFT : Seeding.parse(s),
        c == null ? DEFAULT_CANDIDATES : p.integer("candidates", c, Integer.MIN_VALUE, Integer.MAX_VALUE),
        payload, symbol);
  }

  /** r with γ = 2^−r, for a payload given with gamma only. */
  private static int symbolBitsOf(double gamma) {
    for (int r = 1; r <= MAX_SYMBOL_BITS; r++) {
      if (gamma == Math.scalb(1.0, -r)) {
        return r;
      }
    }
    throw Checks.illegal("gamma must be 2^-r for r between 1 and %d with a payload (0.5, 0.25, …), was %s",
        MAX_SYMBOL_BITS, gamma);
  }

  @Override
  public String family() {
    return FAMILY;
  }

  @Override
  public String canonical() {
    String base = String.format(Locale.ROOT, "%s:gamma=%s,delta=%s,h=%d,seeding=%s", FAMILY,
        SpecParameters.decimal(gamma), SpecParameters.decimal(delta), contextWidth, seeding.label());
    if (seeding == Seeding.SELF) {
      return base + ",candidates=" + candidates;
    }
    return payloadBits == 0 ? base : base + ",payload=" + payloadBits + ",symbol-bits=" + symbolBits;
  }

  /** The canonical form: a kgw specification holds no key. */
  @Override
  public String redacted() {
    return canonical();
  }

  /**
   * Binomial(γ): a distinct unit is green with probability γ under H0. With a payload this is the
   * law of one unit scored against one given message; decoding the message has its own law.
   */
  @Override
  public NullDistribution nullDistribution() {
    return new NullDistribution.Binomial(gamma);
  }

  /** False: the key is a {@link WatermarkKey}. */
  @Override
  public boolean carriesKey() {
    return false;
  }

  /** Empty: a kgw scheme works with any vocabulary. */
  @Override
  public OptionalInt vocabularySize() {
    return OptionalInt.empty();
  }

  /** {@link DedupMode#WINDOW_AND_TOKEN}. */
  @Override
  public DedupMode defaultDedup() {
    return DedupMode.WINDOW_AND_TOKEN;
  }

  /** The canonical form. */
  @Override
  public String toString() {
    return canonical();
  }
}
