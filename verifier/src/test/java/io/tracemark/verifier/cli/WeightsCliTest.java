package io.tracemark.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.BiasScheme;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.core.Watermarks;
import io.tracemark.core.stats.WeightedPValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify --weights}: the interface of the independent neural check, its report and its errors. */
class WeightsCliTest {
  static final String SPEC = InteropCliTest.SPEC;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Path corpus(String name, BiasScheme bias, int records, long seed) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      lines.add("{\"id\":\"" + name + i + "\",\"tokens\":[" + InteropCliTest.ids(InteropCliTest.generate(bias, 120,
          seed + i)) + "]}");
    }
    Path p = dir.resolve(name + ".jsonl");
    Files.write(p, lines);
    return p;
  }

  @Test
  void referenceWeightsOnAnInteropSchemeReportTheStatisticTheWeightsAndTheGrid() throws Exception {
    BiasScheme bias = Watermarks.create((InteropSpec) SchemeSpec.parse(SPEC)).bias().orElseThrow();
    Path owner = corpus("owner", bias, 30, 100);
    Path suspect = corpus("suspect", bias, 8, 200);
    Path out = dir.resolve("report");
    CliRun v = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--filter",
        owner.toString(), "--weights", "reference", "--control-keys", "0", "--json", "--out", out.toString());
    assertThat(v.code()).as(v.err()).isZero();
    JsonNode r = JSON.readTree(v.out());
    JsonNode st = r.get("statistic");
    assertThat(st.get("name").asText()).isEqualTo("weighted_binomial");
    assertThat(st.get("weights").asText()).startsWith("reference: w = ln(1 + count of the 1-token context");
    assertThat(st.get("quantization").asText()).contains("0..64");
    long tuples = 0;
    for (JsonNode n : st.get("tuples_per_level")) {
      tuples += n.asLong();
    }
    assertThat(tuples).isEqualTo(r.get("tuples_scored").asLong());
    assertThat(r.get("log10_p").asDouble()).isLessThan(-3);
    JsonNode report = JSON.readTree(Files.readString(out.resolve("report.json")));
    assertThat(report.get("statistic")).isEqualTo(st);
    assertThat(st.get("owner_corpus_sha256").get(0).asText())
        .isEqualTo(report.get("inputs").get("filter_files").get(0).get("sha256").asText()).hasSize(64);

    // a context wider than the window, and the innocent corpus
    Path innocent = corpus("innocent", null, 8, 300);
    CliRun n = CliRun.run("verify", "--scheme", SPEC, "--suspect", innocent.toString(), "--filter",
        owner.toString(), "--weights", "reference:2", "--control-keys", "0", "--json", "--out",
        dir.resolve("innocent-report").toString());
    assertThat(n.code()).as(n.err()).isZero();
    JsonNode nr = JSON.readTree(n.out());
    assertThat(nr.get("statistic").get("weights").asText()).contains("2-token context");
    assertThat(nr.get("verdict").asText()).isEqualTo("not_detected");
  }

  @Test
  void gumbelSchemesGetTheWeightedGammaSum() throws Exception {
    Path sample = Path.of("..", "docs", "sample");
    CliRun v = CliRun.run("verify", "--scheme", "vllm:algorithm=gumbel,key=8675309", "--suspect",
        sample.resolve("suspect.jsonl").toString(), "--filter", sample.resolve("innocent.jsonl").toString(),
        "--weights", "reference", "--control-keys", "0", "--json", "--out", dir.resolve("g").toString());
    assertThat(v.code()).as(v.err()).isZero();
    JsonNode r = JSON.readTree(v.out());
    JsonNode st = r.get("statistic");
    assertThat(st.get("name").asText()).isEqualTo("weighted_gamma_sum");
    long[] levels = new long[st.get("tuples_per_level").size()];
    for (int l = 0; l < levels.length; l++) {
      levels[l] = st.get("tuples_per_level").get(l).asLong();
    }
    assertThat(r.get("log10_p").asDouble()).isCloseTo(WeightedPValues.log10GammaUpperTail(levels,
        st.get("score").asDouble()), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(st.get("null_mean").asDouble()).isEqualTo(WeightedPValues.gammaMean(levels));
  }

  @Test
  void theUnweightedJsonHasNoStatisticBlock() throws Exception {
    Path suspect = corpus("plain", null, 2, 1);
    CliRun v = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--control-keys", "0",
        "--json", "--out", dir.resolve("r").toString());
    assertThat(v.code()).as(v.err()).isZero();
    assertThat(JSON.readTree(v.out()).has("statistic")).isFalse();
  }

  @Test
  void twoLevelDedupIsAnOptionOfVerifyAndNamedInTheReport() throws Exception {
    Path suspect = corpus("two", null, 3, 5);
    Path out = dir.resolve("two-report");
    CliRun v = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--dedup",
        "first-window+token", "--control-keys", "0", "--json", "--out", out.toString());
    assertThat(v.code()).as(v.err()).isZero();
    JsonNode report = JSON.readTree(Files.readString(out.resolve("report.json")));
    assertThat(report.get("options").get("dedup").asText()).isEqualTo("first-window+token");
    CliRun bad = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--dedup", "twice",
        "--out", dir.resolve("bad").toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("window+token, first-window+token, window or none");
  }

  @Test
  void badWeightOptionsAreRefusedWithTheReason() throws Exception {
    Path suspect = corpus("s", null, 1, 1);
    CliRun noFilter = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--weights",
        "reference", "--out", dir.resolve("a").toString());
    assertThat(noFilter.code()).isEqualTo(2);
    assertThat(noFilter.err()).contains("--weights reference needs --filter");
    CliRun unknown = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--filter",
        suspect.toString(), "--weights", "entropy", "--out", dir.resolve("b").toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err())
        .contains("--weights must be reference, reference:N, field:NAME or field:NAME:MAX, was \"entropy\"");
    CliRun badN = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--filter",
        suspect.toString(), "--weights", "reference:x", "--out", dir.resolve("c").toString());
    assertThat(badN.code()).isEqualTo(2);
    assertThat(badN.err()).contains("--weights reference:N needs N between 0 and 64, was \"x\"");
  }
}
