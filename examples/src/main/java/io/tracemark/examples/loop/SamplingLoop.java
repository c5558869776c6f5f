package io.tracemark.examples.loop;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.LogitsModel;
import io.tracemark.api.LogitsProcessor;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.TokenSampler;
import io.tracemark.core.sampling.Samplers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The reference sampling loop: model logits → temperature / top-k / top-p → watermark bias →
 * draw. This is the loop the README shows, written once so that the demo, the experiment commands
 * and the tests all generate the same way:
 *
 * <pre>{@code
 * for (int n = prompt.length; n < end; n++) {
 *   model.nextTokenLogits(tokens, n, logits);
 *   for (LogitsProcessor p : processors) p.process(logits);  // the engine's own processors
 *   if (watermark != null) watermark.apply(tokens, n, logits);  // after them
 *   tokens[n] = sampler.sample(logits);
 * }
 * }</pre>
 *
 * <p>The processors and the draw are the library's ({@link Samplers}: a linear-time top-p and the
 * multinomial draw with one exponential per token). A watermark that replaces the draw (a
 * {@link SamplingScheme}: Gumbel-max, tournaments) takes the processed logits instead of the bias
 * and the multinomial draw: {@code tokens[n] = scheme.sample(tokens, n, logits, random)}.
 *
 * <p>A loop object is immutable and thread-safe when its model and watermark are (the embedded
 * model and the core schemes are); each {@link #generate} call owns its buffers and generator.
 */
public final class SamplingLoop {
  private final LogitsModel model;
  private final BiasScheme watermark;
  private final SamplingScheme sampling;
  private final double temperature;
  private final int topK;
  private final double topP;
  private final List<LogitsProcessor> processors;

  private SamplingLoop(LogitsModel model, BiasScheme watermark, SamplingScheme sampling, double temperature, int topK,
      double topP) {
    if (model == null) {
      throw new NullPointerException("model");
    }
    Checks.require(watermark == null || watermark.vocabularySize() == model.vocabularySize(),
        "watermark vocabulary size %d must equal the model's %d",
        watermark == null ? 0 : watermark.vocabularySize(), model.vocabularySize());
    Checks.require(sampling == null || sampling.vocabularySize() == model.vocabularySize(),
        "sampling scheme vocabulary size %d must equal the model's %d",
        sampling == null ? 0 : sampling.vocabularySize(), model.vocabularySize());
    this.model = model;
    this.watermark = watermark;
    this.sampling = sampling;
    this.temperature = temperature;
    this.topK = topK;
    this.topP = topP;
    List<LogitsProcessor> p = new ArrayList<>();
    if (temperature != 1.0) {
      p.add(Samplers.temperature(temperature));
    }
    if (topK > 0) {
      p.add(Samplers.topK(topK));
    }
    if (topP < 1.0) {
      p.add(Samplers.topP(topP));
    }
    this.processors = List.copyOf(p);
  }

  /** Plain sampling at temperature 1, no truncation, no watermark. */
  public static SamplingLoop of(LogitsModel model) {
    return new SamplingLoop(model, null, null, 1.0, 0, 1.0);
  }

  /** The same loop with the watermark applied after the processors ({@code null}: none), and no sampling scheme. */
  public SamplingLoop withWatermark(BiasScheme scheme) {
    return new SamplingLoop(model, scheme, null, temperature, topK, topP);
  }

  /**
   * The same loop drawing each token with {@code scheme} from the processed logits instead of the
   * multinomial draw ({@code null}: the plain draw), and no bias.
   */
  public SamplingLoop withSampling(SamplingScheme scheme) {
    return new SamplingLoop(model, null, scheme, temperature, topK, topP);
  }

  /** The same loop with another temperature (finite, &gt; 0). */
  public SamplingLoop withTemperature(double t) {
    Checks.require(t > 0 && Double.isFinite(t), "temperature must be finite and > 0, was %s", t);
    return new SamplingLoop(model, watermark, sampling, t, topK, topP);
  }

  /** The same loop keeping the k most likely tokens (0: no top-k). */
  public SamplingLoop withTopK(int k) {
    Checks.require(k >= 0, "top-k must be >= 0, was %d", k);
    return new SamplingLoop(model, watermark, sampling, temperature, k, topP);
  }

  /** The same loop with nucleus sampling at p (1: none). */
  public SamplingLoop withTopP(double p) {
    Checks.require(p > 0 && p <= 1, "top-p must be in (0, 1], was %s", p);
    return new SamplingLoop(model, watermark, sampling, temperature, topK, p);
  }

  /** The model. */
  public LogitsModel model() {
    return model;
  }

  /** The watermark, or {@code null}. */
  public BiasScheme watermark() {
    return watermark;
  }

  /** The sampling scheme that replaces the draw, or {@code null}. */
  public SamplingScheme sampling() {
    return sampling;
  }

  /**
   * Continues {@code prompt} by {@code maxNewTokens} tokens; returns prompt and continuation in one
   * array. Draws with {@link Samplers#multinomial} over {@code random}, or with the sampling scheme,
   * which takes whatever randomness it needs from {@code random}.
   */
  public int[] generate(int[] prompt, int maxNewTokens, RandomGenerator random) {
    if (prompt == null) {
      throw new NullPointerException("prompt");
    }
    Checks.require(maxNewTokens >= 0, "maxNewTokens must be >= 0, was %d", maxNewTokens);
    int[] tokens = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
    float[] logits = new float[model.vocabularySize()];
    TokenSampler sampler = Samplers.multinomial(random);
    for (int n = prompt.length; n < tokens.length; n++) {
      model.nextTokenLogits(tokens, n, logits);
      for (LogitsProcessor p : processors) {
        p.process(logits);
      }
      if (watermark != null) {
        watermark.apply(tokens, n, logits);
      }
      tokens[n] = sampling != null ? sampling.sample(tokens, n, logits, random) : sampler.sample(logits);
    }
    return tokens;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "SamplingLoop[temperature=%s, topK=%d, topP=%s, watermark=%s]", temperature,
        topK, topP, watermark != null ? watermark.spec() : sampling != null ? sampling.spec() : "none");
  }
}
