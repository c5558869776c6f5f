package io.tracemark.core.keys;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A strict reader and writer for the flat JSON objects of key files: string and integer values
 * only, no nesting. Written by hand because a key file needs nothing more and the key classes then
 * carry no JSON library. Error messages give the character offset and never echo a name or a
 * value (a damaged file can hold the secret anywhere).
 */
final class FlatJson {
  private final String s;
  private int i;

  private FlatJson(String s) {
    this.s = s;
  }

  static Map<String, String> parse(String text) {
    FlatJson p = new FlatJson(text);
    Map<String, String> out = new LinkedHashMap<>();
    p.ws();
    p.expect('{');
    p.ws();
    if (p.peek() == '}') {
      p.i++;
    } else {
      while (true) {
        p.ws();
        String name = p.string();
        p.ws();
        p.expect(':');
        p.ws();
        String value = p.peek() == '"' ? p.string() : p.number();
        if (out.put(name, value) != null) {
          throw illegal("a field is given twice (at offset %d)", p.i);
        }
        p.ws();
        char c = p.next();
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw illegal("expected ',' or '}' at offset %d", p.i - 1);
        }
      }
    }
    p.ws();
    if (p.i != text.length()) {
      throw illegal("unexpected content at offset %d", p.i);
    }
    return out;
  }

  /** A JSON string literal for {@code value}: quotes, backslashes and control characters escaped. */
  static String quote(String value) {
    StringBuilder b = new StringBuilder(value.length() + 2).append('"');
    for (int k = 0; k < value.length(); k++) {
      char c = value.charAt(k);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private static IllegalArgumentException illegal(String format, Object... args) {
    return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
  }

  private void ws() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private char peek() {
    if (i >= s.length()) {
      throw illegal("unexpected end of input at offset %d", i);
    }
    return s.charAt(i);
  }

  private char next() {
    char c = peek();
    i++;
    return c;
  }

  private void expect(char c) {
    if (next() != c) {
      throw illegal("expected '%c' at offset %d", c, i - 1);
    }
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return b.toString();
      }
      if (c == '\\') {
        char e = next();
        switch (e) {
          case '"': b.append('"'); break;
          case '\\': b.append('\\'); break;
          case '/': b.append('/'); break;
          case 'n': b.append('\n'); break;
          case 't': b.append('\t'); break;
          case 'r': b.append('\r'); break;
          case 'b': b.append('\b'); break;
          case 'f': b.append('\f'); break;
          case 'u':
            if (i + 4 > s.length()) {
              throw illegal("bad \\u escape at offset %d", i);
            }
            try {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException ex) {
              throw illegal("bad \\u escape at offset %d", i);
            }
            i += 4;
            break;
          default:
            throw illegal("bad escape at offset %d", i - 1);
        }
      } else {
        b.append(c);
      }
    }
  }

  private String number() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == start) {
      throw illegal("expected a string or an integer at offset %d", start);
    }
    return s.substring(start, i);
  }
}
