package io.tracemark.verifier.monitor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.tracemark.verifier.BadRecords;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.input.LineSplitter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads an API log as a stream: JSONL, one request per line, gzip recognised by its magic bytes,
 * lines cut at the record limit ({@link LineSplitter}), each line parsed with Jackson's streaming
 * parser (no tree per line). A line that is not a valid request (malformed JSON, a missing {@code
 * time} or {@code account}, no prompt, a field of the wrong type) goes to the {@link BadRecords}
 * policy as {@code file:line} and a reason that names the field; nothing is dropped silently.
 * Not thread-safe: one reading thread.
 */
public final class LogReader {
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
      .build();

  private static final int TIME = 0;
  private static final int ACCOUNT = 1;
  private static final int TENANT = 2;
  private static final int IP = 3;
  private static final int PAYMENT = 4;
  private static final int PROMPT = 5;
  private static final int PROMPT_TOKENS = 6;
  private static final int MAX_TOKENS = 7;
  private static final int TEMPERATURE = 8;
  private static final int N = 9;
  private static final int RESPONSE_TOKENS = 10;

  private final String[] names;
  private final Map<String, Integer> slots = new HashMap<>();
  private final long maxRecordBytes;
  private final BadRecords bad;
  private int[] tokenBuf = new int[256];
  private long records;

  /**
   * A reader.
   *
   * @param fields the field names
   * @param maxRecordBytes the longest line (after gzip)
   * @param bad the bad-record policy and ledger, shared by every file of the run
   */
  public LogReader(LogFields fields, long maxRecordBytes, BadRecords bad) {
    this.names = fields.names();
    for (int i = 0; i < names.length; i++) {
      if (slots.putIfAbsent(names[i], i) != null) {
        throw new IllegalArgumentException("the log field name \"" + names[i] + "\" is given to two fields");
      }
    }
    this.maxRecordBytes = maxRecordBytes;
    this.bad = Objects.requireNonNull(bad, "bad");
  }

  /** Lines read so far (records, including bad ones; blank lines are not records). */
  public long records() {
    return records;
  }

  /**
   * Reads {@code file}, handing each good request to {@code sink} in file order.
   *
   * @throws InputException for an unreadable file, a line past the record limit, or the first bad
   *     line under the fail policy
   */
  public void read(Path file, Consumer<LogRecord> sink) {
    Inputs.requireReadableFile(file);
    String name = file.toString();
    boolean gzip = false;
    try (InputStream raw = Files.newInputStream(file); InputStream in = Inputs.decompressed(raw)) {
      gzip = Inputs.isGzip(in);
      LineSplitter lines = new LineSplitter(in, name, maxRecordBytes);
      byte[] line;
      while ((line = lines.nextRecord()) != null) {
        records++;
        LogRecord r;
        try {
          r = parse(line);
        } catch (Bad e) {
          bad.bad(name + ":" + lines.line(), e.getMessage());
          continue;
        }
        sink.accept(r);
      }
    } catch (IOException e) {
      throw Inputs.readError(name, e, gzip);
    }
  }

  /** A bad line's reason; no stack trace (bad lines may be many under the skip policy). */
  private static final class Bad extends Exception {
    private static final long serialVersionUID = 1L;

    Bad(String reason) {
      super(reason, null, false, false);
    }
  }

