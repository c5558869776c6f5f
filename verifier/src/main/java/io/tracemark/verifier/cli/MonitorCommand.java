package io.tracemark.verifier.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.monitor.LogFields;
import io.tracemark.verifier.monitor.LogReader;
import io.tracemark.verifier.monitor.Monitor;
import io.tracemark.verifier.monitor.MonitorReport;
import io.tracemark.verifier.monitor.MonitorResult;
import io.tracemark.verifier.monitor.Phrases;
import io.tracemark.verifier.report.Numbers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracemark monitor}: scores the accounts of the owner's API log and clusters of linked
 * accounts for extraction-like traffic, and writes monitor-report.json, monitor-report.html and a
 * replay query list per flagged cluster to --out.
 */
@Command(name = "monitor", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Finds extraction-like traffic in the owner's API log: scores every account and every cluster of",
        "linked accounts on volume and rate, release pivots, template repetition, distance from benign prompts",
        "(MMD, PRADA) and harvesting requests, each calibrated on benign traffic at a stated false-positive rate.",
        "Writes monitor-report.json, monitor-report.html and, per flagged cluster, its replay query list",
        "(replay-<id>.jsonl, the format of plan's queries.jsonl) to --out (docs/monitoring.md)."})
final class MonitorCommand implements Callable<Integer> {
  @Option(names = "--log", required = true, arity = "1..*", paramLabel = "LOG.jsonl", description = "the owner's "
      + "API log: JSONL (gzip allowed), one request a line; several files are read in order as one log")
  List<Path> log;

  @Option(names = "--baseline", arity = "1..*", paramLabel = "FILE", description = "a benign reference log to "
      + "calibrate on (default: the log calibrates itself, robustly)")
  List<Path> baseline;

  @Option(names = "--release", paramLabel = "DATE", description = "a model release (ISO-8601 date or time, or "
      + "epoch seconds), repeatable: turns on the release-pivot signal")
  List<String> releases;

  @Option(names = "--release-window", paramLabel = "HOURS", defaultValue = "72", description = "hours before and "
      + "after each release that the pivot test compares (default ${DEFAULT-VALUE})")
  double releaseWindow;

  @Option(names = "--phrases", paramLabel = "FILE", description = "chain-of-thought and harvesting phrases, one a "
      + "line (default: a built-in list)")
  Path phrases;

  @Option(names = "--long-answer", paramLabel = "TOKENS", defaultValue = "4096", description = "a max_tokens at "
      + "least this large counts as harvesting (default ${DEFAULT-VALUE})")
  long longAnswer;

  @Option(names = "--account-fpr", paramLabel = "RATE", defaultValue = "0.002", description = "false-positive rate "
      + "of the account threshold (default ${DEFAULT-VALUE})")
  double accountAlpha;

  @Option(names = "--cluster-fpr", paramLabel = "RATE", defaultValue = "0.001", description = "false-positive rate "
      + "of the cluster threshold, per cluster (default ${DEFAULT-VALUE})")
  double clusterAlpha;

