package io.tracemark.verifier.text;

/** The {@link TextNormalizer#WHITESPACE} normaliser. */
final class Whitespace {
  private Whitespace() {}

  static String canonical(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int newlines = 0; // line feeds pending (written before the next visible character)
    boolean space = false; // a space pending
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
          i++;
        }
        newlines++;
        space = false; // a space at the end of a line goes
      } else if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        space = true;
      } else {
        if (out.length() > 0) {
          if (newlines > 0) {
            out.append(newlines == 1 ? "\n" : "\n\n");
          } else if (space) {
            out.append(' ');
          }
        }
        newlines = 0;
        space = false;
        out.append(c);
      }
    }
    String s = out.toString();
    return s.equals(text) ? text : s;
  }
}
