package io.tracemark.examples.attack;

import io.tracemark.api.Checks;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.TextTokenizer;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An attack on the characters of a text: the watermarked tokens are decoded, edited as text and
 * encoded again with the same tokenizer. Re-encoding alone already changes a token sequence that
 * is not the tokenizer's own encoding of its text ({@link Retokenize} measures that effect).
 */
public abstract class TextAttack implements Attack {
  private final TextTokenizer tokenizer;

  /** @param tokenizer the tokenizer of the watermarked tokens and of the attacked text */
  protected TextAttack(TextTokenizer tokenizer) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
  }

  /** The tokenizer. */
  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public final int[] apply(int[] watermarked, int[] human, SplittableRandom random) {
    Attack.requireLength(this, "watermarked", watermarked, 1);
    return tokenizer.encode(attackText(tokenizer.decode(watermarked), random));
  }

  /**
   * The attacked text.
   *
   * @throws IllegalArgumentException for an empty text or invalid Unicode (an unpaired surrogate),
   *     naming the attack and the character index
   */
  public final String attackText(String text, SplittableRandom random) {
    Objects.requireNonNull(text, "text");
    Checks.require(!text.isEmpty(), "%s: the text is empty", label());
    try {
      TextPipeline.checkText(text);
    } catch (TextPipeline.InvalidTextException e) {
      throw new IllegalArgumentException(label() + ": " + e.getMessage(), e);
    }
    return edit(text, random);
  }

  /** Edits a non-empty valid text. */
  protected abstract String edit(String text, SplittableRandom random);
}
