package io.tracemark.verifier.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.BadRecords;
import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.FieldWeights;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.input.CorpusRecords;
import io.tracemark.verifier.input.Fields;
import io.tracemark.verifier.plan.ApiLog;
import io.tracemark.verifier.plan.Pilot;
import io.tracemark.verifier.plan.Plan;
import io.tracemark.verifier.plan.QueryList;
import io.tracemark.verifier.report.Numbers;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracemark plan}: the query list for a suspect from the owner's API log, and the plan of
 * the analysis (pre-registration), optionally with what a pilot predicts. Writes queries.jsonl,
 * plan.json and plan.json.sha256 to --out.
 */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Plans a closed-model test before the suspect's answers are seen: the queries to send (replay of",
        "one tenant's prompts, or prompts ranked by the frequent watermarked windows of their logged answers),",
        "the analysis (statistic, weights, dedup, filter corpus digest, alpha), and with --pilot the uplift and",
        "the queries needed for 90% power. Writes queries.jsonl, plan.json and plan.json.sha256 to --out;",
        "'verify --plan' checks a run against it."})
final class PlanCommand implements Callable<Integer> {
  @Option(names = "--log", required = true, paramLabel = "LOG.jsonl", description = "the owner's API log: JSONL "
      + "(gzip allowed) with tenant, prompt and the answer as text (answer, tokenized with --tokenizer) or ids "
      + "(answer_tokens)")
  Path log;

  @Option(names = "--on-bad-record", paramLabel = "fail|skip", defaultValue = "fail", description = "a bad line of "
      + "the log or the pilot: stop (default) or skip it, counted and listed in the output")
  String onBadRecord;

  /** The query selection: exactly one. */
  static final class Selection {
    @Option(names = "--replay", paramLabel = "TENANT", description = "the prompts this tenant sent, in log order")
    String replay;

    @Option(names = "--rank", paramLabel = "frequent-windows", description = "every prompt, ranked by how many "
        + "frequent watermarked windows its logged answers contain")
    String rank;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Selection selection;

  @Option(names = "--frequent-top", paramLabel = "N", defaultValue = "10000", description = "with --rank: the N most "
      + "frequent windows of the logged answers count as frequent (default ${DEFAULT-VALUE})")
  int frequentTop;

  @Option(names = "--queries", paramLabel = "N", description = "at most N queries (default: all)")
  Integer limit;

  @Option(names = "--scheme", required = true, paramLabel = "SPEC", description = "the scheme verify will test")
  String scheme;

  @Option(names = "--key", paramLabel = "KEY.json", description = "watermark key file (kgw: schemes)")
  Path keyFile;

  @CommandLine.Mixin
  TokenizerOptions tokenizerOptions = new TokenizerOptions();

  @Option(names = "--filter", paramLabel = "FILE|DIR", arity = "1..*", description = "the owner corpus verify will "
      + "filter with (its digest goes into the plan)")
  List<Path> filter;

  @Option(names = "--weights", paramLabel = "SOURCE", description = "the weights verify will use (as verify "
      + "--weights); default unweighted")
  String weights;

  @Option(names = "--dedup", paramLabel = "MODE", defaultValue = "window+token", description = "the dedup verify will "
      + "use (default ${DEFAULT-VALUE})")
  String dedup;

  @CommandLine.Mixin
  AlphaOption alphaOption = new AlphaOption();

  @Option(names = "--pilot", paramLabel = "PILOT.jsonl", description = "the suspect's answers to the first queries "
      + "(JSONL records as verify reads them, in query order): estimates the uplift and the budget")
  Path pilot;

  @CommandLine.Mixin
  JsonlFieldOptions fields = new JsonlFieldOptions();

  @CommandLine.Mixin
  NormalizeOption normalizeOption = new NormalizeOption();

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory for queries.jsonl, "
      + "plan.json and plan.json.sha256")
  Path out;

  @Option(names = "--json", description = "print one JSON object (first field schema_version)")
  boolean json;

