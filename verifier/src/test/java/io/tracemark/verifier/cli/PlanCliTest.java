package io.tracemark.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.BiasScheme;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.core.Watermarks;
import io.tracemark.verifier.plan.Plan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracemark plan} (replay, ranking, pilot budget, atomic plan with its hash) and {@code verify --plan}. */
class PlanCliTest {
  static final String SPEC = InteropCliTest.SPEC;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  Path log;
  Path owner;
  BiasScheme bias;

  /** A log of 3 tenants × 10 prompts; tenant "b" repeats a prompt; answers watermarked; the owner corpus. */
  @BeforeEach
  void log() throws Exception {
    bias = Watermarks.create((InteropSpec) SchemeSpec.parse(SPEC)).bias().orElseThrow();
    List<String> lines = new ArrayList<>();
    List<String> ownerLines = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String tenant = String.valueOf((char) ('a' + i % 3));
      int[] answer = InteropCliTest.generate(bias, 20 + 5 * (i % 7), 500 + i);
      lines.add("{\"tenant\":\"" + tenant + "\",\"prompt\":\"prompt " + i + "\",\"answer_tokens\":["
          + InteropCliTest.ids(answer) + "]}");
      ownerLines.add("{\"tokens\":[" + InteropCliTest.ids(answer) + "]}");
    }
    lines.add("{\"tenant\":\"b\",\"prompt\":\"prompt 1\",\"answer_tokens\":[1,2,3]}");
    log = dir.resolve("log.jsonl");
    Files.write(log, lines);
    owner = dir.resolve("owner.jsonl");
    Files.write(owner, ownerLines);
  }

  private Path suspect(String name, int records, BiasScheme b, long seed) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      lines.add("{\"id\":\"" + name + i + "\",\"tokens\":[" + InteropCliTest.ids(InteropCliTest.generate(b, 60,
          seed + i)) + "]}");
    }
    Path p = dir.resolve(name + ".jsonl");
    Files.write(p, lines);
    return p;
  }

  @Test
  void replayWritesTheTenantsPromptsThePlanAndItsHashAtomically() throws Exception {
    Path out = dir.resolve("plan-b");
    CliRun r = CliRun.run("plan", "--log", log.toString(), "--replay", "b", "--scheme", SPEC, "--filter",
        owner.toString(), "--alpha", "1e-6", "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("queries:       10 (replay of tenant b)");
    List<String> queries = Files.readAllLines(out.resolve("queries.jsonl"));
    assertThat(queries).hasSize(10); // "prompt 1" once although sent twice
    assertThat(JSON.readTree(queries.get(0)).get("prompt").asText()).isEqualTo("prompt 1");
    assertThat(JSON.readTree(queries.get(9)).get("prompt").asText()).isEqualTo("prompt 28");
    byte[] planBytes = Files.readAllBytes(out.resolve("plan.json"));
    String hash = Plan.sha256(planBytes);
    assertThat(Files.readString(out.resolve("plan.json.sha256"))).isEqualTo(hash + "  plan.json\n");
    assertThat(r.out()).contains(hash);
    JsonNode plan = JSON.readTree(planBytes);
    assertThat(plan.get("schema").asText()).isEqualTo("tracemark-plan");
    assertThat(plan.get("scheme").asText()).contains("hash-key=***").doesNotContain(InteropCliTest.KEY);
    assertThat(plan.get("statistic").asText()).isEqualTo("binomial");
    assertThat(plan.get("weights").asText()).isEqualTo("none");
    assertThat(plan.get("dedup").asText()).isEqualTo("window+token");
    assertThat(plan.get("alpha").asDouble()).isEqualTo(1e-6);
    assertThat(plan.get("filter_sha256").asText()).isEqualTo(Plan.filterDigest(List.of(owner))).hasSize(64);
    assertThat(plan.get("queries").get("sha256").asText())
        .isEqualTo(Plan.sha256(Files.readAllBytes(out.resolve("queries.jsonl"))));
    assertThat(plan.get("pilot").isNull()).isTrue();
    assertThat(new String(planBytes, StandardCharsets.UTF_8)).doesNotContain(InteropCliTest.KEY);

    CliRun unknown = CliRun.run("plan", "--log", log.toString(), "--replay", "zz", "--scheme", SPEC, "--out",
        dir.resolve("x").toString());
    assertThat(unknown.code()).isEqualTo(3);
    assertThat(unknown.err()).contains("no prompt of tenant \"zz\"");
  }

  @Test
  void rankingPutsPromptsWithMoreFrequentWindowsFirst() throws Exception {
    Path out = dir.resolve("plan-rank");
    CliRun r = CliRun.run("plan", "--log", log.toString(), "--rank", "frequent-windows", "--frequent-top", "50",
        "--queries", "12", "--scheme", SPEC, "--out", out.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    List<String> queries = Files.readAllLines(out.resolve("queries.jsonl"));
    assertThat(queries).hasSize(12);
    long previous = Long.MAX_VALUE;
    for (String q : queries) {
      long w = JSON.readTree(q).get("frequent_windows").asLong();
      assertThat(w).isLessThanOrEqualTo(previous);
      previous = w;
    }
    assertThat(JSON.readTree(queries.get(0)).get("frequent_windows").asLong()).isPositive();
    assertThat(JSON.readTree(r.out()).get("content").get("queries").get("mode").asText())
        .isEqualTo("frequent-windows");
    CliRun bad = CliRun.run("plan", "--log", log.toString(), "--rank", "often", "--scheme", SPEC, "--out",
        out.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--rank must be frequent-windows");
    CliRun both = CliRun.run("plan", "--log", log.toString(), "--rank", "frequent-windows", "--replay", "a",
        "--scheme", SPEC, "--out", out.toString());
    assertThat(both.code()).isEqualTo(2);
  }

  @Test
  void aPilotEstimatesTheUpliftAndTheBudget() throws Exception {
    Path pilot = suspect("pilot", 20, bias, 900);
    Path out = dir.resolve("plan-pilot");
    CliRun r = CliRun.run("plan", "--log", log.toString(), "--replay", "a", "--scheme", SPEC, "--alpha", "1e-6",
        "--pilot", pilot.toString(), "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("pilot:         20 answers").contains("queries for 90% power at alpha 1e-6");
    JsonNode p = JSON.readTree(Files.readString(out.resolve("plan.json"))).get("pilot");
    assertThat(p.get("queries").asLong()).isEqualTo(20);
    double uplift = p.get("uplift").asDouble();
    assertThat(uplift).isPositive();
    assertThat(p.get("uplift_ci95").get(0).asDouble()).isLessThan(uplift).isPositive();
    assertThat(p.get("uplift_ci95").get(1).asDouble()).isGreaterThan(uplift);
    assertThat(p.get("tuples_per_query").asDouble()).isEqualTo(p.get("tuples").asDouble() / 20);
    long q90 = p.get("queries_for_power_90").asLong();
    assertThat(q90).isPositive().isGreaterThanOrEqualTo(p.get("queries_for_power_50").asLong());

    // an innocent pilot: no uplift to speak of, a budget far larger or none
    Path innocent = suspect("innocent", 20, null, 950);
    CliRun n = CliRun.run("plan", "--log", log.toString(), "--replay", "a", "--scheme", SPEC, "--alpha", "1e-6",
        "--pilot", innocent.toString(), "--out", dir.resolve("plan-innocent").toString(), "--json");
    assertThat(n.code()).as(n.err()).isZero();
    JsonNode np = JSON.readTree(n.out()).get("content").get("pilot");
    assertThat(np.get("uplift_ci95").get(0).asDouble()).isNegative();
    assertThat(np.get("queries_for_power_90").isNull() || np.get("queries_for_power_90").asLong() > 20 * q90)
        .isTrue();
  }

  @Test
  void verifyFollowsThePlanRecordsItsHashAndListsEveryMismatch() throws Exception {
    Path out = dir.resolve("plan-v");
    CliRun r = CliRun.run("plan", "--log", log.toString(), "--replay", "a", "--scheme", SPEC, "--filter",
        owner.toString(), "--weights", "reference", "--alpha", "1e-3", "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String hash = Plan.sha256(Files.readAllBytes(out.resolve("plan.json")));
    Path suspect = suspect("main", 10, bias, 1000);
    Path report = dir.resolve("report");
    CliRun v = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--filter", owner.toString(),
        "--weights", "reference", "--alpha", "1e-3", "--plan", out.toString(), "--control-keys", "0", "--json",
        "--out", report.toString());
    assertThat(v.code()).as(v.err()).isZero();
    JsonNode rep = JSON.readTree(Files.readString(report.resolve("report.json")));
    assertThat(rep.get("plan").get("sha256").asText()).isEqualTo(hash);
    assertThat(rep.get("plan").get("queries").asInt()).isEqualTo(10);
    assertThat(JSON.readTree(v.out()).get("plan").get("sha256").asText()).isEqualTo(hash);
    assertThat(Files.readString(report.resolve("report.html"))).contains("pre-registered plan").contains(hash);
    // the plan block stands before the inputs in the canonical order
    List<String> names = new ArrayList<>();
    rep.fieldNames().forEachRemaining(names::add);
    assertThat(names.indexOf("plan")).isEqualTo(names.indexOf("inputs") - 1);

    // another alpha, dedup, weights and filter: each one named
    Path other = dir.resolve("other.jsonl");
    Files.write(other, List.of("{\"tokens\":[5,6,7,8]}"));
    CliRun bad = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--filter", other.toString(),
        "--dedup", "window", "--alpha", "1e-2", "--plan", out.resolve("plan.json").toString(), "--control-keys", "0",
        "--out", dir.resolve("bad").toString());
    assertThat(bad.code()).isEqualTo(3);
    assertThat(bad.err()).contains("does not follow the plan (sha256 " + hash + ")")
        .contains("statistic: the plan has weighted_binomial, the run binomial")
        .contains("weights: the plan has reference, the run none").contains("dedup: the plan has window+token, the run window")
        .contains("filter corpus sha256: the plan has " + Plan.filterDigest(List.of(owner)))
        .contains("alpha: the plan has 0.001, the run 0.01");
    assertThat(Files.exists(dir.resolve("bad").resolve("report.json"))).isFalse();
    CliRun notAPlan = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--plan",
        suspect.toString(), "--out", dir.resolve("bad2").toString());
    assertThat(notAPlan.code()).isEqualTo(3);
    assertThat(notAPlan.err()).contains("not a tracemark plan");
  }

  @Test
  void theSignatureCoversThePlansHash() throws Exception {
    Path out = dir.resolve("plan-s");
    assertThat(CliRun.run("plan", "--log", log.toString(), "--replay", "c", "--scheme", SPEC, "--out",
        out.toString()).code()).isZero();
    Path keys = dir.resolve("keys");
    Files.createDirectories(keys);
    Files.setPosixFilePermissions(keys, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    CliRun k = CliRun.run("keygen", "--signing", "--out", keys.resolve("SIGNER.json").toString());
    assertThat(k.code()).as(k.err()).isZero();
    Path report = dir.resolve("signed");
    CliRun v = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect("s", 3, bias, 70).toString(), "--plan",
        out.toString(), "--control-keys", "0", "--sign-key", keys.resolve("SIGNER.json").toString(), "--out",
        report.toString());
    assertThat(v.code()).as(v.err()).isZero();
    Path pub = keys.resolve("SIGNER.pub");
    assertThat(CliRun.run("report-verify", report.toString(), "--public-key", pub.toString()).code()).isZero();
    String hash = Plan.sha256(Files.readAllBytes(out.resolve("plan.json")));
    String json = Files.readString(report.resolve("report.json"));
    assertThat(json).contains(hash);
    // another plan hash in the signed report: the signature no longer verifies
    Files.writeString(report.resolve("report.json"), json.replace(hash, hash.replace(hash.charAt(0),
        hash.charAt(0) == 'a' ? 'b' : 'a')));
    assertThat(CliRun.run("report-verify", report.toString(), "--public-key", pub.toString()).code()).isEqualTo(4);
  }

  @Test
  void badLogRecordsNameFileAndLine() throws Exception {
    Path bad = dir.resolve("bad-log.jsonl");
    Files.write(bad, List.of("{\"tenant\":\"a\",\"prompt\":\"x\",\"answer_tokens\":[1]}",
        "{\"tenant\":\"a\",\"answer_tokens\":[1]}"));
    CliRun r = CliRun.run("plan", "--log", bad.toString(), "--replay", "a", "--scheme", SPEC, "--out",
        dir.resolve("o").toString());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains(bad + ":2: record has no \"prompt\"");
    Files.write(bad, List.of("{\"tenant\":\"a\",\"prompt\":\"x\",\"answer_tokens\":[1, 99999]}"));
    CliRun range = CliRun.run("plan", "--log", bad.toString(), "--replay", "a", "--scheme", SPEC, "--out",
        dir.resolve("o").toString());
    assertThat(range.code()).isEqualTo(3);
    assertThat(range.err()).contains(bad + ":1: answer token 1: token id must be between 0 and 3999, was 99999");
  }

  @Test
  void aGzipLogReadsAsThePlainOneAndSkippedLinesAreCountedAndListed() throws Exception {
    Path plain = dir.resolve("plan-plain");
    assertThat(CliRun.run("plan", "--log", log.toString(), "--replay", "b", "--scheme", SPEC, "--out",
        plain.toString()).code()).isZero();
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.add(1, "{\"tenant\":\"b\",\"answer_tokens\":[1]}");
    lines.add(4, "{not json");
    Path gz = dir.resolve("log.jsonl.gz");
    try (java.io.OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    CliRun failing = CliRun.run("plan", "--log", gz.toString(), "--replay", "b", "--scheme", SPEC, "--out",
        dir.resolve("plan-fail").toString());
    assertThat(failing.code()).isEqualTo(3);
    assertThat(failing.err()).contains(gz + ":2: record has no \"prompt\"");
    assertThat(Files.exists(dir.resolve("plan-fail").resolve("plan.json"))).isFalse();

    Path skipped = dir.resolve("plan-skip");
    CliRun r = CliRun.run("plan", "--log", gz.toString(), "--replay", "b", "--scheme", SPEC, "--on-bad-record",
        "skip", "--json", "--out", skipped.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode out = JSON.readTree(r.out());
    assertThat(out.get("log_lines_skipped").asLong()).isEqualTo(2);
    assertThat(out.get("log_skipped").get(0).get("record").asText()).isEqualTo(gz + ":2");
    assertThat(out.get("log_skipped").get(0).get("reason").asText()).isEqualTo("record has no \"prompt\"");
    assertThat(out.get("log_skipped").get(1).get("record").asText()).isEqualTo(gz + ":5");
    assertThat(out.get("log_skipped").get(1).get("reason").asText()).startsWith("malformed JSON");
    // the good lines give exactly the plain log's queries
    assertThat(Files.readAllBytes(skipped.resolve("queries.jsonl")))
        .isEqualTo(Files.readAllBytes(plain.resolve("queries.jsonl")));
    CliRun text = CliRun.run("plan", "--log", gz.toString(), "--replay", "b", "--scheme", SPEC, "--on-bad-record",
        "skip", "--out", dir.resolve("plan-skip-text").toString());
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("skipped:       2 bad log lines, 0 bad pilot records (first: " + gz + ":2)");
  }

  @Test
  void thePlanFixesTheTokenizerAndTheNormalization() throws Exception {
    Path out = dir.resolve("plan-n");
    CliRun r = CliRun.run("plan", "--log", log.toString(), "--replay", "a", "--scheme", SPEC, "--normalize",
        "nfkc", "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode plan = JSON.readTree(Files.readString(out.resolve("plan.json")));
    assertThat(plan.get("schema_version").asInt()).isEqualTo(Plan.SCHEMA_VERSION);
    assertThat(plan.get("normalization").asText()).isEqualTo("nfkc");
    String tokenizer = plan.get("tokenizer").asText();
    assertThat(tokenizer).isNotBlank();
    Path suspect = suspect("n", 3, bias, 90);
    CliRun follows = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--normalize", "nfkc",
        "--plan", out.toString(), "--control-keys", "0", "--out", dir.resolve("rep-n").toString());
    assertThat(follows.code()).as(follows.err()).isZero();
    CliRun departs = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--plan",
        out.toString(), "--control-keys", "0", "--out", dir.resolve("rep-none").toString());
    assertThat(departs.code()).isEqualTo(3);
    assertThat(departs.err()).contains("normalization: the plan has nfkc, the run none");

    // a plan of the first schema version (no tokenizer, no normalisation) is refused with the reason
    Path old = dir.resolve("old-plan.json");
    Files.writeString(old, Files.readString(out.resolve("plan.json")).replace("\"schema_version\" : "
        + Plan.SCHEMA_VERSION, "\"schema_version\" : 1"));
    CliRun refused = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--plan",
        old.toString(), "--control-keys", "0", "--out", dir.resolve("rep-old").toString());
    assertThat(refused.code()).isEqualTo(3);
    assertThat(refused.err()).contains("a tracemark plan of schema version 1").contains("did not record the tokenizer");
  }

  /** n tokens sampled by the vllm Gumbel scheme (or plainly, without it) from noisy Zipf logits over 4,000 ids. */
  private static int[] gumbel(io.tracemark.api.SamplingScheme scheme, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] tokens = new int[n];
    tokens[0] = random.nextInt(4000);
    float[] logits = new float[4000];
    for (int i = 1; i < n; i++) {
      for (int t = 0; t < logits.length; t++) {
        logits[t] = (float) (-0.6 * Math.log(t + 1.0) + 1.5 * random.nextGaussian());
      }
      tokens[i] = scheme != null ? scheme.sample(tokens, i, logits, random)
          : io.tracemark.core.sampling.Samplers.multinomial(random).sample(logits);
    }
    return tokens;
  }

  @Test
  void aGumbelPilotGetsTheGammaSumBudget() throws Exception {
    String vllm = "vllm:algorithm=gumbel,key=8675309,vocab=4000";
    io.tracemark.api.SamplingScheme scheme = Watermarks.create((InteropSpec) SchemeSpec.parse(vllm)).sampling()
        .orElseThrow();
    List<String> marked = new ArrayList<>();
    List<String> plain = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      // a suspect that follows the watermark on one answer in four
      marked.add("{\"tokens\":[" + InteropCliTest.ids(gumbel(i % 4 == 0 ? scheme : null, 60, 3000 + i)) + "]}");
      plain.add("{\"tokens\":[" + InteropCliTest.ids(gumbel(null, 60, 4000 + i)) + "]}");
    }
    Path pilot = dir.resolve("gumbel-pilot.jsonl");
    Files.write(pilot, marked);
    Path innocent = dir.resolve("gumbel-innocent.jsonl");
    Files.write(innocent, plain);
    Path out = dir.resolve("plan-gumbel");
    CliRun r = CliRun.run("plan", "--log", log.toString(), "--replay", "a", "--scheme", vllm, "--alpha", "1e-6",
        "--pilot", pilot.toString(), "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode plan = JSON.readTree(Files.readString(out.resolve("plan.json")));
    assertThat(plan.get("statistic").asText()).isEqualTo("gamma_sum");
    JsonNode p = plan.get("pilot");
    assertThat(p.get("gamma").asDouble()).isEqualTo(1.0);
    double uplift = p.get("uplift").asDouble();
    assertThat(uplift).isPositive();
    assertThat(p.get("rate").asDouble()).isCloseTo(p.get("score").asDouble() / p.get("tuples").asDouble(),
        org.assertj.core.data.Offset.offset(1e-12));
    assertThat(p.get("uplift_ci95").get(0).asDouble()).isLessThan(uplift).isPositive();
    assertThat(p.get("uplift_ci95").get(1).asDouble()).isGreaterThan(uplift);
    long q90 = p.get("queries_for_power_90").asLong();
    assertThat(q90).isPositive().isGreaterThanOrEqualTo(p.get("queries_for_power_50").asLong());
    assertThat(r.out()).contains("(mean score ").contains(" vs 1 under H0");

    CliRun n = CliRun.run("plan", "--log", log.toString(), "--replay", "a", "--scheme", vllm, "--alpha", "1e-6",
        "--pilot", innocent.toString(), "--out", dir.resolve("plan-gumbel-innocent").toString(), "--json");
    assertThat(n.code()).as(n.err()).isZero();
    JsonNode np = JSON.readTree(n.out()).get("content").get("pilot");
    assertThat(np.get("uplift_ci95").get(0).asDouble()).isNegative();
    assertThat(np.get("queries_for_power_90").isNull() || np.get("queries_for_power_90").asLong() > 5 * q90)
        .isTrue();
  }
}
