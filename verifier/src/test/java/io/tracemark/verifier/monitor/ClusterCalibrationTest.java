package io.tracemark.verifier.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster null under self-calibration: a slow campaign hidden beside heavy sweep campaigns is
 * found (the null leaves out the accounts already found), and a benign organisation whose
 * accounts run batch jobs is not flagged (a group's statistic leaves out its most extreme
 * accounts, in the null's random groups as in the cluster).
 */
class ClusterCalibrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DAY = 86_400;

  @TempDir
  Path dir;

  @Test
  void aSlowCampaignHiddenAmongSweepCampaignsIsFlaggedUnderSelfCalibration() throws Exception {
    Log log = new Log(21);
    log.benign(400);
    log.batchJobs(8);
    for (int c = 0; c < 3; c++) { // three sweeps of 30 accounts, 200 reasoning requests each
      for (int a = 0; a < 30; a++) {
        for (int i = 0; i < 200; i++) {
          log.add(TestLogs.T0 + 7 * DAY + log.rnd.nextInt(7 * DAY), "w" + c + "-" + a, "sweep" + c, null,
              "card-w" + c, "Compute " + log.word() + " times " + log.word() + " step by step and show your reasoning",
              8192);
        }
      }
    }
    // the slow campaign: 100 accounts, 6 requests each (varied puzzles that ask for the reasoning) at four shared
    // moments a day, behind 5 proxies and 3 cards
    for (int a = 0; a < 100; a++) {
      for (int i = 0; i < 6; i++) {
        long t = TestLogs.T0 + (long) log.rnd.nextInt(14) * DAY + 6 * 3600 * log.rnd.nextInt(4) + log.rnd.nextInt(120);
        log.add(t, "s" + a, "slow" + a / 2, "203.0.113." + a % 5, "card-s" + a % 3,
            "Puzzle " + log.salad(5) + " think step by step", 1024);
      }
    }
    MonitorResult r = Monitor.builder().build().run(List.of(log.write(dir.resolve("log.jsonl"))));

    assertThat(r.baselineSource()).isEqualTo("log");
    MonitorResult.Cluster slow = r.clusters().stream().filter(c -> c.accounts().contains("s0")).findFirst()
        .orElseThrow();
    assertThat(slow.accounts()).hasSize(100).allMatch(a -> a.startsWith("s"));
    assertThat(slow.flagged()).isTrue();
    assertThat(slow.signals().get("cot_phrases")).isGreaterThanOrEqualTo(-Math.log10(Monitor.DEFAULT_CLUSTER_ALPHA));
    assertThat(r.accounts().stream().filter(a -> a.account().startsWith("s"))).hasSize(100)
        .allMatch(MonitorResult.Account::flagged);
    assertThat(r.accounts().stream().filter(a -> a.account().startsWith("w")))
        .hasSize(90).allMatch(MonitorResult.Account::flagged);
    assertThat(r.accounts().stream().filter(a -> a.account().startsWith("u") || a.account().startsWith("b")))
        .noneMatch(MonitorResult.Account::flagged);
  }

  @Test
  void aBenignOrganisationWithBatchJobsIsNotFlagged() throws Exception {
    Log log = new Log(22);
    log.benign(400);
    log.batchJobs(8);
    // an organisation of 6 accounts behind one address and one card: 4 people and 2 nightly batch jobs
    for (int a = 0; a < 4; a++) {
      log.person("o" + a, "org", "198.51.100.7", "card-org");
    }
    for (int a = 4; a < 6; a++) {
      log.batch("o" + a, "org", "198.51.100.7", "card-org", 900);
    }
    MonitorResult r = Monitor.builder().build().run(List.of(log.write(dir.resolve("log.jsonl"))));

    MonitorResult.Cluster org = r.clusters().stream().filter(c -> c.accounts().contains("o0")).findFirst()
        .orElseThrow();
    assertThat(org.accounts()).containsExactly("o0", "o1", "o2", "o3", "o4", "o5");
    assertThat(org.links()).contains("ip", "payment");
    assertThat(org.flagged()).isFalse();
    assertThat(r.accounts()).noneMatch(MonitorResult.Account::flagged);
  }

  /** A small log: people writing word salad, batch jobs of one template each, and what a test adds. */
  private static final class Log {
    final SplittableRandom rnd;
    final String[] words = new String[5_000];
    final List<ObjectNode> lines = new ArrayList<>();

    Log(long seed) {
      rnd = new SplittableRandom(seed);
      String[] syllables = {"ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "ve", "da", "gri", "mon", "tel", "sar"};
      for (int i = 0; i < words.length; i++) {
        StringBuilder w = new StringBuilder();
        for (int s = rnd.nextInt(1, 5); s > 0; s--) {
          w.append(syllables[rnd.nextInt(syllables.length)]);
        }
        words[i] = w.toString();
      }
    }

    String word() {
      return words[rnd.nextInt(words.length)];
    }

    String salad(int n) {
      StringBuilder p = new StringBuilder();
      for (int w = n; w > 0; w--) {
        p.append(word()).append(' ');
      }
      return p.toString().strip();
    }

    void benign(int accounts) {
      for (int a = 0; a < accounts; a++) {
        person("u" + a, "t" + a, "10.0." + a % 250 + "." + a / 250, null);
      }
    }

    void person(String account, String tenant, String ip, String payment) {
      for (int i = rnd.nextInt(3, 80); i > 0; i--) {
        add(TestLogs.T0 + rnd.nextInt(14 * DAY), account, tenant, ip, payment, salad(rnd.nextInt(5, 26)),
            256 << rnd.nextInt(3));
      }
    }

    /** Batch jobs of their own tenants and addresses, 300 to 900 requests each. */
    void batchJobs(int n) {
      for (int b = 0; b < n; b++) {
        batch("b" + b, "tb" + b, "10.9.0." + b, null, rnd.nextInt(300, 901));
      }
    }

    /** A batch job: one template of its own over varied words, runs at a fixed hour every day, 2 s apart. */
    void batch(String account, String tenant, String ip, String payment, int requests) {
      String template = "Label the " + word() + " of this " + word() + " record as " + word() + " or " + word() + ":";
      int hour = rnd.nextInt(24);
      int perDay = (requests + 13) / 14;
      for (int i = 0; i < requests; i++) {
        long t = TestLogs.T0 + (long) (i / perDay) * DAY + hour * 3600L + 2L * (i % perDay);
        add(t, account, tenant, ip, payment, template + " " + salad(6), 256);
      }
    }

    void add(long time, String account, String tenant, String ip, String payment, String prompt, int maxTokens) {
      ObjectNode r = JSON.createObjectNode();
      r.put("time", time);
      r.put("account", account);
      r.put("tenant", tenant);
      if (ip != null) {
        r.put("ip", ip);
      }
      if (payment != null) {
        r.put("payment", payment);
      }
      r.put("prompt", prompt);
      r.put("max_tokens", maxTokens);
      lines.add(r);
    }

    Path write(Path file) throws IOException {
      lines.sort(Comparator.comparingLong(r -> r.get("time").asLong()));
      StringBuilder b = new StringBuilder();
      for (ObjectNode r : lines) {
        b.append(r).append('\n');
      }
      Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
      return file;
    }
  }
}
