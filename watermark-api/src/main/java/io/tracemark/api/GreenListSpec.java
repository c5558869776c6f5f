package io.tracemark.api;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The keyed green-list scheme of Kirchenbauer et al. (family {@code kgw}): at each position a
 * keyed pseudo-random fraction γ of the vocabulary, seeded by the context, is "green", and δ is
 * added to the logits of green tokens before sampling.
 *
 * <p>Text form: {@code kgw:gamma=0.25,delta=2,h=1,seeding=left} with optional
 * {@code candidates=N} for self seeding. Defaults: γ = 0.25, δ = 2, h = 1, seeding left,
 * candidates 40.
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
public record GreenListSpec(double gamma, double delta, int contextWidth, Seeding seeding, int candidates)
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
  public GreenListSpec {
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
  public static GreenListSpec of(double gamma, double delta, int contextWidth) {
    return new GreenListSpec(gamma, delta, contextWidth, Seeding.LEFT, DEFAULT_CANDIDATES);
  }

  /** The same specification with another seeding mode. */
  public GreenListSpec withSeeding(Seeding newSeeding) {
    return new GreenListSpec(gamma, delta, contextWidth, newSeeding, candidates);
  }

  /**
   * Parses the text form, e.g. {@code kgw:gamma=0.25,delta=2,h=1}. The family prefix is
   * optional, and the bare family name {@code kgw} means every parameter at its default. Unknown
   * parameters, a parameter given twice (also under its alias: {@code h} and
   * {@code context-width}), and an empty or blank text are errors. Numbers are plain decimals
   * ({@link Checks#isPlainDecimal}): {@code 0.25}, never {@code 0.25f}, {@code 2.5e-1} or
   * {@code 0x1p-2}.
   *
   * @throws IllegalArgumentException naming the parameter and quoting the value
   */
  public static GreenListSpec parse(String text) {
    if (text == null) {
      throw new NullPointerException("spec");
    }
    String body = text.trim();
    Checks.require(!body.isEmpty(), "scheme is empty (give %s for the defaults, or e.g. %s:gamma=0.25,delta=2,h=1)",
        FAMILY, FAMILY);
    int colon = body.indexOf(':');
    if (colon >= 0) {
      String family = body.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      Checks.require(family.equals(FAMILY), "scheme family must be %s, was %s", FAMILY, Checks.quote(family));
      body = body.substring(colon + 1);
    } else if (body.equalsIgnoreCase(FAMILY)) {
      body = "";
    }
    Map<String, String> params = parameters(body);
    double gamma = 0.25;
    double delta = 2.0;
    int h = 1;
    Seeding seeding = Seeding.LEFT;
    int candidates = DEFAULT_CANDIDATES;
    Checks.require(!(params.containsKey("h") && params.containsKey("context-width")),
        "scheme parameters h and context-width are the same parameter, give one");
    for (Map.Entry<String, String> e : params.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "gamma":
          gamma = parseDouble("gamma", v);
          break;
        case "delta":
          delta = parseDouble("delta", v);
          break;
        case "h":
        case "context-width":
          h = parseInt("h", v);
          break;
        case "seeding":
          seeding = Seeding.parse(v);
          break;
        case "candidates":
          candidates = parseInt("candidates", v);
          break;
        default:
          throw Checks.illegal("unknown kgw parameter %s (known: gamma, delta, h, seeding, candidates)",
              Checks.quote(e.getKey()));
      }
    }
    return new GreenListSpec(gamma, delta, h, seeding, candidates);
  }

  /** Splits {@code a=1,b=2} into an ordered map; a repeated or malformed parameter is an error. */
  public static Map<String, String> parameters(String body) {
    Map<String, String> params = new LinkedHashMap<>();
    if (body.isBlank()) {
      return params;
    }
    for (String part : body.split(",", -1)) {
      int eq = part.indexOf('=');
      Checks.require(eq > 0, "scheme parameter must be name=value, was %s", Checks.quote(part.trim()));
      String name = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = part.substring(eq + 1).trim();
      Checks.require(!value.isEmpty(), "scheme parameter %s has an empty value", Checks.quote(name));
      Checks.require(params.put(name, value) == null, "scheme parameter %s is given twice", Checks.quote(name));
    }
    return params;
  }

  private static double parseDouble(String name, String v) {
    Checks.require(Checks.isPlainDecimal(v), "%s must be a plain decimal number (digits with an optional sign and "
        + "point, e.g. 0.25), was %s", name, Checks.quote(v));
    return Double.parseDouble(v);
  }

  private static int parseInt(String name, String v) {
    Checks.require(Checks.isPlainInteger(v), "%s must be an integer, was %s", name, Checks.quote(v));
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw Checks.illegal("%s must be an integer between %d and %d, was %s", name, Integer.MIN_VALUE,
          Integer.MAX_VALUE, Checks.quote(v));
    }
  }

  @Override
  public String family() {
    return FAMILY;
  }

  @Override
  public String canonical() {
    String base = String.format(Locale.ROOT, "%s:gamma=%s,delta=%s,h=%d,seeding=%s", FAMILY,
        shortest(gamma), shortest(delta), contextWidth, seeding.label());
    return seeding == Seeding.SELF ? base + ",candidates=" + candidates : base;
  }

  private static String shortest(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  @Override
  public String toString() {
    return canonical();
  }
}
