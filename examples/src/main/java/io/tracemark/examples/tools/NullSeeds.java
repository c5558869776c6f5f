package io.tracemark.examples.tools;

import io.tracemark.api.KgwSpec;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.examples.demo.Demo;
import io.tracemark.examples.demo.DemoConfig;
import io.tracemark.examples.demo.DemoResult;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.InheritanceResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The null over seeds: the demo's innocent student (ρ = 0, trained on human text only) for seeds
 * {@code first..last} (default 101..120), at the demo's default budget, tested with the real key
 * by every statistic of the demo's two tables — the count (closed model), C* (weighted closed
 * model), reading top-1 with the global tape, two-level top-1, and R*. No statistic should give a
 * small p-value to an innocent student: the target is a minimum log10 p over 20 seeds above −3.
 *
 * <p>A tool, not a test (a seed costs minutes of CPU). After {@code ./mvnw -B package -DskipTests}:
 *
 * <pre>
 * nice -n 10 java -cp examples/target/tracemark-examples.jar io.tracemark.examples.tools.NullSeeds \
 *     null-seeds.txt [first last [threads]]
 * </pre>
 *
 * <p>It is resumable: each finished seed appends one line to the result file, {@code seed N} then
 * {@code statistic=log10p} pairs, and a run skips the seeds the file already holds. At the end (and
 * after each seed) it prints the seeds done and the minimum log10 p of each statistic over them.
 * Control keys are not run (they do not change the real key's p-value).
 */
public final class NullSeeds {
  /** The statistics, in the order of a result line. */
  static final List<String> STATISTICS = List.of("count", "C*", "reading-top1-global", "two-level-top1", "R*");

  private NullSeeds() {}

  /** Runs the seeds not yet in the file; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 4) {
      System.err.println("usage: NullSeeds RESULT-FILE [FIRST-SEED LAST-SEED [THREADS]]");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    long first = args.length >= 3 ? Long.parseLong(args[1]) : 101;
    long last = args.length >= 3 ? Long.parseLong(args[2]) : 120;
    int threads = args.length == 4 ? Integer.parseInt(args[3]) : Math.max(1, Runtime.getRuntime().availableProcessors());
    List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8))
        : new ArrayList<>();
    for (long seed = first; seed <= last; seed++) {
      if (done(lines, seed)) {
        continue;
      }
      long t0 = System.nanoTime();
      DemoResult r = Demo.run(config(seed, threads), new PrintWriter(Writer.nullWriter()));
      lines.add(line(seed, r));
      SafeFiles.replace(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
      System.out.printf(Locale.ROOT, "seed %d done in %.0f s%n", seed, (System.nanoTime() - t0) / 1e9);
      System.out.println(summary(lines));
      System.out.flush();
    }
    System.out.println(summary(lines));
  }

  /** The demo's defaults for {@code seed} with the innocent student only and no control keys. */
  static DemoConfig config(long seed, int threads) {
    DemoConfig d = DemoConfig.defaults(seed);
    return new DemoConfig(seed, d.order(), KgwSpec.parse(DemoConfig.DEFAULT_SCHEME), d.ownerPrompts(),
        d.competitorPrompts(), d.answerTokens(), d.readingTexts(), d.topK(), d.temperature(), d.alpha(), 0,
        new double[] {0}, threads, null);
  }

  /** The result line of one seed: {@code seed N} and each statistic's log10 p. */
  static String line(long seed, DemoResult r) {
    List<InheritanceResult> results = List.of(r.rows().get(0).closed(), r.weighted().get(0), r.rows().get(0).open(),
        r.readingTwoLevel().get(0), r.readingStar().get(0));
    StringBuilder b = new StringBuilder("seed " + seed);
    for (int i = 0; i < STATISTICS.size(); i++) {
      b.append(String.format(Locale.ROOT, " %s=%.3f", STATISTICS.get(i), results.get(i).log10P()));
    }
    return b.toString();
  }

  private static boolean done(List<String> lines, long seed) {
    String prefix = "seed " + seed + " ";
    return lines.stream().anyMatch(l -> l.startsWith(prefix));
  }

  /** The seeds in the file and each statistic's minimum log10 p over them. */
  static String summary(List<String> lines) {
    double[] min = new double[STATISTICS.size()];
    java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
    int seeds = 0;
    for (String l : lines) {
      if (!l.startsWith("seed ")) {
        continue;
      }
      seeds++;
      for (String field : l.split(" ")) {
        int eq = field.indexOf('=');
        if (eq > 0) {
          int i = STATISTICS.indexOf(field.substring(0, eq));
          if (i >= 0) {
            min[i] = Math.min(min[i], Double.parseDouble(field.substring(eq + 1)));
          }
        }
      }
    }
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d seeds (order-%d demo, rho = 0); minimum log10 p:",
        seeds, NGramModel.DEFAULT_ORDER));
    for (int i = 0; i < min.length; i++) {
      b.append(String.format(Locale.ROOT, " %s %.2f", STATISTICS.get(i), min[i]));
    }
    return b.toString();
  }
}
