package io.tracemark.verifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.verifier.cli.Tracemark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report files: written whole or not at all, the signature last, and a signature file of one exact form. */
class ReportFilesTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  static Path signer;
  static ObjectNode tree;

  @BeforeAll
  static void aRealReport() throws IOException {
    signer = dir.resolve("signer.json");
    SigningKey.generate().writeFiles(signer);
    Path out = dir.resolve("first");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
    int code = Tracemark.run(ps, ps, "verify", "--key", "../docs/sample/DEMO-KEY-public-do-not-use.json",
        "--scheme", "kgw:gamma=0.25,delta=2,h=1", "--suspect", "../docs/sample/suspect.jsonl", "--out",
        out.toString(), "--control-keys", "5", "--sign-key", signer.toString());
    assertThat(code).as(sink.toString(StandardCharsets.UTF_8)).isZero();
    tree = (ObjectNode) JSON.readTree(out.resolve(EvidenceReport.JSON_FILE).toFile());
  }

  static SigningKey.PublicKey pub(Path signerFile) throws IOException {
    return SigningKey.PublicKey.readFile(SigningKey.publicPathFor(signerFile));
  }

  /**
   * Every single-byte substitution of a real report.sig, at every position and with every other
   * byte value, is rejected: the signature file has one form only (no padding variant, no other
   * spacing, field order or field).
   */
  @Test
  void everySingleByteChangeOfTheSignatureFileIsRejected() throws IOException {
    Path out = dir.resolve("sig-bytes");
    EvidenceReport.write(out, tree, SigningKey.readFile(signer));
    SigningKey.PublicKey key = pub(signer);
    assertThat(EvidenceReport.verify(out, key).valid()).isTrue();
    Path sig = out.resolve(EvidenceReport.SIG_FILE);
    byte[] original = Files.readAllBytes(sig);
    // the signature file of a short report.json: the same form, and 56,000 checks run in seconds
    byte[] json = "{\"schema\": \"tracemark-evidence-report\"}\n".getBytes(StandardCharsets.UTF_8);
    byte[] small = EvidenceReport.signatureFile(key.keyId(), SigningKey.readFile(signer).sign(json));
    assertThat(small).hasSameSizeAs(original);
    assertThat(EvidenceReport.verify(json, small, key).valid()).isTrue();
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < small.length; i++) {
      for (int v = 0; v < 256; v++) {
        if (v == (small[i] & 0xff)) {
          continue;
        }
        byte[] changed = small.clone();
        changed[i] = (byte) v;
        if (EvidenceReport.verify(json, changed, key).valid()) {
          accepted.add("byte " + i + " = " + v);
        }
      }
    }
    assertThat(accepted).as("%d substitutions of %d bytes", small.length * 255, small.length).isEmpty();
    // the same through the files, for the substitutions that decode to the same signature bytes
    String text = new String(original, StandardCharsets.UTF_8);
    int pad = text.indexOf("==\"");
    assertThat(pad).isPositive();
    for (char c : "BCDEFGHIJKLMNOP".toCharArray()) {
      byte[] changed = original.clone();
      changed[pad - 1] = (byte) c; // the unused low bits of the last base64 digit
      Files.write(sig, changed);
      assertThat(EvidenceReport.verify(out, key).valid()).as("last digit %s", c).isFalse();
    }
    Files.write(sig, original);
    assertThat(EvidenceReport.verify(out, key).valid()).isTrue();
  }

  @Test
  void overwritingASignedReportNeverLeavesTheOldSignatureBesideTheNewReport() throws IOException {
    Path out = dir.resolve("overwrite");
    SigningKey first = SigningKey.readFile(signer);
    EvidenceReport.write(out, tree, first);
    ObjectNode changed = tree.deepCopy();
    changed.put("created", "2031-01-01T00:00:00Z");
    EvidenceReport.write(out, changed, null);
    assertThat(Files.exists(out.resolve(EvidenceReport.SIG_FILE))).as("the old signature is gone").isFalse();
    assertThat(Files.readAllBytes(out.resolve(EvidenceReport.JSON_FILE))).isEqualTo(EvidenceReport.toBytes(changed));

    Path otherFile = dir.resolve("other-signer.json");
    SigningKey other = SigningKey.generate();
    other.writeFiles(otherFile);
    EvidenceReport.write(out, tree, first);
    EvidenceReport.write(out, changed, other);
    assertThat(EvidenceReport.verify(out, pub(otherFile)).valid()).isTrue();
    assertThat(EvidenceReport.verify(out, pub(signer)).valid()).isFalse();
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("report.json", "report.html", "report.sig");
    }
  }

  /**
   * A child JVM rewrites a large signed report in a loop and is killed with SIGKILL while a file
   * in the report directory is half written, again and again: report.json is then absent or
   * complete, and a report.sig present always verifies against the report.json beside it.
   */
  @Test
  void aKillDuringWritingNeverLeavesATruncatedReport() throws Exception {
    ObjectNode big = tree.deepCopy();
    // a 16 MB report, so that a write takes long enough to be caught (in 1 MB strings: Jackson reads at most 20 MB)
    var padding = big.putArray("padding");
    for (int i = 0; i < 16; i++) {
      padding.add("x".repeat(1 << 20));
    }
    Path treeFile = dir.resolve("big-tree.json");
    byte[] expected = EvidenceReport.toBytes(big);
    Files.write(treeFile, expected);
    SigningKey.PublicKey key = pub(signer);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int trial = 0; trial < 3; trial++) {
      Path out = dir.resolve("killed-" + trial);
      Files.createDirectories(out);
      Path log = dir.resolve("child-" + trial + ".log");
      Process child = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
          ReportWriterChild.class.getName(), treeFile.toString(), out.toString(), signer.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean halfWritten = false;
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!halfWritten && System.nanoTime() < deadline && child.isAlive()) {
          halfWritten = halfWritten(out, expected.length);
        }
      } finally {
        child.destroyForcibly(); // SIGKILL
        child.waitFor(30, TimeUnit.SECONDS);
      }
      assertThat(halfWritten).as("a file was caught half written (child log: %s)", Files.readString(log)).isTrue();
      Path json = out.resolve(EvidenceReport.JSON_FILE);
      if (Files.exists(json)) {
        assertThat(Files.size(json)).as("report.json size after kill %d", trial).isEqualTo(expected.length);
        assertThat(Arrays.equals(Files.readAllBytes(json), expected)).as("report.json after kill %d", trial).isTrue();
      }
      if (Files.exists(out.resolve(EvidenceReport.SIG_FILE))) {
        assertThat(EvidenceReport.verify(out, key).valid()).as("report.sig after kill %d", trial).isTrue();
      }
    }
  }

  /** Whether a file in the directory holds some but not all of the report's bytes. */
  static boolean halfWritten(Path out, long full) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        try {
          long size = Files.size(p);
          if (size > 0 && size < full && p.getFileName().toString().contains("report.json")) {
            return true;
          }
        } catch (IOException e) {
          // renamed or removed meanwhile
        }
      }
    }
    return false;
  }

  /** The child process of {@link #aKillDuringWritingNeverLeavesATruncatedReport}: writes a report until killed. */
  public static final class ReportWriterChild {
    private ReportWriterChild() {}

    public static void main(String[] args) throws IOException {
      ObjectNode t = (ObjectNode) JSON.readTree(Path.of(args[0]).toFile());
      SigningKey key = SigningKey.readFile(Path.of(args[2]));
      while (true) {
        EvidenceReport.write(Path.of(args[1]), t, key);
      }
    }
  }
}
