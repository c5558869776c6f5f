package io.tracemark.examples.tools;

import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.examples.demo.Answers;
import io.tracemark.examples.demo.BrownSplit;
import io.tracemark.examples.demo.DemoConfig;
import io.tracemark.examples.demo.Distillation;
import io.tracemark.examples.demo.OwnerWeights;
import io.tracemark.examples.demo.Prompts;
import io.tracemark.examples.demo.Seeds;
import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.examples.loop.SamplingLoop;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.OutputStreamWriter;
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
 * Reading mode across tokenizers on the demo: the owner's teacher (over cl100k_base, watermarked)
 * answers the owner's prompts exactly as in the demo; a student over another tokenizer (default
 * o200k_base) is trained on the competitor's human half of Brown, tokenized with its own
 * tokenizer, plus the teacher's answers decoded to text and re-tokenized, making up a fraction ρ
 * of its training tokens (as the demo mixes them). The owner's texts are then read through the
 * student by {@link Verification#readingMode(io.tracemark.api.LogitsModel, Iterable, TextTokenizer)}:
 * two-level top-1 on the demo's 200 sampled owner texts, and with {@code --star} R* on the demo's
 * 200 ranked texts with the demo's owner weights. One line per (seed, ρ): log10 p of each, tuples,
 * and the alignment counts.
 *
 * <p>A tool (minutes of CPU a seed: the teacher's 800 answers dominate). After {@code ./mvnw -B
 * package -DskipTests}:
 *
 * <pre>
 * java -cp examples/target/tracemark-examples.jar io.tracemark.examples.tools.CrossTokenizerCheck \
 *     [--star] [--tokenizer o200k_base] SEED[,SEED...] RHO[,RHO...]
 * </pre>
 */
public final class CrossTokenizerCheck {
  private CrossTokenizerCheck() {}

  /**
   * One student's reading-mode results.
   *
   * @param seed the demo seed
   * @param rho the fraction of the student's training tokens that are the teacher's answers
   * @param teacherTokens the student's training tokens from the teacher's answers (its tokenizer)
   * @param twoLevel two-level top-1 on the demo's sampled owner texts
   * @param star R* on the demo's ranked owner texts, or null when not run
   */
  public record Result(long seed, double rho, long teacherTokens, InheritanceResult twoLevel,
      InheritanceResult star) {}

  /** The students of {@code rhos} over {@code suspectTokenizer} for the demo configuration {@code c}. */
  public static List<Result> run(DemoConfig c, String suspectTokenizer, double[] rhos, boolean withStar,
      PrintWriter out) {
    ExecutorService pool = Executors.newFixedThreadPool(c.threads());
    try {
      return run(c, Tokenizers.jtokkit(suspectTokenizer), rhos, withStar, out, pool);
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Result> run(DemoConfig c, TextTokenizer studentTok, double[] rhos, boolean withStar,
      PrintWriter out, ExecutorService pool) {
    TextTokenizer enc = Tokenizers.jtokkit(NGramModel.DEFAULT_TOKENIZER);
    int vocab = enc.vocabularySize();
    BrownSplit split = BrownSplit.of(BrownTokens.documents(enc));
    List<int[]> ownerPrompts = new ArrayList<>();
    for (String p : Prompts.sentenceStarts(split.ownerPromptDocs(), c.ownerPrompts(), 6,
        Seeds.stream(c.seed(), "owner-prompts", 0))) {
      ownerPrompts.add(enc.encode(p));
    }
    NGramModel teacher = NGramModel.train(split.ownerHuman(), c.order(), vocab, NGramModel.DEFAULT_TOKENIZER);
    WatermarkKey key = Seeds.demoKey(c.seed());
    Watermark wm = Watermarks.create(key, c.spec(), vocab);
    List<int[]> teacherAnswers = Answers.generate(loop(teacher, c).withWatermark(wm.bias().orElseThrow()),
        ownerPrompts, c.answerTokens(), c.seed(), "teacher", pool);
    // the demo's orders: the competitor's collection, and the owner's sample of texts to read
    List<int[]> collected = shuffled(teacherAnswers, c.seed(), "collected");
    List<int[]> readingTexts = shuffled(teacherAnswers, c.seed(), "reading").subList(0, c.readingTexts());
    OwnerWeights.Fixed fixed = withStar ? OwnerWeights.of(teacher, teacherAnswers, c) : null;

    // the student's side: its own tokenizer over the same human documents and the same answers as text
    BrownSplit studentSplit = BrownSplit.of(BrownTokens.documents(studentTok));
    List<int[]> collectedAsStudent = new ArrayList<>(collected.size());
    for (int[] a : collected) {
      collectedAsStudent.add(studentTok.encode(enc.decode(a)));
    }
    List<Result> results = new ArrayList<>();
    for (double rho : rhos) {
      Distillation.Mix mix = Distillation.mix(rho >= 1 ? List.of() : studentSplit.competitorHuman(),
          collectedAsStudent, rho, "the teacher's answers");
      NGramModel student = NGramModel.train(mix.documents(), c.order(), studentTok.vocabularySize(),
          studentTok.name());
      InheritanceResult twoLevel = test(c, key, enc).build().readingMode(student, readingTexts, studentTok);
      InheritanceResult star = fixed == null ? null : test(c, key, enc).weights(fixed.reading()).build()
          .readingMode(student, fixed.readingTexts(), studentTok);
      Result r = new Result(c.seed(), rho, mix.teacherTokens(), twoLevel, star);
      results.add(r);
      out.println(line(r, studentTok.name()));
      out.flush();
    }
    return results;
  }

  /** One result as a line: log10 p and tuples of each statistic, and the alignment of the two-level test. */
  static String line(Result r, String tokenizer) {
    InheritanceResult.Alignment a = r.twoLevel().counts().alignment();
    String line = String.format(Locale.ROOT, "seed %d rho %s student %s (%,d teacher tokens): two-level top-1 "
        + "log10 p %.1f (%,d tuples, green %.3f; positions %,d, aligned %,d, predictions one token %,d, several %,d, "
        + "not text %,d)", r.seed(), r.rho(), tokenizer, r.teacherTokens(), r.twoLevel().log10P(),
        r.twoLevel().tuplesScored(), r.twoLevel().rate(), a.positions(), a.aligned(), a.oneToken(), a.notOneToken(),
        a.notText());
    if (r.star() == null) {
      return line;
    }
    InheritanceResult.Alignment s = r.star().counts().alignment();
    return line + String.format(Locale.ROOT, " | R* log10 p %.1f (%,d tuples; positions %,d, aligned %,d, "
        + "predictions %,d, one token %,d)", r.star().log10P(), r.star().tuplesScored(), s.positions(), s.aligned(),
        s.predictions(), s.oneToken());
  }

  /** The demo's reading test: its scheme, key and α, no control keys (they do not change log10 p), one thread. */
  private static Verification.Builder test(DemoConfig c, WatermarkKey key, TextTokenizer enc) {
    return Verification.builder().scheme(c.spec()).key(key).tokenizer(enc).alpha(c.alpha()).controlKeys(0)
        .threads(1).records(List.of());
  }

  private static List<int[]> shuffled(List<int[]> items, long seed, String purpose) {
    List<int[]> out = new ArrayList<>(items);
    Collections.shuffle(out, new Random(Seeds.stream(seed, purpose, 0).nextLong()));
    return out;
  }

  private static SamplingLoop loop(NGramModel model, DemoConfig c) {
    SamplingLoop loop = SamplingLoop.of(model).withTopK(c.topK());
    return c.temperature() == 1.0 ? loop : loop.withTemperature(c.temperature());
  }

  /**
   * {@code [--star] [--tokenizer NAME] SEED[,SEED...] RHO[,RHO...]}; defaults o200k_base, seed 42, ρ 0 and 0.05;
   * {@code --star} adds R* (minutes of CPU more a student).
   */
  public static void main(String[] args) {
    List<String> a = new ArrayList<>(List.of(args));
    boolean star = !a.isEmpty() && a.get(0).equals("--star");
    if (star) {
      a = a.subList(1, a.size());
    }
    String tokenizer = "o200k_base";
    if (a.size() >= 2 && a.get(0).equals("--tokenizer")) {
      tokenizer = a.get(1);
      a = a.subList(2, a.size());
    }
    if (a.size() > 2) {
      System.err.println("usage: CrossTokenizerCheck [--star] [--tokenizer NAME] SEED[,SEED...] RHO[,RHO...]");
      System.exit(2);
    }
    String[] seeds = (a.isEmpty() ? String.valueOf(DemoConfig.DEFAULT_SEED) : a.get(0)).split(",");
    String[] r = (a.size() < 2 ? "0,0.05" : a.get(1)).split(",");
    double[] rhos = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      rhos[i] = Double.parseDouble(r[i]);
    }
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    for (String seed : seeds) {
      run(DemoConfig.defaults(Long.parseLong(seed)), tokenizer, rhos, star, out);
    }
  }
}
