package io.tracemark.verifier.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The monitoring report: {@value #JSON_FILE} (schema {@value #SCHEMA} version {@value
 * #SCHEMA_VERSION}), the self-contained page {@value #HTML_FILE}, and per flagged cluster its
 * replay query list {@code replay-<id>.jsonl} (the format of {@code tracemark plan}'s
 * queries.jsonl), all written atomically into one directory. The JSON is built here, in one place.
 */
public final class MonitorReport {
  /** The report's file name. */
  public static final String JSON_FILE = "monitor-report.json";
  /** The page's file name. */
  public static final String HTML_FILE = "monitor-report.html";
  /** The schema's name. */
  public static final String SCHEMA = "tracemark-monitor-report";
  /** The schema's version: a change of a field's meaning gets a new one, new fields do not. */
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private MonitorReport() {}

  /** The replay file of a cluster. */
  public static String replayFile(String clusterId) {
    return "replay-" + clusterId + ".jsonl";
  }

  /**
   * The report as JSON.
   *
   * @param log the log files as given
   * @param baseline the baseline files as given (empty: self-calibrated)
   * @param created the time of the run
   */
  public static ObjectNode toJson(MonitorResult r, List<Path> log, List<Path> baseline, Instant created) {
    ObjectNode n = JSON.createObjectNode();
    n.put("schema_version", SCHEMA_VERSION);
    n.put("schema", SCHEMA);
    n.put("tool_version", Version.TOOL);
    n.put("created", created.toString());
    ObjectNode inputs = n.putObject("inputs");
    ArrayNode logs = inputs.putArray("log");
    log.forEach(p -> logs.add(p.toString()));
    ArrayNode base = inputs.putArray("baseline");
    baseline.forEach(p -> base.add(p.toString()));
    inputs.put("records", r.records());
    inputs.put("skipped", r.skipped());
    ArrayNode skipped = n.putArray("skipped");
    for (SkippedRecord s : r.skippedListed()) {
      skipped.addObject().put("where", s.id()).put("reason", s.reason());
    }
    ObjectNode cal = n.putObject("calibration");
    cal.put("source", r.baselineSource());
    cal.put("accounts", r.baselineAccounts());
    ObjectNode rates = cal.putObject("benign_rates");
    r.benignRates().forEach(rates::put);
    ArrayNode rel = n.putArray("releases");
    r.releases().forEach(t -> rel.add(instant(t)));
    ObjectNode th = n.putObject("thresholds");
    for (MonitorResult.Threshold t : r.thresholds()) {
      th.putObject(t.level()).put("score", t.score()).put("false_positive_rate", t.falsePositiveRate());
    }
    ObjectNode summary = n.putObject("summary");
    summary.put("accounts", r.accounts().size());
    summary.put("flagged_accounts", r.accounts().stream().filter(MonitorResult.Account::flagged).count());
    summary.put("clusters", r.clusters().size());
    summary.put("flagged_clusters", r.clusters().stream().filter(MonitorResult.Cluster::flagged).count());
    ArrayNode accounts = n.putArray("accounts");
    for (MonitorResult.Account a : r.accounts()) {
      ObjectNode o = accounts.addObject();
      o.put("account", a.account());
      o.put("requests", a.requests());
      o.put("score", round(a.score()));
      o.put("flagged", a.flagged());
      if (a.cluster() == null) {
        o.putNull("cluster");
      } else {
        o.put("cluster", a.cluster());
      }
      signals(o.putObject("signals"), a.signals());
      ArrayNode tenants = o.putArray("tenants");
      a.tenants().forEach(tenants::add);
    }
    ArrayNode clusters = n.putArray("clusters");
    for (MonitorResult.Cluster c : r.clusters()) {
      ObjectNode o = clusters.addObject();
      o.put("id", c.id());
      ArrayNode members = o.putArray("accounts");
      c.accounts().forEach(members::add);
      o.put("score", round(c.score()));
      o.put("flagged", c.flagged());
      signals(o.putObject("signals"), c.signals());
      ArrayNode links = o.putArray("links");
      c.links().forEach(links::add);
      MonitorResult.Handoff h = c.handoff();
      if (h != null) {
        ObjectNode ho = o.putObject("handoff");
        ArrayNode tenants = ho.putArray("tenants");
        h.tenants().forEach(tenants::add);
        if (h.queries() == null) {
          ho.putNull("queries");
        } else {
          ho.put("queries", replayFile(c.id()));
        }
        ho.put("query_count", h.queries() == null ? 0 : h.queries().queries().size());
        ArrayNode templates = ho.putArray("templates");
        h.templates().forEach(templates::add);
        ArrayNode examples = ho.putArray("examples");
        h.examples().forEach(examples::add);
      }
    }
    return n;
  }

  private static void signals(ObjectNode o, Map<String, Double> signals) {
    signals.forEach((k, v) -> o.put(k, round(v)));
  }

  /** Scores to four decimals: enough to compare with a threshold, stable across platforms. */
  static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }

  static String instant(double epochSeconds) {
    return Instant.ofEpochMilli(Math.round(epochSeconds * 1000)).toString();
  }

  /**
   * Writes the report, the page and the replay lists into {@code dir} atomically, the JSON first.
   *
   * @throws IOException naming the file that could not be written
   */
  public static void write(Path dir, MonitorResult r, ObjectNode json) throws IOException {
    List<SafeFiles.Output> out = new ArrayList<>();
    byte[] bytes;
    try {
      bytes = (JSON.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    out.add(new SafeFiles.Output(JSON_FILE, bytes));
    out.add(new SafeFiles.Output(HTML_FILE, MonitorHtml.render(r, json).getBytes(StandardCharsets.UTF_8)));
    for (MonitorResult.Cluster c : r.clusters()) {
      if (c.handoff() != null && c.handoff().queries() != null) {
        out.add(new SafeFiles.Output(replayFile(c.id()), c.handoff().queries().toJsonl()));
      }
    }
    SafeFiles.publish(dir, out);
  }
}
