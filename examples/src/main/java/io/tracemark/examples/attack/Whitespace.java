package io.tracemark.examples.attack;

import io.tracemark.verifier.text.TextTokenizer;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Whitespace changes as editors and copy-paste make them: a share of the single spaces (U+0020)
 * becomes a line break, positions chosen uniformly among the spaces, and every line ending is
 * written CRLF. The words and their order are unchanged.
 */
public final class Whitespace extends TextAttack {
  private final double rate;

  /**
   * @param tokenizer the tokenizer
   * @param rate the share of the spaces turned into a line break, in [0, 1]
   */
  public Whitespace(TextTokenizer tokenizer, double rate) {
    super(tokenizer);
    this.rate = Attack.checkRate("whitespace rate", rate);
  }

  @Override
  public String name() {
    return "whitespace";
  }

  @Override
  public String parameters() {
    return String.format(Locale.ROOT, "rate=%s,crlf", Attack.percent(rate));
  }

  @Override
  protected String edit(String text, SplittableRandom random) {
    int spaces = (int) text.chars().filter(c -> c == ' ').count();
    boolean[] chosen = Positions.choose(spaces, Attack.count(rate, spaces), random);
    StringBuilder out = new StringBuilder(text.length() + spaces / 4);
    int s = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ') {
        out.append(chosen[s++] ? "\r\n" : " ");
      } else if (c == '\n' && (i == 0 || text.charAt(i - 1) != '\r')) {
        out.append("\r\n");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
