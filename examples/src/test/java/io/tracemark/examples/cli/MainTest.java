package io.tracemark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.examples.Main;
import io.tracemark.examples.TestModels;
import io.tracemark.examples.lm.NGramModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir
  Path dir;
  String out;
  String err;

  int run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(args, new PrintWriter(o, true), new PrintWriter(e, true));
    out = o.toString();
    err = e.toString();
    return code;
  }

  Path corpus() throws IOException {
    Path d = Files.createDirectories(dir.resolve("corpus"));
    int i = 0;
    for (var doc : TestModels.brown().subList(0, 40)) {
      Files.writeString(d.resolve(String.format("%03d.txt", i++)), String.join("\n", doc.paragraphs()));
    }
    return d;
  }

  @Test
  void trainGenerateWithAndWithoutKeyThenDistil() throws IOException {
    Path model = dir.resolve("teacher.tmlm");
    assertThat(run("lm-train", "--corpus", corpus().toString(), "--order", "3", "--out", model.toString()))
        .as(err).isZero();
    assertThat(out).contains("trained order-3 model");
    assertThat(NGramModel.load(model).order()).isEqualTo(3);

    Path prompts = dir.resolve("prompts.txt");
    Files.writeString(prompts, "The jury said that\n\nIn the morning the\nHe was not\n");
    Path key = dir.resolve("key.json");
    // a fixed key, so the detected / not-detected checks below are fixed outcomes rather than draws
    byte[] secret = new byte[WatermarkKey.LENGTH];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (17 * i + 5);
    }
    WatermarkKey k = WatermarkKey.fromBytes(secret);
    KeyFiles.write(k, key);
    Path marked = dir.resolve("marked.jsonl");
    assertThat(run("lm-generate", "--model", model.toString(), "--prompts", prompts.toString(), "--max-tokens",
        "200", "--key", key.toString(), "--seed", "3", "--top-k", "50", "--out", marked.toString())).as(err).isZero();
    assertThat(out).contains("watermarked with key " + k.keyId());
    Path plain = dir.resolve("plain.jsonl");
    assertThat(run("lm-generate", "--model", model.toString(), "--prompts", prompts.toString(), "--max-tokens",
        "200", "--seed", "3", "--out", plain.toString())).as(err).isZero();
    assertThat(out).contains("no watermark");

    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(marked);
    assertThat(lines).hasSize(3);
    JsonNode first = json.readTree(lines.get(0));
    assertThat(first.get("prompt").asText()).isEqualTo("The jury said that");
    assertThat(first.get("prompt_tokens").size()).isEqualTo(TestModels.prompt("The jury said that").length);
    assertThat(first.get("tokens").size()).isEqualTo(200);
    assertThat(first.get("text").asText()).isNotBlank();
    assertThat(String.join("\n", lines) + out + err).doesNotContain(java.util.HexFormat.of().formatHex(k.secretBytes()));

    // the records the verifier would read: marked detected, plain not
    var wm = io.tracemark.core.Watermarks.create(k, TestModels.SPEC, TestModels.VOCAB);
    List<io.tracemark.verifier.SuspectRecord> m = TrainingText.records(marked, TestModels.encoding());
    List<io.tracemark.verifier.SuspectRecord> p = TrainingText.records(plain, TestModels.encoding());
    for (int i = 0; i < 3; i++) {
      assertThat(wm.detector().detect(m.get(i).tokens()).log10PValue()).isLessThan(-6);
      assertThat(wm.detector().detect(p.get(i).tokens()).log10PValue()).isGreaterThan(-3);
    }

    Path student = dir.resolve("student.tmlm");
    assertThat(run("distill", "--human", corpus().toString(), "--teacher-outputs", marked.toString(), "--rho",
        "0.005", "--order", "3", "--out", student.toString())).as(err).isZero();
    assertThat(out).contains("rho = 0.0050");
    assertThat(run("distill", "--human", "unused", "--teacher-outputs", marked.toString(), "--rho", "1",
        "--out", student.toString())).as(err).isZero();
    assertThat(out).contains("on 0 human + 600 teacher tokens");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("--version")).isZero();
    assertThat(run("lm-train", "--corpus", "brown")).isEqualTo(2);
    assertThat(err).contains("Missing required option: '--out=FILE'");
    assertThat(run("lm-generate", "--model", "m", "--prompts", "p", "--max-tokens", "x", "--out", "o"))
        .isEqualTo(2);
    assertThat(run("distill", "--human", "h", "--teacher-outputs", "t", "--rho", "1.5", "--out", "o")).isEqualTo(2);
    assertThat(err).contains("--rho must be in [0, 1], was 1.5");
    assertThat(run("no-such-command")).isEqualTo(2);
    // the tracemark command line's error handling: the unknown word named, the nearest commands suggested
    assertThat(err).startsWith("tracemark-examples: error: unknown command \"no-such-command\"")
        .contains("Try 'java -jar tracemark-examples.jar --help' for usage.");
    assertThat(run("lm-trian", "--corpus", "brown")).isEqualTo(2);
    assertThat(err).contains("did you mean lm-train");
    assertThat(run("demo", "--rho", "0,2")).isEqualTo(2);
    assertThat(err).startsWith("tracemark-examples demo: error: --rho values must be in [0, 1], was 2.0\n");
    assertThat(run("demo", "--threads", "0")).isEqualTo(2);
    assertThat(err).startsWith("tracemark-examples demo: error: --threads must be >= 1, was 0\n");
    assertThat(run("lm-train", "--corpus", "brown", "--order", "9", "--out", "m")).isEqualTo(2);
    assertThat(err).startsWith("tracemark-examples lm-train: error: --order must be between 1 and 8, was 9\n");
    assertThat(run("lm-train", "--corpus", "brown", "--tokenizer", "gpt7", "--out", "m")).isEqualTo(2);
    assertThat(err).contains("--tokenizer: tokenizer must be one of");
    assertThat(run("lm-generate", "--model", "m", "--prompts", "p", "--max-tokens", "5", "--top-p", "0", "--out", "o"))
        .isEqualTo(2);
    assertThat(err).contains("--top-p must be in (0, 1], was 0.0");
    assertThat(run("lm-generate", "--model", "m", "--prompts", "p", "--max-tokens", "5", "--key", "k", "--scheme",
        "kgw:gamma=2", "--out", "o")).isEqualTo(2);
    assertThat(err).contains("--scheme: gamma must be in (0, 1), was 2.0");
    assertThat(run("demo", "--alpha", "2")).isEqualTo(2);
    assertThat(err).contains("--alpha must be in (0, 1), was 2.0");
    assertThat(err.lines().count()).isEqualTo(2); // the error and the hint, no stack trace, no usage dump
  }

  @Test
  void inputErrorsExitThreeWithOneLine() throws IOException {
    assertThat(run("lm-train", "--corpus", dir.resolve("missing").toString(), "--out", "x")).isEqualTo(3);
    assertThat(err).startsWith("tracemark-examples lm-train: error: ").contains("missing: no such file or directory");
    assertThat(err.strip()).doesNotContain("\n").doesNotContain("Exception");

    Path broken = dir.resolve("broken.tmlm");
    Files.write(broken, new byte[] {'T', 'M', 'N', 'G', 'R', 'A', 'M', 0, 1, 0, 0, 0, 9});
    Path prompts = dir.resolve("p.txt");
    Files.writeString(prompts, "Hello\n");
    assertThat(run("lm-generate", "--model", broken.toString(), "--prompts", prompts.toString(), "--max-tokens", "5",
        "--out", dir.resolve("o.jsonl").toString())).isEqualTo(3);
    assertThat(err).contains("broken.tmlm").contains("truncated");

    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"tokens\": [1, 2, 3]}\n{\"tokens\": [1, -5]}\n");
    assertThat(run("distill", "--human", "brown", "--teacher-outputs", bad.toString(), "--rho", "1", "--out",
        dir.resolve("s.tmlm").toString())).isEqualTo(3);
    assertThat(err.strip())
        .isEqualTo("tracemark-examples distill: error: " + bad + ":2: field \"tokens\"[1]: token id must be between 0 and 100276, was -5");

    Files.writeString(bad, "{\"tokens\": [1, 2, 3]}\nnot json\n");
    assertThat(run("distill", "--human", "brown", "--teacher-outputs", bad.toString(), "--rho", "1", "--out",
        dir.resolve("s.tmlm").toString())).isEqualTo(3);
    assertThat(err).contains(bad + ":2: malformed JSON");

    Files.writeString(bad, "");
    assertThat(run("lm-train", "--corpus", bad.toString(), "--out", dir.resolve("m").toString())).isEqualTo(3);
    assertThat(err.strip()).isEqualTo("tracemark-examples lm-train: error: " + bad
        + ": no records (the input is empty or holds only blank lines)");
  }

  @Test
  void sharedOptionsShowEachCommandsDefault() {
    assertThat(run("demo", "--help")).isZero();
    assertThat(out).contains("Seed of every random draw (default: 42)").contains("--order=N");
    assertThat(run("lm-generate", "--help")).isZero();
    assertThat(out).contains("Seed of every random draw (default: 0)").contains("--out=FILE");
  }

  @Test
  void jsonlPromptsAreReadWithTheVerifiersRecordReader() throws IOException {
    var enc = TestModels.encoding();
    Path prompts = dir.resolve("prompts.jsonl");
    Files.writeString(prompts, "{\"prompt\": \"The jury said that\"}\n\n{\"prompt_tokens\": [791, 1176]}\n");
    PromptFile p = PromptFile.read(prompts, enc);
    assertThat(p.texts()).containsExactly("The jury said that", enc.decode(new int[] {791, 1176}));
    assertThat(p.tokens().get(0)).containsExactly(TestModels.prompt("The jury said that"));
    assertThat(p.tokens().get(1)).containsExactly(791, 1176);

    Files.writeString(prompts, "{\"prompt\": \"ok\"}\n{\"prompt\": 5}\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PromptFile.read(prompts, enc))
        .isInstanceOf(io.tracemark.verifier.input.InputException.class)
        .hasMessage(prompts + ":2: field \"prompt\" must be a string, was number");
  }
}
