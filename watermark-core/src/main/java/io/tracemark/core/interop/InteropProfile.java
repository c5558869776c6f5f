package io.tracemark.core.interop;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.DedupMode;
import io.tracemark.api.DetectionResult;
import io.tracemark.api.Detector;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.TokenScorer;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A watermark of another system, reproduced bit for bit: its generation side, its per-token
 * scoring, and its detector with the reference's own semantics. Obtain one with
 * {@link InteropProfiles#parse(String)}.
 *
 * <p>Those systems key their watermark with an integer that is part of the specification, so a
 * profile needs no tracemark key ({@link #requiresKey()} is false); {@link #withKey(long)} gives
 * the same profile under another key, e.g. a control key for an empirical null.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface InteropProfile {
  /** The specification, key included ({@link InteropSpec#redacted()} hides it). */
  InteropSpec spec();

  /** Always false: the key is in the specification. */
  default boolean requiresKey() {
    return false;
  }

  /**
   * What a reader of a result must know about where this profile applies, for CLI help and
   * reports; empty if nothing. For {@code lmw:} and {@code hf:}: green lists drawn on a GPU are not
   * reproducible, so a non-significant result on text generated on a GPU means nothing.
   */
  String caveat();

  /** Per-position scoring for a corpus verifier (positions with fewer than h tokens before them are not scorable). */
  TokenScorer scorer();

  /** The generation side of a green-list profile ({@code lmw}, {@code hf}). */
  Optional<BiasScheme> biasScheme();

  /** The generation side of a sampling profile ({@code vllm}). */
  Optional<SamplingScheme> samplingScheme();

  /** The deduplication that the reference detector applies with this specification. */
  DedupMode referenceDedup();

  /** Scores {@code tokens[offset, offset + length)} exactly as the reference detector does. */
  default InteropResult detect(int[] tokens, int offset, int length) {
    return detect(tokens, offset, length, referenceDedup());
  }

  /** Scores the whole array as the reference detector does. */
  default InteropResult detect(int[] tokens) {
    return detect(tokens, 0, tokens.length);
  }

  /**
   * Scores {@code tokens[offset, offset + length)} with another deduplication; the z-score and
   * reference p-value are then the reference's formulas applied to those counts.
   */
  InteropResult detect(int[] tokens, int offset, int length, DedupMode dedup);

  /**
   * {@link #detect(int[], int, int, DedupMode)} on at most {@code parallelism} threads: the
   * calling thread and tasks of the common {@link java.util.concurrent.ForkJoinPool}. The result
   * is identical, bit for bit, whatever the parallelism. The {@code lmw:} and {@code hf:} profiles
   * split their per-seed green-list work (texts with few distinct contexts stay on the calling
   * thread), and their four-argument {@code detect} uses all available processors; other profiles
   * are fast enough on one thread and ignore the parameter.
   *
   * @param parallelism threads to use at most, at least 1 (1: the calling thread only)
   * @throws IllegalArgumentException if {@code parallelism} is below 1
   */
  default InteropResult detect(int[] tokens, int offset, int length, DedupMode dedup, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "parallelism must be at least 1, was %d", parallelism));
    }
    return detect(tokens, offset, length, dedup);
  }

  /**
   * This profile as a {@link Detector} with the given deduplication, for code written against
   * {@link DetectionResult} (green counts and tracemark's exact binomial p-value; the reference's
   * z-score is the same formula). Binomial profiles only ({@code lmw:}, {@code hf:}).
   *
   * @throws IllegalStateException for a gamma-sum profile ({@code vllm:}); use {@link #detect}
   */
  default Detector asDetector(DedupMode dedup) {
    if (scorer().statistic() != TokenScorer.Statistic.BINOMIAL) {
      throw new IllegalStateException(spec().redacted() + " has score sums, not green counts: use detect()");
    }
    if (dedup == null) {
      throw new NullPointerException("dedup");
    }
    InteropProfile self = this;
    return new Detector() {
      @Override
      public DetectionResult detect(int[] tokens, int offset, int length) {
        return self.detect(tokens, offset, length, dedup).toDetectionResult();
      }

      @Override
      public DedupMode dedup() {
        return dedup;
      }
    };
  }

  /** The same profile with another integer key (the key's range is the family's). */
  InteropProfile withKey(long key);

  /** The same profile with a random key of the family's form, for control keys. */
  InteropProfile withRandomKey(RandomGenerator rng);
}
