package io.tracemark.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.examples.TestModels;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.examples.loop.SamplingLoop;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.InheritanceVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo's statistical claims at a reduced budget: the teacher's answers are detected, the
 * innocent control (ρ = 0) is not flagged under several keys, and the whole scenario runs.
 */
@Tag("slow")
class DemoTest {
  static final KgwSpec SPEC = TestModels.SPEC;
  static BrownSplit split;
  static NGramModel teacher;
  static NGramModel innocent;
  static ExecutorService pool;
  @org.junit.jupiter.api.io.TempDir
  java.nio.file.Path dir;

  @BeforeAll
  static void models() {
    split = BrownSplit.of(TestModels.brown());
    teacher = NGramModel.train(split.ownerHuman(), 4, TestModels.VOCAB, "cl100k_base");
    innocent = NGramModel.train(split.competitorHuman(), 4, TestModels.VOCAB, "cl100k_base");
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  static InheritanceVerifier verifier(WatermarkKey key) {
    return InheritanceVerifier.greenList(key, SPEC, TestModels.VOCAB).alpha(1e-6).controlKeys(20).build();
  }

  /**
   * Under H0 each of the 10 p-values (5 keys × 2 modes) is uniform; requiring all above 1e-4
   * fails an honest null with probability ≤ 10 · 1e-4 = 0.1 %, and the seeds are fixed. The verdict
   * at the demo's α = 1e-6 must be "not detected".
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void theInnocentStudentIsNotFlaggedAndTheTeacherIs(long seed) {
    WatermarkKey key = Seeds.demoKey(seed);
    InheritanceVerifier verifier = verifier(key);
    DemoConfig c = DemoConfig.defaults(seed);
    List<int[]> ownerPrompts = Scenario.encodeAll(TestModels.encoding(),
        Prompts.sentenceStarts(split.ownerPromptDocs(), 60, 6, Seeds.stream(seed, "owner-prompts", 0)));
    List<int[]> competitorPrompts = Scenario.encodeAll(TestModels.encoding(),
        Prompts.sentenceStarts(split.competitorPromptDocs(), 60, 6, Seeds.stream(seed, "competitor-prompts", 0)));
    SamplingLoop teacherLoop = Scenario.loop(teacher, c).withWatermark(Watermarks.create(key, SPEC, TestModels.VOCAB).bias().orElseThrow());
    List<int[]> teacherAnswers = Answers.generate(teacherLoop, ownerPrompts, 64, seed, "teacher", pool);

    InheritanceResult teacherCheck = verifier.closedModel(Scenario.records("owner", teacherAnswers, ownerPrompts));
    assertThat(teacherCheck.log10P()).as("teacher's answers, seed %d", seed).isLessThan(-20);
    assertThat(teacherCheck.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);

    List<int[]> answers = Answers.generate(Scenario.loop(innocent, c), competitorPrompts, 64, seed, "student", pool);
    InheritanceResult closed = verifier.closedModel(Scenario.records("competitor", answers, competitorPrompts));
    InheritanceResult open = verifier.readingMode(innocent, teacherAnswers.subList(0, 40));
    for (InheritanceResult r : List.of(closed, open)) {
      assertThat(r.tuplesScored()).as("%s scored", r.mode()).isGreaterThan(1000);
      assertThat(r.verdict()).as("%s verdict, seed %d", r.mode(), seed)
          .isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
      assertThat(r.log10P()).as("%s log10 p, seed %d", r.mode(), seed).isGreaterThan(-4);
    }
  }

  @Test
  void theWholeScenarioRunsAtAReducedBudget() throws java.io.IOException {
    DemoConfig c = new DemoConfig(42, 3, SPEC, 240, 60, 64, 60, 50, 1.0, 1e-6, 10, new double[] {0, 1.0}, 2, dir);
    java.io.StringWriter text = new java.io.StringWriter();
    DemoResult r = Demo.run(c, new java.io.PrintWriter(text, true));
    String out = text.toString();
    assertThat(out).contains("seed 42").contains("smallest rho caught");
    assertThat(r.keyId()).isEqualTo(Seeds.demoKey(42).keyId());
    assertThat(out).doesNotContain(java.util.HexFormat.of().formatHex(Seeds.demoKey(42).secretBytes()));
    assertThat(r.rows()).hasSize(2);
    StudentResult control = r.rows().get(0);
    StudentResult full = r.rows().get(1);
    assertThat(control.teacherTokens()).isZero();
    assertThat(control.closed().verdict()).isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
    assertThat(control.open().verdict()).isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
    assertThat(full.humanTokens()).isZero();
    assertThat(full.closed().verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(full.open().verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(r.teacherCheck().log10P()).isLessThan(-50);
    // the signed report of the rho = 1 case verifies with the signer's public key
    assertThat(r.reportDir()).isEqualTo(dir.resolve("report-rho-1.00"));
    var check = io.tracemark.verifier.report.EvidenceReport.verify(r.reportDir(),
        io.tracemark.verifier.report.SigningKey.PublicKey.readFile(dir.resolve("signer.pub")));
    assertThat(check.valid()).as(check.reason()).isTrue();
    assertThat(out).contains("report-verify").contains("report.html");
    // the owner's key file is there for the recompute command, never its bytes in the output
    assertThat(KeyFiles.read(dir.resolve("owner-key.json")).keyId()).isEqualTo(r.keyId());
    // the table explains itself
    assertThat(out).contains(String.join(System.lineSeparator(), DemoTable.legend(c)));
    assertThat(DemoTable.legend(c)).anyMatch(l -> l.startsWith("  rho ")).anyMatch(l -> l.startsWith("  human/teacher "))
        .anyMatch(l -> l.startsWith("  closed model ")).anyMatch(l -> l.startsWith("  reading mode "))
        .anyMatch(l -> l.contains("\"-\" means")).anyMatch(l -> l.contains("alpha = 1e-6 (with 10 control keys)"));
  }

  /**
   * The "recompute" command the demo prints, run as printed (in-process), writes the demo's report
   * again: every field equal, vocabulary size and tokenizer included, but the creation time.
   */
  @Test
  void thePrintedRecomputeCommandReproducesTheReportExactly() throws java.io.IOException {
    DemoConfig c = new DemoConfig(7, 3, SPEC, 120, 40, 48, 40, 50, 1.0, 1e-6, 10, new double[] {1.0}, 2, dir);
    java.io.StringWriter text = new java.io.StringWriter();
    DemoResult r = Demo.run(c, new java.io.PrintWriter(text, true));
    String command = text.toString().lines().filter(l -> l.trim().startsWith("recompute:")).findFirst().orElseThrow()
        .trim().substring("recompute:".length()).trim();
    List<String> words = words(command);
    assertThat(words.subList(0, 2)).containsExactly("verifier/target/tracemark", "verify");
    ByteArrayOutputStream cliOut = new ByteArrayOutputStream();
    ByteArrayOutputStream cliErr = new ByteArrayOutputStream();
    int code = io.tracemark.verifier.cli.Tracemark.run(new PrintStream(cliOut, true, StandardCharsets.UTF_8),
        new PrintStream(cliErr, true, StandardCharsets.UTF_8), words.subList(1, words.size()).toArray(new String[0]));
    assertThat(code).as(cliErr.toString(StandardCharsets.UTF_8)).isZero();
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var demo = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(
        r.reportDir().resolve("report.json").toFile());
    var again = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(
        dir.resolve("recomputed").resolve("report.json").toFile());
    assertThat(demo.path("scheme").path("vocabulary_size").asInt()).isEqualTo(100_277);
    assertThat(demo.path("options").path("tokenizer").asText()).isEqualTo("cl100k_base");
    demo.remove("created");
    again.remove("created");
    assertThat(again).isEqualTo(demo);
    // the signature command as printed
    String check = text.toString().lines().filter(l -> l.trim().startsWith("check signature:")).findFirst()
        .orElseThrow().trim().substring("check signature:".length()).trim();
    List<String> checkWords = words(check);
    assertThat(io.tracemark.verifier.cli.Tracemark.run(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        checkWords.subList(1, checkWords.size()).toArray(new String[0]))).isZero();
  }

  /** Splits a printed shell command into words (plain words and single-quoted ones). */
  static List<String> words(String command) {
    List<String> out = new java.util.ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("'((?:[^']|'\\\\'')*)'|(\\S+)").matcher(command);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1).replace("'\\''", "'") : m.group(2));
    }
    return out;
  }
}
