package io.tracemark.examples.demo;

import io.tracemark.api.Checks;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.LogitsModel;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.examples.lm.Tokenizers;
import io.tracemark.examples.loop.SamplingLoop;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.InheritanceVerifier;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.report.Numbers;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The end-to-end distillation scenario.
 *
 * <ol>
 *   <li>Brown is split by document: every tenth document is held out for prompts (alternately the
 *       owner's and the competitor's), the other 450 alternate between the owner's half and the
 *       competitor's half.
 *   <li>The owner's teacher (n-gram KN on its half) answers the owner's prompts with the watermark.
 *   <li>For each ρ a student is trained on the competitor's half plus teacher answers making up a
 *       fraction ρ of its training tokens (ρ = 1: teacher answers only).
 *   <li>The student answers the competitor's prompts (no watermark); the verifier scores those
 *       answers (closed model, prompt windows excluded) and, separately, reads a sample of the
 *       owner's watermarked answers through the student (reading mode).
 * </ol>
 *
 * Everything is derived from one seed; answers are generated in parallel but each prompt has its
 * own generator, so the output does not depend on the number of threads.
 */
public final class Demo {
  private Demo() {}

  /**
   * The scenario's parameters.
   *
   * @param seed the one seed everything is derived from
   * @param order n-gram order of teacher and students
   * @param spec the watermark scheme
   * @param ownerPrompts prompts the teacher answers (its watermarked output)
   * @param competitorPrompts prompts each student answers (the closed-model query budget)
   * @param answerTokens tokens per answer
   * @param readingTexts owner answers read through each student in reading mode
   * @param topK top-k of every sampling loop (0: none)
   * @param temperature temperature of every sampling loop
   * @param alpha significance level of the verdicts
   * @param controlKeys control keys of the verifier's empirical null
   * @param rhos the fractions ρ of teacher tokens in the students' training data
   * @param threads worker threads
   * @param outDir where the evidence report of one case is written ({@code null}: no report)
   */
  public record Config(long seed, int order, KgwSpec spec, int ownerPrompts, int competitorPrompts,
      int answerTokens, int readingTexts, int topK, double temperature, double alpha, int controlKeys, double[] rhos,
      int threads, Path outDir) {
    /** Validates and copies. */
    public Config {
      Checks.require(order >= 1 && order <= NGramModel.MAX_ORDER, "order must be between 1 and %d, was %d",
          NGramModel.MAX_ORDER, order);
      Checks.require(ownerPrompts >= 1, "owner prompts must be >= 1, was %d", ownerPrompts);
      Checks.require(competitorPrompts >= 1, "competitor prompts must be >= 1, was %d", competitorPrompts);
      Checks.require(answerTokens >= 1, "answer tokens must be >= 1, was %d", answerTokens);
      Checks.require(readingTexts >= 1 && readingTexts <= ownerPrompts,
          "reading texts must be between 1 and the owner prompts %d, was %d", ownerPrompts, readingTexts);
      Checks.require(threads >= 1, "threads must be >= 1, was %d", threads);
      rhos = rhos.clone();
      for (double r : rhos) {
        Checks.require(r >= 0 && r <= 1, "rho must be in [0, 1], was %s", r);
      }
    }

    /** The defaults: ρ ∈ {0, 0.01, 0.05, 0.10, 1.0}, α = 1e-6, kgw γ = 0.25, δ = 2, h = 1. */
    public static Config defaults(long seed) {
      return new Config(seed, NGramModel.DEFAULT_ORDER, KgwSpec.parse("kgw:gamma=0.25,delta=2,h=1"), 800, 200,
          128, 200, 50, 1.0, 1e-6, 100, new double[] {0, 0.01, 0.05, 0.10, 1.0},
          Math.max(1, Runtime.getRuntime().availableProcessors()), null);
    }

    @Override
    public double[] rhos() {
      return rhos.clone();
    }
  }

