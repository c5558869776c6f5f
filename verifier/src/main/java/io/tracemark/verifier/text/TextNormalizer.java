package io.tracemark.verifier.text;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;
import java.util.Locale;

/**
 * One text normaliser, named as reports and the {@code --normalize} option name it. A {@link
 * Normalization} composes several in a fixed order (the order of this enum). Every normaliser is a
 * pure function of the text, thread-safe, and returns its argument itself when it changes nothing.
 */
public enum TextNormalizer {
  /**
   * Removes the default-ignorable code points (Unicode property {@code Default_Ignorable_Code_Point}):
   * zero-width space, non-joiner and joiner, word joiner, soft hyphen, byte-order mark, the bidi
   * marks, embeddings, overrides and isolates, variation selectors, tag characters, Hangul fillers.
   * They are invisible when the text is shown and split tokens when it is tokenized. A zero-width
   * joiner inside an emoji sequence is removed too (the emoji then shows as its parts).
   */
  INVISIBLE("invisible") {
    @Override
    String applyChecked(String text) {
      int n = text.length();
      int i = 0;
      while (i < n && !invisible(text.codePointAt(i))) {
        i += Character.charCount(text.codePointAt(i));
      }
      if (i == n) {
        return text;
      }
      StringBuilder out = new StringBuilder(n).append(text, 0, i);
      while (i < n) {
        int cp = text.codePointAt(i);
        if (!invisible(cp)) {
          out.appendCodePoint(cp);
        }
        i += Character.charCount(cp);
      }
      return out.toString();
    }
  },
  /** Unicode canonical composition (NFC): a decomposed "e" + combining acute becomes "é". */
  NFC("nfc") {
    @Override
    String applyChecked(String text) {
      return normalize(Normalizer2.getNFCInstance(), text);
    }
  },
  /**
   * Unicode compatibility composition (NFKC): NFC, and compatibility forms folded to their plain
   * letters — fullwidth "Ｔｅｘｔ" to "Text", ligatures ("ﬁ" to "fi"), superscripts, the no-break
   * space to a space. It also folds characters that carry meaning in some texts (²→2, ½→1⁄2).
   */
  NFKC("nfkc") {
    @Override
    String applyChecked(String text) {
      return normalize(Normalizer2.getNFKCInstance(), text);
    }
  },
  /**
   * Folds homoglyphs to ASCII by their Unicode confusable skeleton (UTS #39, through ICU's {@code
   * SpoofChecker}): a non-ASCII character whose skeleton is the skeleton of a printable ASCII
   * character becomes that character (Cyrillic "а", Greek "ο", fullwidth "ａ", mathematical "𝐚"
   * become "a", "o", "a", "a"). ASCII text and every other character stay as they are. See {@link
   * ConfusableFold} for why this is not the skeleton of the whole string.
   */
  SKELETON("skeleton") {
    @Override
    String applyChecked(String text) {
      return ConfusableFold.fold(text);
    }
  },
  /**
   * Canonical whitespace and line endings: CR LF, CR, NEL, LS and PS become LF; every other white
   * space character (tab, no-break and other Unicode spaces) becomes a space; runs of spaces
   * become one; spaces at the start and end of a line go; more than one empty line becomes one;
   * the text is trimmed. For prose: it removes indentation, which carries meaning in code.
   */
  WHITESPACE("whitespace") {
    @Override
    String applyChecked(String text) {
      return Whitespace.canonical(text);
    }
  };

  private final String id;

  TextNormalizer(String id) {
    this.id = id;
  }

  /** The name used by {@code --normalize} and in reports, e.g. {@code skeleton}. */
  public String id() {
    return id;
  }

  /**
   * This normaliser applied to {@code text}.
   *
   * @throws TextPipeline.InvalidTextException for an unpaired surrogate (not Unicode text)
   */
  public String apply(String text) {
    TextPipeline.checkText(text);
    return applyChecked(text);
  }

  /** The normaliser of a text already checked for unpaired surrogates. */
  abstract String applyChecked(String text);

  /**
   * The normaliser named {@code id} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the value and the names allowed
   */
  public static TextNormalizer byId(String id) {
    String k = id.trim().toLowerCase(Locale.ROOT);
    for (TextNormalizer n : values()) {
      if (n.id.equals(k)) {
        return n;
      }
    }
    throw new IllegalArgumentException(String.format(Locale.ROOT,
        "normaliser must be one of %s, was \"%s\"", ids(), id));
  }

  /** The names of all normalisers, in the order they are applied. */
  public static String ids() {
    StringBuilder b = new StringBuilder();
    for (TextNormalizer n : values()) {
      b.append(b.length() == 0 ? "" : ", ").append(n.id);
    }
    return b.toString();
  }

  static boolean invisible(int cp) {
    return cp >= 0xAD && UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT);
  }

  private static String normalize(Normalizer2 form, String text) {
    return form.isNormalized(text) ? text : form.normalize(text);
  }
}
