package io.tracemark.examples.demo;

import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.examples.loop.SamplingLoop;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.OwnerModelWeights;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.report.Numbers;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The distillation scenario: who does what, and the verifier's checks.
 *
 * <ol>
 *   <li>Brown is split by document ({@link BrownSplit}).
 *   <li>The owner's teacher (n-gram KN on its half) answers the owner's prompts with the watermark.
 *   <li>For each ρ a student is trained on the competitor's half plus teacher answers making up a
 *       fraction ρ of its training tokens (ρ = 1: teacher answers only).
 *   <li>The student answers the competitor's prompts (no watermark); the verifier scores those
 *       answers (closed model, prompt windows excluded) and, separately, reads a sample of the
 *       owner's watermarked answers through the student (reading mode).
 * </ol>
 *
 * Everything is derived from the configuration's seed; answers are generated in parallel but each
 * prompt has its own generator ({@link Seeds}), so the outcome does not depend on the number of
 * threads. Progress goes to the writer given, one line per phase.
 */
final class Scenario {
  /**
   * What the scenario produced, for the table and the evidence report.
   *
   * @param key the owner's (demo) key
   * @param tokenizer the tokenizer of every text
   * @param teacherCheck the closed-model test of the teacher's own answers
   * @param rows one per ρ, in the order configured
   * @param competitorPrompts the competitor's prompts, which every student answered
   * @param weighted the weighted closed-model test of each row's answers ({@link OwnerWeights}), in row order;
   *     empty when the scheme is not the green list
   * @param readingTwoLevel each row's reading-mode test with two-level dedup (the library's reading-mode
   *     default), in row order
   * @param readingStar each row's reading-mode test R* ({@link OwnerWeights}), in row order; empty when the
   *     scheme is not the green list
   * @param tenantClosed for a payload scheme, the closed-model test of the tenant's one message on each row's
   *     answers (the inheritance test, which knows the tenant), in row order; empty otherwise
   * @param tenantReading for a payload scheme, the reading-mode test of the tenant's one message, in row order;
   *     empty otherwise
   */
  record Outcome(WatermarkKey key, TextTokenizer tokenizer, InheritanceResult teacherCheck, List<StudentResult> rows,
      List<int[]> competitorPrompts, List<InheritanceResult> weighted, List<InheritanceResult> readingTwoLevel,
      List<InheritanceResult> readingStar, List<InheritanceResult> tenantClosed,
      List<InheritanceResult> tenantReading) {}

  private record Student(double rho, Distillation.Mix mix, NGramModel model) {}

  private Scenario() {}

