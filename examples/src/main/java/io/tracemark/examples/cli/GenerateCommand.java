package io.tracemark.examples.cli;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.examples.demo.Answers;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.examples.loop.SamplingLoop;
import io.tracemark.verifier.cli.Tracemark;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lm-generate}: answers prompts with a saved model, with or without a watermark, as verifier JSONL. */
@Command(name = "lm-generate", mixinStandardHelpOptions = true,
    description = "Answer prompts with a saved model, with or without a watermark; write verifier JSONL.")
public final class GenerateCommand implements Callable<Integer> {
  /** The scheme of {@code --key} without {@code --scheme}. */
  static final String DEFAULT_SCHEME = "kgw:gamma=0.25,delta=2,h=1";

  @Spec
  CommandSpec spec;
  @Option(names = "--model", required = true, description = "Model file (from lm-train or distill).")
  Path model;
  @Option(names = "--prompts", required = true,
      description = "Prompts: one per line, or a .jsonl file with a prompt (or prompt_tokens) field.")
  Path prompts;
  @Option(names = "--max-tokens", required = true, description = "Tokens to generate per prompt.")
  int maxTokens;
  @Option(names = "--key", description = "Watermark key file (tracemark key format); none: unwatermarked.")
  Path key;
  @Option(names = "--scheme", description = "Watermark scheme (default with --key: " + DEFAULT_SCHEME + ").")
  String scheme;
  @Mixin
  SeedOption seed;
  @Option(names = "--temperature", defaultValue = "1.0", description = "Temperature (default: ${DEFAULT-VALUE}).")
  double temperature;
  @Option(names = "--top-k", defaultValue = "0", description = "Top-k, 0 for none (default: ${DEFAULT-VALUE}).")
  int topK;
  @Option(names = "--top-p", defaultValue = "1.0", description = "Top-p, 1 for none (default: ${DEFAULT-VALUE}).")
  double topP;
  @Mixin
  ThreadsOption threads;
  @Mixin
  OutputOption out;

  @Override
  public Integer call() throws IOException {
    if (scheme != null && key == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--scheme needs --key");
    }
    CliChecks.require(spec, maxTokens >= 1, "--max-tokens must be >= 1, was %d", maxTokens);
    CliChecks.require(spec, temperature > 0 && Double.isFinite(temperature),
        "--temperature must be finite and > 0, was %s", temperature);
    CliChecks.require(spec, topK >= 0, "--top-k must be >= 0, was %d", topK);
    CliChecks.require(spec, topP > 0 && topP <= 1, "--top-p must be in (0, 1], was %s", topP);
    int n = threads.threads();
    KgwSpec s = key == null ? null
        : CliChecks.option(spec, "--scheme", () -> KgwSpec.parse(scheme == null ? DEFAULT_SCHEME : scheme));
    NGramModel m = NGramModel.load(model);
    TextTokenizer enc = Tokenizers.jtokkit(m.tokenizer());
    SamplingLoop loop = SamplingLoop.of(m).withTemperature(temperature).withTopK(topK).withTopP(topP);
    String keyId = null;
    if (key != null) {
      WatermarkKey k = KeyFiles.read(key);
      Watermark wm = Watermarks.create(k, s, m.vocabularySize());
      loop = loop.withWatermark(wm.bias().orElseThrow());
      keyId = k.keyId();
    }
    PromptFile p = PromptFile.read(prompts, enc);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    long t0 = System.nanoTime();
    List<int[]> answers;
    try {
      answers = Answers.generate(loop, p.tokens(), maxTokens, seed.seed(), "lm-generate", pool);
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("tokenizer", m.tokenizer());
    if (keyId != null) {
      extra.put("key_id", keyId);
      extra.put("scheme", s.canonical());
    }
    Records.write(out.out(), "gen-", enc, p.texts(), p.tokens(), answers, extra);
    long tokens = answers.stream().mapToLong(a -> a.length).sum();
    spec.commandLine().getOut().printf(Locale.ROOT,
        "generated %,d tokens for %d prompts in %.1f s (%,.0f tokens/s on %d threads), %s; wrote %s%n", tokens,
        answers.size(), seconds, tokens / seconds, n,
        keyId == null ? "no watermark" : "watermarked with key " + keyId + " " + s.canonical(), out.out());
    return Tracemark.OK;
  }
}
