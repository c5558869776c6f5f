package io.tracemark.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java blocks, taken from the README text itself, are complete programs: each
 * compiles on its own (with {@code -Xlint:all -Werror}) against the library's class path and its
 * {@code main} runs. The watermarking program detects its own output.
 */
class ReadmeSnippetsTest {
  static final Path README = Path.of("..", "README.md");
  static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);
  static final Pattern CLASS = Pattern.compile("(?m)^public (?:final )?class (\\w+)");

  @TempDir
  Path dir;

  static List<String> javaBlocks() throws Exception {
    Matcher m = JAVA_BLOCK.matcher(Files.readString(README, StandardCharsets.UTF_8));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The test class path as surefire gives it (java.class.path may be a manifest-only jar). */
  static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /** Compiles one block into {@code out} and runs its main class with {@code args}; returns what it printed. */
  static String compileAndRun(String source, Path out, String... args) throws Exception {
    Matcher c = CLASS.matcher(source);
    assertThat(c.find()).as("a public class in:%n%s", source).isTrue();
    String name = c.group(1);
    Path file = out.resolve(name + ".java");
    Files.writeString(file, source, StandardCharsets.UTF_8);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean ok = javac.getTask(diagnostics, null, null, List.of("-classpath", classPath(), "-d", out.toString(),
        "-Xlint:all", "-Werror"), null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
        .getJavaFileObjects(file.toFile())).call();
    assertThat(ok).as("javac %s:%n%s", name, diagnostics).isTrue();
    PrintStream before = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
        ReadmeSnippetsTest.class.getClassLoader())) {
      Method main = loader.loadClass(name).getMethod("main", String[].class);
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) args);
    } finally {
      System.setOut(before);
    }
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyJavaBlockOfTheReadmeCompilesAndRuns() throws Exception {
    List<String> blocks = javaBlocks();
    assertThat(blocks).hasSize(3);
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Path out = Files.createDirectories(dir.resolve("block-" + i));
      // the corpus verification reads the bundled sample (the README's paths are from the repository root)
      String[] args = blocks.get(i).contains("class VerifyCorpus")
          ? new String[] {Path.of("..", "docs", "sample").toString(), out.resolve("report").toString()}
          : new String[0];
      outputs.add(compileAndRun(blocks.get(i), out, args));
    }
    // the watermarking loop: its generated tokens (not the prompt) are scored and detected
    assertThat(blocks.get(0)).contains("detect(tokens, prompt.length, tokens.length - prompt.length)");
    assertThat(outputs.get(0)).matches("(?s)\\d+ tuples scored, \\d+ green, log10 p = -\\d+\\.\\d\\R"
        + "watermarked\\R");
    Matcher m = Pattern.compile("log10 p = (-\\d+\\.\\d)").matcher(outputs.get(0));
    assertThat(m.find()).isTrue();
    // about 140 of 199 tuples green (sd about 7 over keys and draws); -15 and -80 are 5 sd away
    assertThat(Double.parseDouble(m.group(1))).as("the README says about -44").isBetween(-80.0, -15.0);
    // the corpus verification through the façade: the sample's numbers, the report written
    assertThat(outputs.get(1)).isEqualTo("detected, log10 p = -342.6" + System.lineSeparator());
    Path report = dir.resolve("block-1").resolve("report");
    assertThat(report.resolve("report.json")).exists();
    assertThat(report.resolve("report.html")).exists();
    Matcher body = Pattern.compile("(?s)main\\(String\\[\\] args\\) throws Exception \\{\\n(.*?)\\n  \\}")
        .matcher(blocks.get(1));
    assertThat(body.find()).isTrue();
    assertThat(body.group(1).split("\\n")).as("the verification path in at most 12 lines").hasSizeLessThanOrEqualTo(12);
    assertThat(outputs.get(2)).matches("\\d+ of \\d+ green, z = -?\\d+\\.\\d\\d, log10 p = -?\\d+\\.\\d\\d\\R");
  }
}
