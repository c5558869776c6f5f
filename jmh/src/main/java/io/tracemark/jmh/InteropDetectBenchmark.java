package io.tracemark.jmh;

import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.core.Watermarks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
 * Detection speed of the interoperability profiles (PyTorch randperm green lists, vLLM Philox) on
 * {@code parallelism} threads at most (the benchmark thread and the common fork-join pool; 1: the
 * benchmark thread only): one call scores {@code length} tokens, so tokens/s = length × ops/s.
 *
 * <p>The text is synthetic: {@code length} token ids drawn from a Zipf(1.0) law over the vocabulary with a fixed
 * seed, which has the repetition profile of natural text (frequent contexts recur, most 2-grams do
 * not). {@code docs/interop.md} compares with the Python reference detectors on the same tokens.
 *
 * <pre>
 * ./mvnw -B -pl jmh -am package -DskipTests
 * java -jar jmh/target/benchmarks.jar InteropDetectBenchmark -f 1 -wi 3 -i 5
 * java -jar jmh/target/benchmarks.jar InteropDetectBenchmark -p length=50000 -p parallelism=1,2
 * java -jar jmh/target/benchmarks.jar InteropDetectBenchmark -p length=50000 -p tokensFile=brown50k.txt
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InteropDetectBenchmark {
  /** Profile names (JMH splits -p values at commas, so the specs are looked up in {@link #SPECS}). */
  @Param({"lmw-lefthash", "lmw-selfhash", "hf-lefthash", "hf-selfhash", "vllm-gumbel"})
  public String profileName;

  static final java.util.Map<String, String> SPECS = java.util.Map.of(
      "lmw-lefthash", "lmw:seeding=lefthash,gamma=0.25,vocab=50257,hash-key=15485863",
      "lmw-selfhash", "lmw:seeding=selfhash,gamma=0.25,vocab=50257",
      "hf-lefthash", "hf:seeding=lefthash,gamma=0.25,hash-key=15485863,context-width=1,vocab=50257",
      "hf-selfhash", "hf:seeding=selfhash,gamma=0.25,hash-key=15485863,context-width=1,vocab=50257",
      "vllm-gumbel", "vllm:algorithm=gumbel,key=42,context-width=4,vocab=50257");

  @Param({"2000", "50000"})
  public int length;

  /** Threads a detect may use; vLLM profiles ignore it. */
  @Param({"1", "2"})
  public int parallelism;

  /**
   * A file of whitespace-separated token ids (e.g. GPT-2 tokens of a real text) to score instead of
   * the Zipf text; its first {@code length} ids are used (all of them if it has fewer). Empty: Zipf.
   */
  @Param({""})
  public String tokensFile;

  private Detector detector;
  private int[] tokens;

  @Setup
  public void setUp() throws IOException {
    // the reference detector's semantics (its default deduplication), as the CLI runs it
    detector = Watermarks.create((InteropSpec) SchemeSpec.parse(SPECS.get(profileName))).detector()
        .withParallelism(parallelism);
    if (tokensFile.isEmpty()) {
      tokens = zipfTokens(length, 50257, 20261128L);
    } else {
      String text = Files.readString(Path.of(tokensFile)).strip();
      tokens = text.isEmpty() ? new int[0]
          : Arrays.stream(text.split("\\s+")).limit(length).mapToInt(Integer::parseInt).toArray();
    }
  }

  /** Zipf(1) token ids over {@code [0, vocab)} (rank r ↦ id r − 1), by inversion of the CDF table. */
  public static int[] zipfTokens(int length, int vocab, long seed) {
    double[] cdf = new double[vocab];
    double sum = 0;
    for (int r = 1; r <= vocab; r++) {
      sum += 1.0 / r;
      cdf[r - 1] = sum;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int[] out = new int[length];
    for (int i = 0; i < length; i++) {
      double u = rng.nextDouble() * sum;
      int lo = 0;
      int hi = vocab - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      out[i] = lo;
    }
    return out;
  }

  /** The reference detector's semantics (its default deduplication), as the CLI runs it. */
  @Benchmark
  public Detection detect() {
    return detector.detect(tokens, 0, tokens.length);
  }
}
