package io.tracemark.examples.engines.djl;

/**
 * Mirror of a DJL language-model block's forward pass over a batch: for each sequence b, the
 * next-token logits after {@code tokens[b][0, lengths[b])} into {@code logits[b]}.
 */
@FunctionalInterface
public interface ForwardPass {
  /** Fills {@code logits[b]} for every sequence of the batch. */
  void forward(int[][] tokens, int[] lengths, float[][] logits);
}