  @Option(names = "--replay-limit", paramLabel = "N", defaultValue = "100000", description = "most prompts in a "
      + "cluster's replay list (default ${DEFAULT-VALUE})")
  int replayLimit;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed of the random groups that "
      + "calibrate cluster scores (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--threads", paramLabel = "N", description = "threads that parse the log (default: the "
      + "processors, at most 4); the result does not depend on it")
  Integer threads;

  @Option(names = "--time-field", defaultValue = "time", paramLabel = "NAME", description = "log time field")
  String timeField;

  @Option(names = "--account-field", defaultValue = "account", paramLabel = "NAME", description = "log account field")
  String accountField;

  @Option(names = "--tenant-field", defaultValue = "tenant", paramLabel = "NAME", description = "log tenant field")
  String tenantField;

  @Option(names = "--ip-field", defaultValue = "ip", paramLabel = "NAME", description = "log address field")
  String ipField;

  @Option(names = "--payment-field", defaultValue = "payment", paramLabel = "NAME", description = "log payment field")
  String paymentField;

  @Option(names = "--prompt-field", defaultValue = "prompt", paramLabel = "NAME", description = "log prompt field")
  String promptField;

  @Option(names = "--prompt-tokens-field", defaultValue = "prompt_tokens", paramLabel = "NAME",
      description = "log prompt token-id field")
  String promptTokensField;

  @Option(names = "--max-tokens-field", defaultValue = "max_tokens", paramLabel = "NAME",
      description = "log max_tokens field")
  String maxTokensField;

  @Option(names = "--temperature-field", defaultValue = "temperature", paramLabel = "NAME",
      description = "log temperature field")
  String temperatureField;

  @Option(names = "--n-field", defaultValue = "n", paramLabel = "NAME", description = "log answers-per-request field")
  String nField;

  @Option(names = "--response-tokens-field", defaultValue = "response_tokens", paramLabel = "NAME",
      description = "log answer length field")
  String responseTokensField;

  @Option(names = "--on-bad-record", paramLabel = "fail|skip", defaultValue = "fail", description = "a bad line: "
      + "stop with file:line and the reason (fail, the default), or count it, list it in the report and go on (skip)")
  String onBadRecord;

  @CommandLine.Mixin
  InputOptions inputOptions = new InputOptions();

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory for monitor-report.json, "
      + "monitor-report.html and the replay lists")
  Path out;

  @Option(names = "--json", description = "print one JSON object (first field schema_version)")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    CommandLine cli = spec.commandLine();
    BadRecordPolicy policy;
    try {
      policy = BadRecordPolicy.parse(onBadRecord);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, "--" + e.getMessage());
    }
    List<Double> times = new ArrayList<>();
    for (String r : releases == null ? List.<String>of() : releases) {
      try {
        times.add(LogReader.parseTime(r));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cli, "--release: " + e.getMessage() + ", was " + Json.quote(r));
      }
    }
    Monitor.Builder b = Monitor.builder();
    try {
      b.fields(new LogFields(timeField, accountField, tenantField, ipField, paymentField, promptField,
          promptTokensField, maxTokensField, temperatureField, nField, responseTokensField))
          .releases(times).releaseWindowHours(releaseWindow).longAnswer(longAnswer).accountAlpha(accountAlpha)
          .clusterAlpha(clusterAlpha).replayLimit(replayLimit).seed(seed).badRecords(policy)
          .maxRecordBytes(inputOptions.maxRecordBytes(cli))
          .baseline(baseline == null ? List.of() : baseline);
      if (threads != null) {
        b.threads(threads);
      }
      if (phrases != null) {
        b.phrases(readPhrases(phrases));
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, e.getMessage());
    }
    SafeFiles.checkOutputDirectory(out, List.of(MonitorReport.JSON_FILE, MonitorReport.HTML_FILE));
    MonitorResult r = b.build().run(log);
    ObjectNode report = MonitorReport.toJson(r, log, baseline == null ? List.of() : baseline,
        Instant.now().truncatedTo(ChronoUnit.SECONDS));
    MonitorReport.write(out, r, report);
    print(cli.getOut(), r, report);
    return Tracemark.OK;
  }

  private static Phrases readPhrases(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read the phrase list: " + e.getMessage(), e);
    }
    try {
      return Phrases.of(lines);
    } catch (IllegalArgumentException e) {
      throw new InputException(file + ": " + e.getMessage());
    }
  }

  private void print(PrintWriter o, MonitorResult r, ObjectNode report) {
    ObjectNode s = (ObjectNode) report.get("summary");
    if (json) {
      ObjectNode n = Json.object();
      n.put("report", out.resolve(MonitorReport.JSON_FILE).toString());
      n.put("records", r.records());
      n.put("skipped", r.skipped());
      n.setAll(s);
      o.println(Json.line(n));
      return;
    }
    o.println("requests:      " + Numbers.count(r.records()) + " (" + Numbers.count(r.skipped()) + " skipped)");
    o.println("accounts:      " + Numbers.count(s.get("accounts").asLong()) + " ("
        + Numbers.count(s.get("flagged_accounts").asLong()) + " flagged)");
    o.println("clusters:      " + Numbers.count(s.get("clusters").asLong()) + " ("
        + Numbers.count(s.get("flagged_clusters").asLong()) + " flagged)");
    for (MonitorResult.Cluster c : r.clusters()) {
      if (c.flagged()) {
        o.println("  " + c.id() + ": " + Numbers.count(c.accounts().size()) + " accounts, score "
            + Numbers.fixed(c.score(), 2) + (c.handoff() == null ? "" : ", tenants "
            + String.join(", ", c.handoff().tenants())));
      }
    }
    o.println("report:        " + out + " (" + MonitorReport.JSON_FILE + ", " + MonitorReport.HTML_FILE + ")");
  }
}
