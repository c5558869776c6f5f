package io.tracemark.verifier.cli;

import io.tracemark.api.WatermarkKey;
import io.tracemark.verifier.report.SigningKey;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracemark keygen --out KEY.json [--tenants N]} or {@code keygen --signing --out SIGNER.json}. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {"Writes a new watermark key file (owner-only permissions) and prints its key id and commitment.",
        "With --signing, writes an Ed25519 signing key (owner-only) and its public half next to it (.pub)."})
final class KeygenCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "FILE", description = "key file to create (never overwritten)")
  Path out;

  @Option(names = "--tenants", paramLabel = "N", defaultValue = "0",
      description = "number of per-tenant sub-keys recorded with the key (default: ${DEFAULT-VALUE})")
  int tenants;

  @Option(names = "--signing", description = "make an Ed25519 report-signing key instead of a watermark key")
  boolean signing;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    if (Files.exists(out)) {
      throw new FileAlreadyExistsException(out.toString());
    }
    if (signing) {
      if (tenants != 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--tenants does not apply to --signing");
      }
      SigningKey key = SigningKey.generate();
      Path pub = key.writeFiles(out);
      if (json) {
        o.println(Common.fmt("{\"schema_version\":%d,\"signing_key_id\":\"%s\",\"algorithm\":\"Ed25519\",\"secret_file\":%s,"
            + "\"public_file\":%s}", Json.SCHEMA_VERSION, key.keyId(), Json.quote(out.toString()), Json.quote(pub.toString())));
      } else {
        o.println("signing key id: " + key.keyId() + " (Ed25519)");
        o.println("secret key:     " + out + " (owner-only; keep it private)");
        o.println("public key:     " + pub + " (give this to whoever checks your reports)");
      }
      return Tracemark.OK;
    }
    if (tenants < 0 || tenants > 1_000_000) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          Common.fmt("--tenants must be between 0 and 1000000, was %d", tenants));
    }
    WatermarkKey key = WatermarkKey.generate().withTenants(tenants);
    key.writeFile(out);
    if (json) {
      o.println(Common.fmt("{\"schema_version\":%d,\"key_id\":\"%s\",\"commitment\":\"%s\",\"tenants\":%d,\"file\":%s}",
          Json.SCHEMA_VERSION, key.keyId(),
          key.commitment(), tenants, Json.quote(out.toString())));
    } else {
      o.println("key id:     " + key.keyId());
      o.println("commitment: " + key.commitment());
      if (tenants > 0) {
        o.println("tenants:    " + tenants);
      }
      o.println("written to  " + out + " (owner-only; publish the commitment, never the file)");
    }
    return Tracemark.OK;
  }
}
