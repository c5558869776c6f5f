package io.tracemark.core.interop;

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
   * @throws IllegalArgumentException naming the parameter and the value, for an unknown family,
   *     an unknown or repeated parameter, a missing required parameter, or a value out of range
   */
  public static InteropProfile parse(String spec) {
    if (spec == null) {
      throw new NullPointerException("spec");
    }
    String text = spec.trim();
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw illegal("scheme must start with one of lmw:, hf:, vllm:, was \"%s\"", spec);
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
        throw illegal("scheme family must be lmw, hf or vllm, was \"%s\"", family);
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
      for (String part : body.split(",", -1)) {
        String t = part.trim();
        if (t.isEmpty()) {
          continue;
        }
        int eq = t.indexOf('=');
        if (eq <= 0) {
          throw illegal("%s parameter must be name=value, was \"%s\"", family, t);
        }
        String name = t.substring(0, eq).trim().toLowerCase(Locale.ROOT).replace('_', '-');
        String value = t.substring(eq + 1).trim();
        if (values.put(name, value) != null) {
          throw illegal("%s parameter %s is given twice", family, name);
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
        throw illegal("unknown %s parameter %s", family, values.keySet().iterator().next());
      }
    }

    int intIn(String name, String v, int min, int max) {
      try {
        int x = Integer.parseInt(v);
        if (x < min || x > max) {
          throw illegal("%s must be between %d and %d, was %d", name, min, max, x);
        }
        return x;
      } catch (NumberFormatException e) {
        throw illegal("%s must be an integer, was \"%s\"", name, v);
      }
    }

    double unitOpen(String name, String v) {
      double x = number(name, v);
      if (!(x > 0 && x < 1)) {
        throw illegal("%s must be in (0, 1), was %s", name, v);
      }
      return x;
    }

    double number(String name, String v) {
      try {
        double x = Double.parseDouble(v);
        if (!Double.isFinite(x)) {
          throw illegal("%s must be finite, was \"%s\"", name, v);
        }
        return x;
      } catch (NumberFormatException e) {
        throw illegal("%s must be a number, was \"%s\"", name, v);
      }
    }

    long signedLong(String name, String v) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw illegal("%s must be an integer between %d and %d, was \"%s\"", name, Long.MIN_VALUE, Long.MAX_VALUE, v);
      }
    }

    long unsignedLong(String name, String v) {
      try {
        BigInteger x = new BigInteger(v);
        if (x.signum() < 0 || x.bitLength() > 64) {
          throw illegal("%s must be between 0 and 18446744073709551615, was %s", name, v);
        }
        return x.longValue();
      } catch (NumberFormatException e) {
        throw illegal("%s must be an integer between 0 and 18446744073709551615, was \"%s\"", name, v);
      }
    }

    boolean bool(String name, String v) {
      String t = v.toLowerCase(Locale.ROOT);
      if (t.equals("true")) {
        return true;
      }
      if (t.equals("false")) {
        return false;
      }
      throw illegal("%s must be true or false, was \"%s\"", name, v);
    }
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
          throw illegal("lmw: give either seeding or prf/context-width/self-salt, not both (seeding was \"%s\")",
              seeding);
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
                  + " or ff-<prf>-<h>-<True|False>[-<key>], was \"%s\"", seeding);
            }
            String[] parts = seeding.split("-");
            if (parts.length != 4 && parts.length != 5) {
              throw illegal("seeding ff-<prf>-<h>-<True|False>[-<key>] has %d parts, was \"%s\"", parts.length,
                  seeding);
            }
            prf = TorchPrf.LmwPrf.parse(parts[1]);
            h = p.intIn("context width in seeding", parts[2], 1, 64);
            // Python: self_salt = split_scheme[3] == "True"
            selfSalt = parts[3].equals("True");
            if (parts.length == 5) {
              nameKey = p.signedLong("hash key in seeding", parts[4]);
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
        key = p.signedLong("hash-key", keyText);
        if (nameKey != null && nameKey != key) {
          throw illegal("hash-key %d differs from the key %d in seeding \"%s\"", key, nameKey, seeding);
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
      InteropSpec spec = new InteropSpec("lmw", m, "hash-key");
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
        throw illegal("seeding must be lefthash or selfhash, was \"%s\"", seeding);
      }
      String g = p.take("gamma", "greenlist-ratio");
      double gamma = g == null ? 0.25 : p.unitOpen("gamma", g);
      String d = p.take("delta", "bias");
      double delta = d == null ? 2.0 : p.number("delta", d);
      String k = p.take("hash-key", "hashing-key");
      long key = k == null ? DEFAULT_HASH_KEY : p.signedLong("hash-key", k);
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
      InteropSpec spec = new InteropSpec("hf", m, "hash-key");
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
        throw illegal("algorithm must be gumbel or dual_key_gumbel, was \"%s\"", a);
      }
      long key = p.unsignedLong("key", p.required("key"));
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
          throw illegal("alpha must be between 0 and 1, was %s", al);
        }
      }
      String prf = p.take("prf");
      if (prf != null && !prf.equals("philox") && !prf.equals(PhiloxPrf.VERSION)) {
        throw illegal("prf must be philox (%s), was \"%s\"", PhiloxPrf.VERSION, prf);
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
      InteropSpec spec = new InteropSpec("vllm", m, "key");
      return new VllmGumbelProfile(spec, key, dual, alpha, width, vocab, dedup,
          k -> create(dual, k, width, alpha, dedup, vocab));
    }
  }
}
