package io.tracemark.verifier.cli;

import static io.tracemark.verifier.cli.CliRun.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer meets on the command line: usage without arguments, suggestions for typos, help
 * everywhere, one number format, results on stdout and everything else on stderr, JSON with a
 * schema version, {@code --quiet} and {@code --fail-on-detect}, and the progress rule.
 */
class CliUsabilityTest {
  static final String SPEC = "kgw:gamma=0.25,delta=2,h=1";
  static final String SAMPLE_KEY = "../docs/sample/DEMO-KEY-public-do-not-use.json";
  static final String SAMPLE = "../docs/sample/suspect.jsonl";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  static Path keyFile;
  static String marked;
  static String plain;

  @BeforeAll
  static void fixtures() throws Exception {
    keyFile = dir.resolve("key.json");
    WatermarkKey key = CliTest.fixedKey("usability");
    KeyFiles.write(key, keyFile);
    Watermark wm = Watermarks.create(key, KgwSpec.parse(SPEC), CliTest.VOCAB);
    marked = CliTest.ids(CliTest.watermarked(wm, 300, 11));
    plain = CliTest.ids(CliTest.watermarked(null, 300, 12));
  }

  @Test
  void bareTracemarkPrintsUsageWithTheExitCodesAndExitsZero() {
    CliRun r = run();
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("Usage: tracemark").contains("verify").contains("report-verify")
        .contains("  5 watermark detected (detect/verify --fail-on-detect).\n").contains("4 signature does not verify");
  }

  @Test
  void mistypedCommandsAndOptionsGetSuggestions() {
    CliRun command = run("verfy");
    assertThat(command.code()).isEqualTo(2);
    assertThat(command.out()).isEmpty();
    assertThat(command.err()).startsWith("tracemark: error: unknown command \"verfy\"; did you mean verify");
    CliRun option = run("verify", "--key", keyFile.toString(), "--suspct", SAMPLE);
    assertThat(option.code()).isEqualTo(2);
    assertThat(option.err()).contains("did you mean --suspect?");
    CliRun detect = run("detect", "--tokns", "1,2");
    assertThat(detect.err()).contains("did you mean --tokens");
  }

  @Test
  void echoedArgumentsAreEscapedAndNeverShowAKey() {
    CliRun key = run("verify", "vllm:algorithm=gumbel,key=8675309");
    assertThat(key.code()).isEqualTo(2);
    assertThat(key.err()).contains("unexpected argument").doesNotContain("8675309");
    CliRun control = run("verfy\u001b[31m");
    assertThat(control.err()).contains("unknown command \"verfy\\u001b[31m\"").doesNotContain("\u001b");
    CliRun longWord = run("x".repeat(500));
    assertThat(longWord.err().lines().findFirst().orElseThrow()).hasSizeLessThan(160).contains("…");
  }

  @Test
  void helpWorksEverywhere() {
    for (String[] args : List.of(new String[] {"help", "--help"}, new String[] {"help", "help"},
        new String[] {"help", "report-verify"}, new String[] {"report-verify", "--help"})) {
      CliRun r = run(args);
      assertThat(r.code()).as(String.join(" ", args)).isZero();
      assertThat(r.out()).as(String.join(" ", args)).contains("Usage: tracemark ");
    }
    assertThat(run("help", "report-verify").out()).contains("--json");
  }

  @Test
  void humanOutputUsesOneNumberFormat() {
    CliRun r = run("verify", "--key", SAMPLE_KEY, "--scheme", SPEC, "--suspect", SAMPLE, "--out",
        dir.resolve("sample").toString(), "--alpha", "1e-6", "--control-keys", "20");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("tokens read:   8,509\n").contains("tuples scored: 6,711\n")
        .contains("green:         3,183 (0.474296 vs gamma 0.25)\n")
        .contains("p-value:       10^-342.592 (log10 p = -342.592)\n")
        .contains("verdict:       watermark DETECTED at alpha 1e-6\n")
        .doesNotContain("E-").doesNotContain("e+");
    CliRun d = run("detect", "--key", SAMPLE_KEY, "--scheme", SPEC, "--tokens", "1,2,3,4,5", "--alpha", "0.001");
    assertThat(d.out()).contains("vocabulary 100,277)").contains("at alpha 0.001\n");
  }