  /**
   * One student.
   *
   * @param rho the fraction of its training tokens that came from the teacher
   * @param humanTokens competitor (human) training tokens
   * @param teacherTokens teacher training tokens
   * @param closed the closed-model test of its answers
   * @param open the reading-mode test
   * @param answers the student's answers to the competitor's prompts (what the closed-model test read)
   */
  public record Row(double rho, long humanTokens, long teacherTokens, InheritanceResult closed,
      InheritanceResult open, List<int[]> answers) {}

  /**
   * The outcome.
   *
   * @param keyId the demo key's public id
   * @param teacherCheck the closed-model test of the teacher's own answers (sanity check)
   * @param rows one per ρ, in the order given
   * @param timings phase name and seconds
   * @param reportDir the directory of the evidence report, or null
   */
  public record Result(String keyId, InheritanceResult teacherCheck, List<Row> rows, List<String> timings,
      Path reportDir) {}

  /**
   * The demo's split of Brown by document.
   *
   * @param ownerPromptDocs held-out documents the owner's prompts come from
   * @param competitorPromptDocs held-out documents the competitor's prompts come from
   * @param ownerHuman the teacher's training documents
   * @param competitorHuman the competitor's own human text
   */
  public record Split(List<BrownTokens.Doc> ownerPromptDocs, List<BrownTokens.Doc> competitorPromptDocs,
      List<int[]> ownerHuman, List<int[]> competitorHuman) {}

  /**
   * Every tenth document is held out for prompts (alternately the owner's and the competitor's);
   * the other 450 alternate between the owner's and the competitor's half. Independent of the seed.
   */
  public static Split split(List<BrownTokens.Doc> docs) {
    List<BrownTokens.Doc> ownerPromptDocs = new ArrayList<>();
    List<BrownTokens.Doc> competitorPromptDocs = new ArrayList<>();
    List<int[]> ownerHuman = new ArrayList<>();
    List<int[]> competitorHuman = new ArrayList<>();
    int kept = 0;
    for (int i = 0; i < docs.size(); i++) {
      BrownTokens.Doc d = docs.get(i);
      if (i % 10 == 9) {
        ((i / 10) % 2 == 0 ? ownerPromptDocs : competitorPromptDocs).add(d);
      } else {
        (kept++ % 2 == 0 ? ownerHuman : competitorHuman).add(d.tokens());
      }
    }
    return new Split(List.copyOf(ownerPromptDocs), List.copyOf(competitorPromptDocs), List.copyOf(ownerHuman),
        List.copyOf(competitorHuman));
  }

