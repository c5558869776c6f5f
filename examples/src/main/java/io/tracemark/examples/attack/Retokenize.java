package io.tracemark.examples.attack;

import io.tracemark.verifier.text.TextTokenizer;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Decode → re-encode through another tokenizer: the text is encoded with another tokenizer (as a
 * model with that tokenizer would read it), decoded back, and encoded with the original one. The
 * byte-level BPE encodings (JTokkit's o200k_base, r50k_base) decode exactly what they encode, so
 * the text is unchanged and the only effect is that a token sequence that is not its text's own
 * encoding (a sampler may produce " the" as " t" + "he") comes back as the canonical one.
 */
public final class Retokenize extends TextAttack {
  private final TextTokenizer other;

  /**
   * @param tokenizer the tokenizer of the watermarked tokens
   * @param other the tokenizer the text passes through
   */
  public Retokenize(TextTokenizer tokenizer, TextTokenizer other) {
    super(tokenizer);
    this.other = Objects.requireNonNull(other, "other");
  }

  @Override
  public String name() {
    return "retokenize";
  }

  @Override
  public String parameters() {
    return "via=" + other.name();
  }

  @Override
  protected String edit(String text, SplittableRandom random) {
    return other.decode(other.encode(text));
  }
}
