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
 * @param gamma green fraction, in (0, 1)
 * @param delta bias added to green logits, finite and ≥ 0 (0 gives a detector-only scheme)
 * @param contextWidth h, the number of preceding tokens that seed the green list, 0 to
 *     {@value #MAX_CONTEXT_WIDTH}; 0 is the fixed "Unigram" green list
 * @param seeding {@link Seeding#LEFT} or {@link Seeding#SELF} (self requires h ≥ 1)
 * @param candidates for self seeding, how many of the highest-logit tokens generation tests for
 *     membership of their own green list (tokens outside them get no bias); ignored for left
 *     seeding. 1 to {@value #MAX_CANDIDATES}
 */
public record KgwSpec(double gamma, double delta, int contextWidth, Seeding seeding, int candidates)
    implements SchemeSpec {

  /** The family name in the text form. */
  public static final String FAMILY = "kgw";
  /** Largest supported context width. */
  public static final int MAX_CONTEXT_WIDTH = 64;
  /** Largest supported number of self-seeding candidates. */
  public static final int MAX_CANDIDATES = 4096;
  /** Default number of self-seeding candidates. */
  public static final int DEFAULT_CANDIDATES = 40;

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
  }

  /** Left seeding with the default number of candidates. */
  public static KgwSpec of(double gamma, double delta, int contextWidth) {
    return new KgwSpec(gamma, delta, contextWidth, Seeding.LEFT, DEFAULT_CANDIDATES);
  }

  /** The same specification with another seeding mode. */
  public KgwSpec withSeeding(Seeding newSeeding) {
    return new KgwSpec(gamma, delta, contextWidth, newSeeding, candidates);
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
    p.done("gamma, delta, h, seeding, candidates");
    return new KgwSpec(g == null ? 0.25 : p.number("gamma", g), d == null ? 2.0 : p.number("delta", d),
        h == null ? 1 : p.integer("h", h, Integer.MIN_VALUE, Integer.MAX_VALUE),
        s == null ? Seeding.LEFT : Seeding.parse(s),
        c == null ? DEFAULT_CANDIDATES : p.integer("candidates", c, Integer.MIN_VALUE, Integer.MAX_VALUE));
  }

  @Override
  public String family() {
    return FAMILY;
  }

  @Override
  public String canonical() {
    String base = String.format(Locale.ROOT, "%s:gamma=%s,delta=%s,h=%d,seeding=%s", FAMILY,
        SpecParameters.decimal(gamma), SpecParameters.decimal(delta), contextWidth, seeding.label());
    return seeding == Seeding.SELF ? base + ",candidates=" + candidates : base;
  }

  /** The canonical form: a kgw specification holds no key. */
  @Override
  public String redacted() {
    return canonical();
  }

  /** Binomial(γ): a distinct unit is green with probability γ under H0. */
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
