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
  void theResultDoesNotDependOnTheNumberOfThreads() throws Exception {
    Path log = TestLogs.write(dir.resolve("log.jsonl"), 9, 120, 8, 80);
    java.time.Instant t = java.time.Instant.EPOCH;
    String one = MonitorReport.toJson(Monitor.builder().threads(1).build().run(List.of(log)), List.of(log), List.of(),
        t).toString();
    String three = MonitorReport.toJson(Monitor.builder().threads(3).build().run(List.of(log)), List.of(log),
        List.of(), t).toString();
    assertThat(three).isEqualTo(one);
    assertThat(one).contains("\"flagged\":true");
  }

  @Test
  void aPluggedEmbeddingReplacesTheHashedVector() throws Exception {
    Path log = TestLogs.write(dir.resolve("log.jsonl"), 3, 100, 10, 60);
    MonitorResult hashed = Monitor.builder().build().run(List.of(log));
    assertThat(hashed.accounts().stream().filter(a -> a.account().startsWith("x")))
        .allMatch(a -> a.signals().get("diversity_mmd") > 1);
    // every prompt on one point: the MMD statistic is 0 up to rounding for every account, so the campaign
    // accounts no longer stand out on it
    java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
    PromptEmbedding constant = new PromptEmbedding() {
      @Override
      public int dimension() {
        return 3;
      }

      @Override
      public boolean embed(String text, int[] tokens, float[] out) {
        calls.incrementAndGet();
        out[0] = 1;
        return true;
      }
    };
    MonitorResult plugged = Monitor.builder().embedding(constant).build().run(List.of(log));
    assertThat(calls.get()).isEqualTo(plugged.accounts().stream().mapToLong(MonitorResult.Account::requests).sum());
    assertThat(plugged.accounts()).allMatch(a -> a.signals().get("prada") == 0);
    double campaign = plugged.accounts().stream().filter(a -> a.account().startsWith("x"))
        .mapToDouble(a -> a.signals().get("diversity_mmd")).max().orElseThrow();
    assertThat(campaign).isLessThan(hashed.accounts().stream().filter(a -> a.account().startsWith("x"))
        .mapToDouble(a -> a.signals().get("diversity_mmd")).min().orElseThrow());
  }

  @Test
  void accountsActiveAtTheSameScheduledMomentsAreOneClusterLinkedByTiming() throws Exception {
    Path log = TestLogs.write(dir.resolve("log.jsonl"), 4, 200, 0, 0);
    StringBuilder b = new StringBuilder(java.nio.file.Files.readString(log));
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(8);
    for (int a = 0; a < 10; a++) {
      for (int m = 0; m < 12; m++) {
        long t = TestLogs.T0 + m * 86_400L + 4 * 3600 + rnd.nextInt(30);
        b.append("{\"time\":").append(t).append(",\"account\":\"s").append(a).append("\",\"ip\":\"192.0.2.")
            .append(a).append("\",\"prompt\":\"question ").append(rnd.nextLong()).append(" about topic ")
            .append(rnd.nextInt()).append(" please\"}\n");
      }
    }
    java.nio.file.Files.writeString(log, b);
    MonitorResult r = Monitor.builder().build().run(List.of(log));
    List<MonitorResult.Cluster> timed = r.clusters().stream().filter(c -> c.links().contains("timing")).toList();
    assertThat(timed).singleElement().satisfies(c -> {
      assertThat(c.accounts()).hasSize(10).allMatch(a -> a.startsWith("s"));
      assertThat(c.links()).containsExactly("timing");
    });
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
