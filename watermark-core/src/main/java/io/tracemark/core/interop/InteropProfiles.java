package io.tracemark.core.interop;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The factory for interoperability profiles: watermarks of other systems, reproduced bit for bit.
 *
 * <pre>{@code
 * InteropProfile p = InteropProfiles.parse("lmw:seeding=lefthash,gamma=0.25,vocab=50257,hash-key=15485863");
 * InteropResult r = p.detect(tokens);             // the reference's counts and z, plus an exact p-value
 * p.biasScheme().orElseThrow().apply(ctx, n, logits);   // generate text the reference detects
 * }</pre>
 *
 * <p>Specifications ({@code family:name=value,...}):
 * <ul>
 *   <li>{@code lmw:} jwkirchenbauer/lm-watermarking. {@code seeding} = {@code lefthash} (alias
 *       {@code simple_1}), {@code selfhash} ({@code algorithm-3}), {@code minhash},
 *       {@code skipgram}, or {@code ff-<prf>-<h>-<True|False>[-<key>]}; or explicitly {@code prf},
 *       {@code context-width}, {@code self-salt}. {@code vocab} (required), {@code gamma} (0.25),
 *       {@code delta} (2.0), {@code hash-key} (15485863, or the ff name's key),
 *       {@code ignore-repeated-ngrams} (true, the reference detector's default),
 *       {@code bos-token-id} (none).
 *   <li>{@code hf:} transformers {@code WatermarkLogitsProcessor} / {@code WatermarkDetector}.
 *       {@code seeding} = {@code lefthash} | {@code selfhash}, {@code vocab} (required, the model
 *       config's), {@code gamma} (alias {@code greenlist-ratio}, 0.25), {@code delta} (alias
 *       {@code bias}, 2.0), {@code hash-key} (alias {@code hashing-key}, 15485863),
 *       {@code context-width} (1), {@code bos-token-id} (none), {@code ignore-repeated-ngrams}
 *       (accepted; the reference detector does not deduplicate either way).
 *   <li>{@code vllm:} vLLM {@code vllm/v1/watermarking}. {@code algorithm} = {@code gumbel} |
 *       {@code dual_key_gumbel}, {@code key} (required, unsigned 64-bit), {@code context-width}
 *       (4), {@code alpha} (0.1, dual key only), {@code prf} ({@code philox}, the
 *       {@code philox4x32-10-v1} PRF), {@code deduplicate-contexts} (true), {@code vocab}
 *       (optional; needed only to check token ids).
 * </ul>
 * Green lists that those Python stacks drew on a GPU come from another generator and cannot be
 * reproduced; these profiles reproduce CPU generation only.
 */
public final class InteropProfiles {
  private InteropProfiles() {}

  /** The families this factory knows. */
  public static final Set<String> FAMILIES = Set.of("lmw", "hf", "vllm");

  static final long DEFAULT_HASH_KEY = 15485863L;

  /** Whether {@code spec} names an interoperability family ({@code lmw:}, {@code hf:}, {@code vllm:}). */
  public static boolean isInteropSpec(String spec) {
    if (spec == null) {
      return false;
    }
    int colon = spec.indexOf(':');
    return colon > 0 && FAMILIES.contains(spec.substring(0, colon).trim().toLowerCase(Locale.ROOT));
  }

  /**
   * Parses a specification such as {@code lmw:seeding=lefthash,gamma=0.25,vocab=50257,hash-key=15485863}.
   *
   * <p>Numbers are plain decimals ({@link Checks#isPlainDecimal}, {@link Checks#isPlainInteger}).
   * An empty specification, an unknown or repeated parameter (also under two aliases) and a
   * missing required parameter are errors.
   *
   * @throws IllegalArgumentException naming the parameter, for an unknown family, an unknown or
   *     repeated parameter, a missing required parameter, or a value out of range. The message
   *     quotes a wrong value, except the key's ({@code key}, {@code hash-key}, the key of an
   *     {@code ff-} seeding name), which no message ever contains.
   */
  public static InteropProfile parse(String spec) {
    if (spec == null) {
      throw new NullPointerException("spec");
    }
    String text = spec.trim();
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw illegal("scheme must start with one of lmw:, hf:, vllm:");
    }
    String family = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    Params p = new Params(family, text.substring(colon + 1));
    switch (family) {
      case "lmw":
        return Lmw.build(p);
      case "hf":
        return Hf.build(p);
      case "vllm":
        return Vllm.build(p);
      default:
        throw illegal("scheme family must be lmw, hf or vllm, was %s", echoName(family));
    }
  }

  static IllegalArgumentException illegal(String format, Object... args) {
    return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
  }

  /** Parameters of one specification; every one must be consumed. */
  static final class Params {
    final String family;
    private final Map<String, String> values = new LinkedHashMap<>();

    Params(String family, String body) {
      this.family = family;
      String[] parts = body.split(",", -1);
      for (int i = 0; i < parts.length; i++) {
        String t = parts[i].trim();
        if (t.isEmpty()) {
          if (parts.length == 1) {
            throw illegal("%s: needs its parameters, e.g. %s", family, EXAMPLES.getOrDefault(family, "name=value"));
          }
          // a stray comma (a trailing one, or two in a row) is harmless
          continue;
        }
        int eq = t.indexOf('=');
        if (eq <= 0) {
          // the part is not echoed: a key given without its name would be printed
          throw illegal("%s parameter %d (counting from 1) must be name=value", family, i + 1);
        }
        String name = t.substring(0, eq).trim().toLowerCase(Locale.ROOT).replace('_', '-');
        String value = t.substring(eq + 1).trim();
        if (values.put(name, value) != null) {
          throw illegal("%s parameter %s is given twice", family, echoName(name));
        }
      }
    }

    /** Removes and returns the value of the first of {@code names} present, or null. */
    String take(String... names) {
      String found = null;
      String foundName = null;
      for (String n : names) {
        String v = values.remove(n);
        if (v != null) {
          if (found != null) {
            throw illegal("%s parameters %s and %s are the same, give one", family, foundName, n);
          }
          found = v;
          foundName = n;
        }
      }
      return found;
    }

    String required(String name) {
      String v = take(name);
      if (v == null) {
        throw illegal("%s requires parameter %s", family, name);
      }
      return v;
    }

    void done() {
      if (!values.isEmpty()) {
        throw illegal("unknown %s parameter %s", family, echoName(values.keySet().iterator().next()));
      }
    }

    int intIn(String name, String v, int min, int max) {
      if (!Checks.isPlainInteger(v)) {
        throw illegal("%s must be an integer, was %s", name, echo(v));
      }
      try {
        int x = Integer.parseInt(v);
        if (x < min || x > max) {
          throw illegal("%s must be between %d and %d, was %d", name, min, max, x);
        }
        return x;
      } catch (NumberFormatException e) {
        throw illegal("%s must be between %d and %d, was %s", name, min, max, echo(v));
      }
    }

    double unitOpen(String name, String v) {
      double x = number(name, v);
      if (!(x > 0 && x < 1)) {
        throw illegal("%s must be in (0, 1), was %s", name, v); // a plain decimal: safe to echo
      }
      return x;
    }

    double number(String name, String v) {
      if (!Checks.isPlainDecimal(v)) {
        throw illegal("%s must be a plain decimal number (digits with an optional sign and point, e.g. 0.25), was %s",
            name, echo(v));
      }
      return Double.parseDouble(v);
    }

    /** A key: a signed 64-bit integer. The message never contains the value. */
    long signedKey(String name, String v) {
      try {
        if (Checks.isPlainInteger(v)) {
          return Long.parseLong(v);
        }
      } catch (NumberFormatException e) {
        // out of range: the same message
      }
      throw illegal("%s must be an integer between %d and %d (the value is not shown: it is a key)", name,
          Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A key: an unsigned 64-bit integer. The message never contains the value. */
    long unsignedKey(String name, String v) {
      if (Checks.isPlainInteger(v) && v.charAt(0) != '-') {
        BigInteger x = new BigInteger(v);
        if (x.bitLength() <= 64) {
          return x.longValue();
        }
      }
      throw illegal("%s must be an integer between 0 and 18446744073709551615 (the value is not shown: it is a key)",
          name);
    }

    boolean bool(String name, String v) {
      String t = v.toLowerCase(Locale.ROOT);
      if (t.equals("true")) {
        return true;
      }
      if (t.equals("false")) {
        return false;
      }
      throw illegal("%s must be true or false, was %s", name, echo(v));
    }
  }

  /**
   * A wrong value as a message may show it: quoted ({@link Checks#quote}), unless it could hold a
   * key that a missing comma or a stray character merged into it: an {@code =}, a comma, a colon
   * or white space in it, or six digits in a row (shorter keys are guessable anyway).
   */
  static String echo(String value) {
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

  /** A parameter list to show when a specification has none. */
  private static final Map<String, String> EXAMPLES = Map.of(
      "lmw", "lmw:seeding=lefthash,vocab=50257",
      "hf", "hf:seeding=lefthash,vocab=50257",
      "vllm", "vllm:algorithm=gumbel,key=K");

  /**
   * A seeding name as it may be shown in a message: an {@code ff-} name keeps the parts that look
   * like what belongs there (a PRF name, a width of one or two digits, {@code True}/{@code False}),
   * and every other part, the key included, becomes {@code ***}; any other name with a digit in
   * it is not shown at all.
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

  static String fmt(double x) {
    return BigDecimalText.of(x);
  }

  /** Shortest round-trip decimal text of a double, without exponent for ordinary values. */
  static final class BigDecimalText {
    private BigDecimalText() {}

    static String of(double x) {
      return new java.math.BigDecimal(Double.toString(x)).stripTrailingZeros().toPlainString();
    }
  }

  /** lm-watermarking. */
  static final class Lmw {
    private Lmw() {}

    static InteropProfile build(Params p) {
      String seeding = p.take("seeding", "seeding-scheme");
      String prfName = p.take("prf", "prf-type");
      String widthText = p.take("context-width");
      String selfSaltText = p.take("self-salt");
      String keyText = p.take("hash-key", "hashing-key");
      TorchPrf.LmwPrf prf;
      int h;
      boolean selfSalt;
      Long nameKey = null;
      if (seeding != null) {
        if (prfName != null || widthText != null || selfSaltText != null) {
          throw illegal("lmw: give either seeding or prf/context-width/self-salt, not both");
        }
        switch (seeding) {
          case "lefthash":
          case "simple_1":
            prf = TorchPrf.LmwPrf.ADDITIVE;
            h = 1;
            selfSalt = false;
            break;
          case "selfhash":
          case "algorithm-3":
            prf = TorchPrf.LmwPrf.ANCHORED_MINHASH;
            h = 4;
            selfSalt = true;
            break;
          case "minhash":
            prf = TorchPrf.LmwPrf.MINHASH;
            h = 4;
            selfSalt = false;
            break;
          case "skipgram":
            prf = TorchPrf.LmwPrf.SKIPGRAM;
            h = 5;
            selfSalt = false;
            break;
          default:
            if (!seeding.startsWith("ff-")) {
              throw illegal("seeding must be lefthash, simple_1, selfhash, algorithm-3, minhash, skipgram"
                  + " or ff-<prf>-<h>-<True|False>[-<key>], was %s", echo(redactSeeding(seeding)));
            }
            String[] parts = seeding.split("-");
            if (parts.length != 4 && parts.length != 5) {
              throw illegal("seeding ff-<prf>-<h>-<True|False>[-<key>] must have 4 or 5 parts, was %s",
                  echo(redactSeeding(seeding)));
            }
            if (!parts[1].matches("[A-Za-z_]+")) {
              throw illegal("the prf part of seeding ff-<prf>-<h>-<True|False>[-<key>] must be a PRF name, was %s",
                  echo(redactSeeding(seeding)));
            }
            prf = TorchPrf.LmwPrf.parse(parts[1]);
            if (!parts[2].matches("[0-9]{1,2}")) {
              throw illegal("the h part of seeding ff-<prf>-<h>-<True|False>[-<key>] must be an integer between 1 and "
                  + "64, was %s", echo(redactSeeding(seeding)));
            }
            h = p.intIn("the h part of seeding", parts[2], 1, 64);
            // Python: self_salt = split_scheme[3] == "True"
            selfSalt = parts[3].equals("True");
            if (parts.length == 5) {
              nameKey = p.signedKey("the key part of seeding ff-<prf>-<h>-<True|False>-<key>", parts[4]);
            }
        }
      } else {
        prf = TorchPrf.LmwPrf.parse(prfName == null ? "additive_prf" : prfName);
        h = widthText == null ? 1 : p.intIn("context-width", widthText, 1, 64);
        selfSalt = selfSaltText != null && p.bool("self-salt", selfSaltText);
      }
      if (h < prf.minContextWidth) {
        throw illegal("context-width must be >= %d for %s, was %d", prf.minContextWidth, prf.pythonName, h);
      }
      long key = DEFAULT_HASH_KEY;
      if (keyText != null) {
        key = p.signedKey("hash-key", keyText);
        if (nameKey != null && nameKey != key) {
          throw illegal("hash-key differs from the key part of seeding ff-<prf>-<h>-<True|False>-<key>: give the "
              + "key once (neither value is shown: they are keys)");
        }
      } else if (nameKey != null) {
        key = nameKey;
      }
      int vocab = p.intIn("vocab", p.required("vocab"), 2, (int) TorchRandperm.SMALL_N_LIMIT - 1);
      String g = p.take("gamma");
      double gamma = g == null ? 0.25 : p.unitOpen("gamma", g);
      String d = p.take("delta");
      double delta = d == null ? 2.0 : p.number("delta", d);
      String ig = p.take("ignore-repeated-ngrams");
      boolean ignoreRepeated = ig == null || p.bool("ignore-repeated-ngrams", ig);
      String bos = p.take("bos-token-id");
      int bosId = bos == null ? -1 : p.intIn("bos-token-id", bos, 0, Integer.MAX_VALUE);
      p.done();
      return create(prf, h, selfSalt, key, vocab, gamma, delta, ignoreRepeated, bosId);
    }

    static InteropProfile create(TorchPrf.LmwPrf prf, int h, boolean selfSalt, long key, int vocab, double gamma,
        double delta, boolean ignoreRepeated, int bosId) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("prf", prf.pythonName);
      m.put("context-width", Integer.toString(h));
      m.put("self-salt", Boolean.toString(selfSalt));
      m.put("hash-key", Long.toString(key));
      m.put("gamma", fmt(gamma));
      m.put("delta", fmt(delta));
      m.put("vocab", Integer.toString(vocab));
      m.put("ignore-repeated-ngrams", Boolean.toString(ignoreRepeated));
      if (bosId >= 0) {
        m.put("bos-token-id", Integer.toString(bosId));
      }
      InteropSpec spec = new InteropSpec("lmw", m, "hash-key", true);
      return new TorchGreenListProfile(spec, TorchGreenListProfile.Flavor.LMW, vocab, gamma, delta, h, selfSalt,
          prf.with(key), ignoreRepeated ? DedupMode.WINDOW_AND_TOKEN : DedupMode.NONE, bosId,
          k -> create(prf, h, selfSalt, k, vocab, gamma, delta, ignoreRepeated, bosId));
    }
  }

  /** Hugging Face transformers. */
  static final class Hf {
    private Hf() {}

    static InteropProfile build(Params p) {
      String seeding = p.take("seeding", "seeding-scheme");
      boolean self;
      if (seeding == null || seeding.equals("lefthash")) {
        self = false;
      } else if (seeding.equals("selfhash")) {
        self = true;
      } else {
        throw illegal("seeding must be lefthash or selfhash, was %s", echo(redactSeeding(seeding)));
      }
      String g = p.take("gamma", "greenlist-ratio");
      double gamma = g == null ? 0.25 : p.unitOpen("gamma", g);
      String d = p.take("delta", "bias");
      double delta = d == null ? 2.0 : p.number("delta", d);
      String k = p.take("hash-key", "hashing-key");
      long key = k == null ? DEFAULT_HASH_KEY : p.signedKey("hash-key", k);
      String w = p.take("context-width");
      int h = w == null ? 1 : p.intIn("context-width", w, 1, 64);
      int vocab = p.intIn("vocab", p.required("vocab"), 2, (int) TorchRandperm.SMALL_N_LIMIT - 1);
      String bos = p.take("bos-token-id");
      int bosId = bos == null ? -1 : p.intIn("bos-token-id", bos, 0, Integer.MAX_VALUE);
      String ig = p.take("ignore-repeated-ngrams");
      if (ig != null) {
        p.bool("ignore-repeated-ngrams", ig); // validated; the reference counts every n-gram either way
      }
      p.done();
      return create(self, h, key, vocab, gamma, delta, bosId);
    }

    static InteropProfile create(boolean self, int h, long key, int vocab, double gamma, double delta, int bosId) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("seeding", self ? "selfhash" : "lefthash");
      m.put("context-width", Integer.toString(h));
      m.put("hash-key", Long.toString(key));
      m.put("gamma", fmt(gamma));
      m.put("delta", fmt(delta));
      m.put("vocab", Integer.toString(vocab));
      if (bosId >= 0) {
        m.put("bos-token-id", Integer.toString(bosId));
      }
      InteropSpec spec = new InteropSpec("hf", m, "hash-key", true);
      TorchPrf.SeedFunction prf = self
          ? TorchPrf.anchoredMinhash(key, TorchRandperm.full(key, TorchPrf.TABLE_SIZE))
          : TorchPrf.hfLefthash(key);
      return new TorchGreenListProfile(spec, TorchGreenListProfile.Flavor.HF, vocab, gamma, delta, h, self, prf,
          DedupMode.NONE, bosId, nk -> create(self, h, nk, vocab, gamma, delta, bosId));
    }
  }

  /** vLLM. */
  static final class Vllm {
    private Vllm() {}

    static InteropProfile build(Params p) {
      String a = p.take("algorithm");
      boolean dual;
      if (a == null || a.equals("gumbel")) {
        dual = false;
      } else if (a.equals("dual_key_gumbel") || a.equals("dual-key-gumbel")) {
        dual = true;
      } else {
        throw illegal("algorithm must be gumbel or dual_key_gumbel, was %s", echo(a));
      }
      long key = p.unsignedKey("key", p.required("key"));
      String w = p.take("context-width");
      int width = w == null ? 4 : p.intIn("context-width", w, 1, 1024);
      String al = p.take("alpha");
      double alpha = 0.1;
      if (al != null) {
        if (!dual) {
          throw illegal("alpha applies to algorithm=dual_key_gumbel only, algorithm was gumbel");
        }
        alpha = p.number("alpha", al);
        if (alpha < 0 || alpha > 1) {
          throw illegal("alpha must be between 0 and 1, was %s", al); // a plain decimal: safe to echo
        }
      }
      String prf = p.take("prf");
      if (prf != null && !prf.equals("philox") && !prf.equals(PhiloxPrf.VERSION)) {
        throw illegal("prf must be philox (%s), was %s", PhiloxPrf.VERSION, echo(prf));
      }
      String d = p.take("deduplicate-contexts");
      boolean dedup = d == null || p.bool("deduplicate-contexts", d);
      String v = p.take("vocab");
      int vocab = v == null ? Integer.MAX_VALUE : p.intIn("vocab", v, 1, Integer.MAX_VALUE);
      p.done();
      return create(dual, key, width, alpha, dedup, vocab);
    }

    static InteropProfile create(boolean dual, long key, int width, double alpha, boolean dedup, int vocab) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("algorithm", dual ? "dual_key_gumbel" : "gumbel");
      m.put("key", Long.toUnsignedString(key));
      m.put("context-width", Integer.toString(width));
      if (dual) {
        m.put("alpha", fmt(alpha));
      }
      m.put("prf", PhiloxPrf.VERSION);
      m.put("deduplicate-contexts", Boolean.toString(dedup));
      if (vocab != Integer.MAX_VALUE) {
        m.put("vocab", Integer.toString(vocab));
      }
      InteropSpec spec = new InteropSpec("vllm", m, "key", false);
      return new VllmGumbelProfile(spec, key, dual, alpha, width, vocab, dedup,
          k -> create(dual, k, width, alpha, dedup, vocab));
    }
  }
}
