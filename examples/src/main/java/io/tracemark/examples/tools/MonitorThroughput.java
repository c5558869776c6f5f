package io.tracemark.examples.tools;

import io.tracemark.verifier.monitor.Monitor;
import io.tracemark.verifier.monitor.MonitorResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The usage monitor's throughput: one run of {@link Monitor} at its defaults over a log (e.g. the
 * simulator's 10 M lines, gzip), with its wall time, lines per second, the peak heap in use
 * (sampled every 20 ms, and the heap pools' peak usage after the run), the process's CPU time,
 * and the machine's load average before and after (the machine is shared: the load says what else
 * ran, and the CPU time is what the run cost whatever else ran).
 *
 * <p>A tool, not a test. After {@code ./mvnw -B package -DskipTests}:
 *
 * <pre>
 * java -Xmx2g -cp examples/target/tracemark-examples.jar io.tracemark.examples.tools.MonitorThroughput \
 *     LOG.jsonl.gz [RELEASE-INSTANT ...]
 * </pre>
 */
public final class MonitorThroughput {
  private MonitorThroughput() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1) {
      System.err.println("usage: MonitorThroughput LOG [RELEASE-INSTANT ...]");
      System.exit(2);
    }
    List<Double> releases = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      releases.add(Instant.parse(args[i]).toEpochMilli() / 1000.0);
    }
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var memory = ManagementFactory.getMemoryMXBean();
    double loadBefore = os.getSystemLoadAverage();
    AtomicLong peak = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
    sampler.start();
    long t0 = System.nanoTime();
    long cpu0 = os.getProcessCpuTime();
    MonitorResult r = Monitor.builder().releases(releases).build().run(List.of(Path.of(args[0])));
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    sampler.interrupt();
    sampler.join();
    long poolPeak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        poolPeak += p.getPeakUsage().getUsed();
      }
    }
    long flagged = r.accounts().stream().filter(MonitorResult.Account::flagged).count();
    System.out.printf(Locale.ROOT, "log %s: %,d lines, %,d accounts (%,d flagged), %d clusters%n", args[0],
        r.records(), r.accounts().size(), flagged, r.clusters().size());
    System.out.printf(Locale.ROOT, "wall %.1f s, %,.0f lines/s; process CPU %.1f s (all threads, JIT and GC"
        + " included); peak heap used %.0f MiB sampled, %.0f MiB by the"
        + " pools' peaks (sum), max heap %.0f MiB; %d processors; load average %.2f before, %.2f after%n",
        seconds, r.records() / seconds, cpu, peak.get() / 1048576.0, poolPeak / 1048576.0,
        Runtime.getRuntime().maxMemory() / 1048576.0, Runtime.getRuntime().availableProcessors(), loadBefore,
        os.getSystemLoadAverage());
  }
}
