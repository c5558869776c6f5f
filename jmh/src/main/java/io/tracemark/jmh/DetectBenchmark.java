package io.tracemark.jmh;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Detection throughput in tokens per second (one operation = one token): a 4,096-token sequence
 * of random ids from a 50,257-token vocabulary (nearly all tuples distinct), scored with and
 * without deduplication. The result (counts, exact p-value, per-position mask) is returned.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DetectBenchmark {
  static final int LENGTH = 4096;

  @Param({"1", "4"})
  public int contextWidth;

  @Param({"none", "window+token"})
  public String dedup;

  private Detector detector;
  private int[] tokens;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom r = new SplittableRandom(7);
    byte[] secret = new byte[32];
    for (int i = 0; i < 32; i++) {
      secret[i] = (byte) r.nextInt();
    }
    detector = Watermarks.create(WatermarkKey.fromBytes(secret), KgwSpec.of(0.25, 2, contextWidth), 50_257)
        .detector(DedupMode.parse(dedup));
    tokens = new int[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      tokens[i] = r.nextInt(50_257);
    }
  }

  @Benchmark
  @OperationsPerInvocation(LENGTH)
  public Detection detect() {
    return detector.detect(tokens);
  }
}
