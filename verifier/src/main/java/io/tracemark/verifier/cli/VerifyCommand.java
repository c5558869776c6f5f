package io.tracemark.verifier.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.api.DedupMode;
import io.tracemark.api.HfSynthIdSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PayloadDetection;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.DistributedPass;
import io.tracemark.verifier.FieldWeights;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.InheritanceVerifier;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.report.EvidenceReport;
import io.tracemark.verifier.report.Numbers;
import io.tracemark.verifier.report.PayloadSection;
import io.tracemark.verifier.report.PlanStamp;
import io.tracemark.verifier.report.ReportInputs;
import io.tracemark.verifier.report.ReportWriter;
import io.tracemark.verifier.report.SigningKey;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracemark verify}: the closed-model inheritance test on a suspect corpus, with an evidence report. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Tests whether a suspect corpus inherits the watermark (closed model): one global dedup tape,",
        "prompt windows excluded, optional reference filter, several tenant keys (Holm), control keys.",
        "Writes report.json, report.html and (with --sign-key) report.sig to --out."})
final class VerifyCommand implements Callable<Integer> {
  @Option(names = "--key", paramLabel = "KEY.json", description = "watermark key file (kgw: schemes)")
  Path keyFile;

  @Option(names = "--scheme", required = true, paramLabel = "SPEC",
      description = "scheme, e.g. kgw:gamma=0.25,delta=2,h=1, or an interop profile lmw:…, hf:…, vllm:… "
          + "(see 'tracemark help schemes')")
  String scheme;

  @Option(names = "--suspect", required = true, paramLabel = "FILE|DIR", arity = "1..*",
      description = "suspect corpus: JSONL or text files, or directories of them (gzip allowed)")
  List<String> suspect;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory for the report files")
  Path out;

  @CommandLine.Mixin
  TokenizerOptions tokenizerOptions = new TokenizerOptions();

  @Option(names = "--filter", paramLabel = "FILE|DIR", arity = "1..*",
      description = "reference corpus (the owner's watermarked outputs): score only windows that occur in it")
  List<Path> filter;

  @Option(names = "--filter-top", paramLabel = "N", description = "keep only the N most frequent reference windows")
  Integer filterTop;

  @Option(names = "--filter-min-count", paramLabel = "M", description = "keep only reference windows seen >= M times")
  Integer filterMinCount;

  @Option(names = "--weights", paramLabel = "SOURCE", description = "weighted statistic: 'reference' (w = ln(1 + "
      + "count of the window in the --filter corpus), 'reference:N' (count of the N tokens before the position), "
      + "'field:NAME[:MAX]' (per-token weights from each record's JSONL field NAME, top level = weight MAX, "
      + "default 1, larger weights clamped); default unweighted")
  String weights;

  @Option(names = "--filter-memory", paramLabel = "MB", description = "heap the owner filter may take while it is "
      + "built from the owner's corpus (default: a quarter of the heap); a corpus with more distinct windows stops "
      + "the run with exit 3")
  Long filterMemory;

  @Option(names = "--tenants", paramLabel = "N", description = "also test tenant keys 0..N-1 derived from the key "
      + "(Holm-corrected; default: the number recorded in the key file)")
  Integer tenants;

  @Option(names = "--control-keys", paramLabel = "N", defaultValue = "100",
      description = "random control keys for the empirical null (default ${DEFAULT-VALUE})")
  int controlKeys;

  @Option(names = "--control-seed", paramLabel = "S", description = "seed of the control keys (default fixed)")
  Long controlSeed;

  @CommandLine.Mixin
  AlphaOption alphaOption = new AlphaOption();

  @Option(names = "--dedup", paramLabel = "MODE", defaultValue = "window+token",
      description = "window+token (default), first-window+token (a window's first occurrence in each record, then "
          + "window+token), window or none")
  String dedup;

  @Option(names = "--no-prompt-exclusion", description = "score windows that occur in the record's prompt too")
  boolean noPromptExclusion;

  @Option(names = "--on-bad-record", paramLabel = "fail|skip", defaultValue = "fail",
      description = "stop at a bad record (default) or skip and list it in the report")
  String onBadRecord;

