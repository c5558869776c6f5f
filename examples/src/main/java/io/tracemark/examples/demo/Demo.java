package io.tracemark.examples.demo;

import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.report.Numbers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The distillation demo: a {@link DemoConfig} runs the {@link Scenario} (teacher, students, the
 * verifier's checks), whose rows are printed as a table with its legend ({@link DemoTable}); the
 * evidence report of one case is written when the configuration names a directory
 * ({@link EvidenceCase}).
 */
public final class Demo {
  private Demo() {}

  /** Runs the demo, printing progress, the table and the evidence commands to {@code out}. */
  public static DemoResult run(DemoConfig c, PrintWriter out) {
    long t0 = System.nanoTime();
    out.printf(Locale.ROOT, "tracemark demo: seed %d, scheme %s, order-%d Kneser-Ney over %s, alpha %s%n",
        c.seed(), c.spec().canonical(), c.order(), NGramModel.DEFAULT_TOKENIZER, Numbers.exact(c.alpha()));
    Phases phases = new Phases(out);
    ExecutorService pool = Executors.newFixedThreadPool(c.threads(), r -> {
      Thread t = new Thread(r, "tracemark-demo");
      t.setDaemon(true);
      return t;
    });
    try {
      Scenario.Outcome o = Scenario.run(c, out, phases, pool);
      out.println();
      DemoTable.print(out, c, o.rows());
      out.println();
      if (c.payload()) {
        PayloadTable.print(out, c, o.rows(), o.tenantClosed(), o.tenantReading());
      } else {
        WeightedTable.print(out, c, o.rows(), o.weighted(), o.readingTwoLevel(), o.readingStar());
      }
      Path reportDir = null;
      if (c.outDir() != null) {
        out.println();
        reportDir = EvidenceCase.write(c, o.key(), reportCase(o.rows()), o.competitorPrompts(), o.tokenizer(), out);
      }
      phases.done("total", t0);
      return new DemoResult(o.key().keyId(), o.teacherCheck(), o.rows(), phases.lines(), reportDir, o.weighted(),
          o.readingTwoLevel(), o.readingStar(), o.tenantClosed(), o.tenantReading());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The case whose evidence report is written: the smallest ρ caught by the closed-model test, else the largest ρ. */
  static StudentResult reportCase(List<StudentResult> rows) {
    StudentResult best = null;
    for (StudentResult r : rows) {
      if (r.rho() > 0 && r.closedDetected() && (best == null || r.rho() < best.rho())) {
        best = r;
      }
    }
    if (best == null) {
      for (StudentResult r : rows) {
        if (best == null || r.rho() > best.rho()) {
          best = r;
        }
      }
    }
    return best;
  }
}
