package io.tracemark.examples.cli;

import io.tracemark.core.internal.SafeFiles;
import io.tracemark.examples.attack.Attack;
import io.tracemark.examples.attack.Attacks;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.cli.Tracemark;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code attack}: applies one attack of the robustness harness to a text file, deterministically
 * by seed, and writes the attacked text.
 */
@Command(name = "attack", mixinStandardHelpOptions = true,
    description = {"Apply one attack of the robustness harness to a text, deterministically by seed.",
        "Attacks: copy-paste:x=10%,k=1 | delete|insert|substitute:rate=10% | paraphrase:rate=10% (with --model) | "
            + "homoglyph|zero-width|whitespace:rate=10% | case:upper|lower | retokenize:via=o200k_base | "
            + "truncate:tokens=200. The emoji attack acts on generation and is not a text attack."})
public final class AttackCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Option(names = "--attack", required = true, paramLabel = "ATTACK", description = "The attack and its parameters.")
  String attack;
  @Option(names = "--input", required = true, paramLabel = "FILE", description = "The (watermarked) text, UTF-8.")
  Path input;
  @Option(names = "--human", paramLabel = "FILE",
      description = "Human text, UTF-8: the host of copy-paste and the pool of inserted and substituted tokens.")
  Path human;
  @Option(names = "--model", paramLabel = "FILE", description = "Model file (from lm-train) for paraphrase.")
  Path model;
  @Mixin
  TokenizerOption tokenizer;
  @Mixin
  SeedOption seed;
  @Mixin
  OutputOption out;

  @Override
  public Integer call() throws IOException {
    TextTokenizer tok = tokenizer.tokenizer();
    NGramModel m = model == null ? null : NGramModel.load(model);
    CliChecks.require(spec, m == null || m.tokenizer().equals(tok.name()),
        "--model was trained with tokenizer %s, not --tokenizer %s", m == null ? "" : m.tokenizer(), tok.name());
    Attack a = CliChecks.option(spec, "--attack", () -> Attacks.parse(attack, tok, m));
    int[] text = read(input, "--input", tok);
    int[] host = human == null ? new int[0] : read(human, "--human", tok);
    int[] attacked;
    try {
      attacked = a.apply(text, host, new SplittableRandom(seed.seed()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(input + ": " + e.getMessage(), e);
    }
    SafeFiles.replace(out.out(), tok.decode(attacked).getBytes(StandardCharsets.UTF_8));
    spec.commandLine().getOut().printf(Locale.ROOT, "%s (seed %d): %,d tokens in, %,d tokens out; wrote %s%n",
        a.label(), seed.seed(), text.length, attacked.length, out.out());
    return Tracemark.OK;
  }

  /** The tokens of a UTF-8 file; invalid UTF-8 or Unicode is an input error naming the option, file and offset. */
  private static int[] read(Path file, String option, TextTokenizer tok) throws IOException {
    try {
      return new TextPipeline(tok, Normalization.NONE).encodeDocument(Files.readAllBytes(file));
    } catch (TextPipeline.InvalidTextException e) {
      throw new IllegalArgumentException(option + " " + file + ": " + e.getMessage(), e);
    }
  }
}
