package io.tracemark.verifier.cli;

import static io.tracemark.verifier.cli.CliRun.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.TokenSampler;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.core.keys.Keys;
import io.tracemark.core.sampling.Samplers;
import io.tracemark.verifier.report.EvidenceReport;
import io.tracemark.verifier.report.SigningKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process: outputs, exit codes, error lines, reports, signatures, secrecy. */
class CliTest {
  static final int VOCAB = 4000;
  static final String SPEC = "kgw:gamma=0.25,delta=2,h=1";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  static Path keyFile;
  static Path signerFile;
  static WatermarkKey key;

  /**
   * A fixed key: every verdict asserted below is then a fixed outcome, not a draw that fails at rate alpha (a random
   * key from keygen made the "not detected" check fail about one run in a hundred). Keygen has its own test.
   */
  static WatermarkKey fixedKey(String label) {
    return WatermarkKey.fromBytes(sha256(("tracemark CliTest " + label).getBytes(StandardCharsets.UTF_8)));
  }

  @BeforeAll
  static void keys() throws IOException {
    keyFile = dir.resolve("key.json");
    KeyFiles.write(fixedKey("owner"), keyFile);
    key = KeyFiles.read(keyFile);
    signerFile = dir.resolve("signer.json");
    assertThat(run("keygen", "--signing", "--out", signerFile.toString()).code()).isZero();
  }

