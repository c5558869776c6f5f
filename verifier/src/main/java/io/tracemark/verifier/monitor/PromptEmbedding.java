package io.tracemark.verifier.monitor;

/**
 * The plug-in point for a prompt embedding: the vector that the {@link Signal#DIVERSITY_MMD} and
 * {@link Signal#PRADA} signals compare. The default is tracemark's hashed n-gram vector (64
 * dimensions, words and word pairs, signed feature hashing), a stand-in for a neural sentence
 * embedding; an owner with an embedding model plugs it in with {@link
 * Monitor.Builder#embedding}. Implementations are thread-safe (prompts are embedded on several
 * reading threads) and deterministic.
 */
public interface PromptEmbedding {
  /** The vector's dimension, at least 1. */
  int dimension();

  /**
   * Embeds one prompt.
   *
   * @param text the prompt text, or null when the prompt is given as token ids
   * @param tokens the prompt's token ids when {@code text} is null, else null
   * @param out receives a vector of unit Euclidean length in {@code out[0, dimension())}
   * @return false when the prompt has nothing to embed (then {@code out} is ignored)
   */
  boolean embed(String text, int[] tokens, float[] out);
}
