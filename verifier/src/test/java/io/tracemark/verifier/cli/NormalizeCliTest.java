package io.tracemark.verifier.cli;

import static io.tracemark.verifier.cli.CliRun.run;
import static io.tracemark.verifier.cli.CliTest.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.core.keys.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --normalize} on detect and verify: applied before tokenizing, named in the output, bad lists refused. */
class NormalizeCliTest {
  static final String SPEC = "kgw:gamma=0.25,delta=2,h=1";
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CLEAN = "The quiet scientist explained a complex experiment to every curious student. ";
  // the same text with Cyrillic о, е, с, а, р and a fullwidth Ｔ, a zero-width space and CR LF line ends
  static final String ATTACKED = "\uFF34he quiet sci\u0435ntist \u0435xplained \u0430 c\u043Em\u0440lex "
      + "\u0435xperiment to every \u0441urious stu\u200Bdent.\r\n";

  @TempDir
  static Path dir;
  static Path keyFile;

  @BeforeAll
  static void key() throws IOException {
    keyFile = dir.resolve("key.json");
    KeyFiles.write(CliTest.fixedKey("normalize"), keyFile);
  }

  static JsonNode detect(String text, String... normalize) throws IOException {
    Path file = Files.createTempFile(dir, "text", ".txt");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    List<String> args = new ArrayList<>(List.of("detect", "--key", keyFile.toString(), "--scheme", SPEC,
        "--tokenizer", "cl100k_base", "--text", file.toString(), "--json"));
    args.addAll(List.of(normalize));
    CliRun r = run(args.toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void detectAppliesTheNamedNormalisersAndNamesThem() throws IOException {
    JsonNode clean = detect(CLEAN.repeat(3).trim());
    assertThat(clean.get("normalization").asText()).isEqualTo("none");
    JsonNode raw = detect(ATTACKED.repeat(3));
    assertThat(raw.get("tokens_read").asInt()).isGreaterThan(clean.get("tokens_read").asInt());
    JsonNode normalised = detect(ATTACKED.repeat(3), "--normalize", "whitespace,skeleton,invisible,nfkc");
    assertThat(normalised.get("normalization").asText()).isEqualTo("invisible+nfkc+skeleton+whitespace");
    for (String field : List.of("tokens_read", "tuples_scored", "green", "log10_p")) {
      assertThat(normalised.get(field)).as(field).isEqualTo(clean.get(field));
    }
    // without a list: invisible characters and NFC only, as before the list existed
    JsonNode legacy = detect(ATTACKED, "--normalize");
    assertThat(legacy.get("normalization").asText()).isEqualTo("invisible+nfc");
    JsonNode ids = JSON.readTree(run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--vocab-size",
        "4000", "--tokens", "1,2,3", "--json", "--normalize", "skeleton").out());
    assertThat(ids.get("normalization").isNull()).isTrue(); // token ids are not text
  }

  @Test
  void detectNamesTheNormalisationInTheHumanOutput() throws IOException {
    Path file = dir.resolve("human.txt");
    Files.writeString(file, ATTACKED);
    CliRun r = run("detect", "--key", keyFile.toString(), "--scheme", SPEC, "--tokenizer", "cl100k_base", "--text",
        file.toString(), "--normalize=nfkc,skeleton");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("normalised:    nfkc+skeleton");
  }

  @Test
  void badListsAndTextEmptyAfterNormalisationAreOneLineErrors() throws IOException {
    Path file = dir.resolve("invisible.txt");
    Files.writeString(file, "\u200B\u200D\u2060\n");
    String[] base = {"detect", "--key", keyFile.toString(), "--scheme", SPEC, "--tokenizer", "cl100k_base",
        "--text", file.toString()};
    assertOneLineError(run(concat(base, "--normalize", "nfkc,leet")), 2,
        "--normalize: normaliser must be one of invisible, nfc, nfkc, skeleton, whitespace, was \"leet\"");
    assertOneLineError(run(concat(base, "--normalize", "nfc,nfkc")), 2, "--normalize: normalisers nfc and nfkc "
        + "exclude each other");
    assertOneLineError(run(concat(base, "--normalize", "invisible,whitespace")), 3,
        file + ": empty input (no tokens after normalisation invisible+whitespace)");
    Path empty = dir.resolve("empty.txt");
    Files.writeString(empty, "");
    base[base.length - 1] = empty.toString();
    assertOneLineError(run(concat(base, "--normalize", "skeleton")), 3,
        empty + ": empty input (no tokens after normalisation skeleton)");
  }

  @Test
  void verifyNamesTheNormalisationInTheReport() throws IOException {
    Path suspect = dir.resolve("suspect.jsonl");
    Files.writeString(suspect, "{\"id\":\"a\",\"text\":\"" + ATTACKED.trim().replace("\u200B", "\\u200b")
        + "\"}\n{\"id\":\"b\",\"text\":\"" + CLEAN.trim() + "\"}\n");
    Path out = dir.resolve("report");
    CliRun r = run("verify", "--key", keyFile.toString(), "--scheme", SPEC, "--tokenizer", "cl100k_base",
        "--suspect", suspect.toString(), "--control-keys", "0", "--out", out.toString(), "--normalize",
        "skeleton,nfkc,invisible");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(report.toString()).contains("\"normalization\":\"invisible+nfkc+skeleton\"");
    assertThat(Files.readString(out.resolve("report.html"))).contains("invisible+nfkc+skeleton");
  }

  static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
