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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code detect} decodes a multi-bit payload; {@code verify} refuses one with a clear message. */
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
  void verifyAndLocalizeRefuseAPayload() throws Exception {
    CliRun local = run("detect", "--key", keyFile.toString(), "--scheme", PAYLOAD, "--vocab-size",
        Integer.toString(VOCAB), "--tokens", "1,2,3", "--localize=winmax");
    assertThat(local.code()).isEqualTo(2);
    assertThat(local.err()).contains("--localize does not apply to a payload");
    Path corpus = dir.resolve("p.jsonl");
    Files.write(corpus, "{\"tokens\":[1,2,3]}\n".getBytes(StandardCharsets.UTF_8));
    CliRun verify = run("verify", "--key", keyFile.toString(), "--scheme", PAYLOAD, "--vocab-size",
        Integer.toString(VOCAB), "--suspect", corpus.toString(), "--out", dir.resolve("out").toString());
    assertThat(verify.code()).isEqualTo(2);
    assertThat(verify.err()).contains("verify does not decode a payload");
  }
}
