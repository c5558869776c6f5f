package io.tracemark.examples.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrafficSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("time", "account", "tenant", "ip", "payment", "prompt",
      "max_tokens", "temperature", "n", "response_tokens");

  @TempDir
  static Path shared;
  static TrafficSummary summary;
  static TrafficLabels labels;
  static List<JsonNode> log;

  /** One default-shaped simulation (fewer benign accounts) that the property tests read. */
  @BeforeAll
  static void simulate() throws IOException {
    TrafficConfig c = TrafficConfig.defaults(7).with(1000, 14, Campaign.parseList("sweep:40,pivot:25,slow:100"));
    summary = new TrafficSimulator(c).writeTo(shared);
    labels = TrafficLabels.read(shared.resolve("labels.jsonl"));
    log = read(shared.resolve(c.logName()));
  }

  @Test
  void sameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot(@TempDir Path dir) throws IOException {
    TrafficConfig c = TrafficConfig.defaults(11).with(150, 3, Campaign.parseList("sweep:5,pivot:4,slow:20"));
    new TrafficSimulator(c).writeTo(dir.resolve("a"));
    new TrafficSimulator(c).writeTo(dir.resolve("b"));
    TrafficConfig other = TrafficConfig.defaults(12).with(150, 3, c.campaigns());
    new TrafficSimulator(other).writeTo(dir.resolve("c"));
    for (String f : List.of("traffic.jsonl.gz", "labels.jsonl", "traffic.json")) {
      assertThat(Files.size(dir.resolve("a").resolve(f))).isPositive();
      assertThat(Files.mismatch(dir.resolve("a").resolve(f), dir.resolve("b").resolve(f))).as(f).isEqualTo(-1);
      assertThat(Files.mismatch(dir.resolve("a").resolve(f), dir.resolve("c").resolve(f))).as(f).isNotEqualTo(-1);
    }
  }

  @Test
  void everyLineHasExactlyTheLogFieldsInTimeOrderAndTheLabelsCountIt() {
    Map<String, Long> perAccount = new HashMap<>();
    Instant previous = Instant.MIN;
    for (JsonNode o : log) {
      Set<String> names = new HashSet<>();
      for (Iterator<String> i = o.fieldNames(); i.hasNext(); ) {
        names.add(i.next());
      }
      assertThat(names).isEqualTo(FIELDS);
      Instant t = Instant.parse(o.get("time").asText());
      assertThat(t).isAfterOrEqualTo(previous);
      previous = t;
      perAccount.merge(o.get("account").asText(), 1L, Long::sum);
    }
    assertThat(log).hasSize((int) summary.lines());
    assertThat(labels.byAccount()).hasSize(1000 + 40 + 25 + 100);
    for (TrafficLabels.Label l : labels.byAccount().values()) {
      assertThat(perAccount.getOrDefault(l.account(), 0L)).as(l.account()).isEqualTo(l.requests());
    }
    assertThat(perAccount.keySet()).isSubsetOf(labels.byAccount().keySet());
  }

  @Test
  void volumeAloneDoesNotSeparateCampaignsFromPeople() {
    List<Long> people = requests("human");
    List<Long> sweep = requests("sweep");
    List<Long> slow = requests("slow");
    // a few heavy benign users (about 1%) send more than the median sweep account
    assertThat(people.stream().filter(n -> n > median(sweep)).count()).isBetween(2L, 50L);
    // slow-campaign accounts send less than a typical person
    assertThat(median(slow)).isLessThan(median(people));
  }

  @Test
  void theSlowCampaignIsUnderOnePercentOfTheLogOverAtLeastOneHundredAccountsAndManyTenants() {
    TrafficSummary.CampaignStats slow = summary.campaigns().get(2);
    assertThat(slow.kind()).isEqualTo(Campaign.Kind.SLOW);
    assertThat(slow.accounts()).isGreaterThanOrEqualTo(100);
    assertThat(summary.share(slow)).isPositive().isLessThanOrEqualTo(0.01);
    assertThat(slow.tenants().size()).isGreaterThan(slow.accounts() / 4);
    assertThat(summary.campaigns().get(0).tenants()).hasSize(1);
    assertThat(summary.campaigns().get(1).tenants()).hasSize(1);
  }

  @Test
  void pivotAccountsSweepOnlyFromWithin24HoursAfterTheRelease() {
    Instant release = summary.releases().get(0);
    Map<String, Instant> firstSweep = new HashMap<>();
    int before = 0;
    for (JsonNode o : log) {
      String account = o.get("account").asText();
      if (!"pivot".equals(labels.byAccount().get(account).kind())) {
        continue;
      }
      Instant t = Instant.parse(o.get("time").asText());
      boolean sweep = o.get("prompt").asText().matches("(?s)(Write a Python|Implement in Java|Find the bug).*");
      if (sweep) {
        firstSweep.putIfAbsent(account, t);
      } else {
        assertThat(t).isBefore(release.plusSeconds(24 * 3600));
        before++;
      }
    }
    assertThat(firstSweep).hasSize(25);
    assertThat(before).isPositive();
    for (Instant t : firstSweep.values()) {
      assertThat(t).isAfter(release).isBefore(release.plusSeconds(24 * 3600));
    }
  }

  @Test
  void campaignsShareIdentifiersAndAskForReasoningWhilePeopleRarelyDo() {
    Map<String, Set<String>> payments = new HashMap<>();
    Map<String, Set<String>> ips = new HashMap<>();
    long human = 0;
    long humanReasoning = 0;
    for (JsonNode o : log) {
      TrafficLabels.Label l = labels.byAccount().get(o.get("account").asText());
      String prompt = o.get("prompt").asText().toLowerCase(java.util.Locale.ROOT);
      boolean reasoning = prompt.contains("step by step") || prompt.contains("reasoning");
      if (l.kind().equals("human")) {
        human++;
        humanReasoning += reasoning ? 1 : 0;
      } else if (l.kind().equals("sweep") || l.kind().equals("slow")) {
        assertThat(reasoning || prompt.contains("chain of thought")).as(prompt).isTrue();
        assertThat(o.get("max_tokens").asInt()).isGreaterThanOrEqualTo(2048);
      }
      if (!l.benign()) {
        payments.computeIfAbsent(l.campaign(), k -> new TreeSet<>()).add(o.get("payment").asText());
        ips.computeIfAbsent(l.campaign(), k -> new TreeSet<>()).add(o.get("ip").asText());
      }
    }
    // people ask for reasoning now and then (about 3% of requests), so the phrase alone is not a detector
    assertThat((double) humanReasoning / human).isBetween(0.02, 0.05);
    for (TrafficSummary.CampaignStats c : summary.campaigns()) {
      assertThat(payments.get(c.id()).size()).as(c.id()).isLessThan(c.accounts() / 4);
      assertThat(ips.get(c.id()).size()).as(c.id()).isLessThan(c.accounts() / 2);
    }
    // benign batch jobs repeat a template of their own
    assertThat(requests("batch")).isNotEmpty();
  }

  @Test
  void badCampaignSpecificationsNameTheItem() {
    assertThatThrownBy(() -> Campaign.parseList("sweep:40,storm:3")).hasMessageContaining("storm:3")
        .hasMessageContaining("unknown kind");
    assertThatThrownBy(() -> Campaign.parseList("slow:x")).hasMessageContaining("slow:x");
    assertThatThrownBy(() -> Campaign.parseList("slow:0")).hasMessageContaining("accounts must be >= 1");
    assertThat(Campaign.parseList("")).isEmpty();
    assertThat(Campaign.parseList("slow:150:8")).containsExactly(new Campaign("c1", Campaign.Kind.SLOW, 150, 8));
  }

  private static List<Long> requests(String kind) {
    List<Long> out = new ArrayList<>();
    for (TrafficLabels.Label l : labels.byAccount().values()) {
      if (l.kind().equals(kind)) {
        out.add(l.requests());
      }
    }
    return out;
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static List<JsonNode> read(Path gz) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }
}
