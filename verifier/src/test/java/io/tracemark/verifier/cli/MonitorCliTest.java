package io.tracemark.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.verifier.monitor.TestLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void writesTheReportSchemaThePageAndTheReplayListOfTheFlaggedCluster() throws Exception {
    Path log = TestLogs.write(dir.resolve("log.jsonl"), 3, 300, 30, 150);
    Path out = dir.resolve("out");
    CliRun r = CliRun.run("monitor", "--log", log.toString(), "--release", TestLogs.RELEASE, "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("accounts:      330 (30 flagged)", "c1: 30 accounts", "tenants evil");
    JsonNode rep = JSON.readTree(out.resolve("monitor-report.json").toFile());
    assertThat(rep.get("schema_version").asInt()).isEqualTo(1);
    assertThat(names(rep.get("thresholds"))).containsExactly("account", "cluster", "signal");
    assertThat(rep.at("/thresholds/account/false_positive_rate").asDouble()).isEqualTo(0.002);
    assertThat(rep.at("/thresholds/account/score").asDouble()).isCloseTo(2.69897,
        org.assertj.core.data.Offset.offset(1e-5));
    JsonNode account = rep.get("accounts").get(0);
    assertThat(names(account)).startsWith("account", "requests", "score", "flagged", "cluster", "signals");
    assertThat(names(account.get("signals"))).containsExactly("volume", "rate", "release_pivot",
        "template_repetition", "diversity_mmd", "prada", "cot_phrases", "output_harvest");
    int flagged = 0;
    for (JsonNode a : rep.get("accounts")) {
      boolean campaign = a.get("account").asText().startsWith("x");
      assertThat(a.get("flagged").asBoolean()).as(a.toString()).isEqualTo(campaign);
      assertThat(a.get("cluster").isNull()).isEqualTo(!campaign);
      flagged += a.get("flagged").asBoolean() ? 1 : 0;
    }
    assertThat(flagged).isEqualTo(30);
    JsonNode cluster = rep.get("clusters").get(0);
    assertThat(names(cluster)).startsWith("id", "accounts", "score", "flagged", "signals");
    assertThat(cluster.get("id").asText()).isEqualTo("c1");
    assertThat(cluster.get("accounts")).hasSize(30);
    assertThat(cluster.get("flagged").asBoolean()).isTrue();
    assertThat(cluster.at("/handoff/tenants/0").asText()).isEqualTo("evil");
    assertThat(cluster.at("/handoff/queries").asText()).isEqualTo("replay-c1.jsonl");
    List<String> replay = Files.readAllLines(out.resolve("replay-c1.jsonl"));
    assertThat(replay).hasSize(cluster.at("/handoff/query_count").asInt());
    assertThat(JSON.readTree(replay.get(0)).get("id").asText()).isEqualTo("q1");
    assertThat(JSON.readTree(replay.get(0)).get("prompt").asText()).startsWith("Explain ");
    String html = Files.readString(out.resolve("monitor-report.html"));
    assertThat(html).contains("<svg", "release 2026-01-08", "Explain &lt;*&gt; in detail step by step")
        .doesNotContain("http://", "https://", "src=");
  }

  @Test
  void renamedFieldsAndJsonOutput() throws Exception {
    Path log = Files.writeString(dir.resolve("log.jsonl"), "{\"time\":1,\"user\":\"a\",\"prompt\":\"p q r\"}\n"
        + "{\"time\":2,\"user\":\"b\",\"prompt\":\"s t u\"}\n");
    CliRun r = CliRun.run("monitor", "--log", log.toString(), "--account-field", "user", "--json", "--out",
        dir.resolve("o").toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode n = JSON.readTree(r.out());
    assertThat(n.get("schema_version").asInt()).isEqualTo(1);
    assertThat(n.get("accounts").asInt()).isEqualTo(2);
    assertThat(n.get("flagged_accounts").asInt()).isZero();
  }

  @Test
  void badInputIsNamedByFileAndLineOrSkippedAndCounted() throws Exception {
    Path log = Files.writeString(dir.resolve("log.jsonl"), "{\"time\":1,\"account\":\"a\",\"prompt\":\"p\"}\n"
        + "{\"time\":1,\"prompt\":\"p\"}\n{\"time\":2,\"account\":\"b\",\"prompt\":\"q\"}\n");
    CliRun fail = CliRun.run("monitor", "--log", log.toString(), "--out", dir.resolve("o").toString());
    assertThat(fail.code()).isEqualTo(3);
    assertThat(fail.err()).contains(log + ":2: request has no \"account\"");
    CliRun skip = CliRun.run("monitor", "--log", log.toString(), "--on-bad-record", "skip", "--out",
        dir.resolve("o").toString());
    assertThat(skip.code()).as(skip.err()).isZero();
    assertThat(skip.out()).contains("requests:      3 (1 skipped)");
    JsonNode rep = JSON.readTree(dir.resolve("o").resolve("monitor-report.json").toFile());
    assertThat(rep.at("/inputs/skipped").asInt()).isEqualTo(1);
    assertThat(rep.at("/skipped/0/where").asText()).isEqualTo(log + ":2");
    CliRun missing = CliRun.run("monitor", "--log", dir.resolve("nope.jsonl").toString(), "--out",
        dir.resolve("o").toString());
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err()).contains("nope.jsonl: no such file");
    CliRun badDate = CliRun.run("monitor", "--log", log.toString(), "--release", "soon", "--out",
        dir.resolve("o").toString());
    assertThat(badDate.code()).isEqualTo(2);
    assertThat(badDate.err()).contains("--release: not an ISO-8601 time");
  }
}