  /** Runs the scenario, printing progress and the table to {@code out}. */
  public static Result run(Config c, PrintWriter out) {
    long t0 = System.nanoTime();
    List<String> timings = new ArrayList<>();
    out.printf(Locale.ROOT, "tracemark demo: seed %d, scheme %s, order-%d Kneser-Ney over %s, alpha %s%n",
        c.seed(), c.spec().canonical(), c.order(), Tokenizers.DEFAULT, Numbers.exact(c.alpha()));
    TextTokenizer enc = Tokenizers.get(Tokenizers.DEFAULT);
    int vocab = enc.vocabularySize();
    List<BrownTokens.Doc> docs = BrownTokens.documents(enc);
    Split split = split(docs);
    List<BrownTokens.Doc> ownerPromptDocs = split.ownerPromptDocs();
    List<BrownTokens.Doc> competitorPromptDocs = split.competitorPromptDocs();
    List<int[]> ownerHuman = split.ownerHuman();
    List<int[]> competitorHuman = split.competitorHuman();
    List<int[]> ownerPrompts = encodeAll(enc, Prompts.sentenceStarts(ownerPromptDocs, c.ownerPrompts(), 6,
        Seeds.stream(c.seed(), "owner-prompts", 0)));
    List<int[]> competitorPrompts = encodeAll(enc, Prompts.sentenceStarts(competitorPromptDocs, c.competitorPrompts(),
        6, Seeds.stream(c.seed(), "competitor-prompts", 0)));
    timings.add(phase(out, "tokenize Brown and pick prompts", t0));

    ExecutorService pool = Executors.newFixedThreadPool(c.threads(), r -> {
      Thread t = new Thread(r, "tracemark-demo");
      t.setDaemon(true);
      return t;
    });
    try {
      long t1 = System.nanoTime();
      NGramModel teacher = NGramModel.train(ownerHuman, c.order(), vocab, Tokenizers.DEFAULT);
      timings.add(phase(out, String.format(Locale.ROOT, "train teacher on %,d tokens", teacher.trainingTokens()), t1));

      WatermarkKey key = Seeds.demoKey(c.seed());
      Watermark wm = Watermarks.create(key, c.spec(), vocab);
      out.printf(Locale.ROOT, "owner key id %s (derived from the seed; commitment %s)%n", key.keyId(),
          key.commitment());
      long t2 = System.nanoTime();
      SamplingLoop teacherLoop = loop(teacher, c).withWatermark(wm.bias().orElseThrow());
      List<int[]> teacherAnswers = Answers.generate(teacherLoop, ownerPrompts, c.answerTokens(), c.seed(), "teacher",
          pool);
      long teacherTokens = teacherAnswers.stream().mapToLong(a -> a.length).sum();
      timings.add(phase(out, String.format(Locale.ROOT, "teacher answers %d owner prompts (%,d tokens, watermarked)",
          ownerPrompts.size(), teacherTokens), t2));

      InheritanceVerifier verifier = InheritanceVerifier.greenList(key, c.spec(), vocab).alpha(c.alpha())
          .controlKeys(c.controlKeys()).build();
      InheritanceResult teacherCheck = verifier.closedModel(records("owner", teacherAnswers, ownerPrompts));
      out.printf(Locale.ROOT, "check: the teacher's own answers: %s tuples, green rate %s, log10 p %s%n",
          Numbers.count(teacherCheck.tuplesScored()), Numbers.fixed(teacherCheck.rate(), 3),
          Numbers.fixed(teacherCheck.log10P(), 1));

      // The competitor collected the teacher's answers in some order; a student takes a prefix.
      List<int[]> collected = new ArrayList<>(teacherAnswers);
      Collections.shuffle(collected, new java.util.Random(Seeds.stream(c.seed(), "collected", 0).nextLong()));
      // The owner reads a random sample of its own watermarked answers through each student.
      List<int[]> reading = new ArrayList<>(teacherAnswers);
      Collections.shuffle(reading, new java.util.Random(Seeds.stream(c.seed(), "reading", 0).nextLong()));
      List<int[]> readingTexts = List.copyOf(reading.subList(0, c.readingTexts()));

      // Three phases, each spread over the pool: train the students, answer the competitor's
      // prompts (finely chunked), then the two tests per student. Student i's prompt j always draws
      // from Seeds.stream(seed, "student-i", j), whatever the scheduling.
      long t3 = System.nanoTime();
      double[] rhos = c.rhos();
      List<Future<Student>> trained = new ArrayList<>();
      for (double rho : rhos) {
        trained.add(pool.submit(() -> {
          Distillation.Mix mix = Distillation.mix(rho >= 1 ? List.of() : competitorHuman, collected, rho,
              "the teacher's answers");
          return new Student(rho, mix, NGramModel.train(mix.documents(), c.order(), vocab, Tokenizers.DEFAULT));
        }));
      }
      List<Student> students = new ArrayList<>();
      for (Future<Student> f : trained) {
        students.add(Answers.join(f));
      }
      List<List<int[]>> studentAnswers = new ArrayList<>();
      for (int s = 0; s < students.size(); s++) {
        studentAnswers.add(Answers.generate(loop(students.get(s).model(), c), competitorPrompts, c.answerTokens(),
            c.seed(), "student-" + s, pool));
      }
      List<Future<Row>> tested = new ArrayList<>();
      for (int s = 0; s < students.size(); s++) {
        Student st = students.get(s);
        List<int[]> answers = studentAnswers.get(s);
        tested.add(pool.submit(() -> new Row(st.rho(), st.mix().humanTokens(), st.mix().teacherTokens(),
            verifier.closedModel(records("competitor", answers, competitorPrompts)),
            verifier.readingMode(suspect(st.model()), readingTexts), List.copyOf(answers))));
      }
      List<Row> rows = new ArrayList<>();
      for (Future<Row> f : tested) {
        rows.add(Answers.join(f));
      }
      timings.add(phase(out, String.format(Locale.ROOT,
          "%d students: train, answer %d competitor prompts, closed-model and reading-mode tests", rhos.length,
          competitorPrompts.size()), t3));
      out.println();
      printTable(out, c, rows);
      Path reportDir = null;
      if (c.outDir() != null) {
        out.println();
        reportDir = EvidenceCase.write(c, key, reportCase(rows), competitorPrompts, enc, out);
      }
      timings.add(phase(out, "total", t0));
      return new Result(key.keyId(), teacherCheck, rows, timings, reportDir);
    } finally {
      pool.shutdownNow();
    }
  }