  @CommandLine.Mixin
  NormalizeOption normalizeOption = new NormalizeOption();

  @CommandLine.Mixin
  VerifyLocalizeOptions localizeOptions = new VerifyLocalizeOptions();

  @CommandLine.Mixin
  JsonlFieldOptions fields = new JsonlFieldOptions();

  @CommandLine.Mixin
  PlanOption planOption = new PlanOption();

  @Option(names = "--threads", paramLabel = "N", description = "threads for tokenizing and for scoring "
      + "(default: min(2, processors))")
  Integer threads;

  @Option(names = "--tape-memory", paramLabel = "MB", description = "memory for the dedup tape before it spills "
      + "to disk (default: a quarter of the heap); self-seeded schemes, whose per-key tapes cannot spill, stop "
      + "past it (default for them: three quarters of the heap)")
  Long tapeMemory;

  @Option(names = "--spill-dir", paramLabel = "DIR", description = "where the dedup tape spills (default: the "
      + "temporary directory); yours, not a symbolic link, not writable by others unless sticky")
  Path spillDir;

  @Option(names = "--sign-key", paramLabel = "SIGNER.json", description = "Ed25519 signing key: writes report.sig")
  Path signKey;

  @Option(names = "--strict-key-permissions", description = "refuse a key file (--key, --sign-key) that its group or "
      + "others can read (default: a warning)")
  boolean strictKeyPermissions;

  @CommandLine.Mixin
  OutputOptions output = new OutputOptions();

  @CommandLine.Mixin
  InputOptions inputOptions = new InputOptions();

