package io.tracemark.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Realistic text for tests: the 120 texts of the bundled sample ({@code docs/sample}: 40 paragraphs
 * of the Brown corpus and 80 answers of a small model), in file order. The Brown corpus itself is
 * not on the verifier's class path; the human-text calibration runs in {@code examples}.
 */
public final class SampleTexts {
  private static final Path SAMPLE = Path.of("..", "docs", "sample");

  private SampleTexts() {}

  /** The texts of {@code suspect.jsonl}, then of {@code innocent.jsonl}. */
  public static List<String> all() {
    List<String> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String file : new String[] {"suspect.jsonl", "innocent.jsonl"}) {
      try {
        for (String line : Files.readAllLines(SAMPLE.resolve(file), StandardCharsets.UTF_8)) {
          JsonNode n = json.readTree(line);
          out.add(n.get("text").asText());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
