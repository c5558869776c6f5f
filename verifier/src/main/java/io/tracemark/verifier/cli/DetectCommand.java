package io.tracemark.verifier.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.HfSynthIdSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PayloadDetection;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFile;
import io.tracemark.core.stats.Localization;
import io.tracemark.verifier.RegionSearch;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.report.Numbers;
import io.tracemark.verifier.report.PayloadSection;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextPipeline;
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

  @CommandLine.Mixin
  TokenizerOptions tokenizerOptions = new TokenizerOptions();

  @Option(names = "--dedup", paramLabel = "MODE",
      description = "window+token (default for kgw:), window or none; interop profiles default to their "
          + "reference's own deduplication")
  String dedup;

  @CommandLine.Mixin
  AlphaOption alphaOption = new AlphaOption();

  @CommandLine.Mixin
  NormalizeOption normalizeOption = new NormalizeOption();

  @CommandLine.Mixin
  LocalizeOption localizeOption = new LocalizeOption();

  @Option(names = "--strict-key-permissions", description = "refuse a key file that its group or others can read "
      + "(default: a warning)")
  boolean strictKeyPermissions;

  @CommandLine.Mixin
  OutputOptions output = new OutputOptions();

  @CommandLine.Mixin
  InputOptions inputOptions = new InputOptions();

  @Option(names = "--fail-on-detect", description = "exit 5 when the watermark is detected (for pipelines)")
  boolean failOnDetect;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CommandLine cli = spec.commandLine();
    output.check(cli);
    Scheme sc = Scheme.parse(cli, scheme);
    sc.checkKeyOption(cli, keyFile != null);
    DedupMode mode = Common.dedupMode(cli, dedup);
    double alpha = alphaOption.alpha(cli);
    Normalization normalization = normalizeOption.normalization(cli);
    RegionSearch search = localizeOption.search(cli);
    TextTokenizer tok = tokenizerOptions.tokenizer(cli);
    int vocab = tokenizerOptions.vocabulary(cli, sc, tok);
    tokenizerOptions.refuseVocabSizeForInterop(cli, sc);
    WatermarkKey key = null;
    if (!sc.interop()) {
      KeyFile file = Common.readKey(cli, keyFile, strictKeyPermissions);
      // token ids are read as they are: only their vocabulary is compared, not the tokenizer's name
      Common.checkKeyUse(file, sc.spec, input.text != null ? tok.name() : null, vocab);
      key = file.key();
    }
    long maxBytes = inputOptions.maxRecordBytes(cli);
    int[] tokens;
    String source;
    if (input.text != null) {
      source = input.text.equals("-") ? "stdin" : input.text;
      try {
        tokens = new TextPipeline(tok, normalization).encodeDocument(readInput(input.text, maxBytes));
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
      throw new InputException(source + ": empty input (no tokens"
          + (input.text != null && !normalization.isNone() ? " after normalisation " + normalization.label() : "")
          + ")");
    }
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocab) {
        throw new InputException(Common.fmt("%s: token id at index %d must be between 0 and %d, was %d (%s)", source,
            i, vocab - 1, tokens[i], InputOptions.vocabularySource(cli, sc, tokenizerOptions.vocabSize, tok, vocab)));
      }
    }
    GumbelSpec gumbelPayload = sc.spec instanceof GumbelSpec && ((GumbelSpec) sc.spec).hasPayload()
        ? (GumbelSpec) sc.spec : null;
    if ((sc.kgw() != null && sc.kgw().hasPayload()) || gumbelPayload != null) {
      if (search != null) {
        throw new CommandLine.ParameterException(cli, "--localize does not apply to a payload (payload=b): the "
            + "message is decoded from the whole text");
      }
      DedupMode payloadDedup = mode == null ? sc.spec.defaultDedup() : mode;
      PayloadDetection d = gumbelPayload != null
          ? Watermarks.payloadDecoder(key, gumbelPayload, vocab).decode(tokens, 0, tokens.length, payloadDedup)
          : Watermarks.payloadDecoder(key, sc.kgw(), vocab).decode(tokens, 0, tokens.length, payloadDedup);
      printPayload(cli.getOut(), sc, key.keyId(), d, payloadDedup, vocab, tok,
          input.text != null ? normalization.label() : null, alpha);
      return exit(d.significantAt(alpha));
    }
    Watermark wm = sc.watermark(key, vocab);
    DedupMode used = mode == null ? wm.defaultDedup() : mode;
    Detection r = wm.detector(used).detect(tokens);
    boolean detected = r.significantAt(alpha);
    Localization region = null;
    if (search != null) {
      try {
        region = search.localize(r);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cli, "--localize: " + e.getMessage());
      }
      if (region.unitsScored() < search.shortestWindow()) {
        Common.warn(cli, Common.fmt("--localize: %s has %d scored units, fewer than the shortest window (%d): %s",
            source, region.unitsScored(), search.shortestWindow(), region.unitsScored() == 0
                ? "there is no region" : "the region is the whole text and its p-value the global one"));
      }
    }
    print(cli.getOut(), sc, wm, r, used, vocab, tok, input.text != null ? normalization.label() : null, alpha,
        synthIdScores(sc, tokens, used), region);
    return exit(detected);
  }

  /** The exit code of a run that produced a verdict. */
  private int exit(boolean detected) {
    return detected && failOnDetect ? Tracemark.DETECTED : Tracemark.OK;
  }

  /**
   * For an hf-synthid scheme, its detections with {@code score=mean} and {@code score=weighted-mean}
   * (the reference reports both scores); null for the other families.
   */
  private static Detection[] synthIdScores(Scheme sc, int[] tokens, DedupMode used) {
    if (!(sc.spec instanceof HfSynthIdSpec)) {
      return null;
    }
    HfSynthIdSpec s = (HfSynthIdSpec) sc.spec;
    return new Detection[] {
        Watermarks.create(s.withScore(HfSynthIdSpec.Score.MEAN)).detector(used).detect(tokens),
        Watermarks.create(s.withScore(HfSynthIdSpec.Score.WEIGHTED_MEAN)).detector(used).detect(tokens)};
  }

  /** The reference's mean (or weighted-mean) g-value: score / (tuples scored · Σ levels); NaN when nothing was scored. */
  private static double meanG(Detection d) {
    long levels = ((NullDistribution.LayeredBinomial) d.nullDistribution()).levelSum();
    return d.tuplesScored() == 0 ? Double.NaN : d.score() / ((double) d.tuplesScored() * levels);
  }

  private static void putMeanG(ObjectNode n, String name, Detection d) {
    double g = meanG(d);
    if (Double.isNaN(g)) {
      n.putNull(name); // nothing scored: the reference's NaN
    } else {
      n.put(name, g);
    }
  }

  /**
   * Prints one detection, of any family: as one JSON object, or as lines for people (nothing with
   * --quiet). Interop schemes also show their statistic, the reference's own p-value and their
   * caveat; kgw schemes show their key id.
   */
  private void print(PrintWriter o, Scheme sc, Watermark wm, Detection r, DedupMode used, int vocab,
      TextTokenizer tok, String normalization, double alpha, Detection[] synthId, Localization region) {
    boolean binomial = r.nullDistribution() instanceof NullDistribution.Binomial;
    boolean detected = r.significantAt(alpha);
    if (output.json) {
      ObjectNode n = Json.object();
      n.put("tokens_read", r.tokensRead());
      n.put("tuples_scored", r.tuplesScored());
      n.put("green", r.green());
      n.put("green_fraction", r.greenFraction());
      boolean bestWindow = sc.spec instanceof GumbelSpec g && g.score() == GumbelSpec.Score.WINDOWED;
      if (!binomial && !bestWindow) {
        // for score sums "green" counts positions with u >= 1/2 (docs/interop.md); the statistic is "score"
        n.put("mean_score", r.meanScore());
      }
      if (binomial) {
        n.put("gamma", ((NullDistribution.Binomial) r.nullDistribution()).gamma());
      } else {
        n.putNull("gamma");
      }
      if (sc.interop() || !binomial) {
        n.put("score", r.score());
        n.put("statistic", r.nullDistribution().label());
      }
      if (bestWindow) {
        // the score is the best window's sum, over fewer units than tuples_scored; its p-value is corrected
        n.put("score_of", "best_window");
      }
      n.put("z", r.z());
      n.put("p_value", r.pValue());
      n.put("log10_p", r.log10PValue());
      r.referencePValue().ifPresent(p -> n.put("reference_p_value", p));
      if (region != null) {
        putRegion(n, region, alpha);
      }
      if (synthId != null) {
        putMeanG(n, "mean_g", synthId[0]);
        putMeanG(n, "weighted_mean_g", synthId[1]);
        n.put("weighted_log10_p", synthId[1].log10PValue());
      }
      n.put("alpha", alpha);
      n.put("verdict", detected ? "detected" : "not_detected");
      n.put("scheme", sc.display());
      if (!sc.interop()) {
        n.put("key_id", wm.keyId());
      }
      n.put("tokenizer", input.text != null ? tok.name() : "none (token ids)");
      if (vocab == Integer.MAX_VALUE) {
        n.putNull("vocabulary_size"); // the scheme takes any id
      } else {
        n.put("vocabulary_size", vocab);
      }
      if (normalization == null) {
        n.putNull("normalization"); // token ids are not text
      } else {
        n.put("normalization", normalization);
      }
      n.put("dedup", used.label());
      if (sc.interop()) {
        n.put("caveat", sc.interopSpec().caveat());
      }
      o.println(Json.line(n));
      return;
    }
    if (output.quiet) {
      return;
    }
    o.println("scheme:        " + sc.display() + " (" + (sc.interop() ? "" : "key " + wm.keyId() + ", ")
        + "vocabulary " + Common.vocabularyText(vocab) + ")");
    o.println("tokens read:   " + Numbers.count(r.tokensRead()));
    o.println("tuples scored: " + Numbers.count(r.tuplesScored()) + " (dedup " + used.label() + ")");
    if (normalization != null && !normalization.equals("none")) {
      o.println("normalised:    " + normalization);
    }
    if (binomial) {
      o.println("green:         " + Numbers.count(r.green()) + " (" + Numbers.human(r.greenFraction()) + " vs gamma "
          + Numbers.exact(((NullDistribution.Binomial) r.nullDistribution()).gamma()) + ")");
    } else if (sc.spec instanceof GumbelSpec g && g.score() == GumbelSpec.Score.WINDOWED) {
      o.println("score:         " + Numbers.human(r.score()) + " (the best window's sum; its p-value is corrected"
          + " for every window of the cover)");
    } else {
      o.println("score:         " + Numbers.human(r.score()) + " (mean " + Numbers.human(r.meanScore())
          + " vs " + (r.nullDistribution() instanceof NullDistribution.GammaSum ? "1"
          : Numbers.human(r.nullDistribution().mean())) + " under H0)");
    }
    if (synthId != null) {
      o.println("mean g:        " + Numbers.human(meanG(synthId[0])) + " (weighted " + Numbers.human(meanG(synthId[1]))
          + "; log10 p of the weighted mean = " + Numbers.human(synthId[1].log10PValue()) + ")");
    }
    o.println("z:             " + Numbers.human(r.z()));
    o.println("p-value:       " + Numbers.pValue(r.pValue(), r.log10PValue()) + " (log10 p = "
        + Numbers.human(r.log10PValue())
        + (r.referencePValue().isPresent() ? "; the reference's own p-value: "
            + Numbers.human(r.referencePValue().getAsDouble()) : "") + ")");
    if (region != null) {
      o.println("region:        " + regionLine(region) + (region.best().significantAt(alpha)
          ? ": DETECTED at alpha " + Numbers.exact(alpha) : ""));
    }
    o.println("verdict:       " + (detected ? "watermark DETECTED" : "not detected") + " at alpha "
        + Numbers.exact(alpha));
    if (sc.interop()) {
      o.println("caveat:        " + sc.interopSpec().caveat());
    }
  }

  /**
   * Prints a decoded payload: the message (decimal, and its bits), the p-value corrected for the
   * 2^b messages and whether it is exact, and each symbol with its margin; as one JSON object with
   * {@code --json} (keys in docs/payload.md), as lines for people otherwise (nothing with --quiet).
   */
  private void printPayload(PrintWriter o, Scheme sc, String keyId, PayloadDetection d, DedupMode used, int vocab,
      TextTokenizer tok, String normalization, double alpha) {
    boolean detected = d.significantAt(alpha);
    String bits = PayloadSection.bits(d.message(), d.payloadBits());
    if (output.json) {
      ObjectNode n = Json.object();
      n.put("tokens_read", d.tokensRead());
      n.put("tuples_scored", d.tuplesScored());
      n.put("green", d.green());
      n.put("green_fraction", d.greenFraction());
      if (sc.kgw() != null) {
        n.put("gamma", sc.kgw().gamma());
      } else {
        n.putNull("gamma"); // a score sum: each unit's best value has probability 2^-r under H0
      }
      PayloadSection.fields(n, d);
      n.put("alpha", alpha);
      n.put("verdict", detected ? "detected" : "not_detected");
      n.put("scheme", sc.display());
      n.put("key_id", keyId);
      n.put("tokenizer", input.text != null ? tok.name() : "none (token ids)");
      n.put("vocabulary_size", vocab);
      if (normalization == null) {
        n.putNull("normalization");
      } else {
        n.put("normalization", normalization);
      }
      n.put("dedup", used.label());
      o.println(Json.line(n));
      return;
    }
    if (output.quiet) {
      return;
    }
    o.println("scheme:        " + sc.display() + " (key " + keyId + ", vocabulary " + Common.vocabularyText(vocab)
        + ")");
    o.println("tokens read:   " + Numbers.count(d.tokensRead()));
    o.println("tuples scored: " + Numbers.count(d.tuplesScored()) + " (dedup " + used.label() + ")");
    if (normalization != null && !normalization.equals("none")) {
      o.println("normalised:    " + normalization);
    }
    o.println("message:       " + d.message() + " (bits " + bits + ", " + d.payloadBits() + " bits in "
        + d.symbols().size() + " symbols of " + d.symbolBits() + ")");
    if (sc.kgw() != null) {
      o.println("green:         " + Numbers.count(d.green()) + " (" + Numbers.human(d.greenFraction())
          + " of the decoded message's colours vs gamma " + Numbers.exact(sc.kgw().gamma()) + ")");
    } else {
      o.println("score:         " + Numbers.human(d.score()) + " (the decoded message's score sum over "
          + Numbers.count(d.tuplesScored()) + " units; mean " + Numbers.human(d.tuplesScored() == 0 ? 0.0
          : d.score() / d.tuplesScored()) + " vs 1 under H0)");
    }
    o.println("p-value:       " + Numbers.pValue(d.pValue(), d.log10PValue()) + " (log10 p = "
        + Numbers.human(d.log10PValue()) + ", corrected for all 2^" + d.payloadBits() + " messages, "
        + (d.exact() ? "exact" : "conservative: an upper bound") + ")");
    StringBuilder symbols = new StringBuilder();
    for (PayloadDetection.Symbol s : d.symbols()) {
      symbols.append(symbols.length() == 0 ? "" : "; ").append(s.index()).append('=').append(s.value()).append(" (")
          .append(s.count()).append('/').append(s.units()).append(", confidence ")
          .append(Numbers.human(s.confidence())).append(')');
    }
    o.println("symbols:       " + symbols);
    o.println("verdict:       " + (detected ? "watermark DETECTED, message " + d.message() : "not detected")
        + " at alpha " + Numbers.exact(alpha));
  }

  /**
   * The localisation fields of {@code --json}: the best region in token offsets (start inclusive,
   * end exclusive), its p-value corrected for the windows tried and uncorrected, and the global
   * p-value; the region fields are null when no unit was scored.
   */
  private static void putRegion(ObjectNode n, Localization loc, double alpha) {
    Localization.Region best = loc.best();
    boolean none = best.units() == 0;
    n.put("global_log10_p", loc.globalLog10P());
    if (none) {
      n.putNull("region_start");
      n.putNull("region_end");
      n.putNull("region_log10_p");
      n.putNull("region_raw_log10_p");
    } else {
      n.put("region_start", best.start());
      n.put("region_end", best.end());
      n.put("region_log10_p", best.correctedLog10P());
      n.put("region_raw_log10_p", best.log10P());
    }
    n.put("region_units", best.units());
    n.put("region_green", best.score());
    n.put("windows_tried", loc.windowsTried());
    n.put("region_verdict", best.significantAt(alpha) ? "detected" : "not_detected");
    n.put("localize", loc.method());
  }

  /** The human line of the best region. */
  private static String regionLine(Localization loc) {
    Localization.Region best = loc.best();
    if (best.units() == 0) {
      return "none (no unit scored)";
    }
    return "tokens " + best.start() + "-" + best.end() + " (" + Numbers.count(best.units()) + " units, "
        + Numbers.human(best.score()) + " green): log10 p = " + Numbers.human(best.correctedLog10P())
        + " corrected for " + Numbers.count(loc.windowsTried()) + " windows (uncorrected "
        + Numbers.human(best.log10P()) + "; global " + Numbers.human(loc.globalLog10P()) + ")";
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
