package io.tracemark.examples.attack;

import io.tracemark.verifier.text.TextTokenizer;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Homoglyph substitution: a share of the letters that have a Cyrillic or Greek look-alike (a c e i
 * j o p s x y and A B C E H I J K M N O P S T X Y Z) is replaced by it, positions chosen uniformly
 * among those letters. The text looks the same; its tokens do not.
 */
public final class Homoglyphs extends TextAttack {
  private static final String LATIN = "aceijopsxyABCEHIJKMNOPSTXYZ";
  private static final String LOOK_ALIKE = "асеіјорѕхуАВСЕНІЈКМΝОРЅТХΥΖ";
  private final double rate;

  /**
   * @param tokenizer the tokenizer
   * @param rate the share of the eligible letters replaced, in [0, 1]
   */
  public Homoglyphs(TextTokenizer tokenizer, double rate) {
    super(tokenizer);
    this.rate = Attack.checkRate("homoglyph rate", rate);
  }

  /** The look-alike of {@code c}, or {@code c} itself when it has none. */
  static char lookAlike(char c) {
    int i = LATIN.indexOf(c);
    return i < 0 ? c : LOOK_ALIKE.charAt(i);
  }

  @Override
  public String name() {
    return "homoglyph";
  }

  @Override
  public String parameters() {
    return String.format(Locale.ROOT, "rate=%s", Attack.percent(rate));
  }

  @Override
  protected String edit(String text, SplittableRandom random) {
    int[] where = new int[text.length()];
    int e = 0;
    for (int i = 0; i < text.length(); i++) {
      if (LATIN.indexOf(text.charAt(i)) >= 0) {
        where[e++] = i;
      }
    }
    boolean[] chosen = Positions.choose(e, Attack.count(rate, e), random);
    char[] out = text.toCharArray();
    for (int j = 0; j < e; j++) {
      if (chosen[j]) {
        out[where[j]] = lookAlike(out[where[j]]);
      }
    }
    return new String(out);
  }
}
