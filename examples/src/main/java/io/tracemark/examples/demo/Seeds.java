package io.tracemark.examples.demo;

import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.Digests;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Reproducible randomness for the demo and the experiment commands: every stream (a prompt's
 * draws, a shuffle) gets its own generator, seeded from the run's seed, a purpose and an index, so
 * results do not depend on thread scheduling.
 */
public final class Seeds {
  private Seeds() {}

  /** A generator for one purpose and index under {@code seed}. */
  public static SplittableRandom stream(long seed, String purpose, long index) {
    long h = seed;
    for (int i = 0; i < purpose.length(); i++) {
      h = mix(h + purpose.charAt(i));
    }
    return new SplittableRandom(mix(h ^ mix(index + 0x9E3779B97F4A7C15L)));
  }

  /**
   * The demo's watermark key, derived from the seed (SHA-256 of a domain tag and the seed), so that
   * a run is reproducible. A real owner generates its key with {@link WatermarkKey#generate()}.
   */
  public static WatermarkKey demoKey(long seed) {
    byte[] secret = Digests.sha256("tracemark/examples/demo-key/v1\0",
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(seed).array());
    WatermarkKey key = WatermarkKey.fromBytes(secret);
    java.util.Arrays.fill(secret, (byte) 0);
    return key;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
