package io.tracemark.verifier.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.BadRecords;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.plan.ApiLog;
import io.tracemark.verifier.plan.QueryList;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorTest {
  @TempDir
  Path dir;

  @Test
  void aCampaignBehindSharedPaymentsIsOneFlaggedClusterAndNoBenignAccountIsFlagged() throws Exception {
    Path log = TestLogs.write(dir.resolve("log.jsonl"), 3, 300, 30, 150);
    MonitorResult r = Monitor.builder().releases(List.of(LogReader.parseTime(TestLogs.RELEASE))).build()
        .run(List.of(log));
    assertThat(r.accounts()).hasSize(330);
    List<MonitorResult.Cluster> flagged = r.clusters().stream().filter(MonitorResult.Cluster::flagged).toList();
    assertThat(flagged).hasSize(1);
    MonitorResult.Cluster c = flagged.get(0);
    assertThat(c.accounts()).hasSize(30).allMatch(a -> a.startsWith("x"));
    assertThat(c.links()).contains("payment", "template");
    assertThat(c.score()).isGreaterThanOrEqualTo(-Math.log10(Monitor.DEFAULT_CLUSTER_ALPHA));
    assertThat(c.handoff().tenants()).containsExactly("evil");
    assertThat(c.handoff().queries().queries()).isNotEmpty()
        .allMatch(q -> q.prompt().startsWith("Explain ") && q.prompt().contains("step by step"));
    assertThat(c.handoff().templates()).first().asString()
        .isEqualTo("Explain <*> in detail step by step and show your reasoning before the final answer");
    assertThat(r.accounts().stream().filter(MonitorResult.Account::flagged))
        .allMatch(a -> a.account().startsWith("x")).hasSize(30);
    assertThat(r.accounts().stream().filter(a -> a.account().startsWith("x")))
        .allMatch(a -> c.id().equals(a.cluster()));
  }

  @Test
  void theReplayListIsWhatPlanReplaysForTheCampaignTenant() throws Exception {
    Path log = TestLogs.write(dir.resolve("log.jsonl"), 3, 100, 10, 60);
    MonitorResult r = Monitor.builder().build().run(List.of(log));
    MonitorResult.Cluster c = r.clusters().get(0);
    assertThat(c.flagged()).isTrue();
    List<ApiLog.Entry> entries = new ArrayList<>();
    LogReader reader = new LogReader(LogFields.DEFAULT, 1 << 20,
        new BadRecords(BadRecordPolicy.FAIL, InputException::new));
    reader.read(log, e -> entries.add(new ApiLog.Entry(e.tenant(), e.prompt(), new int[] {1})));
    byte[] planned = QueryList.replay(ApiLog.of(entries), "evil", Integer.MAX_VALUE).toJsonl();
    assertThat(new String(c.handoff().queries().toJsonl(), StandardCharsets.UTF_8))
        .isEqualTo(new String(planned, StandardCharsets.UTF_8));
  }

  @Test
  void aBenignLogFlagsNothing() throws Exception {
    Path log = TestLogs.write(dir.resolve("benign.jsonl"), 5, 400, 0, 0);
    MonitorResult r = Monitor.builder().build().run(List.of(log));
    assertThat(r.accounts()).hasSize(400).noneMatch(MonitorResult.Account::flagged);
    assertThat(r.clusters()).noneMatch(MonitorResult.Cluster::flagged);
  }

  @Test
  void aSeparateBaselineCalibratesTheLog() throws Exception {
    Path base = TestLogs.write(dir.resolve("base.jsonl"), 7, 300, 0, 0);
    Path log = TestLogs.write(dir.resolve("log.jsonl"), 3, 100, 10, 150);
    MonitorResult r = Monitor.builder().baseline(List.of(base)).build().run(List.of(log));
    assertThat(r.baselineSource()).isEqualTo("baseline");
    assertThat(r.baselineAccounts()).isEqualTo(300);
    // against a clean baseline every campaign account is flagged on its own signals
    assertThat(r.accounts().stream().filter(a -> a.account().startsWith("x")))
        .hasSize(10).allMatch(a -> a.score() >= -Math.log10(Monitor.DEFAULT_ACCOUNT_ALPHA));
    assertThat(r.accounts().stream().filter(a -> a.account().startsWith("u"))).noneMatch(MonitorResult.Account::flagged);
  }
}
