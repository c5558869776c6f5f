package io.tracemark.jmh;

import io.tracemark.api.BiasScheme;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One generation step of the green-list watermark: bias the whole vocabulary. {@code apply}
 * mutates its input, so each invocation first copies pristine logits (as JMHSample_38 does);
 * {@link #copyOnly} measures that copy alone, to subtract. The context rotates through 1,024
 * prepared sequences so the green list changes every call, as in a real loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ApplyBenchmark {
  @Param({"32000", "50257", "128256", "256000"})
  public int vocabSize;

  @Param({"1", "4"})
  public int contextWidth;

  private BiasScheme watermark;
  private float[] pristine;
  private float[] work;
  private int[][] contexts;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom r = new SplittableRandom(42);
    byte[] secret = new byte[32];
    for (int i = 0; i < 32; i++) {
      secret[i] = (byte) r.nextInt();
    }
    watermark = Watermarks.create(WatermarkKey.fromBytes(secret), KgwSpec.of(0.25, 2, contextWidth), vocabSize)
        .bias().orElseThrow();
    pristine = new float[vocabSize];
    for (int i = 0; i < vocabSize; i++) {
      pristine[i] = (float) r.nextGaussian();
    }
    work = new float[vocabSize];
    contexts = new int[1024][contextWidth];
    for (int[] c : contexts) {
      for (int j = 0; j < c.length; j++) {
        c[j] = r.nextInt(vocabSize);
      }
    }
  }

  @Benchmark
  public float[] copyOnly() {
    System.arraycopy(pristine, 0, work, 0, vocabSize);
    return work;
  }

  @Benchmark
  public float[] copyAndApply() {
    System.arraycopy(pristine, 0, work, 0, vocabSize);
    int[] context = contexts[next++ & 1023];
    watermark.apply(context, contextWidth, work);
    return work;
  }
}
