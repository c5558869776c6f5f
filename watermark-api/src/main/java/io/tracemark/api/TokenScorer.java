package io.tracemark.api;

/**
 * Per-position scoring, the unit of evidence of any scheme: what a corpus verifier needs to score
 * a (window, token) tuple against one key without knowing the scheme.
 *
 * <p>The score of {@code tokens[position]} depends only on {@code tokens[position - h, position]}
 * where h is {@link #contextWidth()}. Under the null hypothesis (text independent of the key),
 * distinct units have independent scores distributed as {@link #nullDistribution()} says.
 * Implementations are immutable and thread-safe.
 */
public interface TokenScorer {
  /** h: the number of tokens before a position that its score depends on. */
  int contextWidth();

  /** Token ids must lie in {@code [0, vocabularySize())}. */
  int vocabularySize();

  /** The law of one unit's score under H0. */
  NullDistribution nullDistribution();

  /**
   * The score of {@code tokens[position]} given the h tokens before it.
   *
   * @throws IllegalArgumentException if {@code position < h} or a token id involved is outside
   *     the vocabulary
   */
  double score(int[] tokens, int position);

  /**
   * The fingerprint of the pseudo-random input that decides the score at {@code position}: two
   * positions with equal fingerprints have the same score, so a verifier scores each fingerprint
   * once. {@link DedupMode#WINDOW_AND_TOKEN} fingerprints (window, token); {@link DedupMode#WINDOW}
   * the window alone.
   *
   * @throws IllegalArgumentException for {@link DedupMode#NONE}, which has no units
   */
  long unitFingerprint(int[] tokens, int position, DedupMode mode);

  /**
   * Whether {@link #unitFingerprint} depends on the key. It does when the scheme seeds from a
   * keyed function of the window, e.g. a min-hash over it (self seeding): distinct windows then
   * share a seed, and only the key tells which. A verifier testing several keys must then keep one
   * deduplication tape per key.
   */
  boolean keyDependentUnits();
}
