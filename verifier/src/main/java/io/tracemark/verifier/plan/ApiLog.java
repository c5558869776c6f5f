package io.tracemark.verifier.plan;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.BadRecords;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.input.LineSplitter;
import io.tracemark.verifier.text.TextPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The owner's API log: one JSON object per line with the fields {@code tenant} (string), {@code
 * prompt} (the prompt text as sent, string) and the owner's answer, either as text ({@code
 * answer}, tokenized with the text pipeline of the run) or as token ids ({@code answer_tokens});
 * as in the suspect's records, a present text field wins. The file may be gzip-compressed. Blank
 * lines are skipped; any other bad line is handled by the one bad-record policy ({@link
 * BadRecords}): it stops the read with an {@link InputException} naming file, line and reason, or
 * is counted and listed. Immutable once read.
 */
public final class ApiLog {
  /** The text field of the answer. */
  public static final String ANSWER = "answer";
  /** The token-id field of the answer. */
  public static final String ANSWER_TOKENS = "answer_tokens";

  /**
   * One logged exchange.
   *
   * @param tenant the API customer that sent the prompt
   * @param prompt the prompt text
   * @param answer the owner's (watermarked) answer as token ids
   */
  public record Entry(String tenant, String prompt, int[] answer) {
    /** Copies the answer. */
    public Entry {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(prompt, "prompt");
      answer = answer.clone();
    }

    /** A copy of the answer's token ids. */
    @Override
    public int[] answer() {
      return answer.clone();
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final List<Entry> entries;

  private ApiLog(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** A log of entries already in memory. */
  public static ApiLog of(List<Entry> entries) {
    return new ApiLog(entries);
  }

  /**
   * Reads a log file, stopping at the first bad line.
   *
   * @param text tokenizes {@code answer} text; null when answers are token ids only
   * @param vocabularySize token ids must lie in [0, vocabularySize)
   * @throws InputException naming file and line of the first bad record, or the unreadable file
   */
  public static ApiLog read(Path file, TextPipeline text, int vocabularySize) {
    return read(file, text, vocabularySize, new BadRecords(BadRecordPolicy.FAIL, InputException::new));
  }

  /**
   * Reads a log file, plain or gzip-compressed (recognised by its magic bytes), one line at a time
   * (a line longer than {@link Inputs#DEFAULT_MAX_RECORD_BYTES} stops the read). A bad line goes
   * to {@code bad}, named by file and line: under {@link BadRecordPolicy#FAIL} it stops the read,
   * under {@link BadRecordPolicy#SKIP} it is counted and listed there and the read goes on.
   *
   * @param text tokenizes {@code answer} text; null when answers are token ids only
   * @param vocabularySize token ids must lie in [0, vocabularySize)
   * @param bad the bad-line policy and ledger
   * @throws InputException for the unreadable file, a line over the size limit, a bad line under
   *     {@code FAIL}, or a log without a single good record
   */
  public static ApiLog read(Path file, TextPipeline text, int vocabularySize, BadRecords bad) {
    Objects.requireNonNull(bad, "bad");
    List<Entry> out = new ArrayList<>();
    boolean gzip = false;
    try (InputStream in = Inputs.decompressed(Files.newInputStream(file))) {
      gzip = Inputs.isGzip(in);
      LineSplitter lines = new LineSplitter(in, file.toString(), Inputs.DEFAULT_MAX_RECORD_BYTES);
      byte[] line;
      while ((line = lines.nextRecord()) != null) {
        String where = file + ":" + lines.line();
        try {
          out.add(parse(where, line, text, vocabularySize));
        } catch (InputException e) {
          bad.bad(where, reason(where, e.getMessage()));
        }
      }
    } catch (IOException e) {
      throw Inputs.readError(file.toString(), e, gzip);
    }
    if (out.isEmpty()) {
      throw new InputException(file + ": the API log has no record"
          + (bad.count() == 0 ? "" : " that could be read (" + bad.count() + " bad lines skipped)"));
    }
    return new ApiLog(out);
  }

  /** The reason of a parse error without its "file:line: " prefix (the ledger adds the place). */
  private static String reason(String where, String message) {
    String prefix = where + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  private static Entry parse(String where, byte[] line, TextPipeline text, int vocabularySize) {
    JsonNode n;
    try (JsonParser p = JSON.createParser(line)) {
      n = JSON.readTree(p);
      if (p.nextToken() != null) {
        throw new InputException(where + ": malformed JSON: trailing content after the object");
      }
    } catch (JsonProcessingException e) {
      throw new InputException(where + ": malformed JSON: " + e.getOriginalMessage().replace('\n', ' '));
    } catch (IOException e) {
      throw new InputException(where + ": malformed JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw new InputException(where + ": a record must be a JSON object");
    }
    String tenant = string(where, n, "tenant");
    String prompt = string(where, n, "prompt");
    int[] answer;
    JsonNode a = n.get(ANSWER);
    if (a != null && !a.isNull()) {
      if (!a.isTextual()) {
        throw new InputException(where + ": field \"" + ANSWER + "\" must be a string");
      }
      if (text == null) {
        throw new InputException(where + ": text answers need a tokenizer");
      }
      try {
        answer = text.encode(a.asText());
      } catch (IllegalArgumentException e) {
        throw new InputException(where + ": field \"" + ANSWER + "\": " + e.getMessage());
      }
    } else {
      JsonNode ids = n.get(ANSWER_TOKENS);
      if (ids == null || ids.isNull()) {
        throw new InputException(String.format(Locale.ROOT, "%s: record has neither \"%s\" nor \"%s\"", where,
            ANSWER, ANSWER_TOKENS));
      }
      if (!ids.isArray()) {
        throw new InputException(where + ": field \"" + ANSWER_TOKENS + "\" must be an array of integers");
      }
      answer = new int[ids.size()];
      for (int i = 0; i < answer.length; i++) {
        JsonNode t = ids.get(i);
        if (!t.isInt()) {
          throw new InputException(String.format(Locale.ROOT, "%s: field \"%s\"[%d] must be an integer", where,
              ANSWER_TOKENS, i));
        }
        answer[i] = t.asInt();
      }
    }
    for (int i = 0; i < answer.length; i++) {
      if (answer[i] < 0 || answer[i] >= vocabularySize) {
        throw new InputException(String.format(Locale.ROOT, "%s: answer token %d: token id must be between 0 and %d, "
            + "was %d", where, i, vocabularySize - 1, answer[i]));
      }
    }
    return new Entry(tenant, prompt, answer);
  }

  private static String string(String where, JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new InputException(where + ": record has no \"" + field + "\"");
    }
    if (!v.isTextual()) {
      throw new InputException(where + ": field \"" + field + "\" must be a string");
    }
    return v.asText();
  }

  /** The entries in log order. */
  public List<Entry> entries() {
    return entries;
  }
}
