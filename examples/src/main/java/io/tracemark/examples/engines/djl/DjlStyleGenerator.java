package io.tracemark.examples.engines.djl;

import java.util.Arrays;
import java.util.List;

/**
 * The shape of DJL's text generation loop: forward pass over the batch → hooks → search step →
 * append. Immutable; {@link #generate} keeps its state in local buffers, so one generator serves
 * many threads if its parts do.
 */
public final class DjlStyleGenerator {
  private final ForwardPass forward;
  private final List<LogitsHook> hooks;
  private final SearchStep search;
  private final int vocabularySize;

  /** A generator with the given forward pass, hooks (applied in order) and search step. */
  public DjlStyleGenerator(ForwardPass forward, int vocabularySize, List<LogitsHook> hooks, SearchStep search) {
    if (forward == null || hooks == null || search == null) {
      throw new NullPointerException("forward, hooks and search are required");
    }
    this.forward = forward;
    this.vocabularySize = vocabularySize;
    this.hooks = List.copyOf(hooks);
    this.search = search;
  }

  /** Continues every prompt of the batch by {@code maxNewTokens}; returns prompt + continuation per sequence. */
  public int[][] generate(int[][] prompts, int maxNewTokens) {
    int batch = prompts.length;
    int[][] tokens = new int[batch][];
    int[] lengths = new int[batch];
    for (int b = 0; b < batch; b++) {
      tokens[b] = Arrays.copyOf(prompts[b], prompts[b].length + maxNewTokens);
      lengths[b] = prompts[b].length;
    }
    float[][] logits = new float[batch][vocabularySize];
    for (int step = 0; step < maxNewTokens; step++) {
      forward.forward(tokens, lengths, logits);
      for (LogitsHook h : hooks) {
        h.process(tokens, lengths, logits);
      }
      for (int b = 0; b < batch; b++) {
        tokens[b][lengths[b]++] = search.next(b, logits[b]);
      }
    }
    return tokens;
  }
}
