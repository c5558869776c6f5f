package io.tracemark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.examples.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracemark-examples attack}: deterministic by seed, clear errors on bad input. */
class AttackCommandTest {
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
  void attacksAFileTheSameWayForTheSameSeed() throws IOException {
    Path in = Files.writeString(dir.resolve("wm.txt"), "The quick brown fox jumps over the lazy dog. ".repeat(20));
    Path human = Files.writeString(dir.resolve("human.txt"), "It was a bright cold day in April. ".repeat(40));
    Path a = dir.resolve("a.txt");
    Path b = dir.resolve("b.txt");
    Path c = dir.resolve("c.txt");
    assertThat(run("attack", "--attack", "copy-paste:x=25%,k=3", "--input", in.toString(), "--human",
        human.toString(), "--seed", "5", "--out", a.toString())).as(err).isZero();
    assertThat(out).startsWith("copy-paste:x=25%,k=3 (seed 5): 201 tokens in, 361 tokens out; wrote ");
    run("attack", "--attack", "copy-paste:x=25%,k=3", "--input", in.toString(), "--human", human.toString(),
        "--seed", "5", "--out", b.toString());
    run("attack", "--attack", "copy-paste:x=25%,k=3", "--input", in.toString(), "--human", human.toString(),
        "--seed", "6", "--out", c.toString());
    assertThat(Files.readString(a)).isEqualTo(Files.readString(b)).isNotEqualTo(Files.readString(c))
        .contains("quick brown fox").contains("bright cold day");

    assertThat(run("attack", "--attack", "case:upper", "--input", in.toString(), "--out", a.toString())).isZero();
    assertThat(Files.readString(a)).isEqualTo(Files.readString(in).toUpperCase(java.util.Locale.ROOT));
  }

  @Test
  void badInputIsOneClearLine() throws IOException {
    Path bad = dir.resolve("bad.txt");
    Files.write(bad, new byte[] {'o', 'k', ' ', (byte) 0xC3, '(', 'x'});
    Path empty = Files.writeString(dir.resolve("empty.txt"), "");
    Path ok = Files.writeString(dir.resolve("ok.txt"), "Some text to attack.");
    Path o = dir.resolve("o.txt");
    assertThat(run("attack", "--attack", "delete:rate=10%", "--input", bad.toString(), "--out", o.toString()))
        .isEqualTo(3);
    assertThat(err).contains("--input " + bad + ": invalid UTF-8 at byte 3").doesNotContain("Exception");
    assertThat(run("attack", "--attack", "delete:rate=10%", "--input", empty.toString(), "--out", o.toString()))
        .isEqualTo(3);
    assertThat(err).contains(empty + ": delete:rate=10%: the watermarked text must have at least 1 tokens, had 0");
    assertThat(run("attack", "--attack", "truncate:tokens=200", "--input", ok.toString(), "--out", o.toString()))
        .isEqualTo(3);
    assertThat(err).contains("truncate:tokens=200: the watermarked text must have at least 200 tokens, had 5");
    assertThat(run("attack", "--attack", "shuffle", "--input", ok.toString(), "--out", o.toString())).isEqualTo(2);
    assertThat(err).contains("--attack: unknown attack 'shuffle'");
    assertThat(run("attack", "--attack", "insert:rate=10%", "--input", ok.toString(), "--out", o.toString()))
        .isEqualTo(3);
    assertThat(err).contains("insert:rate=10%: the human text must have at least 1 tokens, had 0");
    assertThat(Files.exists(o)).isFalse();
  }
}
