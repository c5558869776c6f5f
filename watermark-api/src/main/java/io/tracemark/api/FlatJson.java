package io.tracemark.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict reader for the flat JSON objects of key files: string and integer values only, no
 * nesting. Written by hand because this module has no third-party dependency. Error messages
 * give the character offset and never echo values (which may be secret).
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
          throw Checks.illegal("duplicate field \"%s\"", name);
        }
        p.ws();
        char c = p.next();
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw Checks.illegal("expected ',' or '}' at offset %d", p.i - 1);
        }
      }
    }
    p.ws();
    if (p.i != text.length()) {
      throw Checks.illegal("unexpected content at offset %d", p.i);
    }
    return out;
  }

  private void ws() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private char peek() {
    if (i >= s.length()) {
      throw Checks.illegal("unexpected end of input at offset %d", i);
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
      throw Checks.illegal("expected '%c' at offset %d", c, i - 1);
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
              throw Checks.illegal("bad \\u escape at offset %d", i);
            }
            try {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException ex) {
              throw Checks.illegal("bad \\u escape at offset %d", i);
            }
            i += 4;
            break;
          default:
            throw Checks.illegal("bad escape at offset %d", i - 1);
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
      throw Checks.illegal("expected a string or an integer at offset %d", start);
    }
    return s.substring(start, i);
  }
}