  /** Runs the scenario on {@code pool}, printing the progress lines to {@code out} and {@code phases}. */
  static Outcome run(DemoConfig c, PrintWriter out, Phases phases, ExecutorService pool) {
    long t0 = System.nanoTime();
    TextTokenizer enc = Tokenizers.jtokkit(NGramModel.DEFAULT_TOKENIZER);
    int vocab = enc.vocabularySize();
    BrownSplit split = BrownSplit.of(BrownTokens.documents(enc));
    List<int[]> ownerPrompts = encodeAll(enc, Prompts.sentenceStarts(split.ownerPromptDocs(), c.ownerPrompts(), 6,
        Seeds.stream(c.seed(), "owner-prompts", 0)));
    List<int[]> competitorPrompts = encodeAll(enc, Prompts.sentenceStarts(split.competitorPromptDocs(),
        c.competitorPrompts(), 6, Seeds.stream(c.seed(), "competitor-prompts", 0)));
    phases.done("tokenize Brown and pick prompts", t0);

    long t1 = System.nanoTime();
    NGramModel teacher = NGramModel.train(split.ownerHuman(), c.order(), vocab, NGramModel.DEFAULT_TOKENIZER);
    phases.done(String.format(Locale.ROOT, "train teacher on %,d tokens", teacher.trainingTokens()), t1);

    WatermarkKey key = Seeds.demoKey(c.seed());
    // a payload scheme's teacher serves the tenant: its answers carry the tenant's number
    Watermark wm = c.payload() ? Watermarks.create(key, c.spec(), vocab, c.tenant())
        : Watermarks.create(key, c.spec(), vocab);
    out.printf(Locale.ROOT, "owner key id %s (derived from the seed; commitment %s)%n", key.keyId(), key.commitment());
    long t2 = System.nanoTime();
    // a green list biases the logits before the draw; Gumbel-max and the tournament replace the draw
    SamplingLoop teacherLoop = wm.bias().isPresent() ? loop(teacher, c).withWatermark(wm.bias().get())
        : loop(teacher, c).withSampling(wm.sampling().orElseThrow());
    List<int[]> teacherAnswers = Answers.generate(teacherLoop, ownerPrompts, c.answerTokens(), c.seed(), "teacher",
        pool);
    long teacherTokens = teacherAnswers.stream().mapToLong(a -> a.length).sum();
    phases.done(String.format(Locale.ROOT, "teacher answers %d owner prompts (%,d tokens, watermarked)",
        ownerPrompts.size(), teacherTokens), t2);

    InheritanceResult teacherCheck = verification(c, key, enc).records(records("owner", teacherAnswers, ownerPrompts))
        .build().run();
    out.printf(Locale.ROOT, "check: the teacher's own answers: %s tuples, %s %s, log10 p %s%s%n",
        Numbers.count(teacherCheck.tuplesScored()), DemoTable.statisticName(c), DemoTable.statistic(teacherCheck),
        Numbers.fixed(teacherCheck.log10P(), 1), c.payload() ? String.format(Locale.ROOT,
            ", decoded message %d (tenant %d)", teacherCheck.payload().message(), c.tenant()) : "");

    // The competitor collected the teacher's answers in some order; a student takes a prefix.
    List<int[]> collected = shuffled(teacherAnswers, c.seed(), "collected");
    // The owner reads a random sample of its own watermarked answers through each student.
    List<int[]> readingTexts = List.copyOf(shuffled(teacherAnswers, c.seed(), "reading").subList(0, c.readingTexts()));

    // Three phases, each spread over the pool: train the students, answer the competitor's
    // prompts (finely chunked), then the two tests per student. Student i's prompt j always draws
    // from Seeds.stream(seed, "student-i", j), whatever the scheduling.
    long t3 = System.nanoTime();
    double[] rhos = c.rhos();
    List<Future<Student>> trained = new ArrayList<>();
    for (double rho : rhos) {
      trained.add(pool.submit(() -> {
        Distillation.Mix mix = Distillation.mix(rho >= 1 ? List.of() : split.competitorHuman(), collected, rho,
            "the teacher's answers");
        return new Student(rho, mix, NGramModel.train(mix.documents(), c.order(), vocab,
            NGramModel.DEFAULT_TOKENIZER));
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
    // the weighted tests (C*, R*): weights and R*'s texts from the owner's model and answers, fixed
    // here, before any student is read; their weights are the green list's posterior uplift, so
    // they are run for kgw only
    OwnerWeights.Fixed fixed = c.greenList() ? OwnerWeights.of(teacher, teacherAnswers, c) : null;
    OwnerModelWeights weights = fixed == null ? null : fixed.closed();
    List<Future<InheritanceResult>> weighted = new ArrayList<>();
    List<Future<InheritanceResult>> reading = new ArrayList<>();
    List<Future<InheritanceResult>> readingStar = new ArrayList<>();
    List<Future<StudentResult>> tested = new ArrayList<>();
    List<Future<InheritanceResult>> tenantClosed = new ArrayList<>();
    List<Future<InheritanceResult>> tenantReading = new ArrayList<>();
    for (int s = 0; s < students.size(); s++) {
      Student st = students.get(s);
      List<int[]> answers = studentAnswers.get(s);
      tested.add(pool.submit(() -> new StudentResult(st.rho(), st.mix().humanTokens(), st.mix().teacherTokens(),
          verification(c, key, enc).records(records("competitor", answers, competitorPrompts)).build().run(),
          // today's reading column keeps the global tape (the reading mode's own default is two-level)
          verification(c, key, enc).firstWindowPerText(false).records(List.of()).build()
              .readingMode(st.model(), readingTexts), answers)));
      if (fixed != null) {
        weighted.add(pool.submit(() -> verification(c, key, enc).weights(weights)
            .records(records("competitor", answers, competitorPrompts)).build().run()));
      }
      if (c.payload()) {
        // the inheritance test of the tenant's answers: the tenant's one message, tested as a key is
        tenantClosed.add(pool.submit(() -> verification(c, key, enc).message(c.tenant())
            .records(records("competitor", answers, competitorPrompts)).build().run()));
        tenantReading.add(pool.submit(() -> verification(c, key, enc).message(c.tenant()).firstWindowPerText(false)
            .records(List.of()).build().readingMode(st.model(), readingTexts)));
      } else {
        reading.add(pool.submit(() -> verification(c, key, enc).firstWindowPerText(true).records(List.of()).build()
            .readingMode(st.model(), readingTexts)));
      }
      if (fixed != null) {
        readingStar.add(pool.submit(() -> verification(c, key, enc).weights(fixed.reading()).records(List.of())
            .build().readingMode(st.model(), fixed.readingTexts())));
      }
    }
    List<StudentResult> rows = new ArrayList<>();
    for (Future<StudentResult> f : tested) {
      rows.add(Answers.join(f));
    }
    List<InheritanceResult> weightedRows = new ArrayList<>();
    for (Future<InheritanceResult> f : weighted) {
      weightedRows.add(Answers.join(f));
    }
    List<InheritanceResult> readingRows = new ArrayList<>();
    for (Future<InheritanceResult> f : reading) {
      readingRows.add(Answers.join(f));
    }
    List<InheritanceResult> starRows = new ArrayList<>();
    for (Future<InheritanceResult> f : readingStar) {
      starRows.add(Answers.join(f));
    }
    List<InheritanceResult> tenantClosedRows = joinAll(tenantClosed);
    List<InheritanceResult> tenantReadingRows = joinAll(tenantReading);
    phases.done(String.format(Locale.ROOT,
        "%d students: train, answer %d competitor prompts, closed-model and reading-mode tests", rhos.length,
        competitorPrompts.size()), t3);
    return new Outcome(key, enc, teacherCheck, rows, competitorPrompts, weightedRows, readingRows, starRows,
        tenantClosedRows, tenantReadingRows);
  }

  private static List<InheritanceResult> joinAll(List<Future<InheritanceResult>> futures) {
    List<InheritanceResult> out = new ArrayList<>(futures.size());
    for (Future<InheritanceResult> f : futures) {
      out.add(Answers.join(f));
    }
    return out;
  }

  /**
   * The verifier's checks as the configuration sets them: the scheme and the owner's key, α, the
   * control keys; one thread each, since the checks themselves run in parallel on the demo's pool.
   * Reading mode reads no suspect corpus (the façade asks for one: an empty one).
   */
  static Verification.Builder verification(DemoConfig c, WatermarkKey key, TextTokenizer tokenizer) {
    return Verification.builder().scheme(c.spec()).key(key).tokenizer(tokenizer).alpha(c.alpha())
        .controlKeys(c.controlKeys()).threads(1);
  }

  /** A copy of {@code items} shuffled by the generator of {@code purpose} under {@code seed}. */
  private static List<int[]> shuffled(List<int[]> items, long seed, String purpose) {
    List<int[]> out = new ArrayList<>(items);
    Collections.shuffle(out, new Random(Seeds.stream(seed, purpose, 0).nextLong()));
    return out;
  }

  /** The sampling loop of the configuration (top-k, temperature), without a watermark. */
  static SamplingLoop loop(NGramModel model, DemoConfig c) {
    SamplingLoop loop = SamplingLoop.of(model).withTopK(c.topK());
    return c.temperature() == 1.0 ? loop : loop.withTemperature(c.temperature());
  }

  /** Verifier records {@code prefix-i} of answers with their prompts. */
  static List<SuspectRecord> records(String prefix, List<int[]> answers, List<int[]> prompts) {
    List<SuspectRecord> out = new ArrayList<>(answers.size());
    for (int i = 0; i < answers.size(); i++) {
      out.add(new SuspectRecord(prefix + "-" + i, answers.get(i), prompts.get(i)));
    }
    return out;
  }

  /** Tokenizes each text. */
  static List<int[]> encodeAll(TextTokenizer enc, List<String> texts) {
    List<int[]> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(enc.encode(t));
    }
    return out;
  }
}
