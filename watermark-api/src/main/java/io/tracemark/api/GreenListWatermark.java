package io.tracemark.api;

/**
 * A keyed green-list watermark over a fixed vocabulary: the generation side ({@link #apply}) and
 * the per-token membership that detection uses ({@link #isGreen}) from one immutable,
 * thread-safe object. The two agree exactly: after {@code apply}, token {@code t} received the
 * bias iff {@code isGreen} says so for the same context and token. A step with fewer than h
 * tokens of context is left unbiased, as detection does not score such positions either.
 */
public interface GreenListWatermark extends BiasScheme, TokenScorer {
  @Override
  GreenListSpec spec();

  /**
   * Whether {@code tokens[position]} is in the green list of its context, the h tokens before it
   * (with self seeding, also the token itself). O(1) in the vocabulary size.
   *
   * @throws IllegalArgumentException if {@code position < h}, or a token id involved is outside
   *     the vocabulary
   */
  boolean isGreen(int[] tokens, int position);

  /** 1 if {@link #isGreen} holds at {@code position}, else 0. */
  @Override
  default double score(int[] tokens, int position) {
    return isGreen(tokens, position) ? 1.0 : 0.0;
  }

  @Override
  default Statistic statistic() {
    return Statistic.BINOMIAL;
  }

  @Override
  default double gamma() {
    return spec().gamma();
  }

  @Override
  default int contextWidth() {
    return spec().contextWidth();
  }

  /** The public id of the key this watermark uses. */
  String keyId();

  /** A detector with the given deduplication mode. */
  Detector detector(DedupMode dedup);

  /** A detector with the default deduplication ({@link DedupMode#WINDOW_AND_TOKEN}). */
  default Detector detector() {
    return detector(DedupMode.WINDOW_AND_TOKEN);
  }
}
