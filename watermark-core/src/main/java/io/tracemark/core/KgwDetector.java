package io.tracemark.core;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.PositionMask;
import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.stats.PValues;
import java.util.OptionalDouble;

/** Scores one sequence of a kgw watermark; deduplication state is per call, so the detector is thread-safe. */
final class KgwDetector implements Detector {
  private static final byte NO_CONTEXT = PositionMask.State.NO_CONTEXT.code();
  private static final byte DUPLICATE = PositionMask.State.DUPLICATE.code();
  private static final byte GREEN = PositionMask.State.GREEN.code();
  private static final byte RED = PositionMask.State.RED.code();

  private final KgwWatermark scheme;
  private final DedupMode dedup;

  KgwDetector(KgwWatermark scheme, DedupMode dedup) {
    this.scheme = scheme;
    this.dedup = dedup;
  }

  @Override
  public DedupMode dedup() {
    return dedup;
  }

  /** 1: one SipHash per token is fast enough on one thread. */
  @Override
  public int parallelism() {
    return 1;
  }

  /** This detector: it runs on the calling thread. */
  @Override
  public Detector withParallelism(int threads) {
    Checks.require(threads >= 1, "parallelism must be at least 1, was %d", threads);
    return this;
  }

  @Override
  public Detection detect(int[] tokens, int offset, int length) {
    // offset <= tokens.length - length cannot overflow once both are non-negative
    Checks.require(offset >= 0 && length >= 0 && offset <= tokens.length - length,
        "offset=%d and length=%d must lie within tokens.length=%d", offset, length, tokens.length);
    scheme.checkRange(tokens, offset, length);
    int h = scheme.contextWidth();
    byte[] states = new byte[length];
    long scored = 0;
    long green = 0;
    LongHashSet seen = dedup == DedupMode.NONE ? null : new LongHashSet(Math.max(16, length - h));
    for (int i = 0; i < length; i++) {
      int pos = offset + i;
      if (i < h) {
        states[i] = NO_CONTEXT;
        continue;
      }
      if (seen != null) {
        if (!seen.add(scheme.unitFingerprint(tokens, pos, dedup))) {
          states[i] = DUPLICATE;
          continue;
        }
      }
      scored++;
      if (scheme.greenUnchecked(tokens, pos)) {
        green++;
        states[i] = GREEN;
      } else {
        states[i] = RED;
      }
    }
    double gamma = scheme.spec().gamma();
    return new Detection(length, scored, green, green, scheme.nullDistribution(), PValues.zScore(scored, green, gamma),
        PValues.log10BinomialUpperTail(scored, green, gamma), new PositionMask(states), OptionalDouble.empty());
  }
}
