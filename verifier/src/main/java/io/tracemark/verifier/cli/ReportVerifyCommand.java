package io.tracemark.verifier.cli;

import io.tracemark.verifier.report.EvidenceReport;
import io.tracemark.verifier.report.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tracemark report-verify DIR --public-key SIGNER.pub}: exit 0 valid, 4 not. */
@Command(name = "report-verify", mixinStandardHelpOptions = true,
    description = {"Checks the Ed25519 signature (report.sig) over report.json in DIR.",
        "Exit 0 when it holds, 4 when it does not (any change to report.json or report.sig)."})
final class ReportVerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "the report directory")
  Path dir;

  @Option(names = "--public-key", required = true, paramLabel = "SIGNER.pub", description = "the signer's public key")
  Path publicKey;

  @Option(names = "--json", description = "print one JSON object (first field schema_version), also when the "
      + "signature does not verify")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(dir)) {
      throw new io.tracemark.verifier.input.InputException(dir + ": no such directory");
    }
    SigningKey.PublicKey key = SigningKey.PublicKey.readFile(publicKey);
    EvidenceReport.Check check = EvidenceReport.verify(dir, key);
    if (json) {
      com.fasterxml.jackson.databind.node.ObjectNode n = Json.object();
      n.put("valid", check.valid());
      n.put("reason", check.reason());
      n.put("report", dir.resolve(EvidenceReport.JSON_FILE).toString());
      n.put("public_key_id", key.keyId());
      spec.commandLine().getOut().println(Json.line(n));
      if (!check.valid()) {
        spec.commandLine().getErr().println("tracemark report-verify: error: " + check.reason());
        return Tracemark.BAD_SIGNATURE;
      }
      return Tracemark.OK;
    }
    if (!check.valid()) {
      throw new Tracemark.SignatureFailure(check.reason());
    }
    spec.commandLine().getOut().println("OK: " + check.reason());
    return Tracemark.OK;
  }
}
