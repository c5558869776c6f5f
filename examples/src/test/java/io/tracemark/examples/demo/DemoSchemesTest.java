package io.tracemark.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.SchemeSpec;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.cli.Tracemark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo with the schemes that replace the engine's draw (Gumbel-max, the tournament), at a
 * reduced budget: the teacher draws through the scheme, the table has its rows and the scheme's
 * own statistic, the innocent student is not flagged and the student of the teacher's answers
 * alone is, in both modes, and the printed {@code tracemark verify} command recomputes the
 * evidence report field for field.
 */
@Tag("slow")
class DemoSchemesTest {
  @TempDir
  Path dir;

  /**
   * One reduced run per scheme. ρ = 0's two p-values are uniform under H0, so the verdict at
   * α = 1e-6 is "not detected" but with probability 2e-6, and the seed is fixed; the ρ = 1 student
   * (trained on the teacher's answers alone) repeats the teacher's keyed choices.
   */
  @ParameterizedTest
  @ValueSource(strings = {"gumbel:h=1", "synthid:depth=30,h=1"})
  void theDemoRunsWithASamplingSchemeAndItsReportIsRecomputed(String scheme) throws IOException {
    SchemeSpec spec = SchemeSpec.parse(scheme);
    DemoConfig c = new DemoConfig(42, 3, spec, 60, 40, 40, 40, 50, 1.0, 1e-6, 10, new double[] {0, 1.0}, 2, dir);
    StringWriter text = new StringWriter();
    DemoResult r = Demo.run(c, new PrintWriter(text, true));
    String out = text.toString();
    List<String> lines = out.lines().toList();

    assertThat(lines.get(0)).contains("scheme " + spec.canonical());
    String column = spec.family().equals("gumbel") ? "score" : "mean g";
    String statistic = spec.family().equals("gumbel") ? "mean score" : "mean g";
    assertThat(out).contains("check: the teacher's own answers: ").contains(", " + statistic + " ");
    assertThat(r.teacherCheck().nullDistribution()).isEqualTo(spec.nullDistribution());
    assertThat(r.teacherCheck().log10P()).isLessThan(-20);

    // the first table: a header with the scheme's column, one row per rho, the legend, the smallest rho caught
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("rho ")).findFirst().orElseThrow());
    assertThat(lines.get(header).split("\\|")[1]).contains(column).doesNotContain("green");
    assertThat(lines.get(header + 1)).startsWith("0 ");
    assertThat(lines.get(header + 2)).startsWith("1.00 ");
    assertThat(out).contains(String.join(System.lineSeparator(), DemoTable.legend(c)));
    assertThat(DemoTable.legend(c)).anyMatch(l -> l.startsWith(String.format("  %-13s ", column)));
    assertThat(out).contains("smallest rho caught, closed model (40 queries x 40 tokens): 1.00")
        .contains("smallest rho caught, reading mode (40 owner texts): 1.00")
        .doesNotContain("WARNING");
    // the second table: two-level reading, and why the weighted tests are not run
    assertThat(out).contains("reading mode: two-level dedup (same texts)").contains("C*, R*        not run for "
        + spec.family());
    assertThat(r.weighted()).isEmpty();
    assertThat(r.readingStar()).isEmpty();
    assertThat(r.readingTwoLevel()).hasSize(2);

    StudentResult control = r.rows().get(0);
    StudentResult full = r.rows().get(1);
    for (InheritanceResult x : List.of(control.closed(), control.open(), r.readingTwoLevel().get(0))) {
      assertThat(x.nullDistribution()).isEqualTo(spec.nullDistribution());
      assertThat(x.tuplesScored()).as("%s scored", x.mode()).isGreaterThan(300);
      assertThat(x.verdict()).as("innocent %s", x.mode()).isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
    }
    for (InheritanceResult x : List.of(full.closed(), full.open(), r.readingTwoLevel().get(1))) {
      assertThat(x.verdict()).as("rho = 1 %s", x.mode()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    }
    // the statistic printed is the per-tuple mean of the scheme's score: mean g is Σg / (tuples x depth)
    double perTuple = full.closed().nullDistribution() instanceof NullDistribution.LayeredBinomial l
        ? full.closed().score() / full.closed().tuplesScored() / l.levelSum()
        : full.closed().score() / full.closed().tuplesScored();
    assertThat(lines.get(header + 2)).contains(String.format(java.util.Locale.ROOT, " %.3f ", perTuple));

    // the evidence: the printed command recomputes the report (all but its creation time)
    assertThat(r.reportDir()).isEqualTo(dir.resolve("report-rho-1.00"));
    String command = lines.stream().filter(l -> l.trim().startsWith("recompute:")).findFirst().orElseThrow().trim()
        .substring("recompute:".length()).trim();
    List<String> words = DemoTest.words(command);
    assertThat(words).contains("--scheme", spec.canonical());
    ByteArrayOutputStream cliErr = new ByteArrayOutputStream();
    int code = Tracemark.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(cliErr, true, StandardCharsets.UTF_8), words.subList(1, words.size()).toArray(new String[0]));
    assertThat(code).as(cliErr.toString(StandardCharsets.UTF_8)).isZero();
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode demo = (ObjectNode) mapper.readTree(r.reportDir().resolve("report.json").toFile());
    ObjectNode again = (ObjectNode) mapper.readTree(dir.resolve("recomputed").resolve("report.json").toFile());
    demo.remove("created");
    again.remove("created");
    assertThat(again).isEqualTo(demo);
    assertThat(demo.toString()).contains(spec.canonical());
  }

  /** A weighted test of the tournament would give a wrong p-value (the weighted tail is binomial or gamma): refused. */
  @Test
  void theWeightedTestsAreRefusedForTheTournament() {
    io.tracemark.verifier.Verification.Builder b = io.tracemark.verifier.Verification.builder()
        .scheme(SchemeSpec.parse("synthid:depth=30,h=1")).key(Seeds.demoKey(42)).vocabularySize(1000)
        .records(List.of()).weights(io.tracemark.verifier.ContextCountWeights.of(3, List.of(new int[] {1, 2, 3, 4})));
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(io.tracemark.verifier.Verification.LAYERED_WEIGHTS_REFUSED);
  }

  @Test
  void schemesTheDemoCannotRunAreRefusedByName() {
    for (String s : new String[] {"gumbel:h=1,score=windowed", "vllm:algorithm=gumbel,key=42"}) {
      SchemeSpec spec = SchemeSpec.parse(s);
      assertThatThrownBy(() -> new DemoConfig(42, 3, spec, 120, 40, 48, 40, 50, 1.0, 1e-6, 10, new double[] {0}, 2,
          null)).as(s).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme");
    }
  }
}
