package io.tracemark.core.sampling;

import io.tracemark.api.Checks;
import io.tracemark.api.LogitsProcessor;
import io.tracemark.api.TokenSampler;
import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The plain samplers and logits processors a sampling loop needs, so that a loop with a watermark
 * is a few lines:
 *
 * <pre>{@code
 * LogitsProcessor temperature = Samplers.temperature(0.8f);
 * LogitsProcessor topP = Samplers.topP(0.95);
 * TokenSampler draw = Samplers.multinomial(new SplittableRandom(seed));
 * for (int n = promptLength; n < maxLength; n++) {
 *   float[] logits = model.forward(tokens, n);
 *   temperature.process(logits);
 *   topP.process(logits);
 *   watermark.apply(tokens, n, logits);   // after the engine's processors
 *   tokens[n] = draw.sample(logits);
 * }
 * }</pre>
 *
 * <p>The processors and {@link #greedy()} are immutable and thread-safe. A multinomial sampler is
 * not: use one per sequence. Top-k allocates a heap of k floats per call; nothing else allocates
 * per call.
 */
public final class Samplers {
  private Samplers() {}

  /** Picks the token with the highest logit (the lowest id on ties). NaN logits are an error. */
  public static TokenSampler greedy() {
    return logits -> {
      int best = -1;
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < logits.length; i++) {
        float v = logits[i];
        if (v != v) {
          throw Checks.illegal("logits[%d] is NaN", i);
        }
        if (v > max || best < 0 && v == max) {
          max = v;
          best = i;
        }
      }
      Checks.require(max > Float.NEGATIVE_INFINITY, "all %d logits are -Infinity", logits.length);
      return best;
    };
  }

  /**
   * Draws from softmax(logits) with one uniform of {@code random} per call ({@link Multinomial});
   * {@code -Infinity} logits have probability 0. Not thread-safe: one per sequence (it owns scratch
   * space and uses the generator it was given).
   */
  public static TokenSampler multinomial(RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    Multinomial draw = new Multinomial();
    return logits -> draw.draw(logits, random);
  }

  /** Divides the logits by {@code t} (t in (0, ∞); t → 0 approaches greedy). */
  public static LogitsProcessor temperature(double t) {
    Checks.require(t > 0 && Double.isFinite(t), "temperature must be finite and > 0, was %s", t);
    float inverse = (float) (1.0 / t);
    return logits -> {
      for (int i = 0; i < logits.length; i++) {
        logits[i] *= inverse;
      }
    };
  }

  /** Keeps the {@code k} highest logits (ties at the boundary are kept) and masks the rest with -∞. */
  public static LogitsProcessor topK(int k) {
    Checks.require(k >= 1, "top-k must be >= 1, was %d", k);
    return logits -> {
      if (k >= logits.length) {
        return;
      }
      float[] heap = new float[k];
      Arrays.fill(heap, Float.NEGATIVE_INFINITY);
      for (float v : logits) {
        if (v > heap[0]) {
          heap[0] = v;
          siftDown(heap);
        }
      }
      float kth = heap[0];
      for (int i = 0; i < logits.length; i++) {
        if (logits[i] < kth) {
          logits[i] = Float.NEGATIVE_INFINITY;
        }
      }
    };
  }

  /**
   * Nucleus sampling: keeps the smallest set of highest-probability tokens whose probability
   * mass reaches {@code p} (and the tokens tied with the last of them) and masks the rest with
   * −∞. Linear time, no sorting of the candidates, no allocation per call ({@link TopP}).
   *
   * @param p in (0, 1]; 1 keeps everything
   */
  public static LogitsProcessor topP(double p) {
    return new TopP(p);
  }

  private static void siftDown(float[] heap) {
    int i = 0;
    int n = heap.length;
    while (true) {
      int l = 2 * i + 1;
      if (l >= n) {
        return;
      }
      int r = l + 1;
      int m = r < n && heap[r] < heap[l] ? r : l;
      if (heap[m] >= heap[i]) {
        return;
      }
      float t = heap[m];
      heap[m] = heap[i];
      heap[i] = t;
      i = m;
    }
  }
}