  @Test
  void theVllmProfileTakesAnyVocabularyAndSaysSo() throws Exception {
    String vllm = "vllm:algorithm=gumbel,key=8675309";
    CliRun r = run("detect", "--scheme", vllm, "--tokens", "1,2,3,4,5,6,7");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("(vocabulary any)").doesNotContain("2147483647").doesNotContain("2,147,483,647");
    JsonNode j = JSON.readTree(run("detect", "--scheme", vllm, "--tokens", "1,2,3,4,5,6,7", "--json").out());
    assertThat(j.get("vocabulary_size").isNull()).isTrue();
  }

  @Test
  void everyJsonOutputStartsWithItsSchemaVersion() throws Exception {
    Path sample = dir.resolve("json-report");
    Path signer = dir.resolve("signer.json");
    List<CliRun> runs = List.of(
        run("keygen", "--out", dir.resolve("k2.json").toString(), "--json"),
        run("keygen", "--signing", "--out", signer.toString(), "--json"),
        run("key-info", "--key", keyFile.toString(), "--json"),
        run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--tokens", marked,
            "--json"),
        run("detect", "--scheme", "vllm:algorithm=gumbel,key=5", "--tokens", "1,2,3,4,5", "--json"),
        run("verify", "--key", SAMPLE_KEY, "--scheme", SPEC, "--suspect", SAMPLE, "--out", sample.toString(),
            "--control-keys", "5", "--sign-key", signer.toString(), "--json"),
        run("report-verify", sample.toString(), "--public-key", dir.resolve("signer.pub").toString(), "--json"));
    for (CliRun r : runs) {
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).startsWith("{\"schema_version\":1,").endsWith("}\n");
      assertThat(r.out().lines().count()).isEqualTo(1);
      JSON.readTree(r.out());
    }
    JsonNode ok = JSON.readTree(runs.get(6).out());
    assertThat(ok.get("valid").asBoolean()).isTrue();
    // a changed report: exit 4, and the JSON says why
    Path json = sample.resolve("report.json");
    Files.writeString(json, Files.readString(json).replace("\"verdict\" : \"detected\"", "\"verdict\" : \"detectez\""));
    CliRun bad = run("report-verify", sample.toString(), "--public-key", dir.resolve("signer.pub").toString(), "--json");
    assertThat(bad.code()).isEqualTo(4);
    assertThat(JSON.readTree(bad.out()).get("valid").asBoolean()).isFalse();
    assertThat(bad.err()).startsWith("tracemark report-verify: error: ");
  }

  @Test
  void failOnDetectIsAnOptInExitCodeAndQuietPrintsNothing() {
    String[] base = {"detect", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--tokens"};
    CliRun detected = run(concat(base, marked, "--fail-on-detect"));
    assertThat(detected.code()).isEqualTo(Tracemark.DETECTED).isEqualTo(5);
    assertThat(detected.out()).contains("watermark DETECTED");
    assertThat(run(concat(base, marked)).code()).isZero();
    assertThat(run(concat(base, plain, "--fail-on-detect")).code()).isZero();
    CliRun quiet = run(concat(base, marked, "--quiet", "--fail-on-detect"));
    assertThat(quiet.code()).isEqualTo(5);
    assertThat(quiet.out()).isEmpty();
    assertThat(quiet.err()).isEmpty();
    CliRun quietPlain = run(concat(base, plain, "--quiet"));
    assertThat(quietPlain.code()).isZero();
    assertThat(quietPlain.out()).isEmpty();
    assertThat(run(concat(base, plain, "--quiet", "--json")).code()).isEqualTo(2);
    CliRun verify = run("verify", "--key", SAMPLE_KEY, "--scheme", SPEC, "--suspect", SAMPLE, "--out",
        dir.resolve("fail-on-detect").toString(), "--control-keys", "5", "--fail-on-detect", "--quiet");
    assertThat(verify.code()).isEqualTo(5);
    assertThat(verify.out()).isEmpty();
    assertThat(Files.isRegularFile(dir.resolve("fail-on-detect").resolve("report.json"))).isTrue();
  }

  @Test
  void warningsGoToStderrOnly() throws Exception {
    Path oneTokenRecords = dir.resolve("short.jsonl");
    Files.writeString(oneTokenRecords, "{\"id\":\"a\",\"tokens\":[5]}\n{\"id\":\"b\",\"tokens\":[7]}\n");
    CliRun r = run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--suspect",
        oneTokenRecords.toString(), "--out", dir.resolve("short").toString(), "--control-keys", "5");
    assertThat(r.code()).isZero();
    assertThat(r.err()).contains("tracemark verify: warning: nothing was scored");
    assertThat(r.out()).doesNotContainIgnoringCase("warning").contains("verdict:");
  }

  @Test
  void progressIsDrawnWhenStderrIsATerminalWhateverStdoutIs() {
    assertThat(Progress.stderrIsTerminal(Map.of(), "/dev/pts/3")).isTrue();
    assertThat(Progress.stderrIsTerminal(Map.of(), "/dev/tty1")).isTrue();
    assertThat(Progress.stderrIsTerminal(Map.of(), "pipe:[12345]")).isFalse();
    assertThat(Progress.stderrIsTerminal(Map.of(), null)).isFalse();
    assertThat(Progress.stderrIsTerminal(Map.of(Progress.TTY_VARIABLE, "1"), null)).isTrue();
    assertThat(Progress.stderrIsTerminal(Map.of(Progress.TTY_VARIABLE, "0"), "/dev/pts/3")).isFalse();
    assertThat(Progress.stderrIsTerminal(Map.of("TERM", "dumb", Progress.TTY_VARIABLE, "1"), "/dev/pts/3")).isFalse();
  }

  @Test
  void progressCountsTokensAndWritesOnlyToItsStream() {
    StringWriter err = new StringWriter();
    long[] now = {0};
    long[] read = {0};
    long[] seen = {0};
    Progress p = new Progress(new PrintWriter(err, true), true, 1_000_000, () -> read[0], () -> seen[0],
        () -> now[0]);
    // the reader is half way through the bytes (500,000 tokens, one per byte), the scoring a quarter
    // of the way after 10 s: 30 s are left, not the 10 s that the bytes alone suggest
    assertThat(p.line(250_000, 10, 500_000, 500_000)).isEqualTo(" 25% 250,000 tokens, 25,000 tokens/s, ETA 30 s");
    // records of more tokens per byte later on do not matter until they are read
    assertThat(p.line(500_000, 20, 500_000, 500_000)).isEqualTo(" 50% 500,000 tokens, 25,000 tokens/s, ETA 20 s");
    assertThat(p.line(2_000_000, 80, 1_000_000, 2_000_000)).isEqualTo("100% 2,000,000 tokens, 25,000 tokens/s");
    read[0] = 500_000;
    seen[0] = 500_000;
    now[0] = 200_000_000L;
    p.update(100);
    assertThat(err.toString()).as("at most twice a second").isEmpty();
    now[0] = 1_000_000_000L;
    p.update(500_000);
    assertThat(err.toString()).startsWith("\r 50% 500,000 tokens");
    p.finish();
    assertThat(err.toString()).endsWith("\r");
    StringWriter off = new StringWriter();
    Progress disabled = new Progress(new PrintWriter(off, true), false, 100, () -> 50, () -> 50, () -> now[0]);
    now[0] = 5_000_000_000L;
    disabled.update(10);
    disabled.finish();
    assertThat(off.toString()).isEmpty();
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
