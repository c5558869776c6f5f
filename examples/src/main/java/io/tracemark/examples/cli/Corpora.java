package io.tracemark.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads training text and JSONL records for the experiment commands.
 *
 * <ul>
 *   <li>a directory: every regular file below it, in path order;
 *   <li>a {@code .jsonl} file: one document per line, from its {@code tokens} array (token ids) or
 *       else its {@code text} field (tokenized) — the verifier's record format;
 *   <li>any other file: one document, its UTF-8 text;
 *   <li>the name {@code brown}: the Brown corpus bundled with the verifier.
 * </ul>
 */
public final class Corpora {
  private Corpora() {}

  static final ObjectMapper JSON = new ObjectMapper();

  /** A record of a JSONL file: its prompt tokens (possibly empty) and its tokens. */
  public record Record(String id, int[] promptTokens, int[] tokens) {}

  /** The documents of {@code source} as token arrays. */
  public static List<int[]> documents(String source, TextTokenizer tokenizer) {
    if (source.equals("brown")) {
      List<int[]> out = new ArrayList<>();
      for (BrownTokens.Doc d : BrownTokens.documents(tokenizer)) {
        out.add(d.tokens());
      }
      return out;
    }
    Path path = Path.of(source);
    if (!Files.exists(path)) {
      throw new InputException(source + ": no such file or directory");
    }
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        walk.filter(Files::isRegularFile).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new InputException(source + ": cannot list directory: " + e.getMessage());
      }
      if (files.isEmpty()) {
        throw new InputException(source + ": directory contains no files");
      }
    } else {
      files.add(path);
    }
    List<int[]> out = new ArrayList<>();
    for (Path f : files) {
      if (f.getFileName().toString().endsWith(".jsonl")) {
        for (Record r : records(f, tokenizer)) {
          out.add(r.tokens());
        }
      } else {
        out.add(tokenizer.encode(readText(f)));
      }
    }
    return out;
  }

  /** Reads a UTF-8 text file; malformed UTF-8 is an input error. */
  static String readText(Path f) {
    try {
      byte[] bytes = Files.readAllBytes(f);
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InputException(f + ": not valid UTF-8 text");
    } catch (IOException e) {
      throw new InputException(f + ": cannot read: " + e.getMessage());
    }
  }

  /**
   * The records of a JSONL file: tokens from {@code tokens} (else {@code text}, tokenized), prompt
   * from {@code prompt_tokens} (else {@code prompt}, tokenized, else none). Blank lines are
   * skipped; anything else that is not such a record is an error naming the file and line.
   */
  public static List<Record> records(Path file, TextTokenizer tokenizer) {
    List<Record> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (IOException e) {
          throw bad(file, lineNo, "not valid JSON (%s)", e.getMessage().split("\n")[0]);
        }
        if (node == null || !node.isObject()) {
          throw bad(file, lineNo, "a record must be a JSON object");
        }
        String id = node.hasNonNull("id") ? node.get("id").asText() : file.getFileName() + ":" + lineNo;
        int[] tokens = tokens(file, lineNo, node, "tokens", "text", tokenizer, true);
        int[] prompt = tokens(file, lineNo, node, "prompt_tokens", "prompt", tokenizer, false);
        out.add(new Record(id, prompt, tokens));
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InputException(file + ": no such file");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new InputException(file + ": not valid UTF-8 text");
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new InputException(file + ": contains no records");
    }
    return out;
  }

  private static int[] tokens(Path file, int line, JsonNode node, String tokensField, String textField,
      TextTokenizer tokenizer, boolean required) {
    int vocabularySize = tokenizer.vocabularySize();
    JsonNode t = node.get(tokensField);
    if (t != null && !t.isNull()) {
      if (!t.isArray()) {
        throw bad(file, line, "field %s must be an array of token ids", tokensField);
      }
      int[] out = new int[t.size()];
      for (int i = 0; i < out.length; i++) {
        JsonNode v = t.get(i);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
          throw bad(file, line, "%s[%d] must be an integer token id, was %s", tokensField, i, v);
        }
        out[i] = v.intValue();
        if (out[i] < 0 || out[i] >= vocabularySize) {
          throw bad(file, line, "%s[%d] must be between 0 and %d, was %d", tokensField, i, vocabularySize - 1,
              out[i]);
        }
      }
      return out;
    }
    JsonNode text = node.get(textField);
    if (text != null && !text.isNull()) {
      if (!text.isTextual()) {
        throw bad(file, line, "field %s must be a string", textField);
      }
      return tokenizer.encode(text.asText());
    }
    if (required) {
      throw bad(file, line, "a record needs a %s array or a %s string", tokensField, textField);
    }
    return new int[0];
  }

  static InputException bad(Path file, int line, String format, Object... args) {
    return new InputException(file + ":" + line + ": " + String.format(Locale.ROOT, format, args));
  }

  /** Prompts: one per non-blank line of a text file, or the {@code prompt} (else {@code text}) of each JSONL record. */
  public static List<String> prompts(Path file) {
    List<String> out = new ArrayList<>();
    boolean jsonl = file.getFileName().toString().endsWith(".jsonl");
    String[] lines = readText(file).split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      if (!jsonl) {
        out.add(line);
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (IOException e) {
        throw bad(file, i + 1, "not valid JSON (%s)", e.getMessage().split("\n")[0]);
      }
      JsonNode p = node == null ? null : node.has("prompt") ? node.get("prompt") : node.get("text");
      if (p == null || !p.isTextual()) {
        throw bad(file, i + 1, "a prompt record needs a prompt (or text) string");
      }
      out.add(p.asText());
    }
    if (out.isEmpty()) {
      throw new InputException(file + ": contains no prompts");
    }
    return out;
  }
}
