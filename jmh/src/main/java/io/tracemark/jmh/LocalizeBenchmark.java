package io.tracemark.jmh;

import io.tracemark.api.PositionMask;
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
 * Localised detection of one document of {@code tokens} positions, from its per-position mask (and
 * scores) to the best region with its corrected p-value and the global p-value: the geometric cover
 * (the default) and WinMax, for green counts (γ = 0.25) and Exp(1) score sums. The document has 5 %
 * unscored positions and a 400-position watermarked block (green rate 0.6, or scores with mean 2)
 * in the middle; the rest is null. The mask and scores are prepared once and not modified.
 *
 * <pre>
 * ./mvnw -B -q package -DskipTests -pl jmh -am
 * java -jar jmh/target/benchmarks.jar LocalizeBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LocalizeBenchmark {
  @Param({"10000", "100000", "1000000"})
  public int tokens;

  @Param({"cover", "winmax"})
  public String method;

  @Param({"binomial", "gamma"})
  public String statistic;

  private Localizer localizer;
  private PositionMask mask;
  private double[] scores;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom r = new SplittableRandom(400);
    byte[] states = new byte[tokens];
    scores = new double[tokens];
    int blockFrom = tokens / 2;
    for (int i = 0; i < tokens; i++) {
      boolean block = i >= blockFrom && i < blockFrom + 400;
      if (r.nextDouble() < 0.05) {
        states[i] = PositionMask.State.DUPLICATE.code();
      } else {
        boolean green = r.nextDouble() < (block ? 0.6 : 0.25);
        states[i] = (green ? PositionMask.State.GREEN : PositionMask.State.RED).code();
      }
      scores[i] = -(block ? 2.0 : 1.0) * Math.log(1 - r.nextDouble());
    }
    mask = new PositionMask(states);
    localizer = method.equals("cover") ? Localizer.cover() : Localizer.winMax();
  }

  @Benchmark
  public Localization localize() {
    return statistic.equals("binomial") ? localizer.localizeBinomial(mask, 0.25)
        : localizer.localizeGammaSum(mask, scores);
  }
}
