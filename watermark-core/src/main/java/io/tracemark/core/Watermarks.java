package io.tracemark.core;

import io.tracemark.api.GreenListSpec;
import io.tracemark.api.GreenListWatermark;
import io.tracemark.api.WatermarkKey;

/**
 * The factory for watermark schemes. Every object it returns is immutable and thread-safe.
 *
 * <pre>{@code
 * WatermarkKey key = KeyFiles.read(Path.of("key.json"));   // io.tracemark.core.keys
 * GreenListWatermark wm = Watermarks.greenList(key, GreenListSpec.parse("kgw:gamma=0.25,delta=2,h=1"), 128_256);
 * wm.apply(tokens, length, logits);                     // in the sampling loop
 * DetectionResult r = wm.detector().detect(tokens);     // later, on suspect text
 * }</pre>
 */
public final class Watermarks {
  private Watermarks() {}

  /** The PRF format version of the schemes this build makes. */
  public static final String FORMAT_VERSION = PrfV1.VERSION;

  /**
   * The keyed green-list watermark (format v1) for a vocabulary of {@code vocabularySize} token
   * ids {@code 0 … vocabularySize − 1}. Building it costs one pass over the vocabulary (8 bytes
   * of table per token); build it once and share it.
   */
  public static GreenListWatermark greenList(WatermarkKey key, GreenListSpec spec, int vocabularySize) {
    if (key == null) {
      throw new NullPointerException("key");
    }
    if (spec == null) {
      throw new NullPointerException("spec");
    }
    return new GreenListScheme(key, spec, vocabularySize);
  }
}
