package io.tracemark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.examples.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrafficCommandTest {
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

  @Test
  void writesTheLogTheLabelsAndTheSummary() throws IOException {
    Path d = dir.resolve("t");
    assertThat(run("traffic", "--seed", "5", "--out", d.toString(), "--accounts", "60", "--days", "2",
        "--campaigns", "sweep:4,slow:10", "--release", "2026-03-03T06:00:00Z", "--no-gzip")).as(err).isZero();
    assertThat(out).contains("seed 5").contains("c1 sweep").contains("c2 slow");
    assertThat(Files.readAllLines(d.resolve("labels.jsonl"))).hasSize(60 + 4 + 10);
    assertThat(Files.readString(d.resolve("traffic.json"))).contains("\"2026-03-03T06:00:00Z\"");
    assertThat(Files.readString(d.resolve("traffic.jsonl"))).contains("\"account\":\"acct_");
    assertThat(d.resolve("traffic.jsonl.gz")).doesNotExist();
  }

  @Test
  void badOptionsAreUsageErrorsNamingTheOption() {
    assertThat(run("traffic", "--out", dir.toString(), "--campaigns", "sweep:4,flood:2")).isEqualTo(2);
    assertThat(err).contains("--campaigns").contains("flood:2");
    assertThat(run("traffic", "--out", dir.toString(), "--release", "next tuesday")).isEqualTo(2);
    assertThat(err).contains("--release").contains("next tuesday");
    assertThat(run("traffic", "--out", dir.toString(), "--days", "0")).isEqualTo(2);
    assertThat(err).contains("days must be in [1, 365], was 0");
  }
}
