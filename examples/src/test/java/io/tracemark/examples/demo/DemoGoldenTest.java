package io.tracemark.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.examples.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo prints, byte for byte, what it printed before its code was split into configuration,
 * scenario and table: the key, the checks, the table with its legend, the smallest ρ caught and
 * the evidence commands, for seeds 42 and 7 at the default budget and at a reduced one; the
 * second table has since gained R*'s column at its right end and R*'s legend lines, every earlier
 * line and column unchanged. Only the phase times (wall clock) and the output directory are
 * masked. The expected texts are the outputs of {@code java -jar tracemark-examples.jar demo
 * --seed N --out DIR} (and the reduced options below) on two threads; the table does not depend on
 * the thread count. The reduced budget runs in every build; the default budget (many minutes of
 * CPU, most of it R*'s reading of 200 texts through five students) runs with
 * {@code -DexcludedGroups=none} (its tag, {@code demo-full}, is excluded by default in this module's
 * pom).
 */
@Tag("slow")
class DemoGoldenTest {
  private static final Pattern PHASE_TIME = Pattern.compile("(?m)^(.{90}) +[-\\d.,]+ s$");

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(longs = {42, 7})
  void aReducedBudgetPrintsWhatItPrintedBefore(long seed) throws IOException {
    DemoConfig c = new DemoConfig(seed, 3, TestModels.SPEC, 240, 60, 64, 60, 50, 1.0, 1e-6, 10,
        new double[] {0, 0.01, 1.0}, 2, dir);
    assertThat(masked(run(c))).isEqualTo(expected("demo-small-seed-" + seed + ".txt"));
  }

  @ParameterizedTest
  @ValueSource(longs = {42, 7})
  @Tag("demo-full")
  void theDefaultDemoPrintsWhatItPrintedBefore(long seed) throws IOException {
    DemoConfig c = DemoConfig.defaults(seed).withOutDir(dir).withThreads(2);
    assertThat(masked(run(c))).isEqualTo(expected("demo-seed-" + seed + ".txt"));
  }

  private static String run(DemoConfig c) {
    StringWriter text = new StringWriter();
    Demo.run(c, new PrintWriter(text, true));
    return text.toString();
  }

  private String masked(String out) {
    String s = out.replace(System.lineSeparator(), "\n").replace(dir.toString(), "<out>");
    return PHASE_TIME.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "      # s"));
  }

  private static String expected(String name) throws IOException {
    try (InputStream in = DemoGoldenTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
