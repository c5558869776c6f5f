package io.tracemark.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.BiasScheme;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.TokenSampler;
import io.tracemark.core.Watermarks;
import io.tracemark.core.sampling.Samplers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** detect and verify with an interoperability profile: the key lives in the SPEC and is never printed. */
class InteropCliTest {
  static final String KEY = "987654321987";
  static final String SPEC = "lmw:seeding=lefthash,gamma=0.25,vocab=4000,hash-key=" + KEY;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  static int[] generate(BiasScheme bias, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    TokenSampler sampler = Samplers.multinomial(random);
    int[] tokens = new int[n];
    tokens[0] = random.nextInt(4000);
    float[] logits = new float[4000];
    for (int i = 1; i < n; i++) {
      for (int t = 0; t < logits.length; t++) {
        logits[t] = (float) (-0.6 * Math.log(t + 1.0) + 1.5 * random.nextGaussian());
      }
      if (bias != null) {
        bias.apply(tokens, i, logits);
      }
      tokens[i] = sampler.sample(logits);
    }
    return tokens;
  }

  static String ids(int[] t) {
    return IntStream.of(t).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  @Test
  void detectAndVerifyWithAnLmWatermarkingProfile() throws Exception {
    BiasScheme bias = Watermarks.create((InteropSpec) SchemeSpec.parse(SPEC)).bias().orElseThrow();
    CliRun d = CliRun.run("detect", "--scheme", SPEC, "--tokens", ids(generate(bias, 300, 1)), "--json");
    assertThat(d.code()).as(d.err()).isZero();
    JsonNode n = JSON.readTree(d.out());
    assertThat(n.get("verdict").asText()).isEqualTo("detected");
    assertThat(n.get("scheme").asText()).contains("hash-key=***");
    assertThat(n.get("caveat").asText()).contains("GPU");
    assertThat(n.has("reference_p_value")).isTrue();

    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lines.add("{\"id\":\"r" + i + "\",\"tokens\":[" + ids(generate(bias, 100, 10 + i)) + "]}");
    }
    Path suspect = dir.resolve("suspect.jsonl");
    Files.write(suspect, lines);
    Path out = dir.resolve("report");
    CliRun v = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--control-keys", "20",
        "--out", out.toString(), "--json");
    assertThat(v.code()).as(v.err()).isZero();
    JsonNode r = JSON.readTree(v.out());
    assertThat(r.get("verdict").asText()).isEqualTo("detected");
    assertThat(r.get("controls").get("best_key_rank").asInt()).isEqualTo(1);
    String report = Files.readString(out.resolve("report.json"));
    JsonNode tree = JSON.readTree(report);
    assertThat(tree.get("scheme").get("spec").asText()).contains("hash-key=***");
    // lm-watermarking keys are enumerable: no commitment, and a warning in the report and on stderr
    assertThat(tree.get("key").get("commitment").asText()).startsWith("none");
    assertThat(tree.get("key").has("commitment_salt")).isFalse();
    assertThat(tree.get("key").get("warning").asText()).contains("guessable");
    assertThat(v.err()).contains("tracemark verify: warning: lmw keys are guessable");
    assertThat(report + Files.readString(out.resolve("report.html")) + d.out() + d.err() + v.out() + v.err())
        .doesNotContain(KEY);

    Path plain = dir.resolve("plain.jsonl");
    Files.write(plain, List.of("{\"tokens\":[" + ids(generate(null, 400, 99)) + "]}"));
    CliRun neg = CliRun.run("verify", "--scheme", SPEC, "--suspect", plain.toString(), "--control-keys", "20",
        "--out", dir.resolve("plain-report").toString(), "--json");
    assertThat(JSON.readTree(neg.out()).get("verdict").asText()).isEqualTo("not_detected");
  }

  @Test
  void keyOptionRulesDependOnTheFamily() throws Exception {
    Path key = dir.resolve("k.json");
    assertThat(CliRun.run("keygen", "--out", key.toString()).code()).isZero();
    CliRun both = CliRun.run("detect", "--scheme", SPEC, "--key", key.toString(), "--tokens", "1,2,3");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("--key does not apply to lmw: schemes");
    CliRun none = CliRun.run("detect", "--scheme", "kgw:gamma=0.25,h=1", "--tokens", "1,2,3");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--key is required for kgw: schemes");
    CliRun bad = CliRun.run("detect", "--scheme", "lmw:seeding=lefthash", "--tokens", "1,2,3");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--scheme:").contains("vocab");
  }
}
