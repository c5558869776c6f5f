package io.tracemark.examples.pilot;

import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.examples.demo.Answers;
import io.tracemark.examples.demo.BrownSplit;
import io.tracemark.examples.demo.DemoConfig;
import io.tracemark.examples.demo.Distillation;
import io.tracemark.examples.demo.Prompts;
import io.tracemark.examples.demo.Seeds;
import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.examples.loop.SamplingLoop;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.plan.Plan;
import io.tracemark.verifier.plan.Pilot;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo's closed model at one ρ, queried past its usual budget: the owner's teacher, a student
 * trained with a fraction ρ of the teacher's answers, and its answers to the competitor's prompts
 * in order (a replay), built exactly as the demo builds them (the first 200 answers are the demo
 * table's). The first {@code pilot} answers are the pilot ({@link Pilot}): its predicted budgets
 * for 90 % and 50 % power at the demo's α. The test is then run on every prefix of the answers
 * after the pilot, which gives the number of queries at which log10 p first reaches log10 α (the
 * actual crossing). A tool: {@code java -cp tracemark-examples.jar
 * io.tracemark.examples.pilot.PilotCheck SEED [RHO [MAX_QUERIES [PILOT]]]}.
 */
public final class PilotCheck {
  private PilotCheck() {}

  /**
   * The outcome.
   *
   * @param seed the demo seed
   * @param rho the student's fraction of teacher tokens
   * @param estimate the pilot's estimate
   * @param crossing the first number of queries at which the test reaches α, or −1 within the answers
   * @param log10PAt200 log10 p at the demo's 200 queries (the demo table's closed column)
   * @param maxQueries the answers available
   */
  public record Result(long seed, double rho, Plan.PilotEstimate estimate, int crossing, double log10PAt200,
      int maxQueries) {
    /** The predicted 90 %-power budget over the actual crossing. */
    public double ratio90() {
      return crossing <= 0 || estimate.queriesPower90() < 0 ? Double.NaN
          : (double) estimate.queriesPower90() / crossing;
    }

    /** The predicted 50 %-power (median) budget over the actual crossing. */
    public double ratio50() {
      return crossing <= 0 || estimate.queriesPower50() < 0 ? Double.NaN
          : (double) estimate.queriesPower50() / crossing;
    }
  }

  /** Runs the check on the demo's configuration {@code c} (its seed, scheme, α, models and budgets). */
  public static Result run(DemoConfig c, double rho, int maxQueries, int pilotQueries, PrintWriter out) {
    ExecutorService pool = Executors.newFixedThreadPool(c.threads());
    try {
      return run(c, rho, maxQueries, pilotQueries, out, pool);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Result run(DemoConfig c, double rho, int maxQueries, int pilotQueries, PrintWriter out,
      ExecutorService pool) {
    TextTokenizer enc = Tokenizers.jtokkit(NGramModel.DEFAULT_TOKENIZER);
    int vocab = enc.vocabularySize();
    BrownSplit split = BrownSplit.of(BrownTokens.documents(enc));
    List<int[]> ownerPrompts = encodeAll(enc, Prompts.sentenceStarts(split.ownerPromptDocs(), c.ownerPrompts(), 6,
        Seeds.stream(c.seed(), "owner-prompts", 0)));
    // the competitor's prompts are a prefix-stable shuffle: the first 200 are the demo's
    List<int[]> prompts = encodeAll(enc, Prompts.sentenceStarts(split.competitorPromptDocs(), maxQueries, 6,
        Seeds.stream(c.seed(), "competitor-prompts", 0)));
    NGramModel teacher = NGramModel.train(split.ownerHuman(), c.order(), vocab, NGramModel.DEFAULT_TOKENIZER);
    WatermarkKey key = Seeds.demoKey(c.seed());
    Watermark wm = Watermarks.create(key, c.spec(), vocab);
    List<int[]> teacherAnswers = Answers.generate(loop(teacher, c).withWatermark(wm.bias().orElseThrow()),
        ownerPrompts, c.answerTokens(), c.seed(), "teacher", pool);
    List<int[]> collected = new ArrayList<>(teacherAnswers);
    Collections.shuffle(collected, new Random(Seeds.stream(c.seed(), "collected", 0).nextLong()));
    Distillation.Mix mix = Distillation.mix(rho >= 1 ? List.of() : split.competitorHuman(), collected, rho,
        "the teacher's answers");
    NGramModel student = NGramModel.train(mix.documents(), c.order(), vocab, NGramModel.DEFAULT_TOKENIZER);
    // the demo's student i draws from "student-i"; the index of rho among the demo's
    String purpose = "student-" + indexOf(c.rhos(), rho);
    List<int[]> answers = Answers.generate(loop(student, c), prompts, c.answerTokens(), c.seed(), purpose, pool);
    List<SuspectRecord> records = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      records.add(new SuspectRecord("competitor-" + i, answers.get(i), prompts.get(i)));
    }
    out.printf(Locale.ROOT, "seed %d, rho %s: %d answers of %d tokens (student: %,d human + %,d teacher tokens)%n",
        c.seed(), rho, answers.size(), c.answerTokens(), mix.humanTokens(), mix.teacherTokens());

    Plan.PilotEstimate estimate = Pilot.estimate(test(c, key, enc), records.subList(0, pilotQueries), c.alpha());
    out.printf(Locale.ROOT, "pilot of %d: %,d tuples (%.1f per query, growth %.3f), rate %.4f (uplift %.4f, 95%% "
        + "interval %.4f to %.4f), log10 p %.2f; predicted budget %d queries for 90%% power, %d for 50%%%n",
        pilotQueries, estimate.tuples(), estimate.tuplesPerQuery(), estimate.growth(), estimate.rate(),
        estimate.uplift(), estimate.rateLow() - estimate.gamma(), estimate.rateHigh() - estimate.gamma(),
        estimate.log10P(), estimate.queriesPower90(), estimate.queriesPower50());
    double target = Math.log10(c.alpha());
    int crossing = -1;
    for (int q = 1; q <= records.size() && crossing < 0; q++) {
      if (log10P(c, key, enc, records, q) <= target) {
        crossing = q;
      }
    }
    double at200 = records.size() >= 200 ? log10P(c, key, enc, records, 200) : Double.NaN;
    Result r = new Result(c.seed(), rho, estimate, crossing, at200, records.size());
    out.printf(Locale.ROOT, "actual crossing of alpha %s: %s; log10 p at 200 queries %.2f; predicted/actual: "
        + "%.2f (90%% power), %.2f (50%%)%n", c.alpha(), crossing < 0 ? "not within " + records.size() + " queries"
        : crossing + " queries", at200, r.ratio90(), r.ratio50());
    out.flush();
    return r;
  }

  /** log10 p of the closed-model test of the first {@code q} answers. */
  private static double log10P(DemoConfig c, WatermarkKey key, TextTokenizer enc, List<SuspectRecord> records, int q) {
    return test(c, key, enc).records(records.subList(0, q)).build().run().log10P();
  }

  /** The closed-model test of the demo (its scheme, key, α), without control keys, on one thread. */
  private static Verification.Builder test(DemoConfig c, WatermarkKey key, TextTokenizer enc) {
    return Verification.builder().scheme(c.spec()).key(key).tokenizer(enc).alpha(c.alpha()).controlKeys(0)
        .threads(1);
  }

  private static int indexOf(double[] rhos, double rho) {
    for (int i = 0; i < rhos.length; i++) {
      if (rhos[i] == rho) {
        return i;
      }
    }
    return rhos.length;
  }

  private static SamplingLoop loop(NGramModel model, DemoConfig c) {
    SamplingLoop loop = SamplingLoop.of(model).withTopK(c.topK());
    return c.temperature() == 1.0 ? loop : loop.withTemperature(c.temperature());
  }

  private static List<int[]> encodeAll(TextTokenizer enc, List<String> texts) {
    List<int[]> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(enc.encode(t));
    }
    return out;
  }

  /** {@code SEED [RHO [MAX_QUERIES [PILOT]]]}: defaults ρ = 0.05, 600 queries, a pilot of 50. */
  public static void main(String[] args) {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : DemoConfig.DEFAULT_SEED;
    double rho = args.length > 1 ? Double.parseDouble(args[1]) : 0.05;
    int max = args.length > 2 ? Integer.parseInt(args[2]) : 600;
    int pilot = args.length > 3 ? Integer.parseInt(args[3]) : 50;
    run(DemoConfig.defaults(seed), rho, max, pilot,
        new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
  }
}
