package io.tracemark.examples.attack;

import io.tracemark.api.Checks;
import io.tracemark.api.LogitsModel;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attacks by name: {@link #parse} reads the label form {@code name[:key=value,...]} that
 * {@link Attack#label()} prints, and {@link #table} lists the attacks of the robustness table.
 */
public final class Attacks {
  /** Every attack name with its parameters and defaults, for help texts. */
  public static final List<String> FORMS = List.of("copy-paste:x=10%,k=1", "delete:rate=10%", "insert:rate=10%",
      "substitute:rate=10%", "paraphrase:rate=10% (needs the model)", "homoglyph:rate=10%", "zero-width:rate=10%",
      "case:upper|lower", "whitespace:rate=10%", "retokenize:via=o200k_base", "truncate:tokens=200");

  private Attacks() {}

  /**
   * The attack of a label such as {@code copy-paste:x=10%,k=3} or {@code case:upper}. Rates and
   * fractions are percentages (the % sign is optional).
   *
   * @param tokenizer the tokenizer of the watermarked tokens (text attacks)
   * @param model the model of {@code paraphrase}; may be null for every other attack
   * @throws IllegalArgumentException naming the attack and the parameter that is unknown, missing or
   *     malformed
   */
  public static Attack parse(String label, TextTokenizer tokenizer, LogitsModel model) {
    Checks.require(label != null && !label.isBlank(), "the attack is empty; one of %s", FORMS);
    int colon = label.indexOf(':');
    String name = (colon < 0 ? label : label.substring(0, colon)).trim();
    String body = colon < 0 ? "" : label.substring(colon + 1).trim();
    Map<String, String> p = new LinkedHashMap<>();
    String flag = null;
    for (String part : body.isEmpty() ? new String[0] : body.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        Checks.require(flag == null, "attack %s: more than one bare parameter ('%s', '%s')", name, flag, part.trim());
        flag = part.trim();
      } else {
        p.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
    }
    Attack a = switch (name) {
      case "copy-paste" -> new CopyPaste(percent(name, p, "x", "10"), integer(name, p, "k", "1"));
      case "delete" -> new TokenEdit(TokenEdit.Kind.DELETE, percent(name, p, "rate", "10"));
      case "insert" -> new TokenEdit(TokenEdit.Kind.INSERT, percent(name, p, "rate", "10"));
      case "substitute" -> new TokenEdit(TokenEdit.Kind.SUBSTITUTE, percent(name, p, "rate", "10"));
      case "paraphrase" -> {
        Checks.require(model != null, "attack paraphrase needs the language model (--model)");
        yield new ModelSubstitution(model, percent(name, p, "rate", "10"));
      }
      case "homoglyph" -> new Homoglyphs(tokenizer, percent(name, p, "rate", "10"));
      case "zero-width" -> new ZeroWidth(tokenizer, percent(name, p, "rate", "10"));
      case "whitespace" -> {
        Checks.require("crlf".equals(flag) || flag == null, "attack whitespace: unknown parameter '%s'", flag);
        flag = null;
        yield new Whitespace(tokenizer, percent(name, p, "rate", "10"));
      }
      case "case" -> {
        Checks.require("upper".equals(flag) || "lower".equals(flag),
            "attack case needs 'upper' or 'lower', was '%s'", flag == null ? "" : flag);
        boolean upper = "upper".equals(flag);
        flag = null;
        yield new CaseChange(tokenizer, upper);
      }
      case "retokenize" -> {
        String via = p.containsKey("via") ? p.remove("via") : "o200k_base";
        yield new Retokenize(tokenizer, Tokenizers.jtokkit(via));
      }
      case "truncate" -> new Truncation(integer(name, p, "tokens", "200"));
      default -> throw Checks.illegal("unknown attack '%s'; one of %s", name, FORMS);
    };
    Checks.require(flag == null, "attack %s: unknown parameter '%s'", name, flag);
    Checks.require(p.isEmpty(), "attack %s: unknown parameter(s) %s", name, p.keySet());
    return a;
  }

  private static double percent(String name, Map<String, String> p, String key, String dflt) {
    String v = p.containsKey(key) ? p.remove(key) : dflt;
    String digits = v.endsWith("%") ? v.substring(0, v.length() - 1) : v;
    try {
      return Double.parseDouble(digits) / 100;
    } catch (NumberFormatException e) {
      throw Checks.illegal("attack %s: %s must be a percentage, was '%s'", name, key, v);
    }
  }

  private static int integer(String name, Map<String, String> p, String key, String dflt) {
    String v = p.containsKey(key) ? p.remove(key) : dflt;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw Checks.illegal("attack %s: %s must be an integer, was '%s'", name, key, v);
    }
  }

  /**
   * The attacks of the robustness table at text length {@code length}, in table order: copy-paste
   * (x ∈ {5, 10, 25, 50}%, k ∈ {1, 3, 5}), deletion, insertion and substitution at 10/25/40%, the
   * model's alternatives at 10/25%, homoglyphs and zero-width spaces at 10%, upper and lower case,
   * whitespace at 25%, re-encoding through o200k_base and r50k_base, and truncation to the lengths
   * below {@code length} among 50, 100, 200.
   */
  public static List<Attack> table(int length, TextTokenizer tokenizer, LogitsModel model) {
    List<Attack> out = new ArrayList<>();
    for (double x : new double[] {0.05, 0.10, 0.25, 0.50}) {
      for (int k : new int[] {1, 3, 5}) {
        out.add(new CopyPaste(x, k));
      }
    }
    for (TokenEdit.Kind kind : TokenEdit.Kind.values()) {
      for (double r : new double[] {0.10, 0.25, 0.40}) {
        out.add(new TokenEdit(kind, r));
      }
    }
    out.add(new ModelSubstitution(model, 0.10));
    out.add(new ModelSubstitution(model, 0.25));
    out.add(new Homoglyphs(tokenizer, 0.10));
    out.add(new ZeroWidth(tokenizer, 0.10));
    out.add(new CaseChange(tokenizer, false));
    out.add(new CaseChange(tokenizer, true));
    out.add(new Whitespace(tokenizer, 0.25));
    out.add(new Retokenize(tokenizer, Tokenizers.jtokkit("o200k_base")));
    out.add(new Retokenize(tokenizer, Tokenizers.jtokkit("r50k_base")));
    for (int t : new int[] {50, 100, 200}) {
      if (t < length) {
        out.add(new Truncation(t));
      }
    }
    return List.copyOf(out);
  }
}
