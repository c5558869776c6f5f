package io.tracemark.verifier.cli;

import static io.tracemark.verifier.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import static io.tracemark.verifier.cli.CliTest.JSON;
import static io.tracemark.verifier.cli.CliTest.VOCAB;
import static io.tracemark.verifier.cli.CliTest.ids;
import static io.tracemark.verifier.cli.CliTest.watermarked;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code detect} decodes a multi-bit payload from a text, {@code verify} from a corpus; {@code plan} refuses one. */
class PayloadCliTest {
  static final String PAYLOAD = "kgw:payload=16,h=1";

  @TempDir
  static Path dir;
  static Path keyFile;
  static WatermarkKey key;

  @BeforeAll
  static void keys() throws Exception {
    keyFile = dir.resolve("key.json");
    KeyFiles.write(CliTest.fixedKey("payload owner"), keyFile);
    key = KeyFiles.read(keyFile);
  }

  @Test
  void detectDecodesTheTenantNumber() throws Exception {
    Watermark wm = Watermarks.create(key, KgwSpec.parse(PAYLOAD), VOCAB, 4711);
    String ids = ids(watermarked(wm, 400, 12));
    CliRun json = run("detect", "--key", keyFile.toString(), "--scheme", PAYLOAD, "--vocab-size",
        Integer.toString(VOCAB), "--tokens", ids, "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode n = JSON.readTree(json.out());
    assertThat(n.get("message").asLong()).isEqualTo(4711);
    assertThat(n.get("message_bits").asText()).isEqualTo("0001001001100111");
    assertThat(n.get("verdict").asText()).isEqualTo("detected");
    assertThat(n.get("p_exact").asBoolean()).isTrue();
    assertThat(n.get("log10_p").asDouble()).isLessThan(-6);
    assertThat(n.get("symbols")).hasSize(8);
    assertThat(n.get("symbols").get(0).get("value").asInt()).isEqualTo(4711 & 3);
    assertThat(n.get("scheme").asText()).isEqualTo("kgw:gamma=0.25,delta=2,h=1,seeding=left,payload=16,symbol-bits=2");
    CliRun human = run("detect", "--key", keyFile.toString(), "--scheme", PAYLOAD, "--vocab-size",
        Integer.toString(VOCAB), "--tokens", ids);
    assertThat(human.out()).contains("message:       4711 (bits 0001001001100111").contains("corrected for all 2^16")
        .contains("watermark DETECTED, message 4711");
    // unwatermarked text: not detected
    CliRun plain = run("detect", "--key", keyFile.toString(), "--scheme", PAYLOAD, "--vocab-size",
        Integer.toString(VOCAB), "--tokens", ids(watermarked(null, 400, 13)), "--json");
    assertThat(JSON.readTree(plain.out()).get("verdict").asText()).isEqualTo("not_detected");
  }

  @Test
  void verifyDecodesTheTenantOfACorpusAndARerunReproducesTheReport() throws Exception {
    Watermark wm = Watermarks.create(key, KgwSpec.parse(PAYLOAD), VOCAB, 4711);
    List<String> lines = new ArrayList<>(CliTest.records(wm, 12, 40));
    lines.addAll(CliTest.records(Watermarks.create(key, KgwSpec.parse(PAYLOAD), VOCAB, 17), 2, 60).stream()
        .map(l -> l.replace("\"id\":\"r", "\"id\":\"other")).toList());
    Path corpus = dir.resolve("tenants.jsonl");
    Files.write(corpus, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    Path out = dir.resolve("payload-report");
    String[] args = {"verify", "--key", keyFile.toString(), "--scheme", PAYLOAD, "--vocab-size",
        Integer.toString(VOCAB), "--suspect", corpus.toString(), "--control-keys", "20", "--alpha", "1e-6", "--out",
        out.toString()};
    CliRun json = run(concat(args, "--json"));
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode n = JSON.readTree(json.out());
    assertThat(n.get("verdict").asText()).isEqualTo("detected");
    JsonNode payload = n.get("payload");
    assertThat(payload.get("message").asLong()).isEqualTo(4711);
    assertThat(payload.get("message_bits").asText()).isEqualTo("0001001001100111");
    assertThat(payload.get("log10_p").asDouble()).isLessThan(-6).isEqualTo(n.get("log10_p").asDouble());
    assertThat(payload.get("symbols")).hasSize(8);
    assertThat(payload.get("tuples_scored").asLong()).isEqualTo(n.get("tuples_scored").asLong());
    assertThat(n.get("controls").get("log10_p")).hasSize(20);
    assertThat(n.get("controls").get("best_key_rank").asInt()).isEqualTo(1);

    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(report.get("schema_version").asInt()).isEqualTo(3);
    assertThat(report.get("payload")).isEqualTo(payload);
    List<String> order = new ArrayList<>();
    report.fieldNames().forEachRemaining(order::add);
    assertThat(order.indexOf("payload")).isEqualTo(order.indexOf("statistics") + 1);
    assertThat(Files.readString(out.resolve("report.html"))).contains("Payload: the decoded message")
        .contains("<strong>4711</strong>");
    // the recompute path: verify on the report's inputs gives the same report, but for its creation time
    Path again = dir.resolve("payload-report-again");
    args[args.length - 1] = again.toString();
    CliRun human = run(args);
    assertThat(human.code()).as(human.err()).isZero();
    assertThat(human.out()).contains("message:       4711 (bits 0001001001100111").contains("corrected for all 2^16");
    JsonNode second = JSON.readTree(again.resolve("report.json").toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) second).remove("created");
    ((com.fasterxml.jackson.databind.node.ObjectNode) report).remove("created");
    assertThat(second).isEqualTo(report);
  }

  @Test
  void detectDecodesAGumbelPayloadAndVerifyRefusesOne() throws Exception {
    String spec = "gumbel:h=1,payload=16";
    Watermark wm = Watermarks.create(key, io.tracemark.api.GumbelSpec.parse(spec), VOCAB, 4711);
    java.util.SplittableRandom random = new java.util.SplittableRandom(21);
    int[] tokens = new int[300];
    float[] logits = new float[VOCAB];
    for (int i = 0; i < tokens.length; i++) {
      for (int t = 0; t < VOCAB; t++) {
        logits[t] = (float) (-0.6 * Math.log(t + 1.0) + 1.5 * random.nextGaussian());
      }
      tokens[i] = wm.sampling().orElseThrow().sample(tokens, i, logits, random);
    }
    CliRun json = run("detect", "--key", keyFile.toString(), "--scheme", spec, "--vocab-size",
        Integer.toString(VOCAB), "--tokens", ids(tokens), "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode n = JSON.readTree(json.out());
    assertThat(n.get("message").asLong()).isEqualTo(4711);
    assertThat(n.get("verdict").asText()).isEqualTo("detected");
    assertThat(n.get("p_exact").asBoolean()).isFalse();
    assertThat(n.get("gamma").isNull()).isTrue();
    assertThat(n.get("score").asDouble()).isGreaterThan(n.get("tuples_scored").asDouble());
    assertThat(n.get("scheme").asText()).isEqualTo("gumbel:h=1,score=sum,payload=16,symbol-bits=2");
    CliRun human = run("detect", "--key", keyFile.toString(), "--scheme", spec, "--vocab-size",
        Integer.toString(VOCAB), "--tokens", ids(tokens));
    assertThat(human.out()).contains("message:       4711").contains("score:         ")
        .contains("union bound: conservative");
    Path corpus = dir.resolve("g.jsonl");
    Files.write(corpus, "{\"tokens\":[1,2,3]}\n".getBytes(StandardCharsets.UTF_8));
    CliRun verify = run("verify", "--key", keyFile.toString(), "--scheme", spec, "--vocab-size",
        Integer.toString(VOCAB), "--suspect", corpus.toString(), "--out", dir.resolve("gout").toString());
    assertThat(verify.code()).isEqualTo(2);
    assertThat(verify.err()).contains("does not decode a gumbel payload");
  }

  @Test
  void optionsWithoutAPayloadLawAndPlanRefuseAPayload() throws Exception {
    CliRun local = run("detect", "--key", keyFile.toString(), "--scheme", PAYLOAD, "--vocab-size",
        Integer.toString(VOCAB), "--tokens", "1,2,3", "--localize=winmax");
    assertThat(local.code()).isEqualTo(2);
    assertThat(local.err()).contains("--localize does not apply to a payload");
    Path corpus = dir.resolve("p.jsonl");
    Files.write(corpus, "{\"tokens\":[1,2,3]}\n".getBytes(StandardCharsets.UTF_8));
    for (String[] extra : List.of(new String[] {"--tenants", "3"}, new String[] {"--localize=winmax"})) {
      CliRun verify = run(concat(new String[] {"verify", "--key", keyFile.toString(), "--scheme", PAYLOAD,
          "--vocab-size", Integer.toString(VOCAB), "--suspect", corpus.toString(), "--out",
          dir.resolve("out").toString()}, extra));
      assertThat(verify.code()).as(String.join(" ", extra)).isEqualTo(2);
      assertThat(verify.err()).contains("per-tenant keys (tenants > 0), weights and per-record localisation");
    }
    CliRun plan = run("plan", "--log", corpus.toString(), "--replay", "b", "--key", keyFile.toString(), "--scheme",
        PAYLOAD, "--out", dir.resolve("plan").toString());
    assertThat(plan.code()).isEqualTo(2);
    assertThat(plan.err()).contains("plan does not decode a payload");
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
