package io.tracemark.examples.attack;

import io.tracemark.verifier.text.TextTokenizer;
import java.util.Locale;
import java.util.SplittableRandom;

/** Case change of the whole text: all lower case or all upper case (Locale.ROOT). */
public final class CaseChange extends TextAttack {
  private final boolean upper;

  /**
   * @param tokenizer the tokenizer
   * @param upper upper case when true, lower case otherwise
   */
  public CaseChange(TextTokenizer tokenizer, boolean upper) {
    super(tokenizer);
    this.upper = upper;
  }

  @Override
  public String name() {
    return "case";
  }

  @Override
  public String parameters() {
    return upper ? "upper" : "lower";
  }

  @Override
  protected String edit(String text, SplittableRandom random) {
    return upper ? text.toUpperCase(Locale.ROOT) : text.toLowerCase(Locale.ROOT);
  }
}
