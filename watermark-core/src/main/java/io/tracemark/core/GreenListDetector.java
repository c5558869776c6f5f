package io.tracemark.core;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.DetectionResult;
import io.tracemark.api.Detector;
import io.tracemark.api.PositionMask;
import io.tracemark.core.internal.LongHashSet;

/** Scores one sequence; deduplication state is per call, so the detector is thread-safe. */
final class GreenListDetector implements Detector {
  private static final byte NO_CONTEXT = PositionMask.State.NO_CONTEXT.code();
  private static final byte DUPLICATE = PositionMask.State.DUPLICATE.code();
  private static final byte GREEN = PositionMask.State.GREEN.code();
  private static final byte RED = PositionMask.State.RED.code();

  private final GreenListScheme scheme;
  private final DedupMode dedup;

  GreenListDetector(GreenListScheme scheme, DedupMode dedup) {
    this.scheme = scheme;
    this.dedup = dedup;
  }

  @Override
  public DedupMode dedup() {
    return dedup;
  }

  @Override
  public DetectionResult detect(int[] tokens, int offset, int length) {
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
    return PValues.result(length, scored, green, scheme.spec().gamma(), new PositionMask(states));
  }
}
