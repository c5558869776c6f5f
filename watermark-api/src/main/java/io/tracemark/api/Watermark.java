package io.tracemark.api;

import java.util.Optional;

/**
 * A watermark scheme with its key over a fixed vocabulary, for every family: what
 * {@code io.tracemark.core.Watermarks.create} returns. It has a generation side (a
 * {@link BiasScheme} for green-list families, a {@link SamplingScheme} for families that replace
 * the draw), per-position scoring for corpus verifiers ({@link TokenScorer}), and detectors. The
 * generation side and detection agree exactly: text generated with the watermark is scored by its
 * own rule. Immutable and thread-safe; build one per key and vocabulary and share it.
 */
public interface Watermark {
  /** The specification. */
  SchemeSpec spec();

  /** Token ids lie in {@code [0, vocabularySize())}. */
  int vocabularySize();

  /**
   * A public name of the key: the {@link WatermarkKey#keyId()} for families keyed by a tracemark
   * key, a fixed non-secret label such as {@code lmw-key} for families whose key is in the
   * specification.
   */
  String keyId();

  /** Per-position scoring, for a corpus verifier. */
  TokenScorer scorer();

  /** The generation side of a green-list family, which biases the logits; empty for the others. */
  Optional<BiasScheme> bias();

  /** The generation side of a family that replaces the engine's draw; empty for the others. */
  Optional<SamplingScheme> sampling();

  /**
   * The deduplication of the family's own detector: {@link DedupMode#WINDOW_AND_TOKEN} for kgw,
   * what the reference detector does for the others ({@link SchemeSpec#defaultDedup()}).
   */
  DedupMode defaultDedup();

  /** A detector with the given deduplication. */
  Detector detector(DedupMode dedup);

  /** A detector with the family's own deduplication ({@link #defaultDedup()}). */
  default Detector detector() {
    return detector(defaultDedup());
  }
}
