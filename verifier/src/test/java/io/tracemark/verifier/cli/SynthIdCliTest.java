package io.tracemark.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.Detection;
import io.tracemark.api.HfSynthIdSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.Watermark;
import io.tracemark.core.Watermarks;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** detect with the hf-synthid profile: the reference's scores in the JSON, the keys never printed. */
class SynthIdCliTest {
  static final String KEYS = "8675309123/7392018467/424242424242/99/-5";
  static final String SPEC = "hf-synthid:keys=" + KEYS + ",ngram-len=3,gvals=table,eos-token-id=0,vocab=2000";
  static final ObjectMapper JSON = new ObjectMapper();

  static int[] generate(Watermark wm, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    SamplingScheme s = wm.sampling().orElseThrow();
    int[] tokens = new int[n];
    float[] logits = new float[2000];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < logits.length; t++) {
        logits[t] = (float) (3 * random.nextGaussian());
      }
      logits[0] = Float.NEGATIVE_INFINITY; // no EOS inside the text
      tokens[i] = s.sample(tokens, i, logits, random);
    }
    return tokens;
  }

  static double meanG(Detection d) {
    return d.score() / (d.tuplesScored() * (double) ((NullDistribution.LayeredBinomial) d.nullDistribution())
        .levelSum());
  }

  @Test
  void detectReportsTheReferenceScoresAndAnExactPValue() throws Exception {
    HfSynthIdSpec spec = HfSynthIdSpec.parse(SPEC);
    int[] tokens = generate(Watermarks.create(spec), 200, 3);
    CliRun run = CliRun.run("detect", "--scheme", SPEC, "--tokens", InteropCliTest.ids(tokens), "--json");
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode n = JSON.readTree(run.out());
    Detection mean = Watermarks.create(spec).detector().detect(tokens);
    Detection weighted = Watermarks.create(spec.withScore(HfSynthIdSpec.Score.WEIGHTED_MEAN)).detector()
        .detect(tokens);
    assertThat(n.get("tuples_scored").asLong()).isEqualTo(mean.tuplesScored()).isGreaterThan(150);
    assertThat(n.get("mean_g").asDouble()).isEqualTo(meanG(mean)).isGreaterThan(0.55);
    assertThat(n.get("weighted_mean_g").asDouble()).isEqualTo(meanG(weighted));
    assertThat(n.get("log10_p").asDouble()).isEqualTo(mean.log10PValue()).isLessThan(-3);
    assertThat(n.get("weighted_log10_p").asDouble()).isEqualTo(weighted.log10PValue());
    assertThat(n.get("statistic").asText()).isEqualTo("layered_binomial");
    assertThat(n.get("verdict").asText()).isEqualTo("detected");
    assertThat(n.get("scheme").asText()).contains("keys=***");
    for (String k : KEYS.split("/")) {
      if (k.length() > 3) {
        assertThat(run.out() + run.err()).doesNotContain(k.replace("-", ""));
      }
    }
    CliRun text = CliRun.run("detect", "--scheme", SPEC, "--tokens", InteropCliTest.ids(tokens));
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("mean g:").contains("weighted").doesNotContain("8675309123");
  }

  @Test
  void aTextWithNothingScoredHasNoMeanG() throws Exception {
    CliRun run = CliRun.run("detect", "--scheme", SPEC, "--tokens", "5,0,7,9", "--json");
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode n = JSON.readTree(run.out());
    assertThat(n.get("tuples_scored").asLong()).isZero();
    assertThat(n.get("mean_g").isNull()).isTrue();
    assertThat(n.get("weighted_mean_g").isNull()).isTrue();
    assertThat(n.get("log10_p").asDouble()).isZero();
  }

  @Test
  void verifyRefusesTableGValuesWhoseCorpusPValueWouldNotBeExact(@TempDir Path dir) {
    String suspect = Path.of("..", "docs", "sample", "suspect.jsonl").toString();
    CliRun table = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect, "--control-keys", "0", "--out",
        dir.resolve("table").toString());
    assertThat(table.code()).isEqualTo(2);
    assertThat(table.err()).contains("gvals=table cannot be verified over a corpus").doesNotContain("8675309123");
    assertThat(dir.resolve("table")).doesNotExist();
    String hash = "hf-synthid:keys=" + KEYS + ",ngram-len=3,gvals=hash";
    CliRun run = CliRun.run("verify", "--scheme", hash, "--suspect", suspect, "--control-keys", "0", "--out",
        dir.resolve("hash").toString(), "--json");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"verdict\":\"not_detected\"").doesNotContain("8675309123");
  }

  /**
   * The native tournament with a key file: detect scores a watermarked text with the scheme's own
   * exact tail, verify finds it in a corpus and states the statistic's mean under H0 (Σ levels / 2).
   */
  @Test
  void theNativeTournamentIsDetectedAndVerifiedWithAKeyFile(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("key.json");
    io.tracemark.core.keys.KeyFiles.write(CliTest.fixedKey("synthid owner"), keyFile);
    io.tracemark.api.WatermarkKey key = io.tracemark.core.keys.KeyFiles.read(keyFile);
    String spec = "synthid:depth=30,h=2";
    Watermark wm = Watermarks.create(key, io.tracemark.api.SchemeSpec.parse(spec), 2000);
    int[] tokens = generate(wm, 200, 5);
    CliRun run = CliRun.run("detect", "--scheme", spec, "--key", keyFile.toString(), "--vocab-size", "2000",
        "--tokens", InteropCliTest.ids(tokens), "--json");
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode n = JSON.readTree(run.out());
    Detection d = wm.detector().detect(tokens);
    assertThat(n.get("statistic").asText()).isEqualTo("layered_binomial");
    assertThat(n.get("score").asDouble()).isEqualTo(d.score());
    assertThat(n.get("log10_p").asDouble()).isEqualTo(d.log10PValue()).isLessThan(-6);
    assertThat(n.get("scheme").asText()).isEqualTo("synthid:depth=30,h=2,score=mean");
    assertThat(n.get("key_id").asText()).isEqualTo(key.keyId());
    StringBuilder corpus = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      corpus.append("{\"id\":\"r").append(i).append("\",\"tokens\":[")
          .append(InteropCliTest.ids(generate(wm, 60, 100 + i))).append("]}\n");
    }
    Path suspect = java.nio.file.Files.writeString(dir.resolve("suspect.jsonl"), corpus);
    CliRun verify = CliRun.run("verify", "--scheme", spec, "--key", keyFile.toString(), "--vocab-size", "2000",
        "--suspect", suspect.toString(), "--control-keys", "5", "--out", dir.resolve("out").toString());
    assertThat(verify.code()).as(verify.err()).isZero();
    assertThat(verify.out()).contains("vs 15 under H0").contains("watermark DETECTED");
    assertThat(java.nio.file.Files.readString(dir.resolve("out").resolve("report.json")))
        .contains("layered_binomial").contains(spec + ",score=mean");
  }
}
