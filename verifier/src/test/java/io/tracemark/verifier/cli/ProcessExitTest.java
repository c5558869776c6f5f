package io.tracemark.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.WatermarkKey;
import io.tracemark.core.keys.KeyFiles;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in a JVM of its own: a small heap, and a termination signal in the middle of a run. */
class ProcessExitTest {
  @TempDir
  Path dir;

  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /**
   * The class path of {@code tracemark.jar}: this module's classes and its run-time dependencies, which the build
   * writes to {@code target/cli-classpath.txt}. Not the test's class path, which also holds the provided Spark jars:
   * the JVM keeps the directory of every jar it searches on its heap, and this test's heap is small.
   */
  static String cliClassPath() throws IOException {
    Path classes = Path.of(Tracemark.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    String dependencies = Files.readString(Path.of("target", "cli-classpath.txt"), StandardCharsets.UTF_8).strip();
    return classes + File.pathSeparator + dependencies;
  }

  Process start(String heap, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(java().toString(), heap, "-cp", cliClassPath(),
        Tracemark.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** JSONL records of random token ids from a vocabulary of 50,000: nearly every tuple distinct. */
  Path randomRecords(String name, int records, int length) throws IOException {
    Path p = dir.resolve(name);
    SplittableRandom r = new SplittableRandom(3);
    try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.US_ASCII)) {
      for (int i = 0; i < records; i++) {
        w.write("{\"tokens\":[");
        for (int j = 0; j < length; j++) {
          if (j > 0) {
            w.write(',');
          }
          w.write(Integer.toString(r.nextInt(50_000)));
        }
        w.write("]}\n");
      }
    }
    return p;
  }

  Path key() throws IOException {
    Path key = dir.resolve("key.json");
    KeyFiles.write(WatermarkKey.fromBytes(new byte[32]), key);
    return key;
  }

  @Test
  void selfSeededTapesStopWithExitThreeBeforeASmallHeapRunsOut() throws Exception {
    // 101 per-key tapes of about 80,000 units each need far more than the heap of 128 MB
    Path suspect = randomRecords("self.jsonl", 200, 400);
    Path log = dir.resolve("self.log");
    Process p = start("-Xmx128m", log, "verify", "--key", key().toString(), "--scheme",
        "kgw:gamma=0.25,h=2,seeding=self", "--vocab-size", "50000", "--suspect", suspect.toString(), "--quiet",
        "--out", dir.resolve("out").toString());
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String out = Files.readString(log);
    assertThat(p.exitValue()).as(out).isEqualTo(3);
    assertThat(out.lines().count()).as(out).isEqualTo(1);
    assertThat(out).startsWith("tracemark verify: error: the scheme's dedup units depend on the key")
        .contains("MB allowed (three quarters of the heap; set --tape-memory or -Xmx)").doesNotContain("Exception");
  }

  @Test
  void spillFilesAreDeletedWhenTheProcessIsTerminatedMidRun() throws Exception {
    Path suspect = randomRecords("large.jsonl", 40_000, 150);
    Path spill = Files.createDirectories(dir.resolve("spill"));
    Path log = dir.resolve("term.log");
    Process p = start("-Xmx512m", log, "verify", "--key", key().toString(), "--scheme", "kgw:gamma=0.25,h=1",
        "--vocab-size", "50000", "--suspect", suspect.toString(), "--threads", "2", "--tape-memory", "1",
        "--spill-dir", spill.toString(), "--quiet", "--out", dir.resolve("out-term").toString());
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (spillFiles(spill).size() < 4 && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(p.isAlive()).as("the run was still spilling: %s", Files.readString(log)).isTrue();
      assertThat(spillFiles(spill)).hasSizeGreaterThanOrEqualTo(4);
      p.destroy(); // SIGTERM: the JVM runs its shutdown hooks
      assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(spillFiles(spill)).isEmpty();
  }

  static List<Path> spillFiles(Path spill) throws IOException {
    try (Stream<Path> s = Files.walk(spill)) {
      return s.filter(Files::isRegularFile).collect(Collectors.toList());
    } catch (java.io.UncheckedIOException e) {
      return List.of(); // a directory deleted while it was walked
    }
  }
}
