package io.tracemark.verifier.text;

import java.text.Normalizer;

/**
 * Optional normalisation before tokenizing: Unicode NFC, then invisible and bidirectional control
 * characters removed (zero-width spaces and joiners, word joiner, soft hyphen, BOM, bidi embeddings,
 * overrides and isolates). Off by default; a report records whether it was on.
 */
public final class TextNormalizer {
  private TextNormalizer() {}

  /** The name recorded in reports. */
  public static final String NAME = "nfc+strip-invisible";

  /** NFC, then strips the characters listed in the class comment. */
  public static String normalize(String text) {
    String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
    StringBuilder out = null;
    for (int i = 0; i < nfc.length(); i++) {
      char c = nfc.charAt(i);
      if (invisible(c)) {
        if (out == null) {
          out = new StringBuilder(nfc.length());
          out.append(nfc, 0, i);
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? nfc : out.toString();
  }

  static boolean invisible(char c) {
    return c == '\u00AD' // soft hyphen
        || (c >= '\u200B' && c <= '\u200F') // zero-width space/non-joiner/joiner, LRM, RLM
        || (c >= '\u202A' && c <= '\u202E') // bidi embeddings and overrides
        || (c >= '\u2060' && c <= '\u2064') // word joiner, invisible operators
        || (c >= '\u2066' && c <= '\u2069') // bidi isolates
        || c == '\u061C' // Arabic letter mark
        || c == '\uFEFF'; // BOM / zero-width no-break space
  }
}
