package io.tracemark.core.internal;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import java.util.Objects;

/**
 * A {@link Detector} that runs on the calling thread: the detector of every family whose per-token
 * work (one keyed hash or one Philox evaluation) is fast enough on one thread. It fixes one
 * deduplication and hands each call to the family's detection function; {@link
 * #withParallelism} accepts any valid thread count and returns this detector.
 */
public final class SequentialDetector implements Detector {
  /** A family's detection over {@code tokens[offset, offset + length)} with one deduplication. */
  @FunctionalInterface
  public interface Detect {
    /** The detection of the tokens under {@code dedup}. */
    Detection detect(int[] tokens, int offset, int length, DedupMode dedup);
  }

  private final DedupMode dedup;
  private final Detect detect;
  private final String description;

  /**
   * A detector.
   *
   * @param dedup the deduplication it applies
   * @param detect the family's detection function
   * @param description what {@link #toString()} says: the redacted scheme and key id, never a key
   */
  public SequentialDetector(DedupMode dedup, Detect detect, String description) {
    this.dedup = Objects.requireNonNull(dedup, "dedup");
    this.detect = Objects.requireNonNull(detect, "detect");
    this.description = Objects.requireNonNull(description, "description");
  }

  @Override
  public Detection detect(int[] tokens, int offset, int length) {
    return detect.detect(tokens, offset, length, dedup);
  }

  @Override
  public DedupMode dedup() {
    return dedup;
  }

  /** 1: the detection runs on the calling thread. */
  @Override
  public int parallelism() {
    return 1;
  }

  /** This detector: it runs on the calling thread whatever {@code threads} is. */
  @Override
  public Detector withParallelism(int threads) {
    Checks.require(threads >= 1, "parallelism must be at least 1, was %d", threads);
    return this;
  }

  @Override
  public String toString() {
    return "Detector[" + description + ", dedup " + dedup.label() + "]";
  }
}
