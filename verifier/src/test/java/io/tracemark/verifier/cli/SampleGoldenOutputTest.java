package io.tracemark.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output of the CLI on the bundled sample — stdout, stderr, {@code report.json} and {@code
 * report.html} — byte for byte against the files under {@code src/test/resources/golden/sample}.
 * Only what differs from run to run by design is replaced before comparing: the output directory,
 * the creation time, the JVM and machine of the environment block, and the random salt (and so the
 * commitment) of an interop key. The outputs of a failing run are written under {@code
 * target/golden-actual} for {@code diff}.
 */
class SampleGoldenOutputTest {
  static final Path SAMPLE = Path.of("..", "docs", "sample");
  static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "sample");
  static final Path ACTUAL = Path.of("target", "golden-actual");
  static final String KEY = SAMPLE.resolve("DEMO-KEY-public-do-not-use.json").toString();
  static final String KGW = "kgw:gamma=0.25,delta=2,h=1";

  @TempDir
  Path out;

  final List<String> mismatches = new ArrayList<>();

  @Test
  void cliOutputsOnTheBundledSampleAreUnchanged() throws IOException {
    String suspect = SAMPLE.resolve("suspect.jsonl").toString();
    String innocent = SAMPLE.resolve("innocent.jsonl").toString();
    verify("verify-suspect", true, "--key", KEY, "--scheme", KGW, "--suspect", suspect);
    verify("verify-suspect-json", false, "--key", KEY, "--scheme", KGW, "--suspect", suspect, "--json");
    verify("verify-innocent", true, "--key", KEY, "--scheme", KGW, "--suspect", innocent);
    verify("verify-filter-tenants", true, "--key", KEY, "--scheme", KGW, "--suspect", suspect, "--filter", innocent,
        "--filter-top", "200", "--tenants", "2", "--control-keys", "20", "--threads", "1");
    verify("verify-skip-window", true, "--key", KEY, "--scheme", KGW, "--suspect", suspect, "--dedup", "window",
        "--no-prompt-exclusion", "--on-bad-record", "skip", "--control-seed", "7", "--alpha", "0.001");
    verify("verify-lmw", true, "--scheme", "lmw:gamma=0.25,delta=2,seeding=lefthash,hash-key=15485863,vocab=100277",
        "--suspect", suspect, "--control-keys", "10");
    verify("verify-vllm", true, "--scheme", "vllm:algorithm=gumbel,key=8675309", "--suspect", suspect,
        "--control-keys", "10");
    run("detect-answer", "detect", "--key", KEY, "--scheme", KGW, "--text", SAMPLE.resolve("answer.txt").toString());
    run("detect-answer-json", "detect", "--key", KEY, "--scheme", KGW, "--text",
        SAMPLE.resolve("answer.txt").toString(), "--json");
    assertThat(mismatches).as("outputs that differ from %s (actual outputs in %s)", GOLDEN.toAbsolutePath(),
        ACTUAL.toAbsolutePath()).isEmpty();
  }

  private void verify(String name, boolean reports, String... options) throws IOException {
    Path dir = out.resolve(name);
    List<String> args = new ArrayList<>(List.of("verify"));
    args.addAll(List.of(options));
    args.addAll(List.of("--out", dir.toString()));
    run(name, args.toArray(new String[0]));
    if (reports) {
      compare(name + ".report.json", Files.readString(dir.resolve("report.json"), StandardCharsets.UTF_8));
      compare(name + ".report.html", Files.readString(dir.resolve("report.html"), StandardCharsets.UTF_8));
    }
  }

  private void run(String name, String... args) throws IOException {
    CliRun r = CliRun.run(args);
    compare(name + ".out", "exit " + r.code() + "\n" + r.out());
    compare(name + ".err", r.err());
  }

  private void compare(String file, String actual) throws IOException {
    String text = normalize(actual);
    Files.createDirectories(ACTUAL);
    Files.writeString(ACTUAL.resolve(file), text, StandardCharsets.UTF_8);
    Path golden = GOLDEN.resolve(file);
    if (!Files.exists(golden) || !Files.readString(golden, StandardCharsets.UTF_8).equals(text)) {
      mismatches.add(file);
    }
  }

  private static final Pattern CREATED = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
  private static final Pattern SALTED = Pattern.compile(
      "(\"commitment(?:_salt)?\"\\s*:\\s*\")[0-9a-f]{64}\"|(commitment(?:_salt)?</t[dh]>\\s*<td[^>]*>(?:<code>)?)[0-9a-f]{64}");

  /** Replaces what differs from run to run by design (see the class comment). */
  String normalize(String s) {
    String t = s.replace(out.toString(), "OUT");
    t = CREATED.matcher(t).replaceAll("CREATED");
    t = SALTED.matcher(t).replaceAll(m -> (m.group(1) != null ? m.group(1) + "SALTED\"" : m.group(2) + "SALTED"));
    for (String property : new String[] {"java.version", "java.vendor", "os.name", "os.arch"}) {
      t = t.replace(System.getProperty(property), property.toUpperCase(java.util.Locale.ROOT));
    }
    t = t.replaceAll("(\"available_processors\"\\s*:\\s*)\\d+", "$1N");
    return t;
  }
}
