package io.tracemark.examples.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.api.Encoding;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.examples.cli.Records;
import io.tracemark.examples.lm.Tokenizers;
import io.tracemark.verifier.input.InputFile;
import io.tracemark.verifier.report.EvidenceReport;
import io.tracemark.verifier.report.SigningKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the demo's evidence for one case: the student's answers as verifier JSONL, the demo key
 * file (owner-only), a fresh Ed25519 signing key, and the signed report of the closed-model test,
 * with the commands that re-check it with the {@code tracemark} CLI.
 */
final class EvidenceCase {
  private EvidenceCase() {}

  static final String KEY_FILE = "owner-key.json";
  static final String SIGNER_FILE = "signer.json";
  static final String SIGNER_PUB = "signer.pub";

  static Path write(Demo.Config c, WatermarkKey key, Demo.Row row, List<int[]> prompts, Encoding enc,
      PrintWriter out) {
    try {
      Path dir = c.outDir();
      Files.createDirectories(dir);
      // files this demo owns in its output directory are replaced on every run
      for (String f : new String[] {KEY_FILE, SIGNER_FILE, SIGNER_PUB}) {
        Files.deleteIfExists(dir.resolve(f));
      }
      String label = Demo.rhoLabel(row.rho());
      Path answers = dir.resolve("student-rho-" + label + "-answers.jsonl");
      // text fields under other names, so that the verifier scores the generated token ids exactly
      Records.write(answers, "competitor-", enc, null, prompts, row.answers(), Map.of(), "prompt_text",
          "answer_text");
      Path keyFile = dir.resolve(KEY_FILE);
      KeyFiles.write(key, keyFile);
      SigningKey signer = SigningKey.generate();
      Path pub = signer.writeFiles(dir.resolve(SIGNER_FILE));
      Path reportDir = dir.resolve("report-rho-" + label);
      EvidenceReport.Context context = new EvidenceReport.Context(
          Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), c.spec().canonical(), Watermarks.FORMAT_VERSION,
          Tokenizers.vocabularySize(Tokenizers.DEFAULT), key.keyId(), key.commitment(), null, 0,
          Tokenizers.DEFAULT + " (token ids)", "none", "window+token", true, null, List.of(), "fail",
          List.of(inputFile(answers, row.answers().size())), List.of(), 0);
      ObjectNode tree = EvidenceReport.toTree(context, row.closed());
      EvidenceReport.write(reportDir, tree, signer);
      out.printf(Locale.ROOT, "evidence for rho = %s (closed model): signed report %s%n", label,
          reportDir.resolve(EvidenceReport.JSON_FILE));
      out.printf(Locale.ROOT, "  HTML report:      %s%n", reportDir.resolve(EvidenceReport.HTML_FILE).toAbsolutePath());
      out.printf(Locale.ROOT, "  check signature:  java -jar verifier/target/tracemark.jar report-verify %s "
          + "--public-key %s%n", reportDir, pub);
      out.printf(Locale.ROOT, "  recompute:        java -jar verifier/target/tracemark.jar verify --key %s "
          + "--scheme %s --suspect %s --alpha %s --out %s%n", keyFile, c.spec().canonical(), answers, c.alpha(),
          dir.resolve("recomputed"));
      return reportDir;
    } catch (IOException e) {
      throw new UncheckedIOException("writing the evidence report: " + e.getMessage(), e);
    }
  }

  private static InputFile inputFile(Path file, long records) throws IOException {
    try {
      byte[] bytes = Files.readAllBytes(file);
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      return new InputFile(file.toString(), sha, bytes.length, records);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
