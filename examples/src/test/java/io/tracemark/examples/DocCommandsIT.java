package io.tracemark.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every shell command of README.md and docs/**.md as printed: the fenced {@code ```sh} blocks
 * of each file, in order, with bash in a fresh directory that links the repository's top-level
 * folders (so {@code docs/sample/…} and {@code verifier/target/…} resolve and everything written
 * lands in the temporary directory), {@code HOME} pointing into it, and {@code verifier/target}
 * (the {@code tracemark} launcher) first on the {@code PATH}. Runs after {@code package} (in the
 * {@code integration-test} phase), so the jars and the launcher exist.
 *
 * <ul>
 *   <li>Lines that start with {@code ./mvnw} are the build, which {@code .ci/run} performs; they
 *       are not run again here, and may only package, verify or test (never install or deploy).
 *   <li>A block preceded by {@code <!-- ci: skip (reason) -->} is not run; the reason is required
 *       (a command that takes minutes, which a test runs at a reduced size).
 *   <li>A plain {@code ```} block preceded by {@code <!-- ci: output -->} is the exact standard
 *       output of the shell block before it.
 * </ul>
 */
class DocCommandsIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Pattern FENCE = Pattern.compile("^```(\\w*)\\s*$");
  static final Pattern SKIP = Pattern.compile("^<!-- ci: skip \\((.+)\\) -->$");
  static final String OUTPUT = "<!-- ci: output -->";

  /**
   * A fenced block.
   *
   * @param line its first line (1-based)
   * @param language {@code sh}, or empty for a plain block
   * @param text its lines joined by newlines
   * @param skip the reason it is not run, or null
   * @param expectedOutput for a shell block, the output block that follows it, or null
   */
  record Block(Path file, int line, String language, String text, String skip, String expectedOutput) {
    String where() {
      return ROOT.relativize(file) + ":" + line;
    }
  }

  static List<Path> markdownFiles() throws IOException {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  /** The shell blocks of a markdown file, each with its skip reason and expected output. */
  static List<Block> shellBlocks(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Block> all = new ArrayList<>();
    String marker = null;
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = FENCE.matcher(lines.get(i));
      if (!m.matches()) {
        if (!lines.get(i).isBlank()) {
          marker = lines.get(i).trim();
        }
        continue;
      }
      int start = i;
      StringBuilder text = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
        text.append(lines.get(i)).append('\n');
      }
      Matcher skip = marker == null ? null : SKIP.matcher(marker);
      all.add(new Block(file, start + 1, m.group(1), text.toString(),
          skip != null && skip.matches() ? skip.group(1) : OUTPUT.equals(marker) ? OUTPUT : null, null));
      marker = null;
    }
    List<Block> shell = new ArrayList<>();
    for (int k = 0; k < all.size(); k++) {
      Block b = all.get(k);
      if (!b.language().equals("sh")) {
        continue;
      }
      String expected = null;
      if (k + 1 < all.size() && all.get(k + 1).language().isEmpty() && OUTPUT.equals(all.get(k + 1).skip())) {
        expected = all.get(k + 1).text();
      }
      shell.add(new Block(b.file(), b.line(), b.language(), b.text(), OUTPUT.equals(b.skip()) ? null : b.skip(),
          expected));
    }
    return shell;
  }

  /** The commands of a block: continuation lines joined, comments and build lines set apart. */
  static List<String> commands(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String command = current.toString().trim();
      current.setLength(0);
      if (!command.isEmpty() && !command.startsWith("#")) {
        out.add(command);
      }
    }
    return out;
  }

  static boolean isBuild(String command) {
    return command.startsWith("./mvnw ");
  }

  @TestFactory
  Stream<DynamicTest> everyShellCommandInTheDocsRunsAsPrinted() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : markdownFiles()) {
      List<Block> blocks = shellBlocks(file);
      if (blocks.isEmpty()) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest(ROOT.relativize(file).toString(), () -> runFile(blocks)));
    }
    return tests.stream();
  }

  static void runFile(List<Block> blocks) throws Exception {
    Path work = Files.createTempDirectory("tracemark-docs");
    try {
      for (String top : List.of("README.md", "docs", "verifier", "examples", "watermark-api", "watermark-core", "jmh",
          "pom.xml", "mvnw", ".mvn")) {
        Files.createSymbolicLink(work.resolve(top), ROOT.resolve(top));
      }
      Files.createDirectories(work.resolve("home"));
      for (Block b : blocks) {
        if (b.skip() != null) {
          assertThat(b.skip()).as("%s: the reason to skip", b.where()).isNotBlank();
          System.out.println("[docs] " + b.where() + ": skipped (" + b.skip() + ")");
          continue;
        }
        List<String> script = new ArrayList<>();
        for (String command : commands(b.text())) {
          if (isBuild(command)) {
            assertThat(command).as("%s: a build command", b.where()).doesNotContain(" install")
                .doesNotContain(" deploy").containsAnyOf(" package", " verify", " test");
          } else {
            script.add(command);
          }
        }
        if (script.isEmpty()) {
          continue;
        }
        System.out.println("[docs] " + b.where() + ": running " + script.size() + " command(s)");
        Run r = bash(work, script);
        assertThat(r.code()).as("%s exit code; output:%n%s%n%s", b.where(), r.out(), r.err()).isZero();
        if (b.expectedOutput() != null) {
          assertThat(trimLines(r.out())).as("%s: the output the docs show", b.where())
              .isEqualTo(trimLines(b.expectedOutput()));
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        // symbolic links are removed, never followed
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  record Run(int code, String out, String err) {}

  static Run bash(Path work, List<String> commands) throws Exception {
    Path script = work.resolve("home").resolve("commands.sh");
    Files.writeString(script, "set -euo pipefail\n" + String.join("\n", commands) + "\n");
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).directory(work.toFile());
    pb.environment().put("PATH", ROOT.resolve("verifier/target") + java.io.File.pathSeparator
        + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().put("HOME", work.resolve("home").toString());
    Path out = work.resolve("home").resolve("stdout");
    Path err = work.resolve("home").resolve("stderr");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("timed out after 10 minutes: " + commands);
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  static String trimLines(String s) {
    return String.join("\n", s.strip().lines().map(String::stripTrailing).toList());
  }

  /** The parser: markers, continuation lines, comments and the output block are read as documented. */
  @Test
  void theParserReadsMarkersContinuationsAndOutputs() throws IOException {
    Path md = Files.createTempFile("docs", ".md");
    try {
      Files.writeString(md, String.join("\n", "# t", "```sh", "# a comment", "tracemark a \\", "  --b c", "```",
          "prints", "<!-- ci: output -->", "```", "out 1", "```", "<!-- ci: skip (takes an hour) -->", "",
          "```sh", "tracemark slow", "```", "```java", "class X {}", "```", "```sh", "./mvnw -B verify", "```", ""));
      List<Block> blocks = shellBlocks(md);
      assertThat(blocks).hasSize(3);
      assertThat(commands(blocks.get(0).text())).containsExactly("tracemark a    --b c");
      assertThat(blocks.get(0).expectedOutput()).isEqualTo("out 1\n");
      assertThat(blocks.get(0).skip()).isNull();
      assertThat(blocks.get(1).skip()).isEqualTo("takes an hour");
      assertThat(blocks.get(2).skip()).isNull();
      assertThat(isBuild(commands(blocks.get(2).text()).get(0))).isTrue();
    } finally {
      Files.delete(md);
    }
  }
}
