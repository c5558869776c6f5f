package io.tracemark.verifier.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.KeyUse;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.verifier.cli.Tracemark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ScanJob's command line refuses a bad option with the message, the exit code and the usage hint of {@code tracemark
 * detect} (or {@code verify}, for the options detect does not have), because it parses them with the CLI's own
 * option classes; every refusal comes before a Spark session starts, so no Spark runs here.
 */
class ScanJobOptionsTest {
  private static final String SPEC = "kgw:gamma=0.25,delta=2,h=1";

  @TempDir
  static Path dir;

  private static Path keyFile;
  private static Path otherVocabularyKey;

  @BeforeAll
  static void keys() throws Exception {
    byte[] secret = new byte[32];
    new SplittableRandom(7).nextBytes(secret);
    WatermarkKey key = WatermarkKey.fromBytes(secret);
    keyFile = dir.resolve("key.json");
    KeyFiles.write(key, keyFile);
    otherVocabularyKey = dir.resolve("key-o200k.json");
    KeyFiles.write(key.withUse(new KeyUse((KgwSpec) SchemeSpec.parse(SPEC), "o200k_base", 200_019)),
        otherVocabularyKey);
    Files.writeString(dir.resolve("in.jsonl"), "{\"text\":\"hello\"}\n");
  }

  /** What a run printed and returned. */
  private record Run(int code, String out, String err) {
    /** The first line of stderr without its program prefix ({@code tracemark detect: error: }, {@code scan: error: }). */
    String message() {
      String first = err.lines().findFirst().orElse("");
      int at = first.indexOf(": error: ");
      return at < 0 ? first : first.substring(at + ": error: ".length());
    }

    /** The lines after the first (the usage hint of a usage error), without the command's name. */
    String hint() {
      return err.lines().skip(1).map(l -> l.replaceAll("'[^']*'", "'…'")).reduce("", String::concat);
    }
  }

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Tracemark.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run scan(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ScanJob.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * One bad option given to the CLI and to the scan: {@code scheme} and {@code key} (null: no --key) replace the
   * defaults, {@code extra} is appended; {@code verify} compares with {@code tracemark verify} instead of detect.
   */
  static Stream<Arguments> badOptions() {
    return Stream.of(
        Arguments.of("unknown tokenizer", SPEC, "key", List.of("--tokenizer", "no_such_encoding"), false),
        Arguments.of("vocabulary below 2", SPEC, "key", List.of("--vocab-size", "1"), false),
        Arguments.of("unknown normaliser", SPEC, "key", List.of("--normalize", "nfd"), false),
        Arguments.of("repeated normaliser", SPEC, "key", List.of("--normalize", "nfc,nfc"), false),
        Arguments.of("unknown region search", SPEC, "key", List.of("--localize", "everywhere"), false),
        Arguments.of("unknown dedup", SPEC, "key", List.of("--dedup", "tuple"), false),
        Arguments.of("record limit not a size", SPEC, "key", List.of("--max-record-bytes", "12q"), false),
        Arguments.of("record limit too large", SPEC, "key", List.of("--max-record-bytes", "3g"), false),
        Arguments.of("bad scheme", "kgw:gamma=2,delta=2,h=1", "key", List.of(), false),
        Arguments.of("unknown family", "nope:x=1", "key", List.of(), false),
        Arguments.of("no key for kgw", SPEC, null, List.of(), false),
        Arguments.of("key file missing", SPEC, "missing", List.of(), false),
        Arguments.of("key made for another vocabulary", SPEC, "other", List.of(), false),
        Arguments.of("unknown bad-record policy", SPEC, "key", List.of("--on-bad-record", "maybe"), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badOptions")
  void aBadOptionIsRefusedAsTheCliRefusesIt(String what, String scheme, String key, List<String> extra,
      boolean verify) {
    String keyPath = key == null ? null : key.equals("key") ? keyFile.toString()
        : key.equals("other") ? otherVocabularyKey.toString() : dir.resolve("no-such-key.json").toString();
    List<String> common = new ArrayList<>(List.of("--scheme", scheme));
    if (keyPath != null) {
      common.addAll(List.of("--key", keyPath));
    }
    List<String> reference = new ArrayList<>(verify
        ? List.of("verify", "--suspect", dir.resolve("in.jsonl").toString(), "--out", dir.resolve("r").toString())
        : List.of("detect", "--text", dir.resolve("in.jsonl").toString()));
    reference.addAll(common);
    reference.addAll(extra);
    List<String> scanArgs = new ArrayList<>(List.of(dir.resolve("in.jsonl").toString(), "--out",
        dir.resolve("s").toString()));
    scanArgs.addAll(common);
    scanArgs.addAll(extra);

    Run expected = cli(reference.toArray(new String[0]));
    Run actual = scan(scanArgs.toArray(new String[0]));

    assertThat(expected.code()).as(expected.err()).isIn(Tracemark.USAGE, Tracemark.INPUT);
    assertThat(actual.code()).as(actual.err()).isEqualTo(expected.code());
    assertThat(actual.message()).isNotEmpty().isEqualTo(expected.message());
    assertThat(actual.hint()).isEqualTo(expected.hint());
    assertThat(actual.err()).startsWith("scan: error: ");
    assertThat(actual.out()).isEmpty();
    assertThat(dir.resolve("s")).doesNotExist();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scanOnlyOptions")
  void theScansOwnOptionsAreUsageErrorsNamingTheOption(String option, String value, String message) {
    Run r = scan(dir.resolve("in.jsonl").toString(), "--out", dir.resolve("s").toString(), "--scheme", SPEC, "--key",
        keyFile.toString(), option, value);
    assertThat(r.code()).isEqualTo(Tracemark.USAGE);
    assertThat(r.message()).isEqualTo(message);
    assertThat(r.err()).contains("Try 'scan --help' for usage.");
  }

  static Stream<Arguments> scanOnlyOptions() {
    return Stream.of(
        Arguments.of("--format", "csv", "--format: format must be jsonl, text-lines, text-files or parquet, was "
            + "\"csv\""),
        Arguments.of("--fdr", "bonferroni", "--fdr: procedure must be bh or holm, was \"bonferroni\""),
        Arguments.of("--q", "0", "--q must be in (0, 1), got 0.0"));
  }
}
