package io.tracemark.examples.engines.jlama;

import io.tracemark.api.LogitsModel;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Mirror of the shape of Jlama's {@code AbstractModel}: {@code generate} runs the forward pass
 * and hands the logits to an overridable {@code sample(...)} together with the temperature and
 * a uniform draw; the context is not passed to it. Here the forward pass is any
 * {@link LogitsModel}.
 */
public class JlamaStyleModel {
  private final LogitsModel model;

  /** A model over {@code model}'s forward pass. */
  public JlamaStyleModel(LogitsModel model) {
    if (model == null) {
      throw new NullPointerException("model");
    }
    this.model = model;
  }

  /** The vocabulary size. */
  public int vocabularySize() {
    return model.vocabularySize();
  }

  /**
   * Continues {@code prompt} by {@code maxNewTokens} tokens, drawing each with
   * {@link #sample}; returns prompt and continuation.
   */
  public int[] generate(int[] prompt, int maxNewTokens, float temperature, RandomGenerator random) {
    int[] tokens = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
    float[] logits = new float[model.vocabularySize()];
    onStart(prompt);
    for (int n = prompt.length; n < tokens.length; n++) {
      model.nextTokenLogits(tokens, n, logits);
      tokens[n] = sample(logits, temperature, random.nextFloat());
    }
    return tokens;
  }

  /** Called before the first step with the prompt (a hook for subclasses; does nothing here). */
  protected void onStart(int[] prompt) {}

  /**
   * Picks the next token: greedy at temperature 0, else softmax(logits / T) sampled by inverse
   * CDF with {@code uniformSample} in [0, 1). May modify {@code logits}.
   */
  protected int sample(float[] logits, float temperature, float uniformSample) {
    if (temperature == 0) {
      int best = 0;
      for (int i = 1; i < logits.length; i++) {
        if (logits[i] > logits[best]) {
          best = i;
        }
      }
      return best;
    }
    for (int i = 0; i < logits.length; i++) {
      logits[i] /= temperature;
    }
    return inverseCdf(logits, uniformSample);
  }

  /** Inverse-CDF draw from softmax(logits) with the uniform {@code u}. */
  protected static int inverseCdf(float[] logits, float u) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    double target = u * sum;
    double cumulative = 0;
    for (int i = 0; i < logits.length; i++) {
      cumulative += Math.exp(logits[i] - max);
      if (cumulative > target) {
        return i;
      }
    }
    return logits.length - 1;
  }
}
