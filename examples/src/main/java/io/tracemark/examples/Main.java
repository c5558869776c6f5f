package io.tracemark.examples;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.examples.cli.Corpora;
import io.tracemark.examples.cli.InputException;
import io.tracemark.examples.cli.Records;
import io.tracemark.examples.demo.Answers;
import io.tracemark.examples.demo.Demo;
import io.tracemark.examples.demo.Distillation;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.examples.lm.Tokenizers;
import io.tracemark.examples.loop.SamplingLoop;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The examples jar: the end-to-end demo and the experiment commands.
 *
 * <p>Exit codes as the {@code tracemark} command line: 0 ran, 2 usage error, 3 input error (a
 * file that cannot be read or parsed, a value out of range), each with a one-line message and no
 * stack trace.
 */
@Command(name = "tracemark-examples", mixinStandardHelpOptions = true, version = "tracemark examples 0.1.0",
    description = {"The embedded language model, the distillation demo and experiment commands.",
        "Without a command, runs the demo with its defaults."},
    subcommands = {Main.DemoCommand.class, Main.QuickStartCommand.class, Main.TrainCommand.class,
        Main.GenerateCommand.class, Main.DistillCommand.class})
public final class Main implements Callable<Integer> {
  /** Exit code: ran. */
  public static final int OK = 0;
  /** Exit code: an unexpected internal error. */
  public static final int INTERNAL = 1;
  /** Exit code: bad command line. */
  public static final int USAGE = 2;
  /** Exit code: bad input. */
  public static final int INPUT = 3;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs a command line, printing to {@code out} and {@code err}; returns the exit code. Without
   * arguments it runs the demo, the README's main command.
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    if (args.length == 0) {
      args = new String[] {"demo"};
    }
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, arguments) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println(prefix(c) + ex.getMessage().replace('\n', ' '));
      String name = commandName(c);
      c.getErr().println("Try 'java -jar tracemark-examples.jar " + (name.isEmpty() ? "" : name + " ")
          + "--help' for usage.");
      return USAGE;
    });
    cl.setExecutionExceptionHandler((e, c, parseResult) -> {
      if (e instanceof InputException || e instanceof IllegalArgumentException || e instanceof IOException
          || e instanceof UncheckedIOException) {
        String message = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause().getMessage()
            : e.getMessage();
        c.getErr().println(prefix(c) + message);
        return INPUT;
      }
      c.getErr().println(prefix(c) + "internal error: " + e);
      return INTERNAL;
    });
    return cl.execute(args);
  }

  private static String commandName(CommandLine c) {
    String name = c.getCommandSpec().name();
    return name.equals("tracemark-examples") ? "" : name;
  }

  private static String prefix(CommandLine c) {
    String name = commandName(c);
    return "tracemark-examples" + (name.isEmpty() ? "" : " " + name) + ": error: ";
  }

  /** Runs {@code s}; an {@link IllegalArgumentException} becomes a usage error naming the option. */
  static <T> T option(CommandLine.Model.CommandSpec spec, String name, java.util.function.Supplier<T> s) {
    try {
      return s.get();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), name + ": " + e.getMessage());
    }
  }

  /** A usage error unless {@code condition} holds. */
  static void requireOption(CommandLine.Model.CommandSpec spec, boolean condition, String format, Object... args) {
    if (!condition) {
      throw new CommandLine.ParameterException(spec.commandLine(), String.format(Locale.ROOT, format, args));
    }
  }

  @Override
  public Integer call() {
    // reached only with options but no command (e.g. an unknown option is a usage error before this)
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a command is required: demo, quickstart, lm-train, lm-generate or distill (try --help)");
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = "Teacher watermarks its answers; students distil a fraction rho of them; the verifier checks.")
  static final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Option(names = "--seed", description = "Seed of everything (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;
    @Option(names = "--order", description = "n-gram order (default: ${DEFAULT-VALUE}).", defaultValue = "4")
    int order;
    @Option(names = "--scheme", description = "Watermark scheme (default: ${DEFAULT-VALUE}).",
        defaultValue = "kgw:gamma=0.25,delta=2,h=1")
    String scheme;
    @Option(names = "--rho", split = ",", description = "Fractions of teacher tokens (default: 0,0.01,0.05,0.10,1.0).")
    double[] rhos;
    @Option(names = "--owner-prompts", defaultValue = "800", description = "Prompts the teacher answers (default: ${DEFAULT-VALUE}).")
    int ownerPrompts;
    @Option(names = "--competitor-prompts", defaultValue = "200",
        description = "Prompts each student answers: the closed-model query budget (default: ${DEFAULT-VALUE}).")
    int competitorPrompts;
    @Option(names = "--answer-tokens", defaultValue = "128", description = "Tokens per answer (default: ${DEFAULT-VALUE}).")
    int answerTokens;
    @Option(names = "--reading-texts", defaultValue = "200",
        description = "Owner answers read through each student (default: ${DEFAULT-VALUE}).")
    int readingTexts;
    @Option(names = "--top-k", defaultValue = "50", description = "Top-k of all sampling, 0 for none (default: ${DEFAULT-VALUE}).")
    int topK;
    @Option(names = "--alpha", defaultValue = "1e-6", description = "Significance level (default: ${DEFAULT-VALUE}).")
    double alpha;
    @Option(names = "--control-keys", defaultValue = "100", description = "Control keys (default: ${DEFAULT-VALUE}).")
    int controlKeys;
    @Option(names = "--threads", description = "Worker threads (default: the number of processors).")
    Integer threads;
    @Option(names = "--out", defaultValue = "target/tracemark-demo",
        description = "Directory for the evidence report of one case, the demo key and the signer's key files "
            + "(default: ${DEFAULT-VALUE}, which git ignores).")
    Path outDir;

    @Override
    public Integer call() {
      Demo.Config d = Demo.Config.defaults(seed);
      KgwSpec s = option(spec, "--scheme", () -> KgwSpec.parse(scheme));
      requireOption(spec, alpha > 0 && alpha < 1, "--alpha must be in (0, 1), was %s", alpha);
      requireOption(spec, topK >= 0, "--top-k must be >= 0, was %d", topK);
      Demo.Config c = option(spec, "demo", () -> new Demo.Config(seed, order, s, ownerPrompts, competitorPrompts,
          answerTokens, readingTexts, topK, 1.0, alpha, controlKeys, rhos == null ? d.rhos() : rhos,
          threads == null ? d.threads() : threads, outDir));
      Demo.run(c, spec.commandLine().getOut());
      return OK;
    }
  }

  @Command(name = "quickstart", mixinStandardHelpOptions = true,
      description = "Generate one watermarked and one plain text with the embedded model and detect both.")
  static final class QuickStartCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      QuickStart.run(spec.commandLine().getOut());
      return OK;
    }
  }

  @Command(name = "lm-train", mixinStandardHelpOptions = true,
      description = "Train the embedded n-gram model (interpolated Kneser-Ney) and save it.")
  static final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Option(names = "--corpus", required = true,
        description = "A text file (one document), a .jsonl file (one document per record), a directory, or 'brown'.")
    String corpus;
    @Option(names = "--tokenizer", defaultValue = Tokenizers.DEFAULT, description = "JTokkit encoding (default: ${DEFAULT-VALUE}).")
    String tokenizer;
    @Option(names = "--order", defaultValue = "4", description = "n-gram order, 1 to 8 (default: ${DEFAULT-VALUE}).")
    int order;
    @Option(names = "--out", required = true, description = "Model file to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
      TextTokenizer tok = option(spec, "--tokenizer", () -> Tokenizers.get(tokenizer));
      requireOption(spec, order >= 1 && order <= NGramModel.MAX_ORDER, "--order must be between 1 and %d, was %d",
          NGramModel.MAX_ORDER, order);
      long t0 = System.nanoTime();
      List<int[]> docs = Corpora.documents(corpus, tok);
      long t1 = System.nanoTime();
      NGramModel m = NGramModel.train(docs, order, tok.vocabularySize(), tok.name());
      long t2 = System.nanoTime();
      m.save(out);
      spec.commandLine().getOut().printf(Locale.ROOT,
          "trained order-%d model on %,d tokens of %d documents (tokenize %.1f s, train %.1f s); wrote %s (%,d bytes)%n",
          order, m.trainingTokens(), docs.size(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, out, Files.size(out));
      return OK;
    }
  }

  @Command(name = "lm-generate", mixinStandardHelpOptions = true,
      description = "Answer prompts with a saved model, with or without a watermark; write verifier JSONL.")
  static final class GenerateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Option(names = "--model", required = true, description = "Model file (from lm-train or distill).")
    Path model;
    @Option(names = "--prompts", required = true,
        description = "Prompts: one per line, or a .jsonl file with a prompt (or text) field.")
    Path prompts;
    @Option(names = "--max-tokens", required = true, description = "Tokens to generate per prompt.")
    int maxTokens;
    @Option(names = "--key", description = "Watermark key file (tracemark key format); none: unwatermarked.")
    Path key;
    @Option(names = "--scheme", description = "Watermark scheme (default with --key: kgw:gamma=0.25,delta=2,h=1).")
    String scheme;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the draws (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--temperature", defaultValue = "1.0", description = "Temperature (default: ${DEFAULT-VALUE}).")
    double temperature;
    @Option(names = "--top-k", defaultValue = "0", description = "Top-k, 0 for none (default: ${DEFAULT-VALUE}).")
    int topK;
    @Option(names = "--top-p", defaultValue = "1.0", description = "Top-p, 1 for none (default: ${DEFAULT-VALUE}).")
    double topP;
    @Option(names = "--threads", description = "Worker threads (default: the number of processors).")
    Integer threads;
    @Option(names = "--out", required = true, description = "JSONL file to write (id, prompt, prompt_tokens, text, tokens).")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (scheme != null && key == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--scheme needs --key");
      }
      requireOption(spec, maxTokens >= 1, "--max-tokens must be >= 1, was %d", maxTokens);
      requireOption(spec, temperature > 0 && Double.isFinite(temperature),
          "--temperature must be finite and > 0, was %s", temperature);
      requireOption(spec, topK >= 0, "--top-k must be >= 0, was %d", topK);
      requireOption(spec, topP > 0 && topP <= 1, "--top-p must be in (0, 1], was %s", topP);
      requireOption(spec, threads == null || threads >= 1, "--threads must be >= 1, was %s", threads);
      KgwSpec s = key == null ? null
          : option(spec, "--scheme", () -> KgwSpec.parse(scheme == null ? "kgw:gamma=0.25,delta=2,h=1" : scheme));
      NGramModel m = NGramModel.load(model);
      TextTokenizer enc = Tokenizers.get(m.tokenizer());
      SamplingLoop loop = SamplingLoop.of(m).withTemperature(temperature).withTopK(topK).withTopP(topP);
      String keyId = null;
      if (key != null) {
        WatermarkKey k = KeyFiles.read(key);
        Watermark wm = Watermarks.create(k, s, m.vocabularySize());
        loop = loop.withWatermark(wm.bias().orElseThrow());
        keyId = k.keyId();
      }
      List<String> texts = Corpora.prompts(prompts);
      List<int[]> promptTokens = new ArrayList<>();
      for (String p : texts) {
        promptTokens.add(enc.encode(p));
      }
      int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
      ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, n));
      long t0 = System.nanoTime();
      List<int[]> answers;
      try {
        answers = Answers.generate(loop, promptTokens, maxTokens, seed, "lm-generate", pool);
      } finally {
        pool.shutdownNow();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      java.util.Map<String, String> extra = new java.util.LinkedHashMap<>();
      extra.put("tokenizer", m.tokenizer());
      if (keyId != null) {
        extra.put("key_id", keyId);
        extra.put("scheme", s.canonical());
      }
      Records.write(out, "gen-", enc, texts, promptTokens, answers, extra);
      long tokens = answers.stream().mapToLong(a -> a.length).sum();
      spec.commandLine().getOut().printf(Locale.ROOT,
          "generated %,d tokens for %d prompts in %.1f s (%,.0f tokens/s on %d threads), %s; wrote %s%n", tokens,
          answers.size(), seconds, tokens / seconds, Math.max(1, n),
          keyId == null ? "no watermark" : "watermarked with key " + keyId + " " + s.canonical(), out);
      return OK;
    }
  }

  @Command(name = "distill", mixinStandardHelpOptions = true,
      description = "Train a student on human text plus a fraction rho of a teacher's outputs.")
  static final class DistillCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Option(names = "--human", required = true, description = "Human text: file, .jsonl, directory or 'brown'.")
    String human;
    @Option(names = "--teacher-outputs", required = true, description = "JSONL from lm-generate (tokens or text).")
    Path teacherOutputs;
    @Option(names = "--rho", required = true,
        description = "Fraction of the student's training tokens that come from the teacher, in [0, 1].")
    double rho;
    @Option(names = "--order", defaultValue = "4", description = "n-gram order (default: ${DEFAULT-VALUE}).")
    int order;
    @Option(names = "--tokenizer", defaultValue = Tokenizers.DEFAULT, description = "JTokkit encoding (default: ${DEFAULT-VALUE}).")
    String tokenizer;
    @Option(names = "--out", required = true, description = "Student model file to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
      requireOption(spec, rho >= 0 && rho <= 1, "--rho must be in [0, 1], was %s", rho);
      requireOption(spec, order >= 1 && order <= NGramModel.MAX_ORDER, "--order must be between 1 and %d, was %d",
          NGramModel.MAX_ORDER, order);
      TextTokenizer tok = option(spec, "--tokenizer", () -> Tokenizers.get(tokenizer));
      List<int[]> teacher = new ArrayList<>();
      for (Corpora.Record r : Corpora.records(teacherOutputs, tok)) {
        teacher.add(r.tokens());
      }
      List<int[]> humanDocs = rho >= 1 ? List.of() : Corpora.documents(human, tok);
      Distillation.Mix mix = Distillation.mix(humanDocs, teacher, rho, teacherOutputs.toString());
      NGramModel m = NGramModel.train(mix.documents(), order, tok.vocabularySize(), tok.name());
      m.save(out);
      spec.commandLine().getOut().printf(Locale.ROOT,
          "trained order-%d student on %,d human + %,d teacher tokens (rho = %.4f); wrote %s%n", order,
          mix.humanTokens(), mix.teacherTokens(), mix.rho(), out);
      return OK;
    }
  }
}
