package io.tracemark.examples.demo;

import io.tracemark.api.NullDistribution;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.examples.cli.Records;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.report.EvidenceReport;
import io.tracemark.verifier.report.Numbers;
import io.tracemark.verifier.report.ReportWriter;
import io.tracemark.verifier.report.SigningKey;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  static Path write(DemoConfig c, WatermarkKey key, StudentResult row, List<int[]> prompts, TextTokenizer enc,
      PrintWriter out) {
    try {
      Path dir = c.outDir();
      Files.createDirectories(dir);
      // files this demo owns in its output directory are replaced on every run
      for (String f : new String[] {KEY_FILE, SIGNER_FILE, SIGNER_PUB}) {
        Files.deleteIfExists(dir.resolve(f));
      }
      String label = DemoTable.rhoLabel(row.rho());
      Path answers = dir.resolve("student-rho-" + label + "-answers.jsonl");
      // text fields under other names, so that the verifier scores the generated token ids exactly
      Records.write(answers, "competitor-", enc, null, prompts, row.answers(), Map.of(), "prompt_text",
          "answer_text");
      Path keyFile = dir.resolve(KEY_FILE);
      KeyFiles.write(key, keyFile);
      SigningKey signer = SigningKey.generate();
      Path pub = signer.writeFiles(dir.resolve(SIGNER_FILE));
      Path reportDir = dir.resolve("report-rho-" + label);
      // the report tracemark verify makes of the same files and options, through the same façade,
      // so that the printed command recomputes it exactly (only "created" differs)
      Verification v = Scenario.verification(c, key, enc).suspect(answers).build();
      InheritanceResult r = v.run();
      if (r.score() != row.closed().score() || r.tuplesScored() != row.closed().tuplesScored()) {
        throw new IllegalStateException(String.format(Locale.ROOT, "the answers written to %s score %s over %d "
            + "tuples, the demo's check %s over %d", answers, r.score(), r.tuplesScored(), row.closed().score(),
            row.closed().tuplesScored()));
      }
      ReportWriter.write(reportDir, EvidenceReport.of(r, v.reportInputs()), signer);
      out.printf(Locale.ROOT, "evidence for rho = %s (closed model): signed report %s%n", label,
          reportDir.resolve(EvidenceReport.JSON_FILE));
      out.printf(Locale.ROOT, "  HTML report:      %s%n", reportDir.resolve(EvidenceReport.HTML_FILE).toAbsolutePath());
      out.printf(Locale.ROOT, "  check signature:  %s%n", checkCommand(reportDir, pub));
      out.printf(Locale.ROOT, "  recompute:        %s%n", recomputeCommand(c, keyFile, answers, dir.resolve("recomputed")));
      return reportDir;
    } catch (IOException e) {
      throw new UncheckedIOException("writing the evidence report: " + e.getMessage(), e);
    }
  }

  /** The launcher built next to the verifier's jar ({@code ./mvnw package} makes it). */
  static final String TRACEMARK = "verifier/target/tracemark";

  /** The command that checks the report's signature. */
  static String checkCommand(Path reportDir, Path publicKey) {
    return String.join(" ", TRACEMARK, "report-verify", shell(reportDir), "--public-key", shell(publicKey));
  }

  /** The {@code tracemark verify} command that recomputes the report from the files written. */
  static String recomputeCommand(DemoConfig c, Path keyFile, Path answers, Path out) {
    List<String> words = new java.util.ArrayList<>(List.of(TRACEMARK, "verify", "--key", shell(keyFile), "--scheme",
        c.spec().canonical(), "--suspect", shell(answers), "--alpha", Numbers.exact(c.alpha())));
    if (c.controlKeys() != DEFAULT_CONTROL_KEYS) {
      words.addAll(List.of("--control-keys", Integer.toString(c.controlKeys())));
    }
    if (c.spec().nullDistribution() instanceof NullDistribution.GammaSum) {
      // real-valued scores are summed per worker thread, so their last bits depend on the number of
      // workers: one, as the demo's own check
      words.addAll(List.of("--threads", "1"));
    }
    words.addAll(List.of("--out", shell(out)));
    return String.join(" ", words);
  }

  /** The verifier's default number of control keys. */
  static final int DEFAULT_CONTROL_KEYS = 100;

  /** A path as one shell word: as is when it is plain, else in single quotes. */
  static String shell(Path p) {
    String s = p.toString();
    return s.matches("[A-Za-z0-9_./:=,+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }

}
