package io.tracemark.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one grammar of scheme specifications, {@code family:name=value,...}, shared by every family:
 * the body is split at commas into {@code name=value} parts; names are case-insensitive and
 * {@code _} may be written {@code -}; an empty part (a stray comma), a part without {@code =}, an
 * empty value, a name given twice (also under two of its aliases) and, once the family has taken
 * its parameters, an unknown name are errors. Numbers are plain decimals
 * ({@link Checks#isPlainDecimal}) and plain integers.
 *
 * <p>What a message may show of a value depends on whether the family's specification holds a key:
 * for a family without one (kgw) a wrong value is quoted ({@link Checks#quote}); for a family with
 * one, a key's value is never shown, a part that is not {@code name=value} is counted, not shown
 * (it may be a key typed without its name), and any other value is shown only when it cannot hold
 * a key merged into it by a missing comma ({@link #echo}). Used by one parse, then dropped; not
 * thread-safe.
 */
final class SpecParameters {
  /** The families every {@code SchemeSpec.parse} knows, in the order messages list them. */
  static final String[] FAMILIES = {KgwSpec.FAMILY, LmwSpec.FAMILY, HfSpec.FAMILY, VllmSpec.FAMILY,
      HfSynthIdSpec.FAMILY, SynthIdSpec.FAMILY, GumbelSpec.FAMILY};

  final String family;
  private final boolean holdsKey;
  private final Map<String, String> values = new LinkedHashMap<>();

  /**
   * Splits {@code body} (the text after {@code family:}).
   *
   * @param holdsKey whether the family's specification holds a key (then values are echoed with care)
   */
  SpecParameters(String family, String body, boolean holdsKey) {
    this.family = family;
    this.holdsKey = holdsKey;
    if (body.isBlank()) {
      return;
    }
    String[] parts = body.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      String t = parts[i].trim();
      if (t.isEmpty()) {
        throw Checks.illegal("%s parameter %d (counting from 1) is empty (a stray comma?)", family, i + 1);
      }
      int eq = t.indexOf('=');
      if (eq <= 0) {
        // the part is not echoed: a key given without its name would be printed
        throw Checks.illegal("%s parameter %d (counting from 1) must be name=value", family, i + 1);
      }
      String name = t.substring(0, eq).trim().toLowerCase(Locale.ROOT).replace('_', '-');
      String value = t.substring(eq + 1).trim();
      Checks.require(!value.isEmpty(), "%s parameter %s has an empty value", family, echoName(name));
      Checks.require(values.put(name, value) == null, "%s parameter %s is given twice", family, echoName(name));
    }
  }

  /**
   * Splits a specification's text into its family (lower case) and body. Text without a colon is
   * a kgw body, or a family's bare name (then the body is empty).
   *
   * @throws IllegalArgumentException for an empty text or an unknown family
   */
  static String[] familyAndBody(String text) {
    if (text == null) {
      throw new NullPointerException("spec");
    }
    String t = text.trim();
    Checks.require(!t.isEmpty(), "scheme is empty (give %s for the defaults, or e.g. %s:gamma=0.25,delta=2,h=1)",
        KgwSpec.FAMILY, KgwSpec.FAMILY);
    int colon = t.indexOf(':');
    if (colon < 0) {
      for (String f : FAMILIES) {
        if (t.equalsIgnoreCase(f)) {
          return new String[] {f, ""};
        }
      }
      return new String[] {KgwSpec.FAMILY, t};
    }
    String family = t.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    for (String f : FAMILIES) {
      if (f.equals(family)) {
        return new String[] {f, t.substring(colon + 1)};
      }
    }
    throw Checks.illegal("scheme family must be %s or %s, was %s",
        String.join(", ", java.util.Arrays.copyOf(FAMILIES, FAMILIES.length - 1)), FAMILIES[FAMILIES.length - 1],
        echoName(family));
  }

  /**
   * The body of {@code text} for {@code expected}, refusing another family.
   *
   * @throws IllegalArgumentException for an empty text or another family
   */
  static String bodyOf(String text, String expected) {
    String[] fb = familyAndBody(text);
    Checks.require(fb[0].equals(expected), "scheme family must be %s, was %s", expected, echoName(fb[0]));
    return fb[1];
  }

  /** Whether no parameter was given. */
  boolean isEmpty() {
    return values.isEmpty();
  }

  /** Removes and returns the value of the first of {@code names} present, or null; two of them present is an error. */
  String take(String... names) {
    String found = null;
    String foundName = null;
    for (String n : names) {
      String v = values.remove(n);
      if (v != null) {
        Checks.require(found == null, "%s parameters %s and %s are the same, give one", family, foundName, n);
        found = v;
        foundName = n;
      }
    }
    return found;
  }

  /** The value of a required parameter. */
  String required(String name) {
    String v = take(name);
    Checks.require(v != null, "%s requires parameter %s", family, name);
    return v;
  }

  /** Refuses the parameters nobody took, naming the first and listing the family's parameters. */
  void done(String known) {
    if (!values.isEmpty()) {
      throw Checks.illegal("unknown %s parameter %s (known: %s)", family, echoName(values.keySet().iterator().next()),
          known);
    }
  }

  /** A plain integer, between {@code min} and {@code max}. */
  int integer(String name, String v, int min, int max) {
    Checks.require(Checks.isPlainInteger(v), "%s must be an integer, was %s", name, echo(v));
    long x;
    try {
      x = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw Checks.illegal("%s must be an integer between %d and %d, was %s", name, min, max, echo(v));
    }
    Checks.require(x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE, "%s must be an integer between %d and %d, was %s",
        name, min, max, echo(v));
    Checks.require(x >= min && x <= max, "%s must be between %d and %d, was %d", name, min, max, x);
    return (int) x;
  }

  /** A plain decimal number. */
  double number(String name, String v) {
    Checks.require(Checks.isPlainDecimal(v), "%s must be a plain decimal number (digits with an optional sign and "
        + "point, e.g. 0.25), was %s", name, echo(v));
    return Double.parseDouble(v);
  }

  /** {@code true} or {@code false}, in any case. */
  boolean bool(String name, String v) {
    String t = v.toLowerCase(Locale.ROOT);
    if (t.equals("true")) {
      return true;
    }
    if (t.equals("false")) {
      return false;
    }
    throw Checks.illegal("%s must be true or false, was %s", name, echo(v));
  }

  /** A key: a signed 64-bit integer. The message never contains the value. */
  static long signedKey(String name, String v) {
    try {
      if (Checks.isPlainInteger(v)) {
        return Long.parseLong(v);
      }
    } catch (NumberFormatException e) {
      // out of range: the same message
    }
    throw Checks.illegal("%s must be an integer between %d and %d (the value is not shown: it is a key)", name,
        Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** A key: an unsigned 64-bit integer. The message never contains the value. */
  static long unsignedKey(String name, String v) {
    if (Checks.isPlainInteger(v) && v.charAt(0) != '-') {
      BigInteger x = new BigInteger(v);
      if (x.bitLength() <= 64) {
        return x.longValue();
      }
    }
    throw Checks.illegal("%s must be an integer between 0 and 18446744073709551615 (the value is not shown: it is a "
        + "key)", name);
  }

  /**
   * A wrong value as a message may show it: quoted ({@link Checks#quote}); for a family whose
   * specification holds a key, not at all when it could hold a key that a missing comma or a stray
   * character merged into it: an {@code =}, a comma, a colon or white space in it, or six digits in
   * a row (shorter keys are guessable anyway).
   */
  String echo(String value) {
    return holdsKey ? echoSafely(value) : Checks.quote(value);
  }

  /** {@link #echo} for a family whose specification holds a key. */
  static String echoSafely(String value) {
    int digits = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      digits = Character.isDigit(c) ? digits + 1 : 0;
      if (c == '=' || c == ',' || c == ':' || Character.isWhitespace(c) || digits >= 6) {
        return "a value not shown (it could hold a key)";
      }
    }
    return Checks.quote(value);
  }

  /** A parameter or family name as a message may show it: quoted, unless it has a digit (a key typed as a name). */
  static String echoName(String name) {
    return name.chars().anyMatch(Character::isDigit) ? "(a name with digits, not shown: it could hold a key)"
        : Checks.quote(name);
  }

  /**
   * A number in a canonical specification: the shortest decimal that reads back as the same
   * double, without exponent ({@code 0.25}, {@code 2}, {@code 0.00001}), so every canonical form
   * parses back.
   */
  static String decimal(double x) {
    return new BigDecimal(Double.toString(x)).stripTrailingZeros().toPlainString();
  }
}
