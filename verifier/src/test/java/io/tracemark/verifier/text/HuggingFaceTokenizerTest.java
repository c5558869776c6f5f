package io.tracemark.verifier.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.verifier.SampleTexts;
import io.tracemark.verifier.input.InputException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Builds Hugging Face {@code tokenizer.json} files from JTokkit's tiktoken ranks (the standard
 * tiktoken-to-HF conversion: a merge for every multi-byte token, found by running BPE on its bytes
 * with the lower ranks only) and checks that the loader encodes exactly as JTokkit does — GPT-2
 * style (ByteLevel pre-tokenizer with its regex) and Llama 3 style (Split regex + ByteLevel).
 */
class HuggingFaceTokenizerTest {
  static final String CL100K_REGEX = "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}"
      + "| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+";

  @TempDir
  Path dir;

  static Map<String, Integer> ranks(String encoding) throws Exception {
    Map<String, Integer> ranks = new HashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        HuggingFaceTokenizerTest.class.getResourceAsStream("/com/knuddels/jtokkit/" + encoding + ".tiktoken"),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] p = line.split(" ");
        ranks.put(new String(Base64.getDecoder().decode(p[0]), StandardCharsets.ISO_8859_1), Integer.parseInt(p[1]));
      }
    }
    return ranks;
  }

  /** BPE of {@code token} (bytes as ISO-8859-1 chars) using only ranks below {@code maxRank}. */
  static List<String> bpe(Map<String, Integer> ranks, String token, int maxRank) {
    List<String> parts = new ArrayList<>();
    for (char c : token.toCharArray()) {
      parts.add(String.valueOf(c));
    }
    while (true) {
      int best = -1;
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < parts.size(); i++) {
        Integer r = ranks.get(parts.get(i) + parts.get(i + 1));
        if (r != null && r < maxRank && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) {
        return parts;
      }
      parts.set(best, parts.get(best) + parts.get(best + 1));
      parts.remove(best + 1);
    }
  }

  static String mapped(String latin1) {
    StringBuilder b = new StringBuilder();
    for (char c : latin1.toCharArray()) {
      b.append(BYTES[c]);
    }
    return b.toString();
  }

  static final char[] BYTES = bytesToUnicode();

  static char[] bytesToUnicode() {
    char[] map = new char[256];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean direct = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      map[b] = direct ? (char) b : (char) (256 + n++);
    }
    return map;
  }

  Path tokenizerJson(String encoding, boolean llamaStyle, Map<String, Integer> specials) throws Exception {
    Map<String, Integer> ranks = ranks(encoding);
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.putNull("normalizer");
    if (llamaStyle) {
      ObjectNode seq = root.putObject("pre_tokenizer").put("type", "Sequence");
      ArrayNode list = seq.putArray("pretokenizers");
      ObjectNode split = list.addObject().put("type", "Split");
      split.putObject("pattern").put("Regex", CL100K_REGEX);
      split.put("behavior", "Isolated").put("invert", false);
      list.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("use_regex", false);
    } else {
      root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("use_regex", true);
    }
    ArrayNode added = root.putArray("added_tokens");
    specials.forEach((k, v) -> added.addObject().put("id", v).put("content", k).put("special", true));
    ObjectNode model = root.putObject("model").put("type", "BPE").put("ignore_merges", true);
    ObjectNode vocab = model.putObject("vocab");
    List<Map.Entry<String, Integer>> byRank = new ArrayList<>(ranks.entrySet());
    byRank.sort(Map.Entry.comparingByValue());
    ArrayNode merges = model.putArray("merges");
    for (Map.Entry<String, Integer> e : byRank) {
      vocab.put(mapped(e.getKey()), e.getValue());
      if (e.getKey().length() > 1) {
        List<String> parts = bpe(ranks, e.getKey(), e.getValue());
        assertThat(parts).hasSize(2);
        merges.add(mapped(parts.get(0)) + " " + mapped(parts.get(1)));
      }
    }
    Path file = dir.resolve(encoding + "-tokenizer.json");
    json.writeValue(file.toFile(), root);
    return file;
  }

  @ParameterizedTest(name = "{0}, llama-style pre-tokenizer {1}")
  @CsvSource({"r50k_base, false, 50257", "cl100k_base, true, 100277"})
  void encodesExactlyAsTheTiktokenEncodingItWasConvertedFrom(String encoding, boolean llamaStyle, int vocabulary)
      throws Exception {
    Map<String, Integer> specials = encoding.equals("r50k_base") ? Map.of("<|endoftext|>", 50256)
        : Map.of("<|endoftext|>", 100257, "<|endofprompt|>", 100276);
    TextTokenizer hf = Tokenizers.byNameOrPath(tokenizerJson(encoding, llamaStyle, specials).toString());
    TextTokenizer reference = Tokenizers.jtokkit(encoding);
    assertThat(hf.vocabularySize()).isEqualTo(vocabulary);
    List<String> texts = new ArrayList<>(List.of("Hello world", "  leading spaces and trailing   ",
        "numbers 1234567 and 3.14159", "naïve café — “quotes” 東京 🙂🙂", "line\nbreaks\r\n\n  tabs\t\t.",
        "<|endoftext|> is text here", "it's we'll they've I'M", ""));
    texts.addAll(SampleTexts.all());
    for (String t : texts) {
      assertThat(hf.encode(t)).as(t.length() > 60 ? t.substring(0, 60) : t).containsExactly(reference.encode(t));
      assertThat(hf.decode(hf.encode(t))).isEqualTo(t);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "hello| not a tokenizer.json file (cannot read it as JSON)",
      "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{}}}| only byte-level BPE models are supported",
      "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0}}}| the vocabulary lacks byte-level symbol U+0100"})
  void rejectsWhatItCannotLoadWithTheFileAndReason(String content, String reason) throws Exception {
    Path file = dir.resolve("bad-tokenizer.json");
    Files.writeString(file, content);
    assertThatThrownBy(() -> Tokenizers.byNameOrPath(file.toString())).isInstanceOf(InputException.class)
        .hasMessageStartingWith(file + ": " + reason.strip());
  }
}
