package io.tracemark.examples.attack;

import io.tracemark.api.LogitsModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Substitution with the embedded model's own alternatives, a crude paraphrase: at round(rate·n)
 * positions chosen uniformly, the token is replaced by the model's most probable token other than
 * it, given the attacked text before it. A real paraphrase rewrites phrases and reorders clauses;
 * this one only swaps single tokens for fluent alternatives, so it understates what a paraphrasing
 * model does to the green counts of the windows around each edit.
 *
 * @param model the language model that proposes the alternatives
 * @param rate the share of tokens substituted, in [0, 1]
 */
public record ModelSubstitution(LogitsModel model, double rate) implements Attack {
  /** Validates. */
  public ModelSubstitution {
    if (model == null) {
      throw new NullPointerException("model");
    }
    Attack.checkRate("paraphrase rate", rate);
  }

  @Override
  public String name() {
    return "paraphrase";
  }

  @Override
  public String parameters() {
    return String.format(Locale.ROOT, "rate=%s", Attack.percent(rate));
  }

  @Override
  public int[] apply(int[] watermarked, int[] human, SplittableRandom random) {
    Attack.requireLength(this, "watermarked", watermarked, 1);
    int n = watermarked.length;
    boolean[] chosen = Positions.choose(n, Attack.count(rate, n), random);
    int[] out = Arrays.copyOf(watermarked, n);
    float[] logits = new float[model.vocabularySize()];
    for (int i = 0; i < n; i++) {
      if (chosen[i]) {
        model.nextTokenLogits(out, i, logits);
        out[i] = bestOther(logits, watermarked[i]);
      }
    }
    return out;
  }

  /** The id with the largest logit other than {@code excluded} (the smallest id among ties). */
  static int bestOther(float[] logits, int excluded) {
    int best = -1;
    for (int t = 0; t < logits.length; t++) {
      if (t != excluded && (best < 0 || logits[t] > logits[best])) {
        best = t;
      }
    }
    return best;
  }
}
