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
import io.tracemark.verifier.internal.OrderedParallelMap;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads an API log as a stream: JSONL, one request per line, gzip recognised by its magic bytes,
 * lines cut at the record limit ({@link LineSplitter}), each line parsed with Jackson's streaming
 * parser (no tree per line). A line that is not a valid request (malformed JSON, a missing {@code
 * time} or {@code account}, no prompt, a field of the wrong type) goes to the {@link BadRecords}
 * policy as {@code file:line} and a reason that names the field; nothing is dropped silently.
 * Not thread-safe: one calling thread (which may hand the parsing to workers).
 */
public final class LogReader {
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
      .build();

  /** For {@link #accountOf} (a line with a field twice is bad either way) and {@link #parse}: no duplicate detection. */
  private static final JsonFactory UNCHECKED = JsonFactory.builder()
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
    readOnThisThread(file, null, r -> r, sink);
  }

  private <T> void readOnThisThread(Path file, Set<String> only, Function<LogRecord, T> prepare,
      Consumer<T> sink) {
    Inputs.requireReadableFile(file);
    String name = file.toString();
    boolean gzip = false;
    try (InputStream raw = Files.newInputStream(file); InputStream in = Inputs.decompressed(raw)) {
      gzip = Inputs.isGzip(in);
      LineSplitter lines = new LineSplitter(in, name, maxRecordBytes);
      byte[] line;
      while ((line = lines.nextRecord()) != null) {
        records++;
        Object r;
        try {
          r = parseFor(line, only);
        } catch (Bad e) {
          bad.bad(name + ":" + lines.line(), e.getMessage());
          continue;
        }
        if (r != PASSED) {
          sink.accept(prepare.apply((LogRecord) r));
        }
      }
    } catch (IOException e) {
      throw Inputs.readError(name, e, gzip);
    }
  }

  /**
   * Reads {@code file} as {@link #read(Path, Consumer)} does, with the parsing and {@code prepare}
   * on {@code threads} worker threads (batches of lines) and {@code sink} on the calling thread, in
   * file order: the result is the same whatever the number of threads.
   *
   * @param prepare the per-request work that needs no shared state (called on a worker thread)
   * @param sink takes each prepared request in file order (called on the calling thread)
   */
  public <T> void read(Path file, int threads, Function<LogRecord, T> prepare, Consumer<T> sink) {
    read(file, threads, null, prepare, sink);
  }

  /**
   * Reads the requests of some accounts only, as {@link #read(Path, int, Function, Consumer)}
   * does with no preparation, handing {@code sink} the same requests of those accounts in the same
   * order: a line whose {@code account} field is a string outside {@code accounts} is passed over
   * after reading its fields up to that one, without the parse of the rest (its prompt, its time)
   * that a request needs; a line whose account cannot be read that way is parsed as usual. For a
   * log read before: a bad line of another account is passed over, not handed to the policy.
   */
  public void readAccounts(Path file, int threads, Set<String> accounts, Consumer<LogRecord> sink) {
    read(file, threads, Objects.requireNonNull(accounts, "accounts"), r -> r, sink);
  }

  /** A line passed over by {@link #readAccounts}. */
  private static final Object PASSED = new Object();

  private Object parseFor(byte[] line, Set<String> only) throws Bad {
    if (only != null) {
      String account = accountOf(line);
      if (account != null && !only.contains(account)) {
        return PASSED;
      }
    }
    return parse(line);
  }

  /**
   * The line's account as a valid request has it, read up to that field only; null when it cannot
   * be read that way (not an object, the field absent, null or not a string, malformed JSON before
   * it). A line with an account is a request of that account, or a bad line.
   */
  private String accountOf(byte[] line) {
    try (JsonParser p = UNCHECKED.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean account = names[ACCOUNT].equals(p.currentName());
        JsonToken v = p.nextToken();
        if (account) {
          return v == JsonToken.VALUE_STRING ? p.getText() : null;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private <T> void read(Path file, int threads, Set<String> only, Function<LogRecord, T> prepare,
      Consumer<T> sink) {
    if (threads <= 1) {
      readOnThisThread(file, only, prepare, sink);
      return;
    }
    Inputs.requireReadableFile(file);
    String name = file.toString();
    boolean gzip = false;
    Function<Batch, Object[]> work = batch -> {
      Object[] out = new Object[batch.size];
      for (int i = 0; i < batch.size; i++) {
        try {
          Object o = parseFor(batch.lines[i], only);
          out[i] = o == PASSED ? o : prepare.apply((LogRecord) o);
        } catch (Bad e) {
          out[i] = e;
        }
        batch.lines[i] = null;
      }
      return out;
    };
    List<Batch> sent = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file); InputStream in = Inputs.decompressed(raw);
        OrderedParallelMap<Batch, Object[]> map = new OrderedParallelMap<>(threads, null, "tracemark-monitor", work)) {
      gzip = Inputs.isGzip(in);
      LineSplitter lines = new LineSplitter(in, name, maxRecordBytes);
      Batch batch = new Batch();
      byte[] line;
      while ((line = lines.nextRecord()) != null) {
        records++;
        batch.add(line, lines.line());
        if (batch.size == Batch.SIZE) {
          map.submit(batch);
          sent.add(batch);
          batch = new Batch();
          while (map.inFlight() > 4 * threads) {
            drain(map, sent, name, sink);
          }
        }
      }
      if (batch.size > 0) {
        map.submit(batch);
        sent.add(batch);
      }
      while (map.inFlight() > 0) {
        drain(map, sent, name, sink);
      }
    } catch (IOException e) {
      throw Inputs.readError(name, e, gzip);
    }
  }

  /** Hands the oldest batch's requests to the sink and its bad lines to the policy, in order. */
  @SuppressWarnings("unchecked")
  private <T> void drain(OrderedParallelMap<Batch, Object[]> map, List<Batch> sent, String name, Consumer<T> sink) {
    Object[] out = map.next();
    Batch b = sent.remove(0);
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof Bad e) {
        bad.bad(name + ":" + b.numbers[i], e.getMessage());
      } else if (out[i] != PASSED) {
        sink.accept((T) out[i]);
      }
    }
  }

  /** Lines handed to a worker, with their line numbers. */
  private static final class Batch {
    static final int SIZE = 512;
    final byte[][] lines = new byte[SIZE][];
    final long[] numbers = new long[SIZE];
    int size;

    void add(byte[] line, long number) {
      lines[size] = line;
      numbers[size++] = number;
    }
  }

  /** A bad line's reason; no stack trace (bad lines may be many under the skip policy). */
  private static final class Bad extends Exception {
    private static final long serialVersionUID = 1L;

    Bad(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Parses a line. Jackson's duplicate detection keeps a set of names per object, a large part of
   * a line's parse; the top-level names are checked here instead (a bit per field, a list for
   * other names) with Jackson's message, and a line with a nested object or array in a field that
   * is not read is parsed again with Jackson's detection, which reaches into nested objects.
   */
  private LogRecord parse(byte[] line) throws Bad {
    LogRecord r = parse(line, false);
    return r != null ? r : parse(line, true);
  }

  /** The request, or null (only when not {@code strict}) for a line that needs the strict parse. */
  private LogRecord parse(byte[] line, boolean strict) throws Bad {
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
    int seen = 0;
    List<String> others = null;
    try (JsonParser p = (strict ? JSON : UNCHECKED).createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Bad("a request must be a JSON object");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String fieldName = p.currentName();
        Integer slot = slots.get(fieldName);
        if (!strict) {
          boolean twice;
          if (slot != null) {
            twice = (seen & (1 << slot)) != 0;
            seen |= 1 << slot;
          } else {
            if (others == null) {
              others = new ArrayList<>(4);
            }
            twice = others.contains(fieldName);
            others.add(fieldName);
          }
          if (twice) {
            throw new Bad("malformed JSON: Duplicate field '" + fieldName + "'");
          }
        }
        JsonToken v = p.nextToken();
        if (slot == null || v == JsonToken.VALUE_NULL) {
          if (!strict && (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY)) {
            return null;
          }
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
    int[] tokenBuf = new int[64];
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
    double fast = isoUtc(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    if (!Double.isNaN(fast)) {
      return fast;
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
    double fast = isoUtc(text.toCharArray(), 0, text.length());
    if (!Double.isNaN(fast)) {
      return fast;
    }
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

  /**
   * The common form of a log time, {@code 2026-03-01T12:00:00Z} with an optional fraction of up to
   * nine digits, read by hand: java.time's general parser costs about a microsecond a line, which is
   * a large part of the monitor's budget per line. Returns NaN for anything else, including a field
   * out of range, which {@link #parseTime} then reads (or rejects) with java.time; the value is the
   * one java.time gives ({@code epochSecond + nano · 1e-9}).
   */
  static double isoUtc(char[] c, int off, int len) {
    if (len < 20 || len > 30 || len == 21 || c[off + 4] != '-' || c[off + 7] != '-' || c[off + 10] != 'T'
        || c[off + 13] != ':' || c[off + 16] != ':' || c[off + len - 1] != 'Z') {
      return Double.NaN;
    }
    int year = digits(c, off, 4);
    int month = digits(c, off + 5, 2);
    int day = digits(c, off + 8, 2);
    int hour = digits(c, off + 11, 2);
    int minute = digits(c, off + 14, 2);
    int second = digits(c, off + 17, 2);
    int nano = 0;
    if (len > 20) {
      if (c[off + 19] != '.') {
        return Double.NaN;
      }
      int fraction = len - 21;
      nano = digits(c, off + 20, fraction);
      for (int i = fraction; i < 9; i++) {
        nano *= 10;
      }
    }
    if ((year | month | day | hour | minute | second | nano) < 0 || month < 1 || month > 12 || day < 1
        || day > monthLength(year, month) || hour > 23 || minute > 59 || second > 59) {
      return Double.NaN;
    }
    long epochSecond = epochDay(year, month, day) * 86_400L + hour * 3600 + minute * 60 + second;
    return epochSecond + nano * 1e-9;
  }

  /** The decimal value of {@code n} ASCII digits at {@code off}, or −1 if one is not a digit. */
  private static int digits(char[] c, int off, int n) {
    int x = 0;
    for (int i = off; i < off + n; i++) {
      int d = c[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      x = 10 * x + d;
    }
    return x;
  }

  private static int monthLength(int year, int month) {
    if (month == 2) {
      boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
      return leap ? 29 : 28;
    }
    return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
  }

  /** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (years 0 to 9999). */
  private static long epochDay(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yearOfEra = y - era * 400;
    int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097L + dayOfEra - 719_468L;
  }

  /** Jackson's message on one line, without the location it appends (the line is named already). */
  private static String oneLine(String m) {
    return m == null ? "" : m.replace('\n', ' ').replace('\r', ' ').replaceAll("\\s*\\(start marker at .*$", "");
  }
}
