package io.tracemark.examples.engines.djl;

/**
 * The hook between the forward pass and the search step (DJL's search loops call the block, then
 * pick tokens from its logits; a hook here may rewrite the logits of each sequence in place).
 */
@FunctionalInterface
public interface LogitsHook {
  /** Rewrites {@code logits[b]} in place for the sequences {@code tokens[b][0, lengths[b])}. */
  void process(int[][] tokens, int[] lengths, float[][] logits);
}
