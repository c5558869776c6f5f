package io.tracemark.verifier.cli;

import io.tracemark.api.KeyUse;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.keys.KeyFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracemark key-info --key KEY.json}. */
@Command(name = "key-info", mixinStandardHelpOptions = true,
    description = "Prints a key's id, commitment, creation time, tenants and what it was made for; never the secret.")
final class KeyInfoCommand implements Callable<Integer> {
  @Option(names = "--key", required = true, paramLabel = "KEY.json", description = "watermark key file")
  Path keyFile;

  @Option(names = "--strict-key-permissions", description = "refuse a key file that its group or others can read "
      + "(default: a warning)")
  boolean strictKeyPermissions;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    KeyFile file = Common.readKey(spec.commandLine(), keyFile, strictKeyPermissions);
    WatermarkKey key = file.key();
    KeyUse use = file.use();
    PrintWriter o = spec.commandLine().getOut();
    String created = key.created().map(Object::toString).orElse(null);
    if (json) {
      o.println(Common.fmt("{\"schema_version\":%d,\"key_id\":\"%s\",\"commitment\":\"%s\",\"created\":%s,"
          + "\"tenants\":%d,\"scheme\":%s,\"tokenizer\":%s,\"vocabulary_size\":%s}", Json.SCHEMA_VERSION, key.keyId(), key.commitment(),
          created == null ? "null" : Json.quote(created), key.tenants(),
          Json.quote(use.scheme() == null ? KeyUse.ANY_VALUE : use.scheme().canonical()),
          Json.quote(use.tokenizer() == null ? KeyUse.ANY_VALUE : use.tokenizer()),
          use.vocabularySize() == 0 ? Json.quote(KeyUse.ANY_VALUE) : Integer.toString(use.vocabularySize())));
    } else {
      o.println("key id:     " + key.keyId());
      o.println("commitment: " + key.commitment());
      o.println("created:    " + (created == null ? "unknown" : created));
      o.println("tenants:    " + key.tenants());
      o.println("made for:   " + Common.describeUse(use));
    }
    return Tracemark.OK;
  }
}
