package io.tracemark.examples.engines.djl;

import io.tracemark.api.BiasScheme;

/**
 * The DJL integration: a {@link LogitsHook} that adds the watermark bias to each sequence of the
 * batch. The hook sees every sequence's tokens, so it needs no session; it is immutable and
 * thread-safe, like the scheme. Put it after the engine's own processors (temperature, top-k).
 */
public final class WatermarkHook implements LogitsHook {
  private final BiasScheme scheme;

  /** A hook applying {@code scheme}. */
  public WatermarkHook(BiasScheme scheme) {
    if (scheme == null) {
      throw new NullPointerException("scheme");
    }
    this.scheme = scheme;
  }

  @Override
  public void process(int[][] tokens, int[] lengths, float[][] logits) {
    for (int b = 0; b < logits.length; b++) {
      scheme.apply(tokens[b], lengths[b], logits[b]);
    }
  }
}
