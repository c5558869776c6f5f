package io.tracemark.examples.tools;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.WatermarkKey;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Iterator;
import java.util.Locale;
import java.util.SplittableRandom;
import io.tracemark.verifier.ContextCountWeights;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.InheritanceVerifier;
import io.tracemark.verifier.SuspectRecord;

/**
 * The scale harness (docs/benchmarks.md): verifies a stream of pre-tokenized records that is
 * generated on the fly and never held in memory, and prints tokens/s and the peak heap. A tool,
 * not a test: {@code java -Xmx2g -cp examples/target/tracemark-examples.jar
 * io.tracemark.examples.tools.ScaleHarness TOKENS [THREADS [CONTROLS [TAPE_MB [SPEC [WEIGHTS]]]]]}
 * (defaults 2 threads, 0 control keys, a 512 MB tape budget (0: the default budget), {@code
 * kgw:gamma=0.25,h=1}, no weights; {@code reference} tests reference weights).
 */
public final class ScaleHarness {
  static final int VOCAB = 100_277;

  /** Records of 1,000 tokens: a Zipf-like bigram process, so tuples repeat as in real text. */
  static Iterable<SuspectRecord> stream(long tokens, long seed) {
    return () -> new Iterator<>() {
      final SplittableRandom random = new SplittableRandom(seed);
      long produced;
      int prev = 1;

      @Override
      public boolean hasNext() {
        return produced < tokens;
      }

      @Override
      public SuspectRecord next() {
        int n = (int) Math.min(1000, tokens - produced);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
          // rank ~ u^-2.5 (heavy tail, about a third of the tuples distinct), mixed with the previous token
          double u = random.nextDouble();
          int rank = (int) Math.min(VOCAB - 1, Math.floor(Math.pow(u, -2.5)) - 1);
          t[i] = (int) ((rank + (random.nextInt(4) == 0 ? prev * 7L : 0)) % VOCAB);
          prev = t[i];
        }
        produced += n;
        return new SuspectRecord("r" + produced, t);
      }
    };
  }

  private ScaleHarness() {}

  /** Runs the harness; see the class comment for the arguments. */
  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: ScaleHarness TOKENS [THREADS [CONTROLS [TAPE_MB [SPEC [WEIGHTS]]]]]");
      System.exit(2);
    }
    long tokens = Long.parseLong(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int controls = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    long budgetMb = args.length > 3 ? Long.parseLong(args[3]) : 512;
    long t0 = System.nanoTime();
    long count = 0;
    for (SuspectRecord r : stream(tokens, 1)) {
      count += r.length();
    }
    double generate = (System.nanoTime() - t0) / 1e9;
    WatermarkKey key = InheritanceVerifier.controlKey(12345, 0);
    String spec = args.length > 4 ? args[4] : "kgw:gamma=0.25,h=1";
    InheritanceVerifier.Builder b = InheritanceVerifier.greenList(key, KgwSpec.parse(spec), VOCAB)
        .controlKeys(controls).threads(threads);
    // WEIGHTS = reference: w = ln(1 + count of the window in an owner corpus of 10 M tokens of the same
    // process (another seed)), counted before the timed run; none (default): the unweighted test
    String weights = args.length > 5 ? args[5] : "none";
    if (weights.equals("reference")) {
      b.weights(ContextCountWeights.of(KgwSpec.parse(spec).contextWidth(), () -> new Iterator<int[]>() {
        final Iterator<SuspectRecord> it = stream(10_000_000, 2).iterator();

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public int[] next() {
          return it.next().tokens();
        }
      }));
    }
    if (budgetMb > 0) { // 0: the default budget
      b.tapeMemoryBudget(budgetMb << 20);
    }
    InheritanceVerifier v = b.build();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    long t1 = System.nanoTime();
    InheritanceResult r = v.closedModel(stream(tokens, 1));
    double total = (System.nanoTime() - t1) / 1e9;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(Locale.ROOT,
        "scale: %s, weights %s, %,d tokens, %,d tuples scored, threads=%d, controls=%d, tape budget %d MB: generating alone %.1f s; "
            + "generate+verify %.1f s (%.2f M tokens/s); peak heap %.0f MB; max heap %.0f MB; log10 p %.2f%n",
        spec, weights, count, r.tuplesScored(), threads, controls, budgetMb, generate, total, count / total / 1e6, peak / 1e6,
        Runtime.getRuntime().maxMemory() / 1e6, r.log10P());
  }
}
