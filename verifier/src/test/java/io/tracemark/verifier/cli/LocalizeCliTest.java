package io.tracemark.verifier.cli;

import static io.tracemark.verifier.cli.CliRun.run;
import static io.tracemark.verifier.cli.CliTest.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.core.stats.Localization;
import io.tracemark.verifier.RegionSearch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code detect --localize}: the best region's span and corrected p-value, next to the global one. */
class LocalizeCliTest {
  static final String SPEC = "kgw:gamma=0.25,delta=2,h=1";
  static final int VOCAB = 4000;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  static Path keyFile;
  static WatermarkKey key;
  static Watermark wm;

  @BeforeAll
  static void key() throws IOException {
    keyFile = dir.resolve("key.json");
    KeyFiles.write(CliTest.fixedKey("localize"), keyFile);
    key = KeyFiles.read(keyFile);
    wm = Watermarks.create(key, KgwSpec.parse(SPEC), VOCAB);
  }

  static int[] human(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(VOCAB);
    }
    return t;
  }

  /** {@code block} pasted into {@code human} at {@code at}. */
  static int[] paste(int[] human, int[] block, int at) {
    int[] out = new int[human.length + block.length];
    System.arraycopy(human, 0, out, 0, at);
    System.arraycopy(block, 0, out, at, block.length);
    System.arraycopy(human, at, out, at + block.length, human.length - at);
    return out;
  }

  static CliRun detect(int[] tokens, String... extra) throws IOException {
    Path file = Files.createTempFile(dir, "ids", ".txt");
    Files.writeString(file, CliTest.ids(tokens));
    List<String> args = new ArrayList<>(List.of("detect", "--key", keyFile.toString(), "--scheme", SPEC,
        "--vocab-size", Integer.toString(VOCAB), "--tokens-file", file.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(new String[0]));
  }

  @Test
  void aWatermarkedBlockInHumanTokensIsFoundWhereTheGlobalTestMissesIt() throws IOException {
    int[] block = CliTest.watermarked(wm, 100, 7);
    int[] doc = paste(human(12_000, 8), block, 5000);
    CliRun r = detect(doc, "--json", "--localize");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    JsonNode n = JSON.readTree(r.out());
    // the region lies mostly in the block [5000, 5100) and covers more than half of it (windows have
    // lengths 16·√2^k units, so a window around the block holds some human tokens)
    int start = n.get("region_start").asInt();
    int end = n.get("region_end").asInt();
    int overlap = Math.min(end, 5100) - Math.max(start, 5000);
    assertThat(overlap).isGreaterThan(50).isGreaterThan((end - start) / 2);
    assertThat(n.get("region_log10_p").asDouble()).isLessThan(-6);
    assertThat(n.get("region_raw_log10_p").asDouble()).isLessThan(n.get("region_log10_p").asDouble());
    assertThat(n.get("global_log10_p").asDouble()).isEqualTo(n.get("log10_p").asDouble()).isGreaterThan(-3);
    assertThat(n.get("verdict").asText()).isEqualTo("not_detected");
    assertThat(n.get("region_verdict").asText()).isEqualTo("detected");
    assertThat(n.get("localize").asText()).startsWith("cover(");
    // the command line reports exactly the library's localisation of the same detection
    Localization lib = RegionSearch.COVER.localize(wm.detector().detect(doc));
    assertThat(n.get("region_log10_p").asDouble()).isEqualTo(lib.best().correctedLog10P());
    assertThat(n.get("windows_tried").asLong()).isEqualTo(lib.windowsTried());

    CliRun human = detect(doc, "--localize=winmax");
    assertThat(human.code()).as(human.err()).isZero();
    assertThat(human.out()).containsPattern("region: +tokens (49|50)\\d\\d-5[01]\\d\\d \\(").contains("corrected for")
        .contains(": DETECTED at alpha 0.01").contains("verdict:       not detected");
  }

  @Test
  void withoutLocalizeTheOutputHasNoRegion() throws IOException {
    CliRun r = detect(human(300, 1), "--json");
    assertThat(JSON.readTree(r.out()).has("region_start")).isFalse();
  }

  /**
   * The command line's corrected p-values under H0: 300 human documents (60-3,000 tokens) through
   * {@code detect --localize}; the library's calibration over 10,000 null documents is
   * LocalizerCalibrationTest (watermark-core). At α = 0.01 a valid test flags at most 3 on
   * average; the cover's union bound is conservative by about 2 (docs/statistics.md), and 10 is
   * above the 99.9 % upper bound of Binomial(300, 0.01).
   */
  @Test
  void humanDocumentsAreRarelyFlaggedByTheirBestRegion() throws IOException {
    int flagged = 0;
    SplittableRandom r = new SplittableRandom(99);
    for (int i = 0; i < 300; i++) {
      int length = 60 + r.nextInt(2940);
      JsonNode n = JSON.readTree(detect(human(length, 1000 + i), "--json", "--localize").out());
      flagged += n.get("region_log10_p").asDouble() <= -2 ? 1 : 0;
    }
    assertThat(flagged).isLessThanOrEqualTo(10);
  }

  @Test
  void shortTextsAndOtherStatisticsGetAClearMessage() throws IOException {
    CliRun shortText = detect(human(8, 3), "--json", "--localize");
    assertThat(shortText.code()).isZero();
    assertThat(shortText.err()).contains("warning: --localize:").contains("has 7 scored units, fewer than the "
        + "shortest window (16): the region is the whole text and its p-value the global one");
    JsonNode n = JSON.readTree(shortText.out());
    assertThat(n.get("region_log10_p").asDouble()).isEqualTo(n.get("global_log10_p").asDouble());

    CliRun one = detect(new int[] {5}, "--json", "--localize");
    assertThat(one.code()).isZero();
    assertThat(one.err()).contains("has 0 scored units").contains("there is no region");
    assertThat(JSON.readTree(one.out()).get("region_start").isNull()).isTrue();

    assertOneLineError(detect(human(50, 4), "--localize=everything"), 2,
        "--localize must be cover or winmax, was \"everything\"");
    CliRun vllm = run("detect", "--scheme", "vllm:key=7,vocab=4000", "--tokens", CliTest.ids(human(50, 5)),
        "--localize");
    assertOneLineError(vllm, 2, "--localize: localised detection needs green counts (kgw:, lmw:, hf: schemes); "
        + "this scheme's statistic is");
  }

  @Test
  void verifyReportsTheBestRegionOfEachRecordBounded() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      lines.add("{\"id\":\"human" + i + "\",\"tokens\":[" + CliTest.ids(human(600, 200 + i)) + "]}");
    }
    // two records with a watermarked block pasted at token 1000 and 2000 of 3,000 human tokens
    lines.add(5, "{\"id\":\"pasted-a\",\"tokens\":[" + CliTest.ids(paste(human(3000, 300),
        CliTest.watermarked(wm, 100, 301), 1000)) + "]}");
    lines.add(17, "{\"id\":\"pasted-b\",\"tokens\":[" + CliTest.ids(paste(human(3000, 302),
        CliTest.watermarked(wm, 100, 303), 2000)) + "]}");
    Path suspect = dir.resolve("pasted.jsonl");
    Files.writeString(suspect, String.join("\n", lines) + "\n");
    Path out = dir.resolve("report-localize");
    CliRun r = run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", Integer.toString(VOCAB),
        "--suspect", suspect.toString(), "--control-keys", "0", "--out", out.toString(), "--localize",
        "--localize-top", "5", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode loc = JSON.readTree(out.resolve("report.json").toFile()).get("localization");
    assertThat(JSON.readTree(r.out()).get("localization")).isEqualTo(loc);
    assertThat(loc.get("records_localized").asLong()).isEqualTo(32);
    assertThat(loc.get("regions")).hasSize(5);
    assertThat(loc.get("regions_not_shown").asLong()).isEqualTo(27);
    assertThat(loc.get("significant").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(loc.get("significant_adjusted").asLong()).isGreaterThanOrEqualTo(2);
    JsonNode a = loc.get("regions").get(0);
    JsonNode b = loc.get("regions").get(1);
    assertThat(List.of(a.get("id").asText(), b.get("id").asText())).containsExactlyInAnyOrder("pasted-a", "pasted-b");
    for (JsonNode n : List.of(a, b)) {
      int at = n.get("id").asText().equals("pasted-a") ? 1000 : 2000;
      int overlap = Math.min(n.get("region_end").asInt(), at + 100) - Math.max(n.get("region_start").asInt(), at);
      assertThat(overlap).as(n.toString()).isGreaterThan(50);
      assertThat(n.get("region_log10_p").asDouble()).isLessThan(-6);
      assertThat(n.get("region_log10_p_adjusted").asDouble())
          .isCloseTo(n.get("region_log10_p").asDouble() + Math.log10(32), org.assertj.core.data.Offset.offset(1e-9));
    }
    for (int i = 1; i < 5; i++) { // best first
      assertThat(loc.get("regions").get(i).get("region_log10_p").asDouble())
          .isGreaterThanOrEqualTo(loc.get("regions").get(i - 1).get("region_log10_p").asDouble());
    }
    assertThat(Files.readString(out.resolve("report.html"))).contains("<h2>Localised regions</h2>")
        .contains("pasted-a").contains("27 more records localised, not shown.");

    CliRun human = run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size",
        Integer.toString(VOCAB), "--suspect", suspect.toString(), "--control-keys", "0", "--out",
        dir.resolve("report-localize-2").toString(), "--localize=winmax");
    assertThat(human.code()).as(human.err()).isZero();
    assertThat(human.out()).containsPattern("regions: +\\d+ of 32 records have a region significant at alpha "
        + "\\(\\d+ after Bonferroni over records\\); best: pasted-[ab] tokens");

    Path plain = dir.resolve("report-plain");
    assertThat(run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", Integer.toString(VOCAB),
        "--suspect", suspect.toString(), "--control-keys", "0", "--out", plain.toString()).code()).isZero();
    assertThat(JSON.readTree(plain.resolve("report.json").toFile()).has("localization")).isFalse();

    CliRun vllm = run("verify", "--scheme", "vllm:key=7,vocab=4000", "--suspect", suspect.toString(),
        "--out", dir.resolve("report-vllm").toString(), "--localize");
    assertThat(vllm.code()).isEqualTo(2);
    assertThat(vllm.err()).contains("tracemark verify: error: --localize: localised detection needs green counts "
        + "(kgw:, lmw:, hf: schemes); this scheme's statistic is gamma_sum");
    assertOneLineError(run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000",
        "--suspect", suspect.toString(), "--out", dir.resolve("report-top").toString(), "--localize",
        "--localize-top", "0"), 2, "--localize-top must be between 1 and 10000, was 0");
  }
}
