package io.tracemark.api;

import java.util.Locale;

/**
 * The one argument-check helper of every tracemark module: checks whose messages name the
 * parameter, the bound and the value ({@link #require}, {@link #illegal}, formatted with
 * {@link Locale#ROOT}), how a user's value is echoed in a message ({@link #quote}), and what a
 * number in a scheme specification may look like ({@link #isPlainDecimal}, {@link #isPlainInteger}).
 * Stateless and thread-safe.
 */
public final class Checks {
  private Checks() {}

  /** The longest part of a user's value that {@link #quote} echoes, in characters. */
  public static final int MAX_ECHO = 80;

  /** An {@link IllegalArgumentException} whose message is {@code format} formatted with {@link Locale#ROOT}. */
  public static IllegalArgumentException illegal(String format, Object... args) {
    return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
  }

  /** Throws {@link #illegal}{@code (format, args)} unless {@code condition} holds. */
  public static void require(boolean condition, String format, Object... args) {
    if (!condition) {
      throw illegal(format, args);
    }
  }

  /**
   * Checks that {@code tokens[from..to)} are ids of a vocabulary of {@code vocabularySize} tokens.
   *
   * @throws IllegalArgumentException naming the first id out of range and its index
   */
  public static void tokenIds(int[] tokens, int from, int to, int vocabularySize) {
    for (int i = from; i < to; i++) {
      int t = tokens[i];
      if (t < 0 || t >= vocabularySize) {
        throw illegal("token id at index %d must be between 0 and %d, was %d", i, vocabularySize - 1, t);
      }
    }
  }

  /**
   * A value from the user (a SPEC parameter, a file name, a record id) as it may appear in a
   * message: in double quotes, cut after {@value #MAX_ECHO} characters (then followed by
   * {@code …} and the full length), with control, format (bidi, zero-width), line-separator and
   * lone-surrogate characters, the quote and the backslash escaped as {@code \n}, {@code \r},
   * {@code \t}, {@code \"}, {@code \\} or {@code \}{@code uXXXX}. The result holds no character that a
   * terminal acts on. Never pass a secret: a quoted secret is still the secret.
   */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    int end = value.length();
    boolean cut = false;
    if (end > MAX_ECHO) {
      end = MAX_ECHO;
      if (Character.isHighSurrogate(value.charAt(end - 1)) && Character.isLowSurrogate(value.charAt(end))) {
        end--;
      }
      cut = true;
    }
    StringBuilder b = new StringBuilder(end + 16).append('"');
    escape(value, 0, end, b);
    b.append('"');
    if (cut) {
      b.append(String.format(Locale.ROOT, "… (%d characters)", value.length()));
    }
    return b.toString();
  }

  /**
   * A line of text with the characters {@link #quote} escapes escaped (the quote and the
   * backslash excepted), whatever its length: for a whole message built elsewhere, before it
   * reaches a terminal.
   */
  public static String escapeControls(String line) {
    StringBuilder b = new StringBuilder(line.length() + 16);
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"' || c == '\\') {
        b.append(c);
      } else {
        i = escapeOne(line, i, line.length(), b);
      }
    }
    return b.toString();
  }

  private static void escape(String s, int from, int to, StringBuilder b) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else {
        i = escapeOne(s, i, to, b);
      }
    }
  }

  /** Appends s[i] (escaped if it must be) and returns the index of the last char consumed. */
  private static int escapeOne(String s, int i, int to, StringBuilder b) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
      int cp = Character.toCodePoint(c, s.charAt(i + 1));
      if (Character.getType(cp) == Character.FORMAT) {
        b.append(String.format(Locale.ROOT, "\\u%04x\\u%04x", (int) c, (int) s.charAt(i + 1)));
      } else {
        b.append(c).append(s.charAt(i + 1));
      }
      return i + 1;
    }
    switch (c) {
      case '\n':
        b.append("\\n");
        break;
      case '\r':
        b.append("\\r");
        break;
      case '\t':
        b.append("\\t");
        break;
      default:
        int type = Character.getType(c);
        if (type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
            || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
          b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        } else {
          b.append(c);
        }
    }
    return i;
  }

  /**
   * Whether {@code text} is a plain decimal number: an optional sign, ASCII digits, and at most
   * one decimal point with a digit on at least one side ({@code 0.25}, {@code 2}, {@code .5},
   * {@code -1.}). No exponent, no hexadecimal, no suffix, no {@code NaN} or {@code Infinity}:
   * the number grammar of scheme specifications.
   */
  public static boolean isPlainDecimal(String text) {
    int i = signEnd(text);
    int digits = 0;
    boolean point = false;
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '.' && !point) {
        point = true;
      } else {
        return false;
      }
    }
    return digits > 0;
  }

  /** Whether {@code text} is a plain integer: an optional sign and ASCII digits. */
  public static boolean isPlainInteger(String text) {
    int i = signEnd(text);
    if (i == text.length()) {
      return false;
    }
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static int signEnd(String text) {
    return !text.isEmpty() && (text.charAt(0) == '+' || text.charAt(0) == '-') ? 1 : 0;
  }
}
