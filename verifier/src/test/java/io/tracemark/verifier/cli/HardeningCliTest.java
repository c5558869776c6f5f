package io.tracemark.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line around keys, secrets and output files: refusals come first, in one line, and leak nothing. */
class HardeningCliTest {
  static final String SPEC = "kgw:gamma=0.25,delta=2,h=1";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  Path key(String name) throws IOException {
    Path f = dir.resolve(name);
    KeyFiles.write(CliTest.fixedKey(name), f);
    return f;
  }

  Path suspect(String name, WatermarkKey key) throws IOException {
    Watermark wm = Watermarks.create(key, KgwSpec.parse(SPEC), CliTest.VOCAB);
    Path p = dir.resolve(name);
    Files.write(p, CliTest.records(wm, 3, 40));
    return p;
  }

  static void oneLine(CliRun r, int code, String expected) {
    assertThat(r.code()).as(r.err()).isEqualTo(code);
    assertThat(r.err()).contains(expected).doesNotContain("\tat ");
    assertThat(r.err().lines().count()).as(r.err()).isLessThanOrEqualTo(2);
  }

  // ------------------------------------------------------------------ --out

  @Test
  void anExistingFileAsOutIsRefusedBeforeTheCorpusIsRead() throws IOException {
    Path key = key("k.json");
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    // the suspect does not exist: an --out checked first is the error reported
    CliRun r = CliRun.run("verify", "--key", key.toString(), "--scheme", SPEC, "--vocab-size", "4000",
        "--suspect", dir.resolve("missing.jsonl").toString(), "--out", file.toString());
    oneLine(r, 3, file + ": exists and is not a directory");
  }

  @Test
  void aSymlinkedReportFileInOutIsRefusedAndItsTargetUntouched() throws IOException {
    Path key = key("k.json");
    Path victim = Files.writeString(dir.resolve("victim-0600"), "precious");
    Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
    Path out = Files.createDirectory(dir.resolve("shared-out"));
    Files.createSymbolicLink(out.resolve("report.json"), victim);
    CliRun r = CliRun.run("verify", "--key", key.toString(), "--scheme", SPEC, "--vocab-size", "4000",
        "--suspect", suspect("s.jsonl", CliTest.fixedKey("k.json")).toString(), "--control-keys", "0", "--out",
        out.toString());
    oneLine(r, 3, out.resolve("report.json") + ": is a symbolic link");
    assertThat(Files.readString(victim)).isEqualTo("precious");
  }

  @Test
  void anOutDirectoryOwnedByAnotherUserIsRefused() throws IOException {
    assumeTrue(root(), "changing a directory's owner needs root (CI runs as root)");
    Path key = key("k.json");
    Path out = Files.createDirectory(dir.resolve("theirs"));
    Files.setOwner(out, out.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("54321"));
    CliRun r = CliRun.run("verify", "--key", key.toString(), "--scheme", SPEC, "--vocab-size", "4000",
        "--suspect", dir.resolve("missing.jsonl").toString(), "--out", out.toString());
    oneLine(r, 3, "output directory is owned by another user");
  }

  // ------------------------------------------------------------------ keygen

