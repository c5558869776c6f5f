package io.tracemark.verifier.cli;

import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.text.TextTokenizer;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Input options shared by the commands that read text or token ids: the record size limit. */
public final class InputOptions {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

  @Option(names = Inputs.MAX_RECORD_BYTES_OPTION, paramLabel = "SIZE",
      description = "largest record (a JSONL line or a text file, after gzip) in bytes, or with a suffix k, m or g "
          + "(binary units); a larger record stops the run with exit 3 (default 64m)")
  String maxRecordBytes;

  /** The default record limit unless {@code --max-record-bytes} is given; picocli sets the field of a mixin. */
  public InputOptions() {}

  /** The record limit in bytes; a value that is not a size, or out of range, is a usage error. */
  public long maxRecordBytes(CommandLine cli) {
    if (maxRecordBytes == null) {
      return Inputs.DEFAULT_MAX_RECORD_BYTES;
    }
    Matcher m = SIZE.matcher(maxRecordBytes.trim().toLowerCase(Locale.ROOT));
    long bytes = -1;
    if (m.matches()) {
      int shift = m.group(2).isEmpty() || m.group(2).equals("b") ? 0 : m.group(2).startsWith("k") ? 10
          : m.group(2).startsWith("m") ? 20 : 30;
      try {
        long n = Long.parseLong(m.group(1));
        bytes = n > Long.MAX_VALUE >> shift ? Long.MAX_VALUE : n << shift;
      } catch (NumberFormatException e) {
        bytes = Long.MAX_VALUE;
      }
    }
    if (bytes < Inputs.MIN_RECORD_BYTES_LIMIT || bytes > Inputs.MAX_RECORD_BYTES_LIMIT) {
      throw new CommandLine.ParameterException(cli, Common.fmt("%s must be a size between %d bytes and 2g "
          + "(%,d bytes), e.g. 64m, was \"%s\"", Inputs.MAX_RECORD_BYTES_OPTION, Inputs.MIN_RECORD_BYTES_LIMIT,
          Inputs.MAX_RECORD_BYTES_LIMIT, shown(maxRecordBytes)));
    }
    return bytes;
  }

  /** A user's value for an error message: control characters escaped, at most 80 characters. */
  private static String shown(String value) {
    StringBuilder b = new StringBuilder();
    int n = Math.min(value.length(), 80);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      b.append(Character.isISOControl(c) ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
    }
    return n < value.length() ? b + "…" : b.toString();
  }

  /**
   * Where the vocabulary size comes from, for out-of-vocabulary errors: the interop SPEC's vocab,
   * {@code --vocab-size}, or the tokenizer, saying when the tokenizer is the default one.
   */
  static String vocabularySource(CommandLine cli, Scheme sc, Integer vocabSize, TextTokenizer tok, int vocab) {
    boolean defaultTokenizer = !cli.getParseResult().hasMatchedOption("--tokenizer");
    String tokenizer = "tokenizer " + tok.name() + (defaultTokenizer ? ", the default" : "");
    if (sc.interop()) {
      return Common.fmt("vocabulary of %,d set by the vocab parameter of --scheme; text is read with %s%s", vocab,
          tokenizer, defaultTokenizer ? "; give --tokenizer" : "");
    }
    if (vocabSize != null) {
      return Common.fmt("vocabulary of %,d set by --vocab-size", vocab);
    }
    return Common.fmt("vocabulary of %,d of %s%s", vocab, tokenizer,
        defaultTokenizer ? "; give --tokenizer or --vocab-size" : "");
  }
}
