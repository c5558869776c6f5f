package io.tracemark.verifier.cli;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.KeyUse;
import io.tracemark.api.SchemeSpec;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.core.keys.KeyFile;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.report.Numbers;
import io.tracemark.verifier.report.SigningKey;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/** Helpers shared by the commands (and by the Spark jobs' command lines, which take the same options). */
public final class Common {
  private Common() {}

  /**
   * Reads a watermark key file; errors name the file and the field, never a value from the file.
   * A file that its group or others can read gives a warning on stderr, or with
   * {@code strictPermissions} an error.
   */
  public static KeyFile readKey(CommandLine cli, Path path, boolean strictPermissions) throws IOException {
    if (!Files.exists(path)) {
      throw new InputException(path + ": no such file (the watermark key)");
    }
    if (!Files.isReadable(path) || Files.isDirectory(path)) {
      throw new InputException(path + ": cannot read the watermark key file");
    }
    KeyFile file;
    try {
      file = KeyFiles.readFile(path);
    } catch (IllegalArgumentException e) {
      throw new InputException(e.getMessage(), e);
    }
    checkPermissions(cli, path, file.readableByOthers(), strictPermissions);
    return file;
  }

  /**
   * Warns on stderr, or refuses with {@code --strict-key-permissions}, when a secret key file can
   * be read by its group or by others.
   */
  static void checkPermissions(CommandLine cli, Path path, boolean readableByOthers, boolean strict) {
    if (!readableByOthers) {
      return;
    }
    String what = path + " can be read by its group or by others (chmod 600 " + path + ")";
    if (strict) {
      throw new InputException(what + "; refused by --strict-key-permissions");
    }
    warn(cli, what + "; --strict-key-permissions refuses such a key file");
  }

  /** Reads a signing key file, with the permission check of {@link #readKey}. */
  static SigningKey readSigningKey(CommandLine cli, Path path, boolean strictPermissions) throws IOException {
    SigningKey key = SigningKey.readFile(path);
    checkPermissions(cli, path, SafeFiles.readableByOthers(path), strictPermissions);
    return key;
  }

  /**
   * Refuses, with one line, a run whose scheme, tokenizer or vocabulary contradicts what the key
   * file records the key was made for; such a run finds nothing even in watermarked text.
   *
   * @param tokenizer the run's tokenizer name, or null when the run reads token ids only
   */
  public static void checkKeyUse(KeyFile file, SchemeSpec scheme, String tokenizer, int vocabulary) {
    List<String> mismatches = file.use().mismatches(scheme, tokenizer, vocabulary);
    if (!mismatches.isEmpty()) {
      throw new InputException(file.path() + ": the key was made for another " + String.join(", another ",
          mismatches) + " than this run uses (see 'tracemark key-info --key " + file.path() + "'); a run with "
          + "another one finds nothing, so it is refused");
    }
  }

  /** What a key was made for, for people. */
  static String describeUse(KeyUse use) {
    if (use.isAny()) {
      return "any scheme, tokenizer and vocabulary";
    }
    return "scheme " + (use.scheme() == null ? KeyUse.ANY_VALUE : use.scheme().canonical()) + ", tokenizer "
        + (use.tokenizer() == null ? KeyUse.ANY_VALUE : Checks.quote(use.tokenizer())) + ", vocabulary size "
        + (use.vocabularySize() == 0 ? KeyUse.ANY_VALUE : Integer.toString(use.vocabularySize()));
  }

  /** A warning line on stderr, named by the command. */
  static void warn(CommandLine cli, String message) {
    String name = cli.getCommandSpec().name();
    cli.getErr().println("tracemark" + (name.equals("tracemark") ? "" : " " + name) + ": warning: "
        + Checks.escapeControls(message));
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

  /**
   * The vocabulary size: an interop scheme's own ({@code vocab=}, or every id for vLLM without
   * one), else {@code --vocab-size}, else the tokenizer's.
   */
  static int vocabulary(picocli.CommandLine cli, Scheme sc, Integer vocabSize, TextTokenizer tok) {
    int vocab = sc.interop() ? sc.spec.vocabularySize().orElse(Integer.MAX_VALUE)
        : vocabSize != null ? vocabSize : tok.vocabularySize();
    if (vocab < 2) {
      throw new picocli.CommandLine.ParameterException(cli, fmt("--vocab-size must be >= 2, was %d", vocab));
    }
    return vocab;
  }

  /** The dedup mode of a {@code --dedup} value as {@code detect} takes it, or null (the scheme's) for null. */
  public static DedupMode dedupMode(CommandLine cli, String value) {
    try {
      return value == null ? null : DedupMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, "--dedup: " + e.getMessage());
    }
  }

  /** The bad-record policy of an {@code --on-bad-record} value. */
  public static BadRecordPolicy badRecordPolicy(CommandLine cli, String value) {
    try {
      return BadRecordPolicy.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, "--" + e.getMessage());
    }
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
