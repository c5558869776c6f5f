package io.tracemark.verifier.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.BadRecords;
import io.tracemark.verifier.input.InputException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogReaderTest {
  @TempDir
  Path dir;

  private List<LogRecord> read(Path file, LogFields fields, BadRecords bad) {
    List<LogRecord> out = new ArrayList<>();
    new LogReader(fields, 1 << 20, bad).read(file, out::add);
    return out;
  }

  private static BadRecords fail() {
    return new BadRecords(BadRecordPolicy.FAIL, InputException::new);
  }

  @Test
  void readsEveryFieldWithIsoAndEpochTimes() throws Exception {
    Path f = Files.writeString(dir.resolve("log.jsonl"), String.join("\n",
        "{\"time\":\"2026-01-08T00:00:00Z\",\"account\":\"a\",\"tenant\":\"t\",\"ip\":\"1.2.3.4\",\"payment\":\"p\","
            + "\"prompt\":\"hi there\",\"max_tokens\":100,\"temperature\":0.5,\"n\":2,\"response_tokens\":7,"
            + "\"other\":{\"x\":[1]}}",
        "",
        "{\"time\":1767830400.5,\"account\":\"b\",\"prompt_tokens\":[1,2,3]}",
        "{\"time\":\"2026-01-08T01:00:00+01:00\",\"account\":\"c\",\"prompt\":\"x\",\"prompt_tokens\":[9]}",
        "{\"time\":\"2026-01-08\",\"account\":\"d\",\"prompt\":\"y\",\"tenant\":null}"));
    List<LogRecord> r = read(f, LogFields.DEFAULT, fail());
    assertThat(r).hasSize(4);
    LogRecord a = r.get(0);
    assertThat(a.time()).isEqualTo(1767830400.0);
    assertThat(a.account()).isEqualTo("a");
    assertThat(a.tenant()).isEqualTo("t");
    assertThat(a.ip()).isEqualTo("1.2.3.4");
    assertThat(a.payment()).isEqualTo("p");
    assertThat(a.prompt()).isEqualTo("hi there");
    assertThat(a.maxTokens()).isEqualTo(100);
    assertThat(a.temperature()).isEqualTo(0.5);
    assertThat(a.n()).isEqualTo(2);
    assertThat(a.responseTokens()).isEqualTo(7);
    assertThat(r.get(1).time()).isEqualTo(1767830400.5);
    assertThat(r.get(1).prompt()).isNull();
    assertThat(r.get(1).promptTokens()).containsExactly(1, 2, 3);
    assertThat(r.get(1).n()).isEqualTo(1);
    assertThat(r.get(1).maxTokens()).isEqualTo(-1);
    // a present text wins over token ids
    assertThat(r.get(2).time()).isEqualTo(1767830400.0);
    assertThat(r.get(2).prompt()).isEqualTo("x");
    assertThat(r.get(2).promptTokens()).isNull();
    assertThat(r.get(3).time()).isEqualTo(1767830400.0);
    assertThat(r.get(3).tenant()).isNull();
  }

  @Test
  void renamedFieldsAreRead() throws Exception {
    Path f = Files.writeString(dir.resolve("log.jsonl"), "{\"ts\":5,\"user\":\"u\",\"q\":\"hello\"}\n");
    LogFields names = new LogFields("ts", "user", "tenant", "ip", "payment", "q", "prompt_tokens", "max_tokens",
        "temperature", "n", "response_tokens");
    assertThat(read(f, names, fail())).singleElement().satisfies(r -> {
      assertThat(r.account()).isEqualTo("u");
      assertThat(r.prompt()).isEqualTo("hello");
      assertThat(r.time()).isEqualTo(5.0);
    });
    // under the default names the same line has no time
    assertThatThrownBy(() -> read(f, LogFields.DEFAULT, fail())).isInstanceOf(InputException.class)
        .hasMessage(f + ":1: request has no \"time\"");
  }

  @Test
  void gzipIsRecognisedByItsMagicBytes() throws Exception {
    Path f = dir.resolve("log.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write("{\"time\":1,\"account\":\"a\",\"prompt\":\"p\"}\n{\"time\":2,\"account\":\"b\",\"prompt\":\"q\"}\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    assertThat(read(f, LogFields.DEFAULT, fail())).extracting(LogRecord::account).containsExactly("a", "b");
  }

  @Test
  void badLinesFailWithFileLineAndFieldOrAreCountedAndListed() throws Exception {
    Path f = Files.writeString(dir.resolve("log.jsonl"), String.join("\n",
        "{\"time\":1,\"account\":\"a\",\"prompt\":\"ok\"}",
        "{\"time\":\"yesterday\",\"account\":\"a\",\"prompt\":\"p\"}",
        "{\"time\":1,\"account\":7,\"prompt\":\"p\"}",
        "{\"time\":1,\"account\":\"a\"}",
        "{\"time\":1,\"account\":\"a\",\"prompt\":\"p\",\"n\":0}",
        "{\"time\":1,\"account\":\"a\",\"prompt_tokens\":[1,-2]}",
        "[1,2]",
        "{\"time\":1,\"account\":\"a\",\"prompt\":\"p\"",
        "{\"time\":1,\"account\":\"b\",\"prompt\":\"fine\"}"));
    assertThatThrownBy(() -> read(f, LogFields.DEFAULT, fail())).isInstanceOf(InputException.class)
        .hasMessageStartingWith(f + ":2: field \"time\": not an ISO-8601 time");
    BadRecords skip = new BadRecords(BadRecordPolicy.SKIP, InputException::new);
    List<LogRecord> ok = read(f, LogFields.DEFAULT, skip);
    assertThat(ok).extracting(LogRecord::prompt).containsExactly("ok", "fine");
    assertThat(skip.count()).isEqualTo(7);
    assertThat(skip.listed()).extracting(s -> s.id() + " " + s.reason()).containsExactly(
        f + ":2 field \"time\": not an ISO-8601 time (e.g. 2026-03-01T12:00:00Z) or epoch seconds",
        f + ":3 field \"account\" must be a string",
        f + ":4 request has neither \"prompt\" nor \"prompt_tokens\"",
        f + ":5 field \"n\" must be >= 1, was 0",
        f + ":6 field \"prompt_tokens\"[1] must be an integer >= 0",
        f + ":7 a request must be a JSON object",
        f + ":8 malformed JSON: Unexpected end-of-input: expected close marker for Object");
  }

  @Test
  void aFieldNameGivenTwiceIsRefused() {
    LogFields twice = new LogFields("time", "time", "tenant", "ip", "payment", "prompt", "prompt_tokens",
        "max_tokens", "temperature", "n", "response_tokens");
    assertThatThrownBy(() -> new LogReader(twice, 1 << 20, fail())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"time\" is given to two fields");
  }

  /** The time as java.time's general parsers read it (the reference for the hand-written form). */
  private static double javaTime(String s) {
    try {
      Instant i = OffsetDateTime.parse(s).toInstant();
      return i.getEpochSecond() + i.getNano() * 1e-9;
    } catch (DateTimeParseException e) {
      Instant i = LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      return i.getEpochSecond() + i.getNano() * 1e-9;
    }
  }

  @Test
  void theHandReadIsoFormGivesJavaTimesValueToTheBit() {
    SplittableRandom rnd = new SplittableRandom(13);
    long min = LocalDate.of(1, 1, 1).toEpochDay() * 86_400L;
    long max = LocalDate.of(9999, 12, 31).toEpochDay() * 86_400L;
    for (int i = 0; i < 4_000; i++) {
      long second = i < 2_000 ? rnd.nextLong(min, max) : rnd.nextLong(1_700_000_000L, 1_900_000_000L);
      int digits = rnd.nextInt(10);
      int nano = rnd.nextInt(1_000_000_000);
      String fraction = String.format(java.util.Locale.ROOT, "%09d", nano).substring(0, digits);
      String s = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toLocalDate() + "T"
          + LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toLocalTime().withNano(0)
              .format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss"))
          + (digits > 0 ? "." + fraction : "") + "Z";
      assertThat(LogReader.isoUtc(s.toCharArray(), 0, s.length())).as(s).isEqualTo(javaTime(s));
      assertThat(LogReader.parseTime(s)).as(s).isEqualTo(javaTime(s));
    }
    // leap days and month ends
    for (String s : List.of("2024-02-29T23:59:59.999999999Z", "2000-02-29T00:00:00Z", "2026-12-31T23:59:59Z",
        "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z", "0000-03-01T00:00:00Z")) {
      assertThat(LogReader.isoUtc(s.toCharArray(), 0, s.length())).as(s).isEqualTo(javaTime(s));
    }
  }

  @Test
  void otherTimeFormsAndOutOfRangeFieldsAreLeftToJavaTime() {
    // not the common form: read by java.time, same values as before
    for (String s : List.of("2026-01-08T12:00:00+01:00", "2026-01-08t12:00:00z", "2026-01-08T12:00Z",
        " 2026-01-08T12:00:00Z ", "2026-01-08T12:00:00", "2026-01-08T12:00:00.Z")) {
      assertThat(LogReader.isoUtc(s.toCharArray(), 0, s.length())).as(s).isNaN();
    }
    assertThat(LogReader.parseTime("2026-01-08T12:00:00+01:00")).isEqualTo(1767870000.0);
    assertThat(LogReader.parseTime(" 2026-01-08T12:00:00Z ")).isEqualTo(1767873600.0);
    assertThat(LogReader.parseTime("2026-01-08")).isEqualTo(1767830400.0);
    // out of range in the common form: refused as before
    for (String s : List.of("2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z", "2026-0a-01T00:00:00Z")) {
      assertThat(LogReader.isoUtc(s.toCharArray(), 0, s.length())).as(s).isNaN();
      assertThatThrownBy(() -> LogReader.parseTime(s)).as(s).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readingSomeAccountsGivesTheirRequestsAsAFullReadDoesWhateverTheThreads() throws Exception {
    Path f = TestLogs.write(dir.resolve("log.jsonl"), 3, 40, 4, 30);
    // odd lines: the account absent, null, a number, given twice, after a bad field, and malformed
    String odd = String.join("\n",
        "{\"time\":1767830400,\"prompt\":\"no account\"}",
        "{\"account\":null,\"time\":1767830400,\"prompt\":\"null account\"}",
        "{\"account\":7,\"time\":1767830400,\"prompt\":\"number\"}",
        "{\"account\":\"u1\",\"account\":\"u2\",\"time\":1767830400,\"prompt\":\"twice\"}",
        "{\"account\":\"u9\",\"time\":1767830400,\"prompt\":\"twice\",\"account\":\"u1\"}",
        "{\"time\":\"yesterday\",\"account\":\"u1\",\"prompt\":\"bad time\"}",
        "{\"time\":1767830400,\"account\":\"u1\",\"prompt\":\"good\",\"n\":2}",
        "{\"time\":1767830400,\"account\":\"u2\",\"prompt\":\"good\"} trailing",
        "{\"meta\":{\"account\":\"u9\"},\"time\":1767830401,\"account\":\"u1\",\"prompt\":\"nested\"}",
        "[1,2]", "{\"time\":1767830400,\"account\":\"u1\",\"prompt\":\"cut");
    Files.writeString(f, odd + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    java.util.Set<String> some = java.util.Set.of("u1", "u9", "x2", "nobody");
    List<LogRecord> all = new ArrayList<>();
    new LogReader(LogFields.DEFAULT, 1 << 20, new BadRecords(BadRecordPolicy.SKIP, InputException::new))
        .read(f, all::add);
    List<String> expected = all.stream().filter(r -> some.contains(r.account())).map(LogReaderTest::describe)
        .toList();
    assertThat(expected).hasSizeGreaterThan(40).anyMatch(d -> d.contains("nested"));
    for (int threads : new int[] {1, 3}) {
      List<String> got = new ArrayList<>();
      LogReader reader = new LogReader(LogFields.DEFAULT, 1 << 20,
          new BadRecords(BadRecordPolicy.SKIP, InputException::new));
      reader.readAccounts(f, threads, some, r -> got.add(describe(r)));
      assertThat(got).as("threads %d", threads).containsExactlyElementsOf(expected);
      assertThat(reader.records()).isEqualTo(all.size() + 9L);
    }
  }

  private static String describe(LogRecord r) {
    return r.time() + " " + r.account() + " " + r.tenant() + " " + r.ip() + " " + r.payment() + " " + r.prompt()
        + " " + r.maxTokens() + " " + r.n();
  }

  @Test
  void aFieldGivenTwiceIsABadLineAtTopLevelAndInsideAnotherField() throws Exception {
    Path f = Files.writeString(dir.resolve("dup.jsonl"), String.join("\n",
        "{\"time\":1767830400,\"account\":\"a\",\"prompt\":\"x\",\"account\":\"b\"}",
        "{\"time\":1767830400,\"account\":\"a\",\"prompt\":\"x\",\"zz\":1,\"zz\":2}",
        "{\"time\":1767830400,\"account\":\"a\",\"prompt\":\"x\",\"zz\":{\"q\":1,\"q\":2}}",
        "{\"time\":1767830400,\"account\":\"a\",\"zz\":[{\"q\":1},{\"q\":2}],\"prompt\":\"x\",\"n\":0}",
        "{\"time\":1767830400,\"account\":\"a\",\"zz\":{\"q\":{\"r\":[1]}},\"prompt\":\"fine\"}",
        "{\"time\":1767830400,\"account\":\"a\",\"prompt\":null,\"prompt\":\"x\"}") + "\n");
    BadRecords bad = new BadRecords(BadRecordPolicy.SKIP, InputException::new);
    List<LogRecord> r = read(f, LogFields.DEFAULT, bad);
    assertThat(r).extracting(LogRecord::prompt).containsExactly("fine");
    assertThat(bad.listed()).extracting(s -> s.id() + " " + s.reason()).containsExactly(
        f + ":1 malformed JSON: Duplicate field 'account'",
        f + ":2 malformed JSON: Duplicate field 'zz'",
        f + ":3 malformed JSON: Duplicate field 'q'",
        f + ":4 field \"n\" must be >= 1, was 0",
        f + ":6 malformed JSON: Duplicate field 'prompt'");
  }
}
