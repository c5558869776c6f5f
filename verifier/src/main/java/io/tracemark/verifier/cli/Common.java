package io.tracemark.verifier.cli;

import io.tracemark.api.GreenListSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.report.Numbers;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Helpers shared by the commands. */
final class Common {
  private Common() {}

  /** Reads a watermark key file; errors name the file, never the secret. */
  static WatermarkKey readKey(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new InputException(path + ": no such file (the watermark key)");
    }
    if (!Files.isReadable(path) || Files.isDirectory(path)) {
      throw new InputException(path + ": cannot read the watermark key file");
    }
    try {
      return WatermarkKey.readFile(path);
    } catch (IllegalArgumentException e) {
      throw new InputException(e.getMessage(), e);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new InputException(path + ": not a tracemark key file (not UTF-8)", e);
    }
  }

  /** Parses a scheme specification; errors are usage errors of --scheme. */
  static GreenListSpec parseScheme(picocli.CommandLine cli, String text) {
    try {
      String t = text.trim();
      // a bare family name means every parameter at its default
      return GreenListSpec.parse(t.equalsIgnoreCase(GreenListSpec.FAMILY) ? t + ":" : t);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(cli, "--scheme: " + e.getMessage());
    }
  }

  /** Refuses a significance level outside (0, 1) as a usage error. */
  static void requireAlpha(picocli.CommandLine cli, double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new picocli.CommandLine.ParameterException(cli, fmt("--alpha must be in (0, 1), was %s", alpha));
    }
  }

  /** Loads {@code --tokenizer}; an unknown name or a bad file is a usage error of that option. */
  static TextTokenizer tokenizer(picocli.CommandLine cli, String nameOrPath) {
    try {
      return Tokenizers.byNameOrPath(nameOrPath);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(cli, "--tokenizer: " + e.getMessage());
    }
  }

  /** The vocabulary size: the interop profile's, else {@code --vocab-size}, else the tokenizer's. */
  static int vocabulary(picocli.CommandLine cli, Scheme sc, Integer vocabSize, TextTokenizer tok) {
    int vocab = sc.interop() ? sc.profile.scorer().vocabularySize()
        : vocabSize != null ? vocabSize : tok.vocabularySize();
    if (vocab < 2) {
      throw new picocli.CommandLine.ParameterException(cli, fmt("--vocab-size must be >= 2, was %d", vocab));
    }
    return vocab;
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /**
   * A vocabulary size for people: the count, or {@code any} for a profile that takes every id
   * (vLLM without {@code vocab=}).
   */
  static String vocabularyText(int vocab) {
    return vocab == Integer.MAX_VALUE ? "any" : Numbers.count(vocab);
  }
}
