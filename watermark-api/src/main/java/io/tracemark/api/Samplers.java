package io.tracemark.api;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The plain samplers and logits processors a sampling loop needs, so that a loop with a watermark
 * is a few lines:
 *
 * <pre>{@code
 * LogitsProcessor temperature = Samplers.temperature(0.8f);
 * LogitsProcessor topP = Samplers.topP(0.95);
 * Sampler draw = Samplers.multinomial(new SplittableRandom(seed));
 * for (int n = promptLength; n < maxLength; n++) {
 *   float[] logits = model.forward(tokens, n);
 *   temperature.process(logits);
 *   topP.process(logits);
 *   watermark.apply(tokens, n, logits);   // after the engine's processors
 *   tokens[n] = draw.sample(logits);
 * }
 * }</pre>
 *
 * <p>The processors and {@link #greedy()} are stateless and thread-safe. A multinomial sampler
 * is as thread-safe as the generator it was given (use one per sequence).
 */
public final class Samplers {
  private Samplers() {}

  /** Picks the token with the highest logit (the lowest id on ties). NaN logits are an error. */
  public static Sampler greedy() {
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
   * Draws from softmax(logits) with the given generator (inverse-CDF in one pass after a
   * max-shifted exponentiation). {@code -Infinity} logits have probability 0.
   */
  public static Sampler multinomial(RandomGenerator random) {
    if (random == null) {
      throw new NullPointerException("random");
    }
    return logits -> {
      float max = maxChecked(logits);
      double total = 0;
      for (float v : logits) {
        total += Math.exp(v - max);
      }
      double target = random.nextDouble() * total;
      double cumulative = 0;
      int last = -1;
      for (int i = 0; i < logits.length; i++) {
        if (logits[i] == Float.NEGATIVE_INFINITY) {
          continue;
        }
        last = i;
        cumulative += Math.exp(logits[i] - max);
        if (cumulative > target) {
          return i;
        }
      }
      return last;
    };
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
   * mass reaches {@code p} and masks the rest with -∞.
   */
  public static LogitsProcessor topP(double p) {
    Checks.require(p > 0 && p <= 1, "top-p must be in (0, 1], was %s", p);
    return logits -> {
      if (p >= 1) {
        return;
      }
      float max = maxChecked(logits);
      double total = 0;
      for (float v : logits) {
        total += Math.exp(v - max);
      }
      // Tokens with probability below (1 - p) / V have total mass below 1 - p, so the nucleus lies
      // among the others: sort only those.
      double floor = (1 - p) / logits.length;
      int n = 0;
      long[] candidates = new long[16];
      for (int i = 0; i < logits.length; i++) {
        double prob = Math.exp(logits[i] - max) / total;
        if (prob >= floor) {
          if (n == candidates.length) {
            candidates = Arrays.copyOf(candidates, n * 2);
          }
          // sort key: descending logit, then ascending id
          candidates[n++] = ((long) ~sortableBits(logits[i]) << 32) | i;
        }
      }
      Arrays.sort(candidates, 0, n);
      double mass = 0;
      float cutoff = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        int id = (int) candidates[j];
        mass += Math.exp(logits[id] - max) / total;
        if (mass >= p) {
          cutoff = logits[id];
          break;
        }
      }
      if (cutoff == Float.NEGATIVE_INFINITY) {
        return;
      }
      for (int i = 0; i < logits.length; i++) {
        if (logits[i] < cutoff) {
          logits[i] = Float.NEGATIVE_INFINITY;
        }
      }
    };
  }

  /** Float bits mapped so that signed int order is float order. */
  private static int sortableBits(float f) {
    int bits = Float.floatToIntBits(f);
    return bits >= 0 ? bits : bits ^ 0x7fffffff;
  }

  private static float maxChecked(float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float v = logits[i];
      if (v != v) {
        throw Checks.illegal("logits[%d] is NaN", i);
      }
      if (v == Float.POSITIVE_INFINITY) {
        throw Checks.illegal("logits[%d] is +Infinity", i);
      }
      max = Math.max(max, v);
    }
    Checks.require(max > Float.NEGATIVE_INFINITY, "all %d logits are -Infinity", logits.length);
    return max;
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
