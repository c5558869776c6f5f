package io.tracemark.examples.cli;

import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --tokenizer}: the JTokkit encoding of the model a command trains, from the verifier's registry. */
public final class TokenizerOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--tokenizer", paramLabel = "NAME", defaultValue = NGramModel.DEFAULT_TOKENIZER,
      description = "JTokkit encoding (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  /** The encoding; an unknown name is a usage error naming the choices. */
  public TextTokenizer tokenizer() {
    return CliChecks.option(mixee, "--tokenizer", () -> Tokenizers.jtokkit(tokenizer.trim()));
  }
}
