package io.tracemark.verifier.text;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link TextNormalizer#SKELETON} normaliser: each non-ASCII character whose UTS #39 skeleton
 * (ICU {@code SpoofChecker.getSkeleton}) equals the skeleton of a printable ASCII character is
 * replaced by that ASCII character; ASCII and all other characters are kept.
 *
 * <p>The skeleton of a whole string is a matching key, not text: it also rewrites plain ASCII
 * ("m" becomes "rn", "l", "I" and "1" fold together, "0" becomes "O"), so the tokens of a clean
 * text would change and the watermark in them would be lost. Folding only the characters that are
 * not ASCII to the ASCII character they are confusable with leaves clean English text untouched
 * and undoes homoglyph substitution. When several ASCII characters share a skeleton (l, I, 1, |),
 * a letter folds to a letter of the same case, a digit to a digit, anything else to a symbol.
 *
 * <p>Each code point's fold is computed once and cached; the cache is safe to share between
 * threads (an entry computed twice is the same value).
 */
final class ConfusableFold {
  private ConfusableFold() {}

  private static final int UNKNOWN = 0;
  private static final int KEEP = -1;

  private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();
  private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
  /** Skeleton → the printable ASCII characters with that skeleton. */
  private static final Map<String, List<Character>> ASCII_BY_SKELETON = asciiBySkeleton();
  /** BMP fold: UNKNOWN, KEEP, or the ASCII character. Racy but benign: int writes are atomic. */
  private static final int[] BMP = new int[0x10000];
  private static final Map<Integer, Integer> SUPPLEMENTARY = new ConcurrentHashMap<>();

  static String fold(String text) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      int cp = text.codePointAt(i);
      if (cp >= 0x80 && target(cp) != KEEP) {
        break;
      }
      i += Character.charCount(cp);
    }
    if (i == n) {
      return text;
    }
    StringBuilder out = new StringBuilder(n).append(text, 0, i);
    while (i < n) {
      int cp = text.codePointAt(i);
      int t = cp < 0x80 ? KEEP : target(cp);
      if (t == KEEP) {
        out.appendCodePoint(cp);
      } else {
        out.append((char) t);
      }
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  /** The ASCII character {@code cp} folds to, or KEEP. */
  static int target(int cp) {
    if (cp < 0x10000) {
      int t = BMP[cp];
      if (t == UNKNOWN) {
        t = compute(cp);
        BMP[cp] = t;
      }
      return t;
    }
    return SUPPLEMENTARY.computeIfAbsent(cp, ConfusableFold::compute);
  }

  private static int compute(int cp) {
    String s = new String(Character.toChars(cp));
    List<Character> candidates = ASCII_BY_SKELETON.get(SPOOF.getSkeleton(s));
    if (candidates == null) {
      // fullwidth and styled (mathematical) forms the confusable data does not list; not other
      // compatibility forms, which carry meaning (a superscript two is not a two)
      int type = UCharacter.getIntPropertyValue(cp, UProperty.DECOMPOSITION_TYPE);
      if (type != UCharacter.DecompositionType.WIDE && type != UCharacter.DecompositionType.FONT) {
        return KEEP;
      }
      String k = NFKC.normalize(s);
      return k.length() == 1 && k.charAt(0) > 0x20 && k.charAt(0) < 0x7F ? k.charAt(0) : KEEP;
    }
    boolean letter = UCharacter.isLetter(cp);
    boolean digit = UCharacter.isDigit(cp);
    boolean upper = UCharacter.isUUppercase(cp);
    Character best = null;
    int bestRank = Integer.MAX_VALUE;
    for (Character c : candidates) {
      int rank;
      if (letter) {
        rank = Character.isLetter(c) ? (Character.isUpperCase(c) == upper ? 0 : 1) : 2;
      } else if (digit) {
        rank = Character.isDigit(c) ? 0 : 1;
      } else {
        rank = Character.isLetterOrDigit(c) ? 1 : 0;
      }
      if (rank < bestRank) {
        best = c;
        bestRank = rank;
      }
    }
    return best;
  }

  private static Map<String, List<Character>> asciiBySkeleton() {
    Map<String, List<Character>> m = new HashMap<>();
    for (char c = 0x21; c < 0x7F; c++) {
      m.computeIfAbsent(SPOOF.getSkeleton(String.valueOf(c)), k -> new ArrayList<>()).add(c);
    }
    return m;
  }
}
