package io.tracemark.jmh;

import io.tracemark.core.stats.WeightedPValues;
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
 * Time of one exact weighted tail: 10^8 scored tuples spread unevenly over the 64 levels of the
 * default weight grid, at an observed statistic whose p-value is about 10^-50 or 10^-5000 (found in
 * the setup by bisection on s), for green counts (binomial) and Exp(1) score sums (gamma). The
 * result, log10 p, is returned.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WeightedTailBenchmark {
  static final long TUPLES = 100_000_000L;
  static final double GAMMA = 0.25;

  @Param({"binomial", "gamma"})
  public String statistic;

  @Param({"-50", "-5000"})
  public double log10p;

  private long[] counts;
  private long binomialS;
  private double gammaS;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom r = new SplittableRandom(64);
    counts = new long[65];
    long total = 0;
    for (int l = 1; l <= 64; l++) {
      counts[l] = 500_000 + r.nextInt(2_000_000);
      total += counts[l];
    }
    counts[1] += TUPLES - total;
    long max = 0;
    for (int l = 1; l <= 64; l++) {
      max += l * counts[l];
    }
    if (statistic.equals("binomial")) {
      long lo = 0;
      long hi = max;
      while (hi - lo > 1) {
        long mid = (lo + hi) >>> 1;
        if (WeightedPValues.log10BinomialUpperTail(counts, mid, GAMMA) > log10p) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      binomialS = hi;
    } else {
      double lo = WeightedPValues.gammaMean(counts);
      double hi = 2 * lo;
      while (WeightedPValues.log10GammaUpperTail(counts, hi) > log10p) {
        hi *= 2;
      }
      for (int i = 0; i < 60; i++) {
        double mid = 0.5 * (lo + hi);
        if (WeightedPValues.log10GammaUpperTail(counts, mid) > log10p) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      gammaS = hi;
    }
  }

  @Benchmark
  public double tail() {
    return statistic.equals("binomial") ? WeightedPValues.log10BinomialUpperTail(counts, binomialS, GAMMA)
        : WeightedPValues.log10GammaUpperTail(counts, gammaS);
  }
}
