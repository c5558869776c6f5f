package io.tracemark.verifier;

import io.tracemark.api.Checks;
import io.tracemark.api.LogitsModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Reading mode's question to the suspect model: its next-token predictions after a prefix of the
 * owner's text, the {@code candidates} highest logits in order (ties: the lower id first), and the
 * model's log-probability of each (its log-softmax at temperature 1). A NaN logit is an error
 * naming its index. Holds the logits buffer: used by one thread.
 */
final class ModelProbe {
  private final LogitsModel model;
  private final float[] logits;
  private final int[] top;
  private double logNormalizer = Double.NaN;

  ModelProbe(LogitsModel model, int candidates) {
    this.model = Objects.requireNonNull(model, "model");
    int v = model.vocabularySize();
    Checks.require(v >= 1, "model vocabularySize must be >= 1, was %d", v);
    Checks.require(candidates >= 1 && candidates <= v, "candidates must be between 1 and %d, was %d", v, candidates);
    this.logits = new float[v];
    this.top = new int[candidates];
  }

  /**
   * The model's predictions after {@code text[0, pos)}, best first; the array is reused by the
   * next call.
   */
  int[] predict(int[] text, int pos) {
    Arrays.fill(logits, 0f);
    model.nextTokenLogits(text, pos, logits);
    logNormalizer = Double.NaN;
    if (top.length == 1) {
      top[0] = argmax(logits);
      return top;
    }
    Arrays.fill(top, -1);
    for (int i = 0; i < logits.length; i++) {
      float v = check(logits, i);
      // insertion into the sorted top list; strict > keeps the lower id first on ties
      int j = top.length;
      while (j > 0 && (top[j - 1] < 0 || v > logits[top[j - 1]])) {
        j--;
      }
      if (j < top.length) {
        System.arraycopy(top, j, top, j + 1, top.length - j - 1);
        top[j] = i;
      }
    }
    return top;
  }

  /**
   * ln q(y) of the prediction of rank {@code rank} (0: the best) of the last {@link #predict}
   * call, where q is the softmax of the model's logits; −∞ for a token of probability 0.
   */
  double logProbability(int rank) {
    if (logNormalizer != logNormalizer) {
      logNormalizer = logSumExp(logits);
    }
    return logits[top[rank]] - logNormalizer;
  }

  /** ln Σ exp(l), computed around the largest logit so that nothing overflows. */
  static double logSumExp(float[] l) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : l) {
      max = Math.max(max, v);
    }
    if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (float v : l) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }

  private static int argmax(float[] logits) {
    int best = 0;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float v = check(logits, i);
      if (v > max) {
        max = v;
        best = i;
      }
    }
    return best;
  }

  private static float check(float[] logits, int i) {
    float v = logits[i];
    if (v != v) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "suspect model logits[%d] is NaN", i));
    }
    return v;
  }
}
