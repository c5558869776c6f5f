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

/**
 * {@code detect} decodes a multi-bit payload (green-list or Gumbel family) from a text, {@code verify} from a corpus;
 * {@code plan} refuses one.
 */
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

  static final String GUMBEL = "gumbel:h=1,payload=16";

  /** {@code n} tokens drawn by the Gumbel-max sampler of {@code wm} over the toy logits of {@code CliTest}. */
  static int[] gumbelText(Watermark wm, int n, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    int[] tokens = new int[n];
    float[] logits = new float[VOCAB];
    for (int i = 0; i < tokens.length; i++) {
      for (int t = 0; t < VOCAB; t++) {
        logits[t] = (float) (-0.6 * Math.log(t + 1.0) + 1.5 * random.nextGaussian());
      }
      tokens[i] = wm.sampling().orElseThrow().sample(tokens, i, logits, random);
    }
    return tokens;
  }

  @Test
  void detectDecodesAGumbelPayload() throws Exception {
    String spec = GUMBEL;
    Watermark wm = Watermarks.create(key, io.tracemark.api.GumbelSpec.parse(spec), VOCAB, 4711);
    int[] tokens = gumbelText(wm, 300, 21);
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
        .contains("conservative: an upper bound");
  }

  @Test
  void verifyDecodesTheTenantOfAGumbelCorpusAndARerunReproducesTheReport() throws Exception {
    io.tracemark.api.GumbelSpec spec = io.tracemark.api.GumbelSpec.parse(GUMBEL);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lines.add("{\"id\":\"t4711-" + i + "\",\"tokens\":["
          + ids(gumbelText(Watermarks.create(key, spec, VOCAB, 4711), 60, 40 + i)) + "]}");
    }
    lines.add("{\"id\":\"t17\",\"tokens\":[" + ids(gumbelText(Watermarks.create(key, spec, VOCAB, 17), 60, 60))
        + "]}");
    lines.add("{\"id\":\"plain\",\"tokens\":[" + ids(watermarked(null, 60, 61)) + "]}");
    Path corpus = dir.resolve("gumbel-tenants.jsonl");
    Files.write(corpus, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    Path out = dir.resolve("gumbel-report");
    String[] args = {"verify", "--key", keyFile.toString(), "--scheme", GUMBEL, "--vocab-size",
        Integer.toString(VOCAB), "--suspect", corpus.toString(), "--control-keys", "20", "--alpha", "1e-6", "--out",
        out.toString()};
    CliRun json = run(concat(args, "--json"));
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode n = JSON.readTree(json.out());
    assertThat(n.get("verdict").asText()).isEqualTo("detected");
    assertThat(n.get("gamma").isNull()).isTrue();
    JsonNode payload = n.get("payload");
    assertThat(payload.get("statistic").asText()).startsWith("score sum of the decoded message");
    assertThat(payload.get("message").asLong()).isEqualTo(4711);
    assertThat(payload.get("message_bits").asText()).isEqualTo("0001001001100111");
    assertThat(payload.get("log10_p").asDouble()).isLessThan(-6).isEqualTo(n.get("log10_p").asDouble());
    assertThat(payload.get("score").asDouble()).isGreaterThan(payload.get("tuples_scored").asDouble())
        .isEqualTo(n.get("green").asDouble());
    assertThat(payload.get("symbols")).hasSize(8).allSatisfy(s -> assertThat(s.get("score").asDouble())
        .isGreaterThan(s.get("runner_up_score").asDouble()));
    assertThat(payload.has("p_exact")).isTrue();
    assertThat(n.get("controls").get("log10_p")).hasSize(20);
    assertThat(n.get("controls").get("best_key_rank").asInt()).isEqualTo(1);
    assertThat(n.get("controls").get("flagged_at_alpha").asInt()).isZero();

    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(report.get("payload")).isEqualTo(payload);
    assertThat(Files.readString(out.resolve("report.html"))).contains("Payload: the decoded message")
        .contains("<strong>4711</strong>").contains("score sum of the message");
    // a rerun on the report's inputs, on three threads: the same report, but for its creation time
    Path again = dir.resolve("gumbel-report-again");
    args[args.length - 1] = again.toString();
    CliRun human = run(concat(args, "--threads", "3"));
    assertThat(human.code()).as(human.err()).isZero();
    assertThat(human.out()).contains("message:       4711 (bits 0001001001100111").contains("corrected for all 2^16")
        .contains("score:         ");
    JsonNode second = JSON.readTree(again.resolve("report.json").toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) second).remove("created");
    ((com.fasterxml.jackson.databind.node.ObjectNode) report).remove("created");
    assertThat(second).isEqualTo(report);
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
    for (String scheme : List.of(PAYLOAD, GUMBEL)) {
      CliRun plan = run("plan", "--log", corpus.toString(), "--replay", "b", "--key", keyFile.toString(), "--scheme",
          scheme, "--out", dir.resolve("plan").toString());
      assertThat(plan.code()).as(scheme).isEqualTo(2);
      assertThat(plan.err()).contains("plan does not decode a payload").contains("no power model");
    }
    for (String[] extra : List.of(new String[] {"--tenants", "3"}, new String[] {"--localize=winmax"})) {
      CliRun verify = run(concat(new String[] {"verify", "--key", keyFile.toString(), "--scheme", GUMBEL,
          "--vocab-size", Integer.toString(VOCAB), "--suspect", corpus.toString(), "--out",
          dir.resolve("out").toString()}, extra));
      assertThat(verify.code()).as(String.join(" ", extra)).isEqualTo(2);
      assertThat(verify.err()).contains("per-tenant keys (tenants > 0), weights and per-record localisation");
    }
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
