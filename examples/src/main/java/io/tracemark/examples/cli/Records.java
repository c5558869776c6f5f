package io.tracemark.examples.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes generated answers in the verifier's JSONL record format: {@code id}, {@code prompt},
 * {@code prompt_tokens}, {@code text}, {@code tokens}, then any extra string fields (never secret
 * material).
 */
public final class Records {
  private Records() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Writes one record per answer.
   *
   * @param promptTexts the prompts' text, or null to decode them from the prompt tokens
   * @param extra fields added to every record, in order (e.g. {@code key_id}, {@code scheme})
   */
  public static void write(Path out, String idPrefix, TextTokenizer tokenizer, List<String> promptTexts,
      List<int[]> promptTokens, List<int[]> answers, Map<String, String> extra) throws IOException {
    write(out, idPrefix, tokenizer, promptTexts, promptTokens, answers, extra, "prompt", "text");
  }

  /**
   * As {@link #write(Path, String, TextTokenizer, List, List, List, Map)} with other names for the two
   * text fields. The verifier prefers {@code text}/{@code prompt} over the token arrays when both
   * are present (and re-tokenizes, which need not give back the generated ids); naming them
   * {@code prompt_text}/{@code answer_text} makes it score exactly the generated tokens.
   */
  public static void write(Path out, String idPrefix, TextTokenizer tokenizer, List<String> promptTexts,
      List<int[]> promptTokens, List<int[]> answers, Map<String, String> extra, String promptField,
      String textField) throws IOException {
    // a temporary file beside it, forced and renamed: a crash never leaves a truncated file
    SafeFiles.replace(out, os -> {
      BufferedWriter w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
      for (int i = 0; i < answers.size(); i++) {
        StringWriter line = new StringWriter();
        try (JsonGenerator g = JSON.getFactory().createGenerator(line)) {
          int[] p = promptTokens.get(i);
          int[] a = answers.get(i);
          g.writeStartObject();
          g.writeStringField("id", idPrefix + i);
          g.writeStringField(promptField,
              promptTexts != null ? promptTexts.get(i) : tokenizer.decode(p));
          g.writeFieldName("prompt_tokens");
          g.writeArray(p, 0, p.length);
          g.writeStringField(textField, tokenizer.decode(a));
          g.writeFieldName("tokens");
          g.writeArray(a, 0, a.length);
          for (Map.Entry<String, String> e : extra.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
          }
          g.writeEndObject();
        }
        w.write(line.toString());
        w.newLine();
      }
      w.flush();
    });
  }
}
