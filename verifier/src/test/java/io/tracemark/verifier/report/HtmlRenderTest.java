package io.tracemark.verifier.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tracemark.verifier.cli.Tracemark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders a real report.html in headless Chromium with {@code src/build/check-report-html.sh}: it
 * renders its three charts and makes no network request. Skipped where chromium or python3 is not
 * installed (Debian: {@code apt-get install chromium}).
 */
class HtmlRenderTest {
  @TempDir
  Path dir;

  static boolean onPath(String program) {
    for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(p, program))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void reportRendersInHeadlessChromiumWithoutNetworkRequests() throws Exception {
    assumeTrue(onPath("chromium") && onPath("python3"), "chromium and python3 are needed");
    Path out = dir.resolve("report");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
    int code = Tracemark.run(ps, ps, "verify", "--key", "../docs/sample/DEMO-KEY-public-do-not-use.json",
        "--scheme", "kgw:gamma=0.25,delta=2,h=1", "--suspect", "../docs/sample/suspect.jsonl", "--out",
        out.toString(), "--control-keys", "20");
    assertThat(code).as(sink.toString(StandardCharsets.UTF_8)).isZero();
    Process p = new ProcessBuilder("bash", "src/build/check-report-html.sh", out.resolve("report.html").toString(),
        dir.resolve("check").toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(log).isZero();
    assertThat(log).contains("3 inline SVG charts").contains("OK: no network request");
    assertThat(Files.size(dir.resolve("check").resolve("report.png"))).isPositive();
  }
}
