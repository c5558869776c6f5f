package io.tracemark.verifier.cli;

import io.tracemark.api.WatermarkKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracemark key-info --key KEY.json}. */
@Command(name = "key-info", mixinStandardHelpOptions = true,
    description = "Prints a key's id, commitment, creation time and tenants; never the secret.")
final class KeyInfoCommand implements Callable<Integer> {
  @Option(names = "--key", required = true, paramLabel = "KEY.json", description = "watermark key file")
  Path keyFile;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    WatermarkKey key = Common.readKey(keyFile);
    PrintWriter o = spec.commandLine().getOut();
    String created = key.created().map(Object::toString).orElse(null);
    if (json) {
      o.println(Common.fmt("{\"schema_version\":%d,\"key_id\":\"%s\",\"commitment\":\"%s\",\"created\":%s,\"tenants\":%d}",
          Json.SCHEMA_VERSION, key.keyId(),
          key.commitment(), created == null ? "null" : Json.quote(created), key.tenants()));
    } else {
      o.println("key id:     " + key.keyId());
      o.println("commitment: " + key.commitment());
      o.println("created:    " + (created == null ? "unknown" : created));
      o.println("tenants:    " + key.tenants());
    }
    return Tracemark.OK;
  }
}
