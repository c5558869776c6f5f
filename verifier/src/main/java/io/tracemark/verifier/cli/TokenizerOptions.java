package io.tracemark.verifier.cli;

import io.tracemark.verifier.text.TextTokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The tokenizer options shared by the commands that read text: {@code --tokenizer} (a JTokkit
 * encoding or a {@code tokenizer.json}, through the one tokenizer registry) and {@code
 * --vocab-size} (the vocabulary token ids are checked against; by the one vocabulary rule,
 * default the tokenizer's own, an interop scheme's {@code vocab=} otherwise).
 */
public final class TokenizerOptions {
  @Option(names = "--tokenizer", paramLabel = "NAME|PATH", defaultValue = "cl100k_base",
      description = "JTokkit encoding (r50k_base, p50k_base, cl100k_base, o200k_base) or tokenizer.json; "
          + "default ${DEFAULT-VALUE}; with token ids it only sets the vocabulary size")
  String tokenizer;

  @Option(names = "--vocab-size", paramLabel = "V", description = "vocabulary size token ids are checked against "
      + "(default: the tokenizer's)")
  Integer vocabSize;

  /** The options' defaults; picocli sets the fields of a mixin. */
  public TokenizerOptions() {}

  /** {@code --tokenizer} as given: a JTokkit encoding name or the path of a {@code tokenizer.json}. */
  public String nameOrPath() {
    return tokenizer;
  }

  /** {@code --vocab-size}, or null when not given. */
  public Integer vocabSize() {
    return vocabSize;
  }

  /** The tokenizer; an unknown name or a bad file is a usage error of {@code --tokenizer}. */
  public TextTokenizer tokenizer(CommandLine cli) {
    return Common.tokenizer(cli, tokenizer);
  }

  /**
   * The vocabulary size: an interop scheme's own, else {@code --vocab-size}, else the tokenizer's; one below 2 is a
   * usage error.
   */
  public int vocabulary(CommandLine cli, Scheme sc, TextTokenizer tok) {
    return Common.vocabulary(cli, sc, vocabSize, tok);
  }

  /** Refuses {@code --vocab-size} with an interop scheme, whose SPEC sets the vocabulary, as a usage error. */
  public void refuseVocabSizeForInterop(CommandLine cli, Scheme sc) {
    if (sc.interop() && vocabSize != null) {
      throw new CommandLine.ParameterException(cli, "--vocab-size does not apply to interop schemes (use their "
          + "vocab parameter)");
    }
  }
}
