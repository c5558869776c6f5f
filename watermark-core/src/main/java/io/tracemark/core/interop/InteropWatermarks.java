package io.tracemark.core.interop;

import io.tracemark.api.HfSpec;
import io.tracemark.api.HfSynthIdSpec;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.LmwSpec;
import io.tracemark.api.VllmSpec;
import io.tracemark.api.Watermark;
import java.util.Objects;

/**
 * Builds the watermarks of other systems' specifications. Not API: reach them through
 * {@code io.tracemark.core.Watermarks.create}, which checks the key and the vocabulary first.
 */
public final class InteropWatermarks {
  private InteropWatermarks() {}

  /**
   * The watermark of {@code spec} over {@code vocabularySize} token ids (the specification's own
   * {@code vocab} for lmw and hf).
   */
  public static Watermark create(InteropSpec spec, int vocabularySize) {
    Objects.requireNonNull(spec, "spec");
    if (spec instanceof LmwSpec) {
      return TorchGreenListWatermark.of((LmwSpec) spec);
    }
    if (spec instanceof HfSpec) {
      return TorchGreenListWatermark.of((HfSpec) spec);
    }
    if (spec instanceof VllmSpec) {
      return new VllmGumbelWatermark((VllmSpec) spec, vocabularySize);
    }
    if (spec instanceof HfSynthIdSpec) {
      return new SynthIdWatermark((HfSynthIdSpec) spec, vocabularySize);
    }
    // InteropSpec is sealed: every family is handled above
    throw new AssertionError("unhandled scheme family " + spec.family());
  }
}