  @Option(names = "--strict-key-permissions", description = "refuse a key file that its group or others can read")
  boolean strictKeyPermissions;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CommandLine cli = spec.commandLine();
    Scheme sc = Scheme.parse(cli, scheme);
    sc.checkKeyOption(cli, keyFile != null);
    sc.refusePayload(cli, "plan", "its budget is the power of one key's statistic, and the decoded message's test "
        + "(the best of the 2^b messages) has no power model here");
    if (selection.rank != null && !selection.rank.strip().equals("frequent-windows")) {
      throw new CommandLine.ParameterException(cli, "--rank must be frequent-windows, was " + Json.quote(selection.rank));
    }
    if (limit != null && limit < 1) {
      throw new CommandLine.ParameterException(cli, Common.fmt("--queries must be >= 1, was %d", limit));
    }
    if (frequentTop < 1) {
      throw new CommandLine.ParameterException(cli, Common.fmt("--frequent-top must be >= 1, was %d", frequentTop));
    }
    BadRecordPolicy policy = Common.badRecordPolicy(cli, onBadRecord);
    double alpha = alphaOption.alpha(cli);
    WeightsChoice weighting = weights == null ? null : WeightsChoice.parse(cli, weights);
    if (weighting != null && weighting.reference() && filter == null) {
      throw new CommandLine.ParameterException(cli, "--weights " + weights.strip() + " needs --filter (the owner's "
          + "corpus whose context counts are the weights)");
    }
    String dedupLabel = PlanOption.dedupLabel(cli, dedup);
    TextTokenizer tok = tokenizerOptions.tokenizer(cli);
    int vocab = tokenizerOptions.vocabulary(cli, sc, tok);

    Verification.Builder test = Verification.builder().scheme(sc.spec).tokenizer(tok).fields(fields.fields())
        .alpha(alpha).dedup(PlanOption.dedupMode(cli, dedup)).controlKeys(0).records(List.of());
    if (!sc.interop()) {
      test.keyFile(Common.readKey(cli, keyFile, strictKeyPermissions));
      if (tokenizerOptions.vocabSize != null) {
        test.vocabularySize(tokenizerOptions.vocabSize);
      }
    }
    if (PlanOption.twoLevel(dedup)) {
      test.firstWindowPerText(true);
    }
    if (filter != null) {
      test.ownerFilter(filter);
    }
    if (weighting != null && weighting.reference()) {
      test.referenceWeights(weighting.referenceContext());
    } else if (weighting != null) {
      test.weights(FieldWeights.of(weighting.field(), weighting.max()));
    }
    Normalization normalization = normalizeOption.normalization(cli);
    test.normalization(normalization);
    Verification described = test.build();

    BadRecords badLines = new BadRecords(policy, io.tracemark.verifier.input.InputException::new);
    ApiLog apiLog = ApiLog.read(log, new TextPipeline(tok, normalization), vocab, badLines);
    QueryList queries;
    try {
      queries = selection.replay != null
          ? QueryList.replay(apiLog, selection.replay, limit == null ? Integer.MAX_VALUE : limit)
          : QueryList.rankByFrequentWindows(apiLog, sc.spec.contextWidth(), frequentTop,
              limit == null ? Integer.MAX_VALUE : limit);
    } catch (IllegalArgumentException e) {
      throw new io.tracemark.verifier.input.InputException(log + ": " + e.getMessage());
    }
    byte[] queryFile = queries.toJsonl();
    Plan.Queries q = new Plan.Queries(queries.mode().label(), queries.tenant(), queries.queries().size(),
        Plan.sha256(queryFile));