  @Test
  void keygenRefusesADirectoryOthersCanWriteAndNeverClaimsOwnerOnly() throws IOException {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    for (String[] args : List.of(new String[] {"keygen", "--out", open.resolve("k.json").toString()},
        new String[] {"keygen", "--signing", "--out", open.resolve("s.json").toString()})) {
      CliRun r = CliRun.run(args);
      oneLine(r, 3, open + ": directory is writable by group or others");
      assertThat(r.out()).doesNotContain("owner-only");
    }
    try (var files = Files.list(open)) {
      assertThat(files).isEmpty();
    }
    CliRun ok = CliRun.run("keygen", "--out", dir.resolve("fine.json").toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("(owner-only; publish the commitment, never the file)");
  }

  @Test
  void aKeyFileOthersCanReadGivesAWarningAndWithStrictPermissionsAnError() throws IOException {
    Path key = key("readable.json");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    CliRun warned = CliRun.run("detect", "--key", key.toString(), "--scheme", SPEC, "--vocab-size", "4000",
        "--tokens", "1,2,3,4");
    assertThat(warned.code()).as(warned.err()).isZero();
    assertThat(warned.err()).isEqualTo("tracemark detect: warning: " + key + " can be read by its group or by others "
        + "(chmod 600 " + key + "); --strict-key-permissions refuses such a key file\n");
    oneLine(CliRun.run("detect", "--key", key.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--tokens",
        "1,2,3,4", "--strict-key-permissions"), 3, "refused by --strict-key-permissions");
    oneLine(CliRun.run("key-info", "--key", key.toString(), "--strict-key-permissions"), 3,
        "refused by --strict-key-permissions");
    assertThat(CliRun.run("key-info", "--key", key.toString()).err()).contains("warning: ");
    Path signer = dir.resolve("signer.json");
    assertThat(CliRun.run("keygen", "--signing", "--out", signer.toString()).code()).isZero();
    Files.setPosixFilePermissions(signer, PosixFilePermissions.fromString("rw-r-----"));
    Path good = key("good.json");
    oneLine(CliRun.run("verify", "--key", good.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--suspect",
        suspect("s.jsonl", CliTest.fixedKey("good.json")).toString(), "--control-keys", "0", "--sign-key",
        signer.toString(), "--strict-key-permissions", "--out", dir.resolve("o").toString()), 3,
        signer + " can be read by its group or by others");
    CliRun quiet = CliRun.run("detect", "--key", good.toString(), "--scheme", SPEC, "--vocab-size", "4000",
        "--tokens", "1,2,3,4");
    assertThat(quiet.err()).isEmpty();
  }

  @Test
  void aKeyFileRecordsWhatTheKeyIsForAndARunThatContradictsItIsRefused() throws IOException {
    Path key = dir.resolve("made-for.json");
    CliRun made = CliRun.run("keygen", "--out", key.toString(), "--scheme", "kgw:gamma=0.5,h=2", "--tokenizer",
        "r50k_base", "--json");
    assertThat(made.code()).as(made.err()).isZero();
    JsonNode m = JSON.readTree(made.out());
    assertThat(m.get("scheme").asText()).isEqualTo("kgw:gamma=0.5,delta=2,h=2,seeding=left");
    assertThat(m.get("tokenizer").asText()).isEqualTo("r50k_base");
    assertThat(m.get("vocabulary_size").asInt()).isEqualTo(50_257);
    JsonNode info = JSON.readTree(CliRun.run("key-info", "--key", key.toString(), "--json").out());
    assertThat(info.get("scheme").asText()).isEqualTo("kgw:gamma=0.5,delta=2,h=2,seeding=left");
    assertThat(CliRun.run("key-info", "--key", key.toString()).out())
        .contains("made for:   scheme kgw:gamma=0.5,delta=2,h=2,seeding=left, tokenizer \"r50k_base\", vocabulary "
            + "size 50257");

    oneLine(CliRun.run("detect", "--key", key.toString(), "--scheme", SPEC, "--tokenizer", "r50k_base", "--tokens",
        "1,2,3"), 3, key + ": the key was made for another scheme (gamma, h differ) than this run uses");
    oneLine(CliRun.run("detect", "--key", key.toString(), "--scheme", "kgw:gamma=0.5,h=2,delta=1", "--tokens",
        "1,2,3"), 3, "another vocabulary size");
    Path suspect = dir.resolve("s.jsonl");
    Files.writeString(suspect, "{\"tokens\":[1,2,3,4,5]}\n");
    oneLine(CliRun.run("verify", "--key", key.toString(), "--scheme", "kgw:gamma=0.5,h=2", "--suspect",
        suspect.toString(), "--out", dir.resolve("o").toString()), 3,
        "the key was made for another tokenizer, another vocabulary size than this run uses");
    // delta does not change which tokens are green: a run with another delta is the same test
    CliRun fine = CliRun.run("detect", "--key", key.toString(), "--scheme", "kgw:gamma=0.5,h=2,delta=1",
        "--tokenizer", "r50k_base", "--tokens", "1,2,3");
    assertThat(fine.code()).as(fine.err()).isZero();
    assertThat(fine.err()).isEmpty();
    CliRun ids = CliRun.run("detect", "--key", key.toString(), "--scheme", "kgw:gamma=0.5,h=2", "--vocab-size",
        "50257", "--tokens", "1,2,3");
    assertThat(ids.code()).as("token ids: only the vocabulary is compared").isZero();

    // a key file without the fields (every earlier build) is accepted, without a warning
    Path old = dir.resolve("old.json");
    WatermarkKey k = CliTest.fixedKey("old");
    Files.writeString(old, "{\n  \"format\": \"tracemark-watermark-key\",\n  \"version\": 1,\n  \"key_id\": \""
        + k.keyId() + "\",\n  \"commitment\": \"" + k.commitment() + "\",\n  \"tenants\": 0,\n  \"secret\": \""
        + java.util.Base64.getEncoder().encodeToString(k.secretBytes()) + "\"\n}\n");
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-------"));
    CliRun oldRun = CliRun.run("detect", "--key", old.toString(), "--scheme", "kgw:gamma=0.9,h=3",
        "--vocab-size", "77", "--tokens", "1,2,3");
    assertThat(oldRun.code()).as(oldRun.err()).isZero();
    assertThat(oldRun.err()).isEmpty();
    oneLine(CliRun.run("keygen", "--out", dir.resolve("x.json").toString(), "--scheme", "vllm:key=1"), 2,
        "a watermark key is for kgw: schemes");
  }

  // ------------------------------------------------------------------ messages

  @Test
  void controlCharactersInARecordIdReachTheTerminalEscaped() throws IOException {
    Path key = key("k.json");
    Path bad = dir.resolve("evil.jsonl");
    Files.writeString(bad, "{\"id\":\"r1\\u001b]0;pwned\\u0007\\r\\u001b[2K\",\"tokens\":[1,2,99999]}\n",
        StandardCharsets.UTF_8);
    CliRun r = CliRun.run("verify", "--key", key.toString(), "--scheme", SPEC, "--vocab-size", "4000",
        "--suspect", bad.toString(), "--out", dir.resolve("o").toString());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("r1\\u001b]0;pwned\\u0007\\r\\u001b[2K");
    assertThat(r.err().chars().filter(c -> c < 0x20 && c != '\n')).as("raw control characters").isEmpty();
  }

  @Test
  void anInteropReportHasNoDigestOfItsKeyThatAnEnumerationFinds() throws Exception {
    String spec = "vllm:algorithm=gumbel,key=8675309";
    Path suspect = dir.resolve("v.jsonl");
    Files.writeString(suspect, "{\"tokens\":[1,2,3,4,5,6,7,8,9,10,11,12]}\n{\"tokens\":[5,4,3,2,1,9,8,7,6,5]}\n");
    Path out = dir.resolve("vllm-report");
    CliRun r = CliRun.run("verify", "--scheme", spec, "--suspect", suspect.toString(), "--control-keys", "3",
        "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("tracemark verify: warning: vllm keys are 64-bit integers");
    String report = Files.readString(out.resolve("report.json"));
    JsonNode key = JSON.readTree(report).get("key");
    assertThat(key.get("commitment").asText()).matches("[0-9a-f]{64}");
    assertThat(key.get("commitment_salt").asText()).matches("[0-9a-f]{64}");
    assertThat(key.get("warning").asText()).contains("picked by hand");
    String everything = report + Files.readString(out.resolve("report.html")) + r.out() + r.err();
    assertThat(everything).doesNotContain("8675309");
    // an enumeration of keys 0 … 10^7 finds the key from any unsalted digest of its SPEC: there is none
    String canonical = SchemeSpec.parse(spec).canonical();
    for (String digest : List.of(sha256("tracemark/interop-spec-commitment/v1\0" + canonical), sha256(canonical),
        sha256("8675309"))) {
      assertThat(everything).doesNotContain(digest);
    }
    // a second run draws another salt, hence another commitment
    Path again = dir.resolve("vllm-report-2");
    assertThat(CliRun.run("verify", "--scheme", spec, "--suspect", suspect.toString(), "--control-keys", "3",
        "--out", again.toString()).code()).isZero();
    assertThat(JSON.readTree(again.resolve("report.json").toFile()).get("key").get("commitment").asText())
        .isNotEqualTo(key.get("commitment").asText());
  }

  static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
