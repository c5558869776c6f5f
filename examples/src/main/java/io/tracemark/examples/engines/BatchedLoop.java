package io.tracemark.examples.engines;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.LogitsModel;
import io.tracemark.api.TokenSampler;
import io.tracemark.core.sampling.Samplers;
import io.tracemark.core.sampling.WatermarkSession;
import java.util.random.RandomGenerator;

/**
 * A batched sampling loop as a serving engine runs it: several sequences advance one step at a
 * time together, all watermarked by <em>one</em> scheme object (immutable, shared) and each with
 * its <em>own</em> {@link WatermarkSession} (context) and generator.
 *
 * <p>A loop object is immutable; {@link #generate} keeps the sessions in local variables.
 */
public final class BatchedLoop {
  private final LogitsModel model;
  private final BiasScheme scheme;

  /** A loop over {@code model}, watermarking with {@code scheme} ({@code null}: no watermark). */
  public BatchedLoop(LogitsModel model, BiasScheme scheme) {
    if (model == null) {
      throw new NullPointerException("model");
    }
    Checks.require(scheme == null || scheme.vocabularySize() == model.vocabularySize(),
        "scheme vocabulary size %d must equal the model's %d", scheme == null ? 0 : scheme.vocabularySize(),
        model.vocabularySize());
    this.model = model;
    this.scheme = scheme;
  }

  /**
   * Continues each prompt by {@code maxNewTokens} tokens; sequence b draws from
   * {@code randoms[b]}. Returns prompt + continuation per sequence.
   */
  public int[][] generate(int[][] prompts, int maxNewTokens, RandomGenerator[] randoms) {
    Checks.require(prompts.length == randoms.length, "prompts (%d) and generators (%d) must be as many",
        prompts.length, randoms.length);
    int batch = prompts.length;
    WatermarkSession[] sessions = new WatermarkSession[batch];
    TokenSampler[] samplers = new TokenSampler[batch];
    int[][] tokens = new int[batch][];
    for (int b = 0; b < batch; b++) {
      sessions[b] = scheme == null ? null : new WatermarkSession(scheme, prompts[b]);
      samplers[b] = Samplers.multinomial(randoms[b]);
      tokens[b] = java.util.Arrays.copyOf(prompts[b], prompts[b].length + maxNewTokens);
    }
    float[][] logits = new float[batch][model.vocabularySize()];
    for (int step = 0; step < maxNewTokens; step++) {
      for (int b = 0; b < batch; b++) {
        model.nextTokenLogits(tokens[b], prompts[b].length + step, logits[b]);
      }
      for (int b = 0; b < batch; b++) {
        if (sessions[b] != null) {
          sessions[b].bias(logits[b]);
        }
        int next = samplers[b].sample(logits[b]);
        if (sessions[b] != null) {
          sessions[b].accept(next);
        }
        tokens[b][prompts[b].length + step] = next;
      }
    }
    return tokens;
  }
}
