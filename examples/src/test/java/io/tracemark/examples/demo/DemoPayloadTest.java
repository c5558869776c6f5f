package io.tracemark.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.Verification;
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

/**
 * The demo with a multi-bit payload at a reduced budget: the teacher serves tenant N, the student
 * distilled on its answers alone names N with p &lt; α in both modes, the innocent student names
 * nothing, the inheritance test of N's one message runs beside the decoding, and the printed
 * {@code tracemark verify} command recomputes the decoded message and its p-value.
 */
class DemoPayloadTest {
  static final long TENANT = 4711;

  @TempDir
  Path dir;

  /**
   * ρ = 0: the decoded message's p-value is corrected for all 2^20 messages and so is uniform (or
   * larger) under H0, as is the one-message test's: "not detected" at α = 1e-6 but with probability
   * about 4e-6 over the four tests, and the seed is fixed. ρ = 1: the student trained on the
   * teacher's answers alone repeats the keyed choices of tenant N's message.
   */
  @Tag("slow")
  @Test
  void theStudentOfTheTenantsAnswersNamesTheTenantAndTheReportIsRecomputed() throws IOException {
    SchemeSpec spec = SchemeSpec.parse("kgw:gamma=0.25,delta=2,h=1,payload=20");
    DemoConfig c = new DemoConfig(42, 3, spec, 60, 40, 40, 40, 50, 1.0, 1e-6, 10, new double[] {0, 1.0}, 2, dir,
        TENANT);
    StringWriter text = new StringWriter();
    DemoResult r = Demo.run(c, new PrintWriter(text, true));
    String out = text.toString();
    List<String> lines = out.lines().toList();

    assertThat(lines.get(0)).contains("scheme " + spec.canonical());
    assertThat(out).contains("decoded message 4711 (tenant 4711)");
    assertThat(r.teacherCheck().payload().message()).isEqualTo(TENANT);

    StudentResult control = r.rows().get(0);
    StudentResult full = r.rows().get(1);
    for (InheritanceResult x : List.of(control.closed(), control.open(), r.tenantClosed().get(0),
        r.tenantReading().get(0))) {
      assertThat(x.tuplesScored()).as("%s scored", x.mode()).isGreaterThan(300);
      assertThat(x.verdict()).as("innocent %s", x.mode()).isEqualTo(InheritanceResult.Verdict.NOT_DETECTED);
    }
    for (InheritanceResult x : List.of(full.closed(), full.open())) {
      assertThat(x.payload().message()).as("rho = 1 %s", x.mode()).isEqualTo(TENANT);
      assertThat(x.verdict()).as("rho = 1 %s", x.mode()).isEqualTo(InheritanceResult.Verdict.DETECTED);
      // the decoded message's p-value is corrected for the 2^20 messages: above its one-message p-value
      assertThat(x.log10P()).isEqualTo(x.payload().log10PValue());
    }
    for (InheritanceResult x : List.of(r.tenantClosed().get(1), r.tenantReading().get(1))) {
      assertThat(x.payload()).isNull();
      assertThat(x.verdict()).as("rho = 1 inheritance %s", x.mode()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    }
    assertThat(r.tenantClosed().get(1).log10P()).isLessThan(full.closed().log10P());
    assertThat(r.weighted()).isEmpty();
    assertThat(r.readingStar()).isEmpty();

    // the naming table: a row per rho, the tenant named at rho = 1 by both modes
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("rho ") && l.contains("message"))
        .findFirst().orElseThrow());
    assertThat(lines.get(header + 1)).startsWith("0 ").doesNotContain("NAMED").doesNotContain("WRONG");
    assertThat(lines.get(header + 2)).startsWith("1.00 ").containsPattern("4711 yes .* NAMED .*\\| +4711 yes .* NAMED");
    assertThat(out).contains("smallest rho naming tenant 4711, closed model: 1.00 (inheritance test: 1.00)")
        .contains("smallest rho naming tenant 4711, reading mode: 1.00 (inheritance test: 1.00)")
        .doesNotContain("WARNING");