  private record Student(double rho, Distillation.Mix mix, NGramModel model) {}

  /** The case whose evidence report is written: the smallest ρ caught by the closed-model test, else the largest ρ. */
  static Row reportCase(List<Row> rows) {
    Row best = null;
    for (Row r : rows) {
      if (r.rho() > 0 && r.closed().verdict() == InheritanceResult.Verdict.DETECTED
          && (best == null || r.rho() < best.rho())) {
        best = r;
      }
    }
    if (best == null) {
      for (Row r : rows) {
        if (best == null || r.rho() > best.rho()) {
          best = r;
        }
      }
    }
    return best;
  }

  /** The embedded model as the verifier's open-model callback. */
  public static LogitsModel suspect(NGramModel model) {
    return new LogitsModel() {
      @Override
      public int vocabularySize() {
        return model.vocabularySize();
      }

      @Override
      public void nextTokenLogits(int[] tokens, int length, float[] logits) {
        model.nextTokenLogits(tokens, length, logits);
      }
    };
  }

  /** The sampling loop of the demo's configuration (top-k, temperature), without a watermark. */
  public static SamplingLoop loop(NGramModel model, Config c) {
    SamplingLoop loop = SamplingLoop.of(model).withTopK(c.topK());
    return c.temperature() == 1.0 ? loop : loop.withTemperature(c.temperature());
  }

  /** Verifier records {@code prefix-i} of answers with their prompts. */
  public static List<SuspectRecord> records(String prefix, List<int[]> answers, List<int[]> prompts) {
    List<SuspectRecord> out = new ArrayList<>(answers.size());
    for (int i = 0; i < answers.size(); i++) {
      out.add(new SuspectRecord(prefix + "-" + i, answers.get(i), prompts.get(i)));
    }
    return out;
  }

