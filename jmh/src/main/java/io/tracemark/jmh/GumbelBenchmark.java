package io.tracemark.jmh;

import io.tracemark.api.Detector;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.sampling.Multinomial;
import io.tracemark.core.sampling.Samplers;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code gumbel:} family: one generation step ({@link #gumbelStep}, the keyed argmax that
 * replaces the engine's draw) next to the engine's own multinomial draw ({@link #multinomialDraw})
 * on the same logits, and detection of 10,000 tokens ({@link #detectSum}, {@link #detectWindowed}).
 * The engine's logits are a Zipf law (p ∝ rank^−1.1, ranks scattered over the ids) after
 * temperature 0.8, and for {@code truncation=top-p} after top-p 0.95 (the argmax then skips the −∞
 * logits and every logit more than 41 below the largest, which can never win). The step's context
 * rotates through 1,024 prepared 4-token windows, each new, so every step is watermarked.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GumbelBenchmark {
  @Param({"128256"})
  public int vocabSize;

  @Param({"temperature", "top-p"})
  public String truncation;

  @Param({"gumbel:h=4", "gumbel:h=4,dual,alpha=0.1"})
  public String spec;

  private SamplingScheme sampling;
  private Detector sum;
  private Detector windowed;
  private float[] logits;
  private int[][] contexts;
  private int next;
  private int[] text;
  private final Multinomial multinomial = new Multinomial();
  private final SplittableRandom random = new SplittableRandom(7);

  @Setup
  public void setUp() {
    SplittableRandom r = new SplittableRandom(42);
    byte[] secret = new byte[32];
    for (int i = 0; i < 32; i++) {
      secret[i] = (byte) r.nextInt();
    }
    WatermarkKey key = WatermarkKey.fromBytes(secret);
    GumbelSpec s = GumbelSpec.parse(spec);
    Watermark wm = Watermarks.create(key, s, vocabSize);
    sampling = wm.sampling().orElseThrow();
    sum = wm.detector();
    windowed = Watermarks.create(key, s.withScore(GumbelSpec.Score.WINDOWED), vocabSize).detector();
    int[] ids = new int[vocabSize];
    for (int i = 0; i < vocabSize; i++) {
      ids[i] = i;
    }
    for (int i = vocabSize - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    logits = new float[vocabSize];
    for (int rank = 0; rank < vocabSize; rank++) {
      logits[ids[rank]] = (float) (-1.1 * Math.log(rank + 1));
    }
    Samplers.temperature(0.8).process(logits);
    if (truncation.equals("top-p")) {
      Samplers.topP(0.95).process(logits);
    } else if (!truncation.equals("temperature")) {
      throw new IllegalArgumentException("truncation must be temperature or top-p, was " + truncation);
    }
    contexts = new int[1024][4];
    for (int[] c : contexts) {
      for (int i = 0; i < 4; i++) {
        c[i] = r.nextInt(vocabSize);
      }
    }
    text = r.ints(10_000, 0, vocabSize).toArray();
  }

  /** The engine's own draw from softmax(logits), the cost the watermarked step replaces. */
  @Benchmark
  public int multinomialDraw() {
    return multinomial.draw(logits, random);
  }

  /** One watermarked step: the keyed Gumbel-max choice after a new 4-token context. */
  @Benchmark
  public int gumbelStep() {
    int[] c = contexts[next++ & 1023];
    return sampling.sample(c, 4, logits, random);
  }

  /** Detection of 10,000 tokens with the exact gamma-sum test (dedup window+token). */
  @Benchmark
  public double detectSum() {
    return sum.detect(text).log10PValue();
  }

  /** Detection of 10,000 tokens with the windowed test. */
  @Benchmark
  public double detectWindowed() {
    return windowed.detect(text).log10PValue();
  }
}