    Plan.PilotEstimate estimate = null;
    List<SkippedRecord> pilotSkipped = List.of();
    long pilotSkippedCount = 0;
    if (pilot != null) {
      Fields f = weighting != null && !weighting.reference() ? fields.fields().withWeights(weighting.field())
          : fields.fields();
      List<SuspectRecord> records = new ArrayList<>();
      try (CorpusRecords r = new CorpusRecords(List.of(pilot), f, tok, vocab, normalization, policy)) {
        r.forEach(records::add);
        pilotSkipped = r.skipped();
        pilotSkippedCount = r.skippedCount();
      }
      try {
        estimate = Pilot.estimate(test, records, alpha);
      } catch (IllegalArgumentException e) {
        throw new io.tracemark.verifier.input.InputException(pilot + ": " + e.getMessage());
      }
    }
    Plan plan = PlanOption.describe(described, sc.spec.redacted(), PlanOption.weights(weighting), dedupLabel, filter,
        alpha, q);
    plan = new Plan(plan.scheme(), plan.keyId(), plan.statistic(), plan.weights(), plan.dedup(), plan.tokenizer(),
        plan.normalization(), plan.filterSha256(), plan.alpha(), q, estimate, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    String hash = plan.write(out, queryFile);
    print(cli.getOut(), plan, hash, badLines, pilotSkipped, pilotSkippedCount);
    return Tracemark.OK;
  }

  private void print(PrintWriter o, Plan plan, String hash, BadRecords badLines, List<SkippedRecord> pilotSkipped,
      long pilotSkippedCount) {
    if (json) {
      ObjectNode n = Json.object();
      n.put("plan", out.resolve(Plan.PLAN_FILE).toString());
      n.put("sha256", hash);
      n.set("content", plan.toJson());
      n.put("log_lines_skipped", badLines.count());
      ArrayNode logListed = n.putArray("log_skipped");
      badLines.listed().forEach(r -> logListed.addObject().put("record", r.id()).put("reason", r.reason()));
      n.put("pilot_records_skipped", pilotSkippedCount);
      ArrayNode pilotListed = n.putArray("pilot_skipped");
      pilotSkipped.forEach(r -> pilotListed.addObject().put("record", r.id()).put("reason", r.reason()));
      o.println(Json.line(n));
      return;
    }
    if (badLines.count() > 0 || pilotSkippedCount > 0) {
      o.println("skipped:       " + Numbers.count(badLines.count()) + " bad log lines, "
          + Numbers.count(pilotSkippedCount) + " bad pilot records (first: " + (badLines.count() > 0
              ? badLines.listed().get(0) : pilotSkipped.get(0)).id() + ")");
    }
    Plan.Queries q = plan.queries();
    o.println("queries:       " + Numbers.count(q.count()) + " (" + q.mode()
        + (q.tenant() == null ? "" : " of tenant " + q.tenant()) + ") in " + out.resolve(Plan.QUERIES_FILE));
    o.println("analysis:      " + plan.statistic() + ", weights " + plan.weights() + ", dedup " + plan.dedup()
        + ", alpha " + Numbers.exact(plan.alpha()));
    Plan.PilotEstimate p = plan.pilot();
    if (p != null) {
      o.println("pilot:         " + Numbers.count(p.queries()) + " answers, " + Numbers.count(p.tuples())
          + " tuples (" + Numbers.human(p.tuplesPerQuery()) + " per query, growth exponent "
          + Numbers.human(p.growth()) + ")");
      String rate = plan.statistic().endsWith("gamma_sum") ? "mean score " + Numbers.human(p.rate()) + " vs "
          + Numbers.exact(p.gamma()) + " under H0" : "rate " + Numbers.human(p.rate()) + " vs gamma "
          + Numbers.exact(p.gamma());
      o.println("uplift:        " + Numbers.human(p.uplift()) + " (" + rate + "; 95% interval "
          + Numbers.human(p.rateLow() - p.gamma()) + " to " + Numbers.human(p.rateHigh() - p.gamma()) + ")");
      o.println("budget:        " + (p.queriesPower90() < 0 ? "not reachable (no uplift)"
          : Numbers.count(p.queriesPower90()) + " queries for 90% power at alpha " + Numbers.exact(plan.alpha())
              + " (50%: " + Numbers.count(p.queriesPower50()) + ")"));
    }
    o.println("plan:          " + out.resolve(Plan.PLAN_FILE) + " (sha256 " + hash + ")");
  }
}
