package io.tracemark.verifier.cli;

import io.tracemark.api.KeyUse;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.core.keys.Keys;
import io.tracemark.verifier.report.SigningKey;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracemark keygen --out KEY.json [--tenants N] [--scheme SPEC] [--tokenizer T] [--vocab-size V]} or
 * {@code keygen --signing --out SIGNER.json}.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {"Writes a new watermark key file (owner-only permissions) and prints its key id and commitment.",
        "--scheme, --tokenizer and --vocab-size record what the key is for; verify and detect then refuse",
        "a run with another scheme, tokenizer or vocabulary instead of reporting 'not detected'.",
        "With --signing, writes an Ed25519 signing key (owner-only) and its public half next to it (.pub).",
        "The directory must not be writable by other users (unless it is sticky and yours)."})
final class KeygenCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "FILE", description = "key file to create (never overwritten)")
  Path out;

  @Option(names = "--tenants", paramLabel = "N", defaultValue = "0",
      description = "number of per-tenant sub-keys recorded with the key (default: ${DEFAULT-VALUE})")
  int tenants;

  @Option(names = "--scheme", paramLabel = "SPEC", description = "the kgw: scheme the key is for (default: any)")
  String scheme;

  @Option(names = "--tokenizer", paramLabel = "NAME|PATH", description = "the tokenizer the key is for "
      + "(default: any); also records its vocabulary size unless --vocab-size is given")
  String tokenizer;

  @Option(names = "--vocab-size", paramLabel = "V", description = "the vocabulary size the key is for (default: any, "
      + "or the tokenizer's)")
  Integer vocabSize;

  @Option(names = "--signing", description = "make an Ed25519 report-signing key instead of a watermark key")
  boolean signing;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CommandLine cli = spec.commandLine();
    PrintWriter o = cli.getOut();
    if (signing) {
      if (tenants != 0 || scheme != null || tokenizer != null || vocabSize != null) {
        throw new CommandLine.ParameterException(cli,
            "--tenants, --scheme, --tokenizer and --vocab-size do not apply to --signing");
      }
      SigningKey key = SigningKey.generate();
      Path pub = key.writeFiles(out);
      String access = access(out);
      if (json) {
        o.println(Common.fmt("{\"schema_version\":%d,\"signing_key_id\":\"%s\",\"algorithm\":\"Ed25519\","
            + "\"secret_file\":%s,\"owner_only\":%s,\"public_file\":%s}", Json.SCHEMA_VERSION, key.keyId(), Json.quote(out.toString()),
            SafeFiles.ownerOnly(out), Json.quote(pub.toString())));
      } else {
        o.println("signing key id: " + key.keyId() + " (Ed25519)");
        o.println("secret key:     " + out + " (" + access + "; keep it private)");
        o.println("public key:     " + pub + " (give this to whoever checks your reports)");
      }
      return Tracemark.OK;
    }
    if (tenants < 0 || tenants > WatermarkKey.MAX_TENANTS) {
      throw new CommandLine.ParameterException(cli,
          Common.fmt("--tenants must be between 0 and %d, was %d", WatermarkKey.MAX_TENANTS, tenants));
    }
    KeyUse use = use(cli);
    WatermarkKey key = Keys.generate().withTenants(tenants).withUse(use);
    KeyFiles.write(key, out);
    String access = access(out);
    String madeFor = Common.describeUse(use);
    if (json) {
      o.println(Common.fmt("{\"schema_version\":%d,\"key_id\":\"%s\",\"commitment\":\"%s\",\"tenants\":%d,"
          + "\"scheme\":%s,\"tokenizer\":%s,\"vocabulary_size\":%s,\"file\":%s,\"owner_only\":%s}", Json.SCHEMA_VERSION,
          key.keyId(), key.commitment(), tenants,
          Json.quote(use.scheme() == null ? KeyUse.ANY_VALUE : use.scheme().canonical()),
          Json.quote(use.tokenizer() == null ? KeyUse.ANY_VALUE : use.tokenizer()),
          use.vocabularySize() == 0 ? Json.quote(KeyUse.ANY_VALUE) : Integer.toString(use.vocabularySize()),
          Json.quote(out.toString()), SafeFiles.ownerOnly(out)));
    } else {
      o.println("key id:     " + key.keyId());
      o.println("commitment: " + key.commitment());
      if (tenants > 0) {
        o.println("tenants:    " + tenants);
      }
      o.println("made for:   " + madeFor);
      o.println("written to  " + out + " (" + access + "; publish the commitment, never the file)");
    }
    return Tracemark.OK;
  }

  /** What the options say the key is for. */
  private KeyUse use(CommandLine cli) {
    KgwSpec s = null;
    if (scheme != null) {
      Scheme sc = Scheme.parse(cli, scheme);
      if (sc.interop()) {
        throw new CommandLine.ParameterException(cli, "--scheme: a watermark key is for kgw: schemes (interop "
            + "profiles carry their key in the SPEC)");
      }
      s = sc.kgw();
      if (s == null) {
        throw new CommandLine.ParameterException(cli, "--scheme: a key file records kgw: schemes only (make the key "
            + "without --scheme to use it with " + sc.spec.family() + ":)");
      }
    }
    String tokName = null;
    int vocab = 0;
    if (tokenizer != null) {
      TextTokenizer tok = Common.tokenizer(cli, tokenizer);
      tokName = tok.name();
      vocab = tok.vocabularySize();
    }
    if (vocabSize != null) {
      if (vocabSize < 2) {
        throw new CommandLine.ParameterException(cli, Common.fmt("--vocab-size must be >= 2, was %d", vocabSize));
      }
      vocab = vocabSize;
    }
    return new KeyUse(s, tokName, vocab);
  }

  /** How the file may be read, as it is now: "owner-only" only when that is true. */
  private static String access(Path file) throws java.io.IOException {
    return SafeFiles.ownerOnly(file) ? "owner-only"
        : "permissions as this file system sets them: check that only you can read it";
  }
}
