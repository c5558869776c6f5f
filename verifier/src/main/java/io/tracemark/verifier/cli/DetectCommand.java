package io.tracemark.verifier.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.api.DedupMode;
import io.tracemark.api.DetectionResult;
import io.tracemark.api.GreenListSpec;
import io.tracemark.api.GreenListWatermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFile;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.report.Numbers;
import io.tracemark.verifier.text.TextNormalizer;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracemark detect}: scores one text or token sequence against a key. */
@Command(name = "detect", mixinStandardHelpOptions = true,
    description = "Scores one text (or token sequence) against a watermark key: green count, z, exact p-value.")
final class DetectCommand implements Callable<Integer> {
  @Option(names = "--key", paramLabel = "KEY.json", description = "watermark key file (kgw: schemes)")
  Path keyFile;

  @Option(names = "--scheme", required = true, paramLabel = "SPEC",
      description = "scheme, e.g. kgw:gamma=0.25,delta=2,h=1, or an interop profile lmw:…, hf:…, vllm:… "
          + "(see 'tracemark help schemes')")
  String scheme;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--text", paramLabel = "FILE|-", description = "a UTF-8 text file (gzip allowed), or - for stdin")
    String text;

    @Option(names = "--tokens", paramLabel = "IDS", description = "token ids separated by commas, e.g. 1,2,3")
    String tokens;

