package io.tracemark.jmh;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.stats.Localization;
import io.tracemark.core.stats.Localizer;
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
 * {@code detect --localize} on one document of {@code tokens} token ids, after tokenizing: the kgw
 * detector (γ = 0.25, h = 1, window+token dedup, V = 100,277) and the default cover, from the ids
 * to the best region with its corrected p-value and the global p-value. {@code detect} alone is
 * the baseline, so the difference is the localisation's cost. The document is uniform random ids
 * (human-like under H0) with a 400-token block in the middle generated under the watermark
 * (greedy over random logits with δ = 2 added to the green ids). The ids are prepared once and
 * not modified.
 *
 * <pre>
 * ./mvnw -B -q package -DskipTests -pl jmh -am
 * java -jar jmh/target/benchmarks.jar LocalizedDetectBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LocalizedDetectBenchmark {
  static final int VOCAB = 100_277;
  static final int BLOCK = 400;

  @Param({"10000", "100000", "1000000"})
  public int tokens;

  private Detector detector;
  private Localizer cover;
  private int[] ids;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] secret = new byte[32];
    new SplittableRandom(1).nextBytes(secret);
    Watermark wm = Watermarks.create(WatermarkKey.fromBytes(secret), KgwSpec.parse("kgw:gamma=0.25,delta=2,h=1"),
        VOCAB);
    SplittableRandom r = new SplittableRandom(400);
    ids = new int[tokens];
    for (int i = 0; i < tokens; i++) {
      ids[i] = r.nextInt(VOCAB);
    }
    int from = tokens / 2;
    float[] logits = new float[VOCAB];
    for (int i = from; i < from + BLOCK; i++) {
      for (int t = 0; t < VOCAB; t++) {
        logits[t] = (float) (3 * r.nextDouble());
      }
      wm.bias().orElseThrow().apply(ids, i, logits);
      int best = 0;
      for (int t = 1; t < VOCAB; t++) {
        if (logits[t] > logits[best]) {
          best = t;
        }
      }
      ids[i] = best;
    }
    detector = wm.detector(DedupMode.WINDOW_AND_TOKEN);
    cover = Localizer.cover();
  }

  /** The baseline: the whole-document detection alone. */
  @Benchmark
  public Detection detect() {
    return detector.detect(ids);
  }

  /** Detection and the cover's best region. */
  @Benchmark
  public Localization detectAndLocalize() {
    return cover.localize(detector.detect(ids));
  }
}