  /** Tokenizes each text. */
  public static List<int[]> encodeAll(TextTokenizer enc, List<String> texts) {
    List<int[]> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(enc.encode(t));
    }
    return out;
  }

  private static String phase(PrintWriter out, String what, long since) {
    String line = String.format(Locale.ROOT, "%-90s %6s s", what, Numbers.fixed((System.nanoTime() - since) / 1e9, 1));
    out.println(line);
    return line;
  }

  /** Prints the ρ table, its legend and the smallest ρ caught. */
  static void printTable(PrintWriter out, Config c, List<Row> rows) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-5s %9s %9s | %-46s | %-46s", "", "student", "training",
        "closed model (student's answers)", "reading mode (owner's text through student)"));
    lines.add(String.format(Locale.ROOT, "%-5s %9s %9s | %7s %7s %6s %9s %-9s | %7s %7s %6s %9s %-9s", "rho",
        "human", "teacher", "tokens", "tuples", "green", "log10 p", "verdict", "tokens", "tuples", "green", "log10 p",
        "verdict"));
    for (Row r : rows) {
      lines.add(String.format(Locale.ROOT, "%-5s %9s %9s | %s | %s", rhoLabel(r.rho()), Numbers.count(r.humanTokens()),
          Numbers.count(r.teacherTokens()), cells(r.closed()), cells(r.open())));
    }
    lines.add("");
    lines.addAll(legend(c));
    lines.add("");
    for (String line : lines) {
      out.println(line.stripTrailing());
    }
    out.println(smallestCaught(rows, c));
  }

  /** What the table's columns and marks mean, printed under it. */
  static List<String> legend(Config c) {
    return List.of(
        "How to read it:",
        "  rho           share of the student's training tokens that are the teacher's watermarked answers",
        "                (0 = the innocent control, trained on human text only; 1 = on the teacher's answers only)",
        "  human/teacher the student's training tokens: the competitor's own human text / the teacher's answers",
        String.format(Locale.ROOT, "  closed model  the student is only queried: its answers to %d prompts are scored",
            c.competitorPrompts()),
        String.format(Locale.ROOT, "  reading mode  the student is open: %d of the owner's watermarked texts are fed to it",
            c.readingTexts()),
        "                and its top-1 predictions are scored",
        "  tokens/tuples tokens read / distinct (window, token) tuples scored (a repeated tuple counts once)",
        String.format(Locale.ROOT, "  green         share of scored tuples that are green; gamma = %s is expected without",
            Numbers.exact(c.spec().gamma())),
        "                the watermark",
        "  log10 p       exact log10 of the p-value: -7.2 means a chance of 1 in 10^7.2",
        String.format(Locale.ROOT, "  verdict       DETECTED when p < alpha = %s (with %d control keys); \"-\" means",
            Numbers.exact(c.alpha()), c.controlKeys()),
        "                not detected: no evidence at this alpha, which is not proof of innocence");
  }

  static String smallestCaught(List<Row> rows, Config c) {
    StringBuilder b = new StringBuilder();
    for (String mode : new String[] {"closed model", "reading mode"}) {
      double smallest = Double.NaN;
      for (Row r : rows) {
        InheritanceResult x = mode.startsWith("closed") ? r.closed() : r.open();
        if (r.rho() > 0 && x.verdict() == InheritanceResult.Verdict.DETECTED
            && (Double.isNaN(smallest) || r.rho() < smallest)) {
          smallest = r.rho();
        }
      }
      b.append(String.format(Locale.ROOT, "smallest rho caught, %s (%s): %s%n", mode,
          mode.startsWith("closed")
              ? String.format(Locale.ROOT, "%d queries x %d tokens", c.competitorPrompts(), c.answerTokens())
              : String.format(Locale.ROOT, "%d owner texts", c.readingTexts()),
          Double.isNaN(smallest) ? "none" : rhoLabel(smallest)));
    }
    for (Row r : rows) {
      if (r.rho() == 0 && (r.closed().verdict() == InheritanceResult.Verdict.DETECTED
          || r.open().verdict() == InheritanceResult.Verdict.DETECTED)) {
        b.append("WARNING: the innocent control (rho = 0) was flagged\n");
      }
    }
    return b.toString().trim();
  }

  static String rhoLabel(double rho) {
    return rho == 0 ? "0" : String.format(Locale.ROOT, "%.2f", rho);
  }

  private static String cells(InheritanceResult r) {
    return String.format(Locale.ROOT, "%7s %7s %6s %9s %-9s", Numbers.count(r.tokensRead()),
        Numbers.count(r.tuplesScored()), Numbers.fixed(r.rate(), 3), Numbers.fixed(r.log10P(), 1),
        r.verdict() == InheritanceResult.Verdict.DETECTED ? "DETECTED" : "-");
  }
}