    // the evidence: the printed command recomputes the report, its decoded message and p-value included
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
    JsonNode payload = again.findValue("payload");
    assertThat(payload).as("payload section").isNotNull();
    assertThat(payload.get("message").asLong()).isEqualTo(TENANT);
    assertThat(payload.get("log10_p").asDouble()).isEqualTo(full.closed().log10P());
  }

  /**
   * The inheritance column is the verifier's test of one message: on one text and without dedup it
   * counts the units green under that message, as the message's own detector does, and its null is
   * the one-message binomial (no correction for the other messages).
   */
  @Test
  void theInheritanceTestScoresTheTenantsOneMessage() {
    KgwSpec spec = KgwSpec.parse("kgw:gamma=0.25,delta=2,h=1,payload=20");
    WatermarkKey key = Seeds.demoKey(3);
    int vocab = 1000;
    int[] tokens = new java.util.SplittableRandom(5).ints(400, 0, vocab).toArray();
    for (long m : new long[] {TENANT, 12345}) {
      Detection d = Watermarks.create(key, spec, vocab, m).detector(DedupMode.NONE).detect(tokens);
      InheritanceResult r = Verification.builder().scheme(spec).key(key).vocabularySize(vocab).controlKeys(0)
          .dedup(DedupMode.NONE).message(m).records(List.of(new SuspectRecord("t", tokens, null))).build().run();
      assertThat(r.payload()).isNull();
      assertThat(r.tuplesScored()).isEqualTo(d.tuplesScored());
      assertThat(r.score()).as("message %d", m).isEqualTo(d.green());
      assertThat(r.log10P()).isEqualTo(d.log10PValue(), org.assertj.core.data.Offset.offset(1e-9));
    }
    assertThatThrownBy(() -> Verification.builder().scheme(spec).key(key).vocabularySize(vocab).message(1L << 20)
        .records(List.of()).build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("message");
  }

  @Test
  void aTenantOutsideThePayloadIsRefused() {
    SchemeSpec spec = SchemeSpec.parse("kgw:gamma=0.25,delta=2,h=1,payload=8");
    assertThatThrownBy(() -> new DemoConfig(42, 3, spec, 120, 40, 48, 40, 50, 1.0, 1e-6, 10, new double[] {0}, 2,
        null, 256)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant must be between 0 and")
        .hasMessageContaining("255");
    assertThat(new DemoConfig(42, 3, spec, 120, 40, 48, 40, 50, 1.0, 1e-6, 10, new double[] {0}, 2, null, 255)
        .tenant()).isEqualTo(255);
  }

  /**
   * The demo runs exactly the payloads that {@code tracemark verify} decodes from a corpus, and
   * names the verifier's reason for one it does not: a Gumbel payload is accepted by the demo iff
   * the verifier's {@link Verification} accepts it.
   */
  @Test
  void aPayloadIsRunIffTheVerifierDecodesItFromACorpus() {
    SchemeSpec spec = SchemeSpec.parse("gumbel:h=1,payload=20");
    String refusal = null;
    try {
      Verification.builder().scheme(spec).key(Seeds.demoKey(1)).vocabularySize(1000).controlKeys(0)
          .records(List.of()).build();
    } catch (IllegalArgumentException e) {
      refusal = e.getMessage();
    }
    if (refusal != null) {
      assertThatThrownBy(() -> new DemoConfig(42, 3, spec, 120, 40, 48, 40, 50, 1.0, 1e-6, 10, new double[] {0}, 2,
          null, TENANT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tracemark verify")
          .hasMessageContaining(refusal);
    } else {
      assertThat(new DemoConfig(42, 3, spec, 120, 40, 48, 40, 50, 1.0, 1e-6, 10, new double[] {0}, 2, null, TENANT)
          .payload()).isTrue();
    }
  }
}
