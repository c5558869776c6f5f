package io.tracemark.examples.engines.jlama;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.LogitsModel;
import io.tracemark.core.sampling.WatermarkSession;

/**
 * The Jlama integration: override {@code sample(...)}, apply the temperature, add the watermark
 * bias for the current context, and let the engine's draw finish. Jlama's {@code sample} does
 * not see the context, so the subclass keeps it in a {@link WatermarkSession} started from the
 * prompt ({@link #onStart}) and extended by every token it returns.
 *
 * <p>Not thread-safe (it holds the session of the sequence being generated), like a Jlama model
 * generating one sequence at a time; use one instance per concurrent sequence.
 */
public class WatermarkedJlamaModel extends JlamaStyleModel {
  private final BiasScheme scheme;
  private WatermarkSession session;

  /** A model that watermarks everything it generates with {@code scheme}. */
  public WatermarkedJlamaModel(LogitsModel model, BiasScheme scheme) {
    super(model);
    if (scheme == null) {
      throw new NullPointerException("scheme");
    }
    Checks.require(scheme.vocabularySize() == model.vocabularySize(),
        "scheme vocabulary size %d must equal the model's %d", scheme.vocabularySize(), model.vocabularySize());
    this.scheme = scheme;
  }

  @Override
  protected void onStart(int[] prompt) {
    session = new WatermarkSession(scheme, prompt);
  }

  @Override
  protected int sample(float[] logits, float temperature, float uniformSample) {
    if (session == null) {
      throw new IllegalStateException("sample called outside generate: no context");
    }
    if (temperature != 0) {
      for (int i = 0; i < logits.length; i++) {
        logits[i] /= temperature;
      }
    }
    session.bias(logits);
    int token = temperature == 0 ? super.sample(logits, 0, uniformSample) : inverseCdf(logits, uniformSample);
    session.accept(token);
    return token;
  }
}
