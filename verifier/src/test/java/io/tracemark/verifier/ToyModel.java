package io.tracemark.verifier;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.TokenSampler;
import io.tracemark.api.Watermark;
import io.tracemark.core.sampling.Samplers;
import java.util.SplittableRandom;

/** A seeded random "language model" for tests: Zipf-shaped logits with per-step noise. */
final class ToyModel {
  private ToyModel() {}

  /**
   * {@code n} tokens from a vocabulary of {@code vocab}, each step's logits biased by
   * {@code scheme} when it is not null (the sequence continues {@code context}).
   */
  static int[] generate(BiasScheme scheme, int[] context, int n, int vocab, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    TokenSampler sampler = Samplers.multinomial(random);
    int[] tokens = new int[context.length + n];
    System.arraycopy(context, 0, tokens, 0, context.length);
    float[] logits = new float[vocab];
    for (int i = context.length; i < tokens.length; i++) {
      for (int t = 0; t < vocab; t++) {
        logits[t] = (float) (-0.6 * Math.log(t + 1.0) + 1.5 * random.nextGaussian());
      }
      if (scheme != null) {
        scheme.apply(tokens, i, logits);
      }
      tokens[i] = sampler.sample(logits);
    }
    int[] out = new int[n];
    System.arraycopy(tokens, context.length, out, 0, n);
    return out;
  }

  static int[] generate(BiasScheme scheme, int n, int vocab, long seed) {
    return generate(scheme, new int[0], n, vocab, seed);
  }

  /** {@link #generate(BiasScheme, int, int, long)} with the bias of a green-list watermark (none when null). */
  static int[] generate(Watermark watermark, int n, int vocab, long seed) {
    return generate(watermark == null ? null : watermark.bias().orElseThrow(), n, vocab, seed);
  }

  /** {@link #generate(BiasScheme, int[], int, int, long)} with the bias of a green-list watermark (none when null). */
  static int[] generate(Watermark watermark, int[] context, int n, int vocab, long seed) {
    return generate(watermark == null ? null : watermark.bias().orElseThrow(), context, n, vocab, seed);
  }
}
