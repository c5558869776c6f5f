package io.tracemark.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.Detection;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** detect and verify with tracemark's own gumbel: scheme, keyed by a key file, end to end on token-id corpora. */
class GumbelCliTest {
  static final int VOCAB = 4000;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  static Path keyFile;
  static WatermarkKey key;

  @BeforeAll
  static void keys() throws IOException {
    keyFile = dir.resolve("key.json");
    KeyFiles.write(CliTest.fixedKey("gumbel owner"), keyFile);
    key = KeyFiles.read(keyFile);
  }

  /** n tokens; watermarked by {@code wm}'s sampling scheme, or plain multinomial draws when it is null. */
  static int[] text(Watermark wm, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    SamplingScheme s = wm == null ? null : wm.sampling().orElseThrow();
    int[] tokens = new int[n];
    float[] logits = new float[VOCAB];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < VOCAB; t++) {
        logits[t] = (float) (-0.6 * Math.log(t + 1.0) + 1.5 * random.nextGaussian());
      }
      tokens[i] = s != null ? s.sample(tokens, i, logits, random)
          : new io.tracemark.core.sampling.Multinomial().draw(logits, random);
    }
    return tokens;
  }

  static Path corpus(String name, Watermark wm, int count, long seed) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add("{\"id\":\"r" + i + "\",\"tokens\":[" + InteropCliTest.ids(text(wm, 60, seed + i)) + "]}");
    }
    Path p = dir.resolve(name);
    Files.write(p, String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
    return p;
  }

  @Test
  void detectScoresATextWithTheExactGammaTail() throws Exception {
    String spec = "gumbel:h=2,dual,alpha=0.2";
    Watermark wm = Watermarks.create(key, SchemeSpec.parse(spec), VOCAB);
    int[] tokens = text(wm, 150, 3);
    CliRun run = CliRun.run("detect", "--scheme", spec, "--key", keyFile.toString(), "--vocab-size",
        String.valueOf(VOCAB), "--tokens", InteropCliTest.ids(tokens), "--json");
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode n = JSON.readTree(run.out());
    Detection d = wm.detector().detect(tokens);
    assertThat(n.get("tuples_scored").asLong()).isEqualTo(d.tuplesScored());
    assertThat(n.get("score").asDouble()).isEqualTo(d.score());
    assertThat(n.get("statistic").asText()).isEqualTo("gamma_sum");
    assertThat(n.get("log10_p").asDouble()).isEqualTo(d.log10PValue()).isLessThan(-6);
    assertThat(n.get("verdict").asText()).isEqualTo("detected");
    assertThat(n.get("scheme").asText()).isEqualTo("gumbel:h=2,dual,alpha=0.2,score=sum");
    assertThat(n.get("key_id").asText()).isEqualTo(key.keyId());
    String secret = HexFormat.of().formatHex(CliTest.sha256("tracemark CliTest gumbel owner".getBytes(
        StandardCharsets.UTF_8)));
    assertThat(run.out() + run.err()).doesNotContain(secret.substring(0, 16));
    CliRun noKey = CliRun.run("detect", "--scheme", spec, "--tokens", "1,2,3");
    assertThat(noKey.code()).isEqualTo(2);
    assertThat(noKey.err()).contains("--key is required for gumbel: schemes");
  }

  /** detect with score=windowed names its score the best window's and gives no mean over the whole text. */
  @Test
  void detectSaysTheWindowedScoreIsTheBestWindows() throws Exception {
    String spec = "gumbel:h=2,score=windowed";
    Watermark wm = Watermarks.create(key, SchemeSpec.parse(spec), VOCAB);
    int[] tokens = text(wm, 150, 4);
    Detection d = wm.detector().detect(tokens);
    CliRun json = CliRun.run("detect", "--scheme", spec, "--key", keyFile.toString(), "--vocab-size",
        String.valueOf(VOCAB), "--tokens", InteropCliTest.ids(tokens), "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode n = JSON.readTree(json.out());
    assertThat(n.get("score").asDouble()).isEqualTo(d.score());
    assertThat(n.get("score_of").asText()).isEqualTo("best_window");
    assertThat(n.has("mean_score")).isFalse();
    CliRun human = CliRun.run("detect", "--scheme", spec, "--key", keyFile.toString(), "--vocab-size",
        String.valueOf(VOCAB), "--tokens", InteropCliTest.ids(tokens));
    assertThat(human.code()).as(human.err()).isZero();
    assertThat(human.out()).contains("the best window's sum").doesNotContain("(mean ");
    CliRun sum = CliRun.run("detect", "--scheme", "gumbel:h=2", "--key", keyFile.toString(), "--vocab-size",
        String.valueOf(VOCAB), "--tokens", InteropCliTest.ids(tokens), "--json");
    assertThat(JSON.readTree(sum.out()).has("mean_score")).isTrue();
    assertThat(JSON.readTree(sum.out()).has("score_of")).isFalse();
  }

  /**
   * verify --scheme gumbel: the closed-model test over a corpus: a watermarked corpus is detected
   * with the gamma-sum statistic, an unwatermarked one is not, and the windowed score is refused.
   */
  @Test
  void verifyFindsTheWatermarkInACorpusAndNotInAnother() throws Exception {
    String spec = "gumbel:h=2";
    Watermark wm = Watermarks.create(key, SchemeSpec.parse(spec), VOCAB);
    Path suspect = corpus("suspect.jsonl", wm, 20, 100);
    Path innocent = corpus("innocent.jsonl", null, 20, 100);
    CliRun run = CliRun.run("verify", "--scheme", spec, "--key", keyFile.toString(), "--vocab-size",
        String.valueOf(VOCAB), "--suspect", suspect.toString(), "--control-keys", "5", "--out",
        dir.resolve("out-suspect").toString(), "--json");
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode n = JSON.readTree(run.out());
    assertThat(n.get("verdict").asText()).as(run.out()).isEqualTo("detected");
    assertThat(n.get("log10_p").asDouble()).isLessThan(-100);
    assertThat(Files.readString(dir.resolve("out-suspect").resolve("report.json"))).contains("gamma_sum")
        .contains("gumbel:h=2,score=sum");
    CliRun clean = CliRun.run("verify", "--scheme", spec, "--key", keyFile.toString(), "--vocab-size",
        String.valueOf(VOCAB), "--suspect", innocent.toString(), "--control-keys", "5", "--out",
        dir.resolve("out-innocent").toString(), "--json");
    assertThat(clean.code()).as(clean.err()).isZero();
    assertThat(JSON.readTree(clean.out()).get("verdict").asText()).isEqualTo("not_detected");
    CliRun windowed = CliRun.run("verify", "--scheme", "gumbel:h=2,score=windowed", "--key", keyFile.toString(),
        "--vocab-size", String.valueOf(VOCAB), "--suspect", suspect.toString(), "--control-keys", "0", "--out",
        dir.resolve("out-windowed").toString());
    assertThat(windowed.code()).isNotZero();
    assertThat(windowed.err()).contains("score=windowed is a per-text test");
  }

  @Test
  void aKeyFileRecordsKgwSchemesOnly() {
    CliRun run = CliRun.run("keygen", "--scheme", "gumbel:h=2", "--out", dir.resolve("k2.json").toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("a key file records kgw: schemes only");
  }
}