    @Option(names = "--tokens-file", paramLabel = "FILE", description = "a file of token ids (commas or whitespace)")
    Path tokensFile;
  }

  @Option(names = "--tokenizer", paramLabel = "NAME|PATH", defaultValue = "cl100k_base",
      description = "JTokkit encoding (r50k_base, p50k_base, cl100k_base, o200k_base) or tokenizer.json; "
          + "default ${DEFAULT-VALUE}; with token ids it only sets the vocabulary size")
  String tokenizer;

  @Option(names = "--vocab-size", paramLabel = "V", description = "vocabulary size for token-id input "
      + "(default: the tokenizer's)")
  Integer vocabSize;

  @Option(names = "--dedup", paramLabel = "MODE",
      description = "window+token (default for kgw:), window or none; interop profiles default to their "
          + "reference's own deduplication")
  String dedup;

  @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.01", description = "significance level "
      + "(default ${DEFAULT-VALUE})")
  double alpha;

  @Option(names = "--normalize", description = "Unicode NFC and strip invisible/bidi characters before tokenizing")
  boolean normalize;

  @Option(names = "--strict-key-permissions", description = "refuse a key file that its group or others can read "
      + "(default: a warning)")
  boolean strictKeyPermissions;

  @Option(names = "--json", description = "print one JSON object (first field schema_version)")
  boolean json;

  @Option(names = "--quiet", description = "print no result (the exit code tells it with --fail-on-detect); "
      + "warnings and errors still go to stderr")
  boolean quiet;

  @CommandLine.Mixin
  InputOptions inputOptions = new InputOptions();

  @Option(names = "--fail-on-detect", description = "exit 5 when the watermark is detected (for pipelines)")
  boolean failOnDetect;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CommandLine cli = spec.commandLine();
    if (json && quiet) {
      throw new CommandLine.ParameterException(cli, "--json and --quiet are mutually exclusive");
    }
    Scheme sc = Scheme.parse(cli, scheme);
    sc.checkKeyOption(cli, keyFile != null);
    DedupMode mode = null;
    try {
      mode = dedup == null ? (sc.interop() ? null : DedupMode.WINDOW_AND_TOKEN) : DedupMode.parse(dedup);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, "--dedup: " + e.getMessage());
    }
    Common.requireAlpha(cli, alpha);
    TextTokenizer tok = Common.tokenizer(cli, tokenizer);
    int vocab = Common.vocabulary(cli, sc, vocabSize, tok);
    if (sc.interop() && vocabSize != null) {
      throw new CommandLine.ParameterException(cli, "--vocab-size does not apply to interop schemes (use their "
          + "vocab parameter)");
    }
    WatermarkKey key = null;
    if (!sc.interop()) {
      KeyFile file = Common.readKey(cli, keyFile, strictKeyPermissions);
      // token ids are read as they are: only their vocabulary is compared, not the tokenizer's name
      Common.checkKeyUse(file, sc.kgw, input.text != null ? tok.name() : null, vocab);
      key = file.key();
    }
    long maxBytes = inputOptions.maxRecordBytes(cli);
    int[] tokens;
    String source;
    if (input.text != null) {
      source = input.text.equals("-") ? "stdin" : input.text;
      try {
        tokens = new TextPipeline(tok, normalize).encodeDocument(readInput(input.text, maxBytes));
      } catch (TextPipeline.InvalidTextException e) {
        throw new InputException(source + ": " + e.getMessage(), e);
      }
    } else if (input.tokens != null) {
      tokens = parseIds("--tokens", input.tokens);
      source = "--tokens";
    } else {
      source = input.tokensFile.toString();
      try {
        tokens = parseIds(source, TextPipeline.decodeDocument(readInput(source, maxBytes)));
      } catch (TextPipeline.InvalidTextException e) {
        throw new InputException(source + ": " + e.getMessage(), e);
      }
    }
    if (tokens.length == 0) {
      throw new InputException(source + ": empty input (no tokens)");
    }
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocab) {
        throw new InputException(Common.fmt("%s: token id at index %d must be between 0 and %d, was %d (%s)", source,
            i, vocab - 1, tokens[i], InputOptions.vocabularySource(cli, sc, vocabSize, tok, vocab)));
      }
    }
    if (sc.interop()) {
      return exit(printInterop(cli.getOut(), sc, tokens, mode, vocab, tok));
    }
    GreenListSpec s = sc.kgw;
    GreenListWatermark wm = Watermarks.greenList(key, s, vocab);
    DetectionResult r = wm.detector(mode).detect(tokens);
    boolean detected = r.significantAt(alpha);
    PrintWriter o = cli.getOut();
    if (json) {
      ObjectNode n = Json.object();
      n.put("tokens_read", r.tokensRead());
      n.put("tuples_scored", r.tuplesScored());
      n.put("green", r.green());
      n.put("green_fraction", r.greenFraction());
      n.put("gamma", r.gamma());
      n.put("z", r.z());
      n.put("p_value", r.pValue());
      n.put("log10_p", r.log10PValue());
      n.put("alpha", alpha);
      n.put("verdict", detected ? "detected" : "not_detected");
      n.put("scheme", s.canonical());
      n.put("key_id", key.keyId());
      n.put("tokenizer", input.text != null ? tok.name() : "none (token ids)");
      n.put("vocabulary_size", vocab);
      n.put("dedup", mode.label());
      o.println(Json.line(n));
    } else if (!quiet) {
      o.println("scheme:        " + s.canonical() + " (key " + key.keyId() + ", vocabulary "
          + Common.vocabularyText(vocab) + ")");
      o.println("tokens read:   " + Numbers.count(r.tokensRead()));
      o.println("tuples scored: " + Numbers.count(r.tuplesScored()) + " (dedup " + mode.label() + ")");
      o.println("green:         " + Numbers.count(r.green()) + " (" + Numbers.human(r.greenFraction()) + " vs gamma "
          + Numbers.exact(s.gamma()) + ")");
      o.println("z:             " + Numbers.human(r.z()));
      o.println("p-value:       " + Numbers.pValue(r.pValue(), r.log10PValue()) + " (log10 p = "
          + Numbers.human(r.log10PValue()) + ")");
      o.println("verdict:       " + (detected ? "watermark DETECTED" : "not detected") + " at alpha "
          + Numbers.exact(alpha));
    }
    return exit(detected);
  }

  /** The exit code of a run that produced a verdict. */
  private int exit(boolean detected) {
    return detected && failOnDetect ? Tracemark.DETECTED : Tracemark.OK;
  }

  private boolean printInterop(PrintWriter o, Scheme sc, int[] tokens, DedupMode mode, int vocab, TextTokenizer tok)
      throws IOException {
    io.tracemark.core.interop.InteropResult r = mode == null ? sc.profile.detect(tokens)
        : sc.profile.detect(tokens, 0, tokens.length, mode);
    DedupMode used = mode == null ? sc.profile.referenceDedup() : mode;
    boolean detected = r.tuplesScored() > 0 && r.log10PValue() < Math.log10(alpha);
    boolean binomial = r.statistic() == io.tracemark.api.TokenScorer.Statistic.BINOMIAL;
    double fraction = r.tuplesScored() == 0 ? 0.0 : (binomial ? r.green() : r.score()) / r.tuplesScored();
    if (json) {
      ObjectNode n = Json.object();
      n.put("tokens_read", r.tokensRead());
      n.put("tuples_scored", r.tuplesScored());
      n.put("green", r.green());
      n.put("green_fraction", r.tuplesScored() == 0 ? 0.0 : (double) r.green() / r.tuplesScored());
      if (!binomial) {
        // for score sums "green" counts positions with u >= 1/2 (docs/interop.md); the statistic is "score"
        n.put("mean_score", fraction);
      }
      if (Double.isFinite(r.gamma())) {
        n.put("gamma", r.gamma());
      } else {
        n.putNull("gamma");
      }
      n.put("score", r.score());
      n.put("statistic", r.statistic().name().toLowerCase(java.util.Locale.ROOT));
      n.put("z", r.z());
      n.put("p_value", r.pValue());
      n.put("log10_p", r.log10PValue());
      n.put("reference_p_value", r.referencePValue());
      n.put("alpha", alpha);
      n.put("verdict", detected ? "detected" : "not_detected");
      n.put("scheme", sc.display());
      n.put("tokenizer", input.text != null ? tok.name() : "none (token ids)");
      if (vocab == Integer.MAX_VALUE) {
        n.putNull("vocabulary_size"); // the profile takes any id
      } else {
        n.put("vocabulary_size", vocab);
      }
      n.put("dedup", used.label());
      n.put("caveat", sc.profile.caveat());
      o.println(Json.line(n));
      return detected;
    }
    if (quiet) {
      return detected;
    }
    o.println("scheme:        " + sc.display() + " (vocabulary " + Common.vocabularyText(vocab) + ")");
    o.println("tokens read:   " + Numbers.count(r.tokensRead()));
    o.println("tuples scored: " + Numbers.count(r.tuplesScored()) + " (dedup " + used.label() + ")");
    if (binomial) {
      o.println("green:         " + Numbers.count(r.green()) + " (" + Numbers.human(fraction) + " vs gamma "
          + Numbers.exact(r.gamma()) + ")");
    } else {
      o.println("score:         " + Numbers.human(r.score()) + " (mean " + Numbers.human(fraction)
          + " vs 1 under H0)");
    }
    o.println("z:             " + Numbers.human(r.z()));
    o.println("p-value:       " + Numbers.pValue(r.pValue(), r.log10PValue()) + " (log10 p = "
        + Numbers.human(r.log10PValue()) + "; the reference's own p-value: " + Numbers.human(r.referencePValue())
        + ")");
    o.println("verdict:       " + (detected ? "watermark DETECTED" : "not detected") + " at alpha "
        + Numbers.exact(alpha));
    o.println("caveat:        " + sc.profile.caveat());
    return detected;
  }

  /**
   * The bytes of a file or of stdin ("-"), gzip undone, at most {@code maxBytes} of them: the same
   * checks and limits as every record {@code verify} reads.
   */
  private static byte[] readInput(String file, long maxBytes) throws IOException {
    String where = file.equals("-") ? "stdin" : file;
    InputStream raw;
    if (file.equals("-")) {
      raw = System.in;
    } else {
      Path p = Path.of(file);
      Inputs.requireReadableFile(p);
      try {
        raw = Files.newInputStream(p);
      } catch (IOException e) {
        throw Inputs.readError(where, e, false);
      }
    }
    InputStream in = Inputs.decompressed(raw);
    try {
      return Inputs.readRecord(in, maxBytes, where);
    } catch (IOException e) {
      throw Inputs.readError(where, e, Inputs.isGzip(in));
    } finally {
      if (raw != System.in) {
        in.close();
      }
    }
  }

  private static int[] parseIds(String source, String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      return new int[0];
    }
    String[] parts = t.split("[,\\s]+");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new InputException(Common.fmt("%s: token %d must be an integer, was \"%s\"", source, i,
            parts[i].length() > 40 ? parts[i].substring(0, 40) + "…" : parts[i]));
      }
    }
    return out;
  }
}
