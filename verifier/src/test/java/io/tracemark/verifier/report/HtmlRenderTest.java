package io.tracemark.verifier.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracemark.verifier.cli.Tracemark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The HTML report of the bundled sample, signed: its plain-language opening, that it loads nothing
 * from anywhere, and how it renders in headless Chromium at a desktop width (1280 px) and a phone's
 * (390 px): no horizontal scrolling, every chart inside the viewport, the real key's line of the
 * control histogram visible, no network request. The browser tests are skipped where Chromium is
 * not installed, unless {@code TRACEMARK_REQUIRE_CHROMIUM=1} (as {@code .ci/run} sets it), which
 * makes a missing browser a failure. Screenshots go to {@code target/html-render/}.
 */
class HtmlRenderTest {
  @TempDir
  static Path dir;
  static Path html;
  static String page;
  static String signerId;
  static HeadlessChromium browser;

  @BeforeAll
  static void signedSampleReport() throws Exception {
    Path signer = dir.resolve("signer.json");
    assertThat(cli("keygen", "--signing", "--out", signer.toString())).isZero();
    signerId = SigningKey.readFile(signer).keyId();
    Path out = dir.resolve("report");
    assertThat(cli("verify", "--key", "../docs/sample/DEMO-KEY-public-do-not-use.json", "--scheme",
        "kgw:gamma=0.25,delta=2,h=1", "--suspect", "../docs/sample/suspect.jsonl", "--out", out.toString(),
        "--sign-key", signer.toString(), "--quiet")).isZero();
    html = out.resolve(EvidenceReport.HTML_FILE);
    page = Files.readString(html, StandardCharsets.UTF_8);
  }

  @AfterAll
  static void closeBrowser() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  static int cli(String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
    int code = Tracemark.run(ps, ps, args);
    if (code != 0) {
      System.err.println(sink.toString(StandardCharsets.UTF_8));
    }
    return code;
  }

  static HeadlessChromium browser() throws Exception {
    if (browser == null) {
      Path exe = HeadlessChromium.executable();
      if (exe == null) {
        if ("1".equals(System.getenv("TRACEMARK_REQUIRE_CHROMIUM"))) {
          fail("TRACEMARK_REQUIRE_CHROMIUM=1 but chromium is not installed (Debian: apt-get install chromium)");
        }
        assumeTrue(false, "chromium is not installed");
      }
      browser = new HeadlessChromium(exe);
    }
    return browser;
  }

  @Test
  void thePageLoadsNothingFromAnywhere() {
    assertThat(page).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
        .contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    assertThat(page).doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://")
        .doesNotContainIgnoringCase("<link").doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<img")
        .doesNotContainIgnoringCase("<iframe").doesNotContainIgnoringCase("url(").doesNotContainIgnoringCase("@import");
    assertThat(Pattern.compile("\\s(src|href|srcset|xlink:href)\\s*=", Pattern.CASE_INSENSITIVE).matcher(page).find())
        .as("an attribute that loads something").isFalse();
  }

  @Test
  void itOpensWithAPlainLanguageSummaryTheSignerAndAGlossary() {
    int plain = page.indexOf("id=\"plain-language\"");
    assertThat(plain).isPositive().isLessThan(page.indexOf("<h2>Summary</h2>"));
    String block = page.substring(plain, page.indexOf("</section>"));
    assertThat(block).contains("Watermark DETECTED.")
        .contains("p &lt; 10^-342: the chance of this by luck is about 1 in 10^342.")
        .contains("What this shows.").contains("What it does not show.")
        .contains("3,183 of 6,711 scored tuples are green (47.4%), where chance gives 25.0%")
        .contains("the real key ranks 1 of 101")
        .contains("Signed: <code>report.sig</code>").contains("signing key id <code>" + signerId + "</code>");
    for (String term : List.of("<dt>tuple</dt>", "<dt>green</dt>", "<dt>&gamma; (gamma)</dt>", "<dt>Holm</dt>",
        "<dt>closed model</dt>", "<dt>reading mode</dt>")) {
      assertThat(block).contains(term);
    }
    assertThat(HtmlReport.render(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()))
        .contains("Not signed:");
  }

  @Test
  void chartsScaleWithThePageAndNumbersUseOneFormat() {
    assertThat(Pattern.compile("<svg class=\"chart\" id=\"chart-[a-z]+\" viewBox=\"0 0 640 \\d+\" width=\"100%\"")
        .matcher(page).results().count()).isEqualTo(4);
    assertThat(page).doesNotContain("<svg width=").doesNotContainPattern("\\d\\.\\d+e[+-]?\\d");
    assertThat(page).contains("<th>tokens read</th><td>8,509</td>").contains(">real key: log10 p = -342.592<");
  }

  @ParameterizedTest(name = "{0} px")
  @CsvSource({"1280, 900, false", "390, 844, true"})
  void rendersInsideTheViewportWithoutNetworkRequests(int width, int height, boolean mobile) throws Exception {
    HeadlessChromium b = browser();
    int before = b.requests().size();
    String url = html.toUri().toString();
    b.load(url, width, height, mobile);
    JsonNode m = b.evaluate("(() => { const r = e => { const x = document.querySelector(e).getBoundingClientRect();"
        + " return {left: x.left, right: x.right, top: x.top, width: x.width}; };"
        + " return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth,"
        + " charts: document.querySelectorAll('svg.chart').length, realKey: r('#real-key'),"
        + " controls: r('#chart-controls'), records: r('#chart-records'), plain: r('#plain-language'),"
        + " title: document.title}; })()");
    Path shots = Path.of("target", "html-render");
    Files.createDirectories(shots);
    Files.write(shots.resolve("report-" + width + ".png"), b.screenshot());
    int inner = m.path("inner").asInt();
    assertThat(inner).as("layout viewport").isEqualTo(width);
    assertThat(m.path("scroll").asInt()).as("page width (no horizontal scrolling)").isLessThanOrEqualTo(inner);
    assertThat(m.path("charts").asInt()).isEqualTo(4);
    for (String chart : List.of("controls", "records", "plain")) {
      assertThat(m.path(chart).path("left").asDouble()).as(chart).isGreaterThanOrEqualTo(0);
      assertThat(m.path(chart).path("right").asDouble()).as(chart).isLessThanOrEqualTo(inner);
    }
    double lineX = m.path("realKey").path("left").asDouble();
    assertThat(lineX).as("x of the real key's line").isBetween(0.0, (double) inner);
    assertThat(lineX).as("the real key (log10 p -342.6) is at the right end of the histogram")
        .isGreaterThan(m.path("controls").path("left").asDouble() + 0.6 * m.path("controls").path("width").asDouble());
    assertThat(b.requests().subList(before, b.requests().size())).as("requests made by the page")
        .containsExactly(url);
  }

  /** The request check can fail: a page that loads an external image is caught. */
  @Test
  void anExternalRequestIsSeen() throws Exception {
    HeadlessChromium b = browser();
    Path bad = dir.resolve("external.html");
    Files.writeString(bad, "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>");
    int before = b.requests().size();
    b.load(bad.toUri().toString(), 390, 844, true);
    assertThat(b.requests().subList(before, b.requests().size())).contains("http://127.0.0.1:9/x.png");
  }
}