  private LogRecord parse(byte[] line) throws Bad {
    double time = Double.NaN;
    String account = null;
    String tenant = null;
    String ip = null;
    String payment = null;
    String prompt = null;
    int[] promptTokens = null;
    long maxTokens = -1;
    double temperature = Double.NaN;
    int n = 1;
    long responseTokens = -1;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Bad("a request must be a JSON object");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        Integer slot = slots.get(p.currentName());
        JsonToken v = p.nextToken();
        if (slot == null || v == JsonToken.VALUE_NULL) {
          p.skipChildren();
          continue;
        }
        switch (slot) {
          case TIME:
            time = time(p, v);
            break;
          case ACCOUNT:
            account = string(p, v, ACCOUNT);
            if (account.isEmpty()) {
              throw new Bad("field \"" + names[ACCOUNT] + "\" must not be empty");
            }
            break;
          case TENANT:
            tenant = string(p, v, TENANT);
            break;
          case IP:
            ip = string(p, v, IP);
            break;
          case PAYMENT:
            payment = string(p, v, PAYMENT);
            break;
          case PROMPT:
            prompt = string(p, v, PROMPT);
            break;
          case PROMPT_TOKENS:
            promptTokens = tokens(p, v);
            break;
          case MAX_TOKENS:
            maxTokens = count(p, v, MAX_TOKENS, 0);
            break;
          case TEMPERATURE:
            if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
              throw new Bad("field \"" + names[TEMPERATURE] + "\" must be a number");
            }
            temperature = p.getDoubleValue();
            if (!Double.isFinite(temperature) || temperature < 0) {
              throw new Bad("field \"" + names[TEMPERATURE] + "\" must be a finite number >= 0");
            }
            break;
          case N:
            n = (int) Math.min(Integer.MAX_VALUE, count(p, v, N, 1));
            break;
          case RESPONSE_TOKENS:
            responseTokens = count(p, v, RESPONSE_TOKENS, 0);
            break;
          default:
            throw new IllegalStateException("slot " + slot);
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new Bad("malformed JSON: the object does not end");
      }
      if (p.nextToken() != null) {
        throw new Bad("malformed JSON: trailing content after the object");
      }
    } catch (JsonParseException e) {
      throw new Bad("malformed JSON: " + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new Bad("malformed JSON: " + oneLine(e.getMessage()));
    }
    if (Double.isNaN(time)) {
      throw new Bad("request has no \"" + names[TIME] + "\"");
    }
    if (account == null) {
      throw new Bad("request has no \"" + names[ACCOUNT] + "\"");
    }
    if (prompt == null && promptTokens == null) {
      throw new Bad("request has neither \"" + names[PROMPT] + "\" nor \"" + names[PROMPT_TOKENS] + "\"");
    }
    if (prompt != null) {
      promptTokens = null;
    }
    return new LogRecord(time, account, tenant, ip, payment, prompt, promptTokens, maxTokens, temperature, n,
        responseTokens);
  }

  private String string(JsonParser p, JsonToken v, int slot) throws IOException, Bad {
    if (v != JsonToken.VALUE_STRING) {
      throw new Bad("field \"" + names[slot] + "\" must be a string");
    }
    return p.getText();
  }

  private long count(JsonParser p, JsonToken v, int slot, long min) throws IOException, Bad {
    if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new Bad("field \"" + names[slot] + "\" must be an integer");
    }
    long x = p.getLongValue();
    if (x < min) {
      throw new Bad(String.format(java.util.Locale.ROOT, "field \"%s\" must be >= %d, was %d", names[slot], min, x));
    }
    return x;
  }

  private int[] tokens(JsonParser p, JsonToken v) throws IOException, Bad {
    if (v != JsonToken.START_ARRAY) {
      throw new Bad("field \"" + names[PROMPT_TOKENS] + "\" must be an array of integers");
    }
    int k = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 0) {
        throw new Bad(String.format(java.util.Locale.ROOT, "field \"%s\"[%d] must be an integer >= 0",
            names[PROMPT_TOKENS], k));
      }
      if (k == tokenBuf.length) {
        tokenBuf = Arrays.copyOf(tokenBuf, 2 * k);
      }
      tokenBuf[k++] = p.getIntValue();
    }
    return Arrays.copyOf(tokenBuf, k);
  }

  private double time(JsonParser p, JsonToken v) throws IOException, Bad {
    if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
      double s = p.getDoubleValue();
      if (!Double.isFinite(s)) {
        throw new Bad("field \"" + names[TIME] + "\" must be a finite number of epoch seconds");
      }
      return s;
    }
    if (v != JsonToken.VALUE_STRING) {
      throw new Bad("field \"" + names[TIME] + "\" must be an ISO-8601 time or epoch seconds");
    }
    try {
      return parseTime(p.getText());
    } catch (IllegalArgumentException e) {
      throw new Bad("field \"" + names[TIME] + "\": " + e.getMessage());
    }
  }

  /**
   * A time as epoch seconds: ISO-8601 with an offset or {@code Z} ({@code 2026-03-01T12:00:00Z}),
   * a local date-time or a date (both read as UTC), or a plain number of epoch seconds.
   *
   * @throws IllegalArgumentException saying what was expected (never echoing more than the shape)
   */
  public static double parseTime(String text) {
    String s = text.strip();
    if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-') && s.chars().allMatch(
        c -> Character.isDigit(c) || c == '.' || c == '-') && s.indexOf('-', 1) < 0) {
      try {
        double x = Double.parseDouble(s);
        if (Double.isFinite(x)) {
          return x;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    try {
      Instant i = OffsetDateTime.parse(s).toInstant();
      return i.getEpochSecond() + i.getNano() * 1e-9;
    } catch (DateTimeParseException e) {
      // try the zone-less forms
    }
    try {
      Instant i = LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      return i.getEpochSecond() + i.getNano() * 1e-9;
    } catch (DateTimeParseException e) {
      // try a date
    }
    try {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 time (e.g. 2026-03-01T12:00:00Z) or epoch seconds");
    }
  }

  /** Jackson's message on one line, without the location it appends (the line is named already). */
  private static String oneLine(String m) {
    return m == null ? "" : m.replace('\n', ' ').replace('\r', ' ').replaceAll("\\s*\\(start marker at .*$", "");
  }
}
