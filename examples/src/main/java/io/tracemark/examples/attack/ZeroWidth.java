package io.tracemark.examples.attack;

import io.tracemark.verifier.text.TextTokenizer;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Zero-width insertion: a ZERO WIDTH SPACE (U+200B) after a share of the code points, positions
 * chosen uniformly. Invisible on screen; it splits the tokens it lands in.
 */
public final class ZeroWidth extends TextAttack {
  /** The inserted character. */
  public static final char ZWSP = '\u200B';
  private final double rate;

  /**
   * @param tokenizer the tokenizer
   * @param rate the share of code points followed by a zero-width space, in [0, 1]
   */
  public ZeroWidth(TextTokenizer tokenizer, double rate) {
    super(tokenizer);
    this.rate = Attack.checkRate("zero-width rate", rate);
  }

  @Override
  public String name() {
    return "zero-width";
  }

  @Override
  public String parameters() {
    return String.format(Locale.ROOT, "rate=%s", Attack.percent(rate));
  }

  @Override
  protected String edit(String text, SplittableRandom random) {
    int points = text.codePointCount(0, text.length());
    boolean[] chosen = Positions.choose(points, Attack.count(rate, points), random);
    StringBuilder out = new StringBuilder(text.length() + points / 4);
    int p = 0;
    for (int i = 0; i < text.length(); p++) {
      int cp = text.codePointAt(i);
      out.appendCodePoint(cp);
      if (chosen[p]) {
        out.append(ZWSP);
      }
      i += Character.charCount(cp);
    }
    return out.toString();
  }
}
