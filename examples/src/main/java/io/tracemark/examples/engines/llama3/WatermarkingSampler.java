package io.tracemark.examples.engines.llama3;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.TokenSampler;
import io.tracemark.core.sampling.Samplers;
import io.tracemark.core.sampling.WatermarkSession;
import java.util.random.RandomGenerator;

/**
 * A llama3.java sampler ({@link Llama3Sampler}) that watermarks. llama3.java calls
 * {@code sampler.sampleToken(state.logits)} with the logits only, so this wrapper keeps the
 * context itself: it starts from the prompt and appends every token it returns.
 *
 * <p>Use {@link #wrap} around the engine's sampler (then the bias comes before the engine's
 * temperature, so its effective strength is δ / T), or {@link #temperatureThenWatermark}, which
 * rebuilds llama3.java's temperature sampler with the bias after the temperature, as the
 * tracemark convention (and the detector's calibration of δ) assumes.
 *
 * <p>Not thread-safe: one sampler per sequence, as in llama3.java.
 */
public final class WatermarkingSampler implements Llama3Sampler {
  private final WatermarkSession session;
  private final Llama3Sampler inner;
  private float[] scratch = new float[0];

  private WatermarkingSampler(BiasScheme scheme, int[] prompt, Llama3Sampler inner) {
    if (inner == null) {
      throw new NullPointerException("inner");
    }
    this.session = new WatermarkSession(scheme, prompt);
    this.inner = inner;
  }

  /** Biases the logits, then lets {@code inner} (the engine's sampler) choose. */
  public static WatermarkingSampler wrap(BiasScheme scheme, int[] prompt, Llama3Sampler inner) {
    return new WatermarkingSampler(scheme, prompt, inner);
  }

  /**
   * llama3.java's sampler for {@code temperature > 0} with the watermark after the temperature:
   * divide by T, bias, then draw from softmax with {@code random} (tracemark's multinomial draw).
   */
  public static WatermarkingSampler temperatureThenWatermark(BiasScheme scheme, int[] prompt, double temperature,
      RandomGenerator random) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0, was " + temperature);
    }
    float inverse = (float) (1.0 / temperature);
    WatermarkSession session = new WatermarkSession(scheme, prompt);
    TokenSampler draw = Samplers.multinomial(random);
    return new WatermarkingSampler(session, (PreBiased) logits -> {
      if (!(logits instanceof ArrayFloatTensor)) {
        throw new IllegalArgumentException("temperatureThenWatermark needs array-backed logits, got "
            + logits.getClass().getSimpleName());
      }
      float[] values = ((ArrayFloatTensor) logits).values;
      for (int i = 0; i < values.length; i++) {
        values[i] *= inverse;
      }
      session.bias(values);
      return draw.sample(values);
    });
  }

  private WatermarkingSampler(WatermarkSession session, Llama3Sampler inner) {
    this.session = session;
    this.inner = inner;
  }

  @Override
  public int sampleToken(FloatTensor logits) {
    int token;
    if (inner instanceof PreBiased) {
      token = inner.sampleToken(logits);
    } else if (logits instanceof ArrayFloatTensor a) {
      session.bias(a.values);
      token = inner.sampleToken(logits);
    } else {
      // a tensor not backed by an array (e.g. memory-mapped): bias a copy, write it back
      int n = logits.size();
      if (scratch.length != n) {
        scratch = new float[n];
      }
      for (int i = 0; i < n; i++) {
        scratch[i] = logits.getFloat(i);
      }
      session.bias(scratch);
      for (int i = 0; i < n; i++) {
        logits.setFloat(i, scratch[i]);
      }
      token = inner.sampleToken(logits);
    }
    session.accept(token);
    return token;
  }

  /** The context so far (prompt and sampled tokens). */
  public int[] context() {
    return session.tokens();
  }

  /** Marks an inner sampler that applies the bias itself. */
  private interface PreBiased extends Llama3Sampler {}
}