  static int[] watermarked(Watermark wm, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    TokenSampler sampler = Samplers.multinomial(random);
    int[] tokens = new int[n];
    float[] logits = new float[VOCAB];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < VOCAB; t++) {
        logits[t] = (float) (-0.6 * Math.log(t + 1.0) + 1.5 * random.nextGaussian());
      }
      if (wm != null) {
        wm.bias().orElseThrow().apply(tokens, i, logits);
      }
      tokens[i] = sampler.sample(logits);
    }
    return tokens;
  }

  static String ids(int[] t) {
    return IntStream.of(t).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  static Path jsonl(String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
    return p;
  }

  static List<String> records(Watermark wm, int count, long seed) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add("{\"id\":\"r" + i + "\",\"tokens\":[" + ids(watermarked(wm, 80, seed + i)) + "]}");
    }
    return lines;
  }

  @Test
  void keygenWritesAnOwnerOnlyFileAndRefusesToOverwrite() throws IOException {
    Path generated = dir.resolve("keygen.json");
    assertThat(run("keygen", "--out", generated.toString()).code()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(generated))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(signerFile))).isEqualTo("rw-------");
    assertThat(Files.exists(dir.resolve("signer.pub"))).isTrue();
    assertThat(KeyFiles.read(generated).keyId()).isNotEqualTo(key.keyId());
    CliRun again = run("keygen", "--out", generated.toString());
    assertThat(again.code()).isEqualTo(3);
    assertThat(again.err()).isEqualTo("tracemark keygen: error: " + generated + ": already exists (refusing to "
        + "overwrite)\n");
    Path tenants = dir.resolve("tenants.json");
    CliRun t = run("keygen", "--out", tenants.toString(), "--tenants", "8", "--json");
    assertThat(t.code()).isZero();
    assertThat(JSON.readTree(t.out()).get("tenants").asInt()).isEqualTo(8);
  }

  @Test
  void keyInfoShowsIdCommitmentCreationAndTenants() throws IOException {
    Path generated = dir.resolve("key-info.json");
    assertThat(run("keygen", "--out", generated.toString()).code()).isZero();
    WatermarkKey made = KeyFiles.read(generated);
    CliRun r = run("key-info", "--key", generated.toString(), "--json");
    assertThat(r.code()).isZero();
    JsonNode n = JSON.readTree(r.out());
    assertThat(n.get("key_id").asText()).isEqualTo(made.keyId());
    assertThat(n.get("commitment").asText()).isEqualTo(made.commitment());
    assertThat(n.get("created").asText()).isNotEmpty();
    assertThat(n.get("tenants").asInt()).isZero();
    assertThat(run("key-info", "--key", generated.toString()).out()).contains("key id:     " + made.keyId());
  }

  @Test
  void detectFindsWatermarkedTokensAndClearsOthers() throws IOException {
    Watermark wm = Watermarks.create(key, KgwSpec.parse(SPEC), VOCAB);
    CliRun pos = run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--tokens",
        ids(watermarked(wm, 200, 1)), "--json");
    assertThat(pos.code()).isZero();
    JsonNode p = JSON.readTree(pos.out());
    for (String field : List.of("tokens_read", "tuples_scored", "green", "green_fraction", "z", "p_value", "log10_p",
        "verdict")) {
      assertThat(p.has(field)).as(field).isTrue();
    }
    assertThat(p.get("verdict").asText()).isEqualTo("detected");
    assertThat(p.get("tokens_read").asInt()).isEqualTo(200);
    Path file = dir.resolve("plain-ids.txt");
    Files.writeString(file, ids(watermarked(null, 200, 2)).replace(',', ' '));
    CliRun neg = run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--tokens-file",
        file.toString(), "--json");
    assertThat(neg.code()).isZero();
    assertThat(JSON.readTree(neg.out()).get("verdict").asText()).isEqualTo("not_detected");
  }

  @Test
  void detectReadsTextThroughATokenizer() throws IOException {
    Path text = dir.resolve("text.txt");
    Files.writeString(text, "The quick brown fox jumps over the lazy dog. ".repeat(20));
    CliRun r = run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--tokenizer", "r50k_base", "--text",
        text.toString(), "--json");
    assertThat(r.code()).isZero();
    JsonNode n = JSON.readTree(r.out());
    assertThat(n.get("tokens_read").asInt()).isBetween(190, 210); // 10 tokens a sentence, 20 times
    assertThat(n.get("tuples_scored").asInt()).isLessThan(15); // the repeats are scored once
  }

  @Test
  void verifyWritesASignedReportThatReportVerifyAccepts() throws IOException {
    Watermark wm = Watermarks.create(key, KgwSpec.parse(SPEC), VOCAB);
    Path suspect = jsonl("suspect.jsonl", records(wm, 10, 100));
    Path out = dir.resolve("report-ok");
    CliRun r = run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--suspect",
        suspect.toString(), "--control-keys", "20", "--sign-key", signerFile.toString(), "--out", out.toString(),
        "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode n = JSON.readTree(r.out());
    for (String field : List.of("tokens_read", "tuples_scored", "green", "green_fraction", "z", "p_value", "log10_p",
        "verdict", "keys", "controls")) {
      assertThat(n.has(field)).as(field).isTrue();
    }
    assertThat(n.get("verdict").asText()).isEqualTo("detected");
    assertThat(n.get("controls").get("count").asInt()).isEqualTo(20);
    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(report.get("schema_version").asInt()).isEqualTo(EvidenceReport.SCHEMA_VERSION);
    assertThat(report.get("key").get("key_id").asText()).isEqualTo(key.keyId());
    assertThat(report.get("key").get("commitment").asText()).isEqualTo(key.commitment());
    assertThat(report.get("inputs").get("files").get(0).get("sha256").asText())
        .isEqualTo(HexFormat.of().formatHex(sha256(Files.readAllBytes(suspect))));
    assertThat(report.get("statistics").get("tokens_read").asInt()).isEqualTo(800);
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html).contains("<svg").contains("Watermark DETECTED").doesNotContain("<script")
        .doesNotContain("src=").doesNotContain("href=");
    CliRun ok = run("report-verify", out.toString(), "--public-key", dir.resolve("signer.pub").toString());
    assertThat(ok.code()).isZero();

    // re-running verify on the same inputs reproduces the same numbers
    Path out2 = dir.resolve("report-again");
    assertThat(run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--suspect",
        suspect.toString(), "--control-keys", "20", "--out", out2.toString()).code()).isZero();
    JsonNode again = JSON.readTree(out2.resolve("report.json").toFile());
    for (String field : List.of("statistics", "keys", "controls", "curve", "top_records", "inputs")) {
      assertThat(again.get(field)).as(field).isEqualTo(report.get(field));
    }
  }

  @Test
  void aReportWithAnyByteChangedFailsReportVerify() throws IOException {
    Watermark wm = Watermarks.create(key, KgwSpec.parse(SPEC), VOCAB);
    Path suspect = jsonl("tamper.jsonl", records(wm, 3, 300));
    Path out = dir.resolve("report-tamper");
    assertThat(run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--suspect",
        suspect.toString(), "--control-keys", "5", "--sign-key", signerFile.toString(), "--out", out.toString())
        .code()).isZero();
    SigningKey.PublicKey pub = SigningKey.PublicKey.readFile(dir.resolve("signer.pub"));
    for (String name : List.of("report.json", "report.sig")) {
      Path file = out.resolve(name);
      byte[] original = Files.readAllBytes(file);
      for (int i = 0; i < original.length; i++) {
        byte[] changed = original.clone();
        changed[i] ^= (byte) (1 << (i % 8));
        Files.write(file, changed);
        assertThat(EvidenceReport.verify(out, pub).valid()).as("%s byte %d", name, i).isFalse();
      }
      // through the command line: exit 4 for a changed byte, 0 when restored
      byte[] changed = original.clone();
      changed[original.length / 2] ^= 1;
      Files.write(file, changed);
      CliRun bad = run("report-verify", out.toString(), "--public-key", dir.resolve("signer.pub").toString());
      assertThat(bad.code()).isEqualTo(4);
      assertThat(bad.err()).startsWith("tracemark report-verify: error: ").doesNotContain("\tat ");
      Files.write(file, original);
      assertThat(run("report-verify", out.toString(), "--public-key", dir.resolve("signer.pub").toString()).code())
          .isZero();
    }
    // another signer's public key does not verify
    Path other = dir.resolve("other-signer.json");
    assertThat(run("keygen", "--signing", "--out", other.toString()).code()).isZero();
    assertThat(run("report-verify", out.toString(), "--public-key", dir.resolve("other-signer.pub").toString())
        .code()).isEqualTo(4);
  }

  static byte[] sha256(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------ bad input

  static CliRun verifyOn(Path suspect, String... extra) {
    List<String> args = new ArrayList<>(List.of("verify", "--key", keyFile.toString(), "--scheme", SPEC,
        "--vocab-size", "4000", "--suspect", suspect.toString(), "--control-keys", "0", "--out",
        dir.resolve("out-" + suspect.getFileName()).toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(new String[0]));
  }

  static void assertOneLineError(CliRun r, int code, String expected) {
    assertThat(r.code()).as(r.err()).isEqualTo(code);
    assertThat(r.err()).contains(expected).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(r.err().lines().count()).isLessThanOrEqualTo(2);
  }

  @Test
  void selfSeededTapesPastTheMemoryBudgetStopWithOneLine() throws IOException {
    SplittableRandom r = new SplittableRandom(12);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int[] t = r.ints(300, 0, VOCAB).toArray();
      lines.add("{\"id\":\"s" + i + "\",\"tokens\":[" + ids(t) + "]}");
    }
    Path suspect = jsonl("self-seeded.jsonl", lines);
    CliRun r1 = run("verify", "--key", keyFile.toString(), "--scheme", "kgw:gamma=0.25,h=2,seeding=self",
        "--vocab-size", "4000", "--suspect", suspect.toString(), "--control-keys", "10", "--tape-memory", "1",
        "--out", dir.resolve("out-self-seeded").toString());
    assertOneLineError(r1, 3, "each of the 11 keys keeps its own tape in memory");
    assertThat(r1.err()).startsWith("tracemark verify: error: ").contains("Use fewer control keys");
  }

  @Test
  void eachBadRecordStopsWithFileLineAndReasonByDefault() throws IOException {
    String good = "{\"id\":\"g\",\"tokens\":[1,2,3,4]}";
    Path malformed = jsonl("malformed.jsonl", List.of(good, "{\"tokens\":[1,2,"));
    assertOneLineError(verifyOn(malformed), 3, malformed + ":2: malformed JSON");
    Path utf8 = dir.resolve("utf8.jsonl");
    Files.write(utf8, new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}',
        '\n'});
    assertOneLineError(verifyOn(utf8), 3, utf8 + ":1: invalid UTF-8");
    Path type = jsonl("type.jsonl", List.of("{\"tokens\":\"1 2 3\"}"));
    assertOneLineError(verifyOn(type), 3, type + ":1: field \"tokens\" must be an array of integers, was string");
    Path oov = jsonl("oov.jsonl", List.of("{\"id\":\"x\",\"tokens\":[1,2,4000]}"));
    assertOneLineError(verifyOn(oov), 3,
        oov + ":1 (x): field \"tokens\"[2]: token id must be between 0 and 3999, was 4000");
    Path empty = jsonl("empty.jsonl", List.of("{\"text\":\"\"}"));
    assertOneLineError(verifyOn(empty), 3, empty + ":1: empty record");
    Path neither = jsonl("neither.jsonl", List.of("{\"body\":\"x\"}"));
    assertOneLineError(verifyOn(neither), 3, neither + ":1: record has neither \"text\" nor \"tokens\"");
    Path emptyText = dir.resolve("empty.txt");
    Files.writeString(emptyText, "  \n");
    assertOneLineError(verifyOn(emptyText), 3, emptyText + ": empty record");
  }

  @Test
  void skippedBadRecordsAreCountedAndListedInTheReport() throws IOException {
    Watermark wm = Watermarks.create(key, KgwSpec.parse(SPEC), VOCAB);
    List<String> lines = new ArrayList<>(records(wm, 3, 500));
    lines.add("{\"tokens\":[1,2,");
    lines.add("{\"tokens\":\"abc\"}");
    lines.add("{\"tokens\":[1,99999]}");
    lines.add("{\"tokens\":[]}");
    lines.add("[1,2,3]");
    Path mixed = jsonl("mixed.jsonl", lines);
    CliRun r = verifyOn(mixed, "--on-bad-record=skip", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(JSON.readTree(r.out()).get("skipped").asInt()).isEqualTo(5);
    JsonNode report = JSON.readTree(dir.resolve("out-mixed.jsonl").resolve("report.json").toFile());
    assertThat(report.get("skipped").get("count").asInt()).isEqualTo(5);
    List<String> ids = new ArrayList<>();
    report.get("skipped").get("records").forEach(n -> ids.add(n.get("id").asText()));
    assertThat(ids).containsExactly(mixed + ":4", mixed + ":5", mixed + ":6", mixed + ":7", mixed + ":8");
    assertThat(report.get("inputs").get("records").asInt()).isEqualTo(8);
    assertThat(report.get("statistics").get("records_scored").asInt()).isEqualTo(3);
    assertThat(Files.readString(dir.resolve("out-mixed.jsonl").resolve("report.html"))).contains(mixed + ":8");
  }

  @Test
  void unreadableInputsAndKeysAreOneLineInputErrors() throws IOException {
    Path missing = dir.resolve("missing.jsonl");
    assertOneLineError(verifyOn(missing), 3, missing + ": no such file or directory");
    Path suspect = jsonl("fine.jsonl", List.of("{\"tokens\":[1,2,3]}"));
    CliRun noKey = run("verify", "--key", dir.resolve("nokey.json").toString(), "--scheme", SPEC, "--suspect",
        suspect.toString(), "--out", dir.resolve("o").toString());
    assertOneLineError(noKey, 3, "nokey.json: no such file (the watermark key)");
    Path wrong = dir.resolve("wrong-key.json");
    Files.writeString(wrong, "{\"format\":\"something-else\",\"secret\":\"AAAA\"}");
    assertOneLineError(run("detect", "--key", wrong.toString(), "--scheme", SPEC, "--tokens", "1,2,3"), 3,
        "not a tracemark key file");
    Path notJson = dir.resolve("not-json-key.json");
    Files.writeString(notJson, "hello");
    assertOneLineError(run("key-info", "--key", notJson.toString()), 3, "not a tracemark key file");
    Path unreadable = dir.resolve("unreadable.jsonl");
    Files.writeString(unreadable, "{\"tokens\":[1,2,3]}\n");
    Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
    if (!Files.isReadable(unreadable)) { // root can read anything
      assertOneLineError(verifyOn(unreadable), 3, "permission denied");
    }
  }

  @Test
  void usageErrorsExitTwo() {
    assertOneLineError(run("verify", "--bogus"), 2, "tracemark verify: error: ");
    assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", "kgw:gamma=2", "--tokens", "1"), 2,
        "--scheme: gamma must be in (0, 1), was 2.0");
    assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", SPEC), 2, "tracemark detect: error:");
    assertOneLineError(run("nonsense"), 2, "tracemark: error:");
    assertOneLineError(run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--suspect", "x", "--out", "y",
        "--alpha", "0"), 2, "--alpha must be in (0, 1), was 0.0");
    assertOneLineError(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--tokens", "1",
        "--tokenizer", "gpt7"), 2, "--tokenizer: tokenizer must be one of");
    CliRun help = run("help", "schemes");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("kgw:gamma=G,delta=D,h=H").contains("gamma       0.25");
  }

  @Test
  void readsGzipAndDirectoriesOfTextAndJsonl() throws IOException {
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(corpus.resolve("a.jsonl.gz")))) {
      gz.write("{\"text\":\"The first record.\"}\n{\"text\":\"The second record.\"}\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(corpus.resolve("b.txt"), "A plain text file is one record.");
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(corpus.resolve("c.txt.gz")))) {
      gz.write("A gzipped text file.".getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(corpus.resolve(".hidden.txt"), "ignored");
    Path out = dir.resolve("out-dir");
    CliRun r = run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--suspect", corpus.toString(),
        "--control-keys", "0", "--out", out.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(report.get("inputs").get("records").asInt()).isEqualTo(4);
    assertThat(report.get("inputs").get("files")).hasSize(3);
    assertThat(report.get("inputs").get("files").get(0).get("sha256").asText())
        .isEqualTo(HexFormat.of().formatHex(sha256(Files.readAllBytes(corpus.resolve("a.jsonl.gz")))));
  }

  @Test
  void aWatermarkedPromptCopiedIntoTheAnswerIsNotInheritanceUnlessExclusionIsOff() throws IOException {
    Watermark wm = Watermarks.create(key, KgwSpec.parse(SPEC), VOCAB);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int[] prompt = watermarked(wm, 120, 1000 + i);
      int[] fresh = watermarked(null, 80, 2000 + i);
      lines.add("{\"id\":\"leak" + i + "\",\"prompt_tokens\":[" + ids(prompt) + "],\"tokens\":[" + ids(prompt) + ","
          + ids(fresh) + "]}");
    }
    Path leaky = jsonl("leaky.jsonl", lines);
    JsonNode on = JSON.readTree(verifyOn(leaky, "--json", "--alpha", "0.001").out());
    assertThat(on.get("verdict").asText()).isEqualTo("not_detected");
    JsonNode off = JSON.readTree(verifyOn(leaky, "--json", "--alpha", "0.001", "--no-prompt-exclusion").out());
    assertThat(off.get("verdict").asText()).isEqualTo("detected");
    JsonNode report = JSON.readTree(dir.resolve("out-leaky.jsonl").resolve("report.json").toFile());
    assertThat(report.get("options").get("prompt_exclusion").asBoolean()).isFalse();
  }

  @Test
  void tenantKeysAreTestedTogetherAndTheLeakingTenantIsNamed() throws IOException {
    Path master = dir.resolve("master.json");
    KeyFiles.write(fixedKey("master").withTenants(5), master);
    Watermark tenant3 = Watermarks.create(Keys.tenant(KeyFiles.read(master), 3),
        KgwSpec.parse(SPEC), VOCAB);
    Path suspect = jsonl("tenant.jsonl", records(tenant3, 6, 700));
    CliRun r = run("verify", "--key", master.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--suspect",
        suspect.toString(), "--control-keys", "10", "--out", dir.resolve("out-tenant").toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode n = JSON.readTree(r.out());
    assertThat(n.get("best_key").asText()).isEqualTo("tenant-3");
    assertThat(n.get("keys")).hasSize(6);
    assertThat(n.get("verdict").asText()).isEqualTo("detected");
  }

  @Test
  void theReferenceFilterIsBuiltFromTheOwnersCorpusAndRecorded() throws IOException {
    Watermark wm = Watermarks.create(key, KgwSpec.parse(SPEC), VOCAB);
    List<String> owner = records(wm, 4, 800);
    Path ownerFile = jsonl("owner.jsonl", owner);
    List<String> suspect = new ArrayList<>(owner);
    suspect.addAll(records(null, 30, 850));
    Path suspectFile = jsonl("filtered-suspect.jsonl", suspect);
    CliRun r = verifyOn(suspectFile, "--filter", ownerFile.toString(), "--filter-min-count", "1", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode report = JSON.readTree(dir.resolve("out-filtered-suspect.jsonl").resolve("report.json").toFile());
    assertThat(report.get("options").get("filter").asText()).startsWith("min-count=1 (h=1,");
    assertThat(report.get("inputs").get("filter_files").get(0).get("sha256").asText())
        .isEqualTo(HexFormat.of().formatHex(sha256(Files.readAllBytes(ownerFile))));
    assertThat(report.get("counts").get("excluded_filter").asLong()).isPositive();
    assertOneLineError(verifyOn(suspectFile, "--filter-top", "3"), 2, "--filter-top and --filter-min-count need "
        + "--filter");
  }

  /** Runs last by name order is not guaranteed, so it runs every command itself before checking. */
  @Test
  void theKeyBytesAppearInNoOutputReportOrLog() throws IOException {
    Watermark wm = Watermarks.create(key, KgwSpec.parse(SPEC), VOCAB);
    Path suspect = jsonl("secrecy.jsonl", records(wm, 3, 900));
    Path out = dir.resolve("report-secrecy");
    run("key-info", "--key", keyFile.toString());
    run("key-info", "--key", keyFile.toString(), "--json");
    run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--tokens", "1,2,3,4");
    run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--tokens", "1,2,3,4",
        "--json");
    run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--suspect",
        suspect.toString(), "--control-keys", "3", "--sign-key", signerFile.toString(), "--out", out.toString());
    run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size", "4000", "--suspect",
        suspect.toString(), "--control-keys", "3", "--out", dir.resolve("report-secrecy-json").toString(), "--json");
    run("report-verify", out.toString(), "--public-key", dir.resolve("signer.pub").toString());
    run("keygen", "--out", dir.resolve("secrecy-new.json").toString());
    run("keygen", "--out", dir.resolve("secrecy-new-signer.json").toString(), "--signing");

    List<String> forbidden = new ArrayList<>();
    for (Path f : List.of(keyFile, dir.resolve("secrecy-new.json"), dir.resolve("keygen.json"),
        dir.resolve("key-info.json"), dir.resolve("master.json"))) {
      if (Files.exists(f)) {
        forbidden.addAll(encodings(KeyFiles.read(f).secretBytes()));
      }
    }
    for (Path f : List.of(signerFile, dir.resolve("secrecy-new-signer.json"), dir.resolve("other-signer.json"))) {
      if (Files.exists(f)) {
        forbidden.addAll(encodings(Base64.getDecoder().decode(JSON.readTree(f.toFile()).get("secret").asText())));
      }
    }
    StringBuilder everything = new StringBuilder();
    synchronized (CliRun.ALL_OUTPUT) {
      everything.append(CliRun.ALL_OUTPUT);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith("report.")) {
          everything.append(Files.readString(p));
        }
      }
    }
    String all = everything.toString();
    assertThat(all).contains(key.keyId()); // the checks below do look at real output
    for (String s : forbidden) {
      assertThat(all).doesNotContainIgnoringCase(s);
    }
  }

  /** Hex (either case), base64 and base64url of the secret, with and without padding. */
  static List<String> encodings(byte[] secret) {
    String b64 = Base64.getEncoder().encodeToString(secret);
    return List.of(HexFormat.of().formatHex(secret), b64, b64.replace("=", ""),
        Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
        HexFormat.of().formatHex(secret, 0, 12));
  }

  @Test
  void detectReproducesVllmsGumbelGoldenThroughTheCommandLine() throws IOException {
    // vLLM's own known answer: key 42, context width 4, these 64 tokens: score 296.27295787856264,
    // p 7.128196280874065e-61 (issue 5)
    String tokens = "46,24,45,80,14,26,22,124,21,45,16,30,5,89,0,10,27,70,80,62,1,11,117,53,10,45,94,37,43,22,78,"
        + "49,119,9,22,118,82,75,32,24,84,27,122,66,78,64,124,17,91,12,51,15,75,64,127,45,112,15,83,114,121,109,24,77";
    CliRun r = run("detect", "--scheme", "vllm:algorithm=gumbel,key=42,context-width=4", "--tokens", tokens, "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode n = JSON.readTree(r.out());
    assertThat(n.get("statistic").asText()).isEqualTo("gamma_sum");
    assertThat(n.get("tuples_scored").asLong()).isEqualTo(64);
    assertThat(n.get("score").asDouble()).isCloseTo(296.27295787856264, org.assertj.core.api.Assertions.withinPercentage(1e-7));
    assertThat(n.get("p_value").asDouble()).isCloseTo(7.128196280874065e-61, org.assertj.core.api.Assertions.withinPercentage(1e-7));
    assertThat(n.get("green").asLong()).isBetween(0L, 64L);
    assertThat(n.get("green_fraction").asDouble()).isEqualTo(n.get("green").asLong() / 64.0);
    assertThat(n.get("mean_score").asDouble()).isCloseTo(296.27295787856264 / 64, org.assertj.core.api.Assertions.withinPercentage(1e-7));
    assertThat(n.get("scheme").asText()).contains("key=***").doesNotContain("key=42");
  }
}