  @Option(names = "--fail-on-detect", description = "exit 5 when the watermark is detected (for pipelines)")
  boolean failOnDetect;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Who reads and scores the corpus: null for this process ({@link Verification#run()}), else a distributed pass. */
  DistributedPass.Runner runner;

  @Override
  public Integer call() throws Exception {
    CommandLine cli = spec.commandLine();
    output.check(cli);
    if (runner != null) {
      refuseLocalOptions(cli);
    }
    Scheme sc = Scheme.parse(cli, scheme);
    sc.checkKeyOption(cli, keyFile != null);
    if (sc.hasPayload() && (weights != null || (tenants != null && tenants > 0)
        || localizeOptions.localize.search(cli) != null)) {
      throw new CommandLine.ParameterException(cli, "--scheme: " + Verification.PAYLOAD_OPTIONS_REFUSED);
    }
    if (sc.spec instanceof HfSynthIdSpec && ((HfSynthIdSpec) sc.spec).gValues() == HfSynthIdSpec.GValues.TABLE) {
      throw new CommandLine.ParameterException(cli, Verification.TABLE_GVALUES_REFUSED);
    }
    if (sc.interop() && (tenants != null || tokenizerOptions.vocabSize != null)) {
      throw new CommandLine.ParameterException(cli, "--tenants and --vocab-size do not apply to interop schemes");
    }
    // two-level dedup is the window+token tape behind a first-occurrence rule per record
    DedupMode mode = PlanOption.dedupMode(cli, dedup);
    BadRecordPolicy policy = Common.badRecordPolicy(cli, onBadRecord);
    double alpha = alphaOption.alpha(cli);
    if (controlKeys < 0 || controlKeys > 100_000) {
      throw new CommandLine.ParameterException(cli,
          Common.fmt("--control-keys must be between 0 and 100000, was %d", controlKeys));
    }
    if (filter == null && (filterTop != null || filterMinCount != null)) {
      throw new CommandLine.ParameterException(cli, "--filter-top and --filter-min-count need --filter");
    }
    if (filter == null && filterMemory != null) {
      throw new CommandLine.ParameterException(cli, "--filter-memory needs --filter");
    }
    if (filterMemory != null && (filterMemory < 1 || filterMemory > 1L << 30)) {
      throw new CommandLine.ParameterException(cli, Common.fmt("--filter-memory must be between 1 and %d MB, was %d",
          1L << 30, filterMemory));
    }
    if (filterTop != null && filterMinCount != null) {
      throw new CommandLine.ParameterException(cli, "--filter-top and --filter-min-count are mutually exclusive");
    }
    WeightsChoice weighting = weights == null ? null : WeightsChoice.parse(cli, weights);
    Integer referenceContext = weighting == null ? null : weighting.referenceContext();
    if (weighting != null && weighting.reference()) {
      if (filter == null) {
        throw new CommandLine.ParameterException(cli, "--weights " + weights.strip() + " needs --filter (the owner's "
            + "corpus whose context counts are the weights)");
      }
    }
    int workers = threads != null ? threads : Math.min(2, Runtime.getRuntime().availableProcessors());
    if (workers < 1 || workers > 256) {
      throw new CommandLine.ParameterException(cli, Common.fmt("--threads must be between 1 and 256, was %d",
          workers));
    }
    if (tenants != null && (tenants < 0 || tenants > InheritanceVerifier.MAX_TENANTS)) {
      throw new CommandLine.ParameterException(cli, Common.fmt("--tenants must be between 0 and %d, was %d",
          InheritanceVerifier.MAX_TENANTS, tenants));
    }
    // refused now rather than after the whole corpus has been read
    ReportWriter.checkOutputDirectory(out);
    if (tapeMemory != null && (tapeMemory < 1 || tapeMemory > 1L << 30)) {
      throw new CommandLine.ParameterException(cli, Common.fmt("--tape-memory must be between 1 and %d MB, was %d",
          1L << 30, tapeMemory));
    }
    long maxRecordBytes = inputOptions.maxRecordBytes(cli);
    Integer vocabSize = tokenizerOptions.vocabSize;
    TextTokenizer tok = tokenizerOptions.tokenizer(cli);
    int vocab = tokenizerOptions.vocabulary(cli, sc, tok);
    Verification.Builder builder = Verification.builder().scheme(sc.spec).tokenizer(tok)
        .normalization(normalizeOption.normalization(cli))
        .fields(fields.fields())
        .controlKeys(controlKeys).alpha(alpha).dedup(mode).promptExclusion(!noPromptExclusion).onBadRecord(policy)
        .threads(workers).maxRecordBytes(maxRecordBytes)
        .vocabularySource(InputOptions.vocabularySource(cli, sc, vocabSize, tok, vocab));
    if (!sc.interop()) {
      builder.keyFile(Common.readKey(cli, keyFile, strictKeyPermissions));
    }
    SigningKey signer = signKey == null ? null : Common.readSigningKey(cli, signKey, strictKeyPermissions);
    if (sc.interop()) {
      Common.warn(cli, sc.interopSpec().keyWarning());
    }
    if (vocabSize != null) {
      builder.vocabularySize(vocabSize);
    }
    if (tenants != null) {
      builder.tenants(tenants);
    }
    if (controlSeed != null) {
      builder.controlSeed(controlSeed);
    }
    if (tapeMemory != null) {
      builder.tapeMemory(tapeMemory << 20);
    }
    if (spillDir != null) {
      builder.spillDirectory(spillDir);
    }
    if (filter != null) {
      builder.ownerFilter(filter);
      if (filterTop != null) {
        builder.ownerFilterTop(filterTop);
      }
      if (filterMinCount != null) {
        builder.ownerFilterMinCount(filterMinCount);
      }
      builder.ownerFilterMemory(filterMemory != null ? filterMemory << 20 : Runtime.getRuntime().maxMemory() / 4,
          "--filter-memory");
    }
    // everything that can be checked without reading the corpus is checked before it is read:
    // the key's use, the tenant count, the input paths, the spill directory
    Progress[] progress = new Progress[1];
    if (referenceContext != null) {
      builder.referenceWeights(referenceContext);
    } else if (weighting != null) {
      builder.weights(FieldWeights.of(weighting.field(), weighting.max()));
    }
    if (PlanOption.twoLevel(dedup)) {
      builder.firstWindowPerText(true);
    }
    builder.progress(tokens -> progress[0].update(tokens));
    localizeOptions.apply(cli, sc, vocab, builder);
    if (runner == null) {
      builder.suspect(paths(cli, suspect));
    } else {
      builder.suspect(runner.list(suspect));
    }
    Verification verification = builder.build();
    PlanStamp planStamp = planOption.check(verification, sc.spec.redacted(), PlanOption.weights(weighting),
        PlanOption.dedupLabel(cli, dedup), filter, alpha);
    warnNotRead(cli, verification.notRead());
    progress[0] = new Progress(cli.getErr(), !output.quiet && Progress.stderrIsTerminal(), verification.totalBytes(),
        verification::bytesRead, verification::tokensSeen);
    InheritanceResult result;
    try {
      result = runner == null ? verification.run() : verification.run(runner);
    } finally {
      progress[0].finish();
    }
    EvidenceReport report = EvidenceReport.of(result, verification.reportInputs(), planStamp,
        verification.regions().orElse(null));
    ReportWriter.write(out, report, signer);
    for (String f : result.flags()) {
      cli.getErr().println("tracemark verify: warning: " + f);
    }
    print(cli.getOut(), report.json(), result);
    return failOnDetect && result.verdict() == InheritanceResult.Verdict.DETECTED ? Tracemark.DETECTED
        : Tracemark.OK;
  }

  /** The paths of {@code --suspect} on this machine's file system. */
  private static List<Path> paths(CommandLine cli, List<String> names) {
    List<Path> paths = new ArrayList<>();
    for (String n : names) {
      try {
        paths.add(Path.of(n));
      } catch (InvalidPathException e) {
        throw new CommandLine.ParameterException(cli, "--suspect: not a path: " + e.getReason());
      }
    }
    return paths;
  }

  /**
   * Refuses the options of this process's own reader and tape under a distributed run (VerifyJob on Spark), saying
   * what sets the same thing there, rather than ignoring them.
   */
  private void refuseLocalOptions(CommandLine cli) {
    String why = threads != null ? "--threads does not apply to a run on Spark: Spark runs one task per executor "
        + "core; set the cores with --executor-cores or spark.executor.cores (--master local[N] on one machine)"
        : tapeMemory != null ? "--tape-memory does not apply to a run on Spark: its dedup is Spark's shuffle, held "
        + "in executor memory (--executor-memory, spark.executor.memory) and spilled to spark.local.dir"
        : spillDir != null ? "--spill-dir does not apply to a run on Spark: Spark's shuffle spills to "
        + "spark.local.dir (SPARK_LOCAL_DIRS on a cluster's workers)"
        : null;
    if (why != null) {
      throw new CommandLine.ParameterException(cli, why);
    }
  }

  /** Says on stderr, before anything is read, that some directory entries will not be: nothing is dropped silently. */
  private static void warnNotRead(CommandLine cli, List<ReportInputs.NotRead> all) {
    if (!all.isEmpty()) {
      cli.getErr().println(Common.fmt("tracemark verify: warning: %s not read (hidden, symbolic links or not "
          + "regular files, e.g. %s: %s); the report lists them under inputs.not_read",
          all.size() == 1 ? "1 directory entry is" : Common.fmt("%,d directory entries are", all.size()),
          all.get(0).path(), all.get(0).reason()));
    }
  }

  private void print(PrintWriter o, ObjectNode tree, InheritanceResult r) throws Exception {
    if (output.json) {
      ObjectNode n = Json.object();
      ObjectNode st = (ObjectNode) tree.get("statistics");
      n.put("tokens_read", r.tokensRead());
      n.put("tuples_scored", r.tuplesScored());
      n.set("green", st.get("green"));
      n.put("green_fraction", r.rate());
      n.set("gamma", st.get("gamma"));
      n.put("z", r.z());
      n.put("p_value", r.pValue());
      n.put("log10_p", r.log10P());
      n.put("log10_p_adjusted", r.log10PAdjusted());
      n.put("alpha", r.alpha());
      n.put("verdict", r.verdict().label());
      n.put("best_key", r.best().label());
      if (tree.has("payload")) {
        n.set("payload", tree.get("payload"));
      }
      if (tree.has("statistic")) {
        n.set("statistic", tree.get("statistic"));
      }
      if (tree.has("plan")) {
        n.set("plan", tree.get("plan"));
      }
      n.set("keys", tree.get("keys"));
      ObjectNode controls = ((ObjectNode) tree.get("controls")).deepCopy();
      n.set("controls", controls);
      n.put("records", tree.get("inputs").get("records").asLong());
      n.put("skipped", tree.get("skipped").get("count").asLong());
      ArrayNode flags = n.putArray("flags");
      r.flags().forEach(flags::add);
      VerifyLocalizeOptions.putJson(n, tree);
      n.put("report", out.resolve(EvidenceReport.JSON_FILE).toString());
      n.put("signed", signKey != null);
      o.println(Json.line(n));
      return;
    }
    if (output.quiet) {
      return;
    }
    o.println("records:       " + Numbers.count(tree.get("inputs").get("records").asLong()) + " ("
        + Numbers.count(tree.get("skipped").get("count").asLong()) + " skipped)");
    o.println("tokens read:   " + Numbers.count(r.tokensRead()));
    o.println("tuples scored: " + Numbers.count(r.tuplesScored()));
    if (r.weighting() != null) {
      o.println("statistic:     weighted, S = sum of level * score; " + r.weighting().source() + "; "
          + r.weighting().quantization());
    }
    if (r.nullDistribution() instanceof NullDistribution.Binomial) {
      o.println("green:         " + Numbers.human(r.score()) + " (" + Numbers.human(r.rate()) + " vs gamma "
          + Numbers.exact(((NullDistribution.Binomial) r.nullDistribution()).gamma()) + ")");
    } else {
      o.println("score:         " + Numbers.human(r.score()) + " (mean " + Numbers.human(r.rate())
          + " vs " + Numbers.human(r.nullDistribution().mean()) + " under H0)");
    }
    o.println("z:             " + Numbers.human(r.z()));
    if (r.payload() != null) {
      PayloadDetection d = r.payload();
      o.println("message:       " + d.message() + " (bits " + PayloadSection.bits(d.message(), d.payloadBits()) + ", "
          + d.symbols().size() + " symbols of " + d.symbolBits() + " bits; weakest symbol confidence "
          + Numbers.human(d.weakestSymbolConfidence()) + ")");
      o.println("p-value:       " + Numbers.pValue(r.pValue(), r.log10P()) + " (log10 p = " + Numbers.human(r.log10P())
          + ", corrected for all 2^" + d.payloadBits() + " messages, "
          + (d.exact() ? "exact" : "conservative: an upper bound") + ")");
    } else {
      o.println("p-value:       " + Numbers.pValue(r.pValue(), r.log10P()) + " (log10 p = "
          + Numbers.human(r.log10P()) + ")");
    }
    if (r.keys().size() > 1) {
      o.println("best key:      " + r.best().label() + " (Holm-adjusted log10 p = " + Numbers.human(r.log10PAdjusted())
          + " over " + Numbers.count(r.keys().size()) + " keys)");
    }
    if (r.controls().count() > 0) {
      o.println("controls:      rank " + Numbers.count(r.controls().bestKeyRank()) + " of "
          + Numbers.count(r.controls().count() + 1L) + "; " + Numbers.count(r.controls().flaggedAtAlpha()) + " of "
          + Numbers.count(r.controls().count()) + " control keys significant");
    }
    VerifyLocalizeOptions.print(o, tree);
    o.println("verdict:       " + (r.verdict() == InheritanceResult.Verdict.DETECTED ? "watermark DETECTED"
        : "not detected") + " at alpha " + Numbers.exact(r.alpha()));
    List<String> files = new ArrayList<>(List.of(EvidenceReport.JSON_FILE, EvidenceReport.HTML_FILE));
    if (signKey != null) {
      files.add(EvidenceReport.SIG_FILE);
    }
    o.println("report:        " + out + " (" + String.join(", ", files) + (signKey == null ? "; not signed" : "")
        + ")");
  }
}
