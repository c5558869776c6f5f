package io.tracemark.verifier.cli;

import io.tracemark.api.GreenListSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.interop.InteropProfile;
import io.tracemark.core.interop.InteropProfiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * The {@code --scheme} of a command: tracemark's own {@code kgw:} green list (keyed by a key file)
 * or an interoperability profile ({@code lmw:}, {@code hf:}, {@code vllm:}) whose key is part of
 * the specification. Only the redacted form of an interop specification is ever printed.
 */
final class Scheme {
  final GreenListSpec kgw;
  final InteropProfile profile;

  private Scheme(GreenListSpec kgw, InteropProfile profile) {
    this.kgw = kgw;
    this.profile = profile;
  }

  static Scheme parse(CommandLine cli, String text) {
    if (InteropProfiles.isInteropSpec(text)) {
      try {
        return new Scheme(null, InteropProfiles.parse(text));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cli, "--scheme: " + e.getMessage());
      }
    }
    return new Scheme(Common.parseScheme(cli, text), null);
  }

  boolean interop() {
    return profile != null;
  }

  /** What reports and outputs show: the canonical kgw spec, or the interop spec with its key redacted. */
  String display() {
    return interop() ? profile.spec().redacted() : kgw.canonical();
  }

  /** The interop profile's key parameter is part of the SPEC; the key file applies to kgw only. */
  void checkKeyOption(CommandLine cli, boolean keyGiven) {
    if (interop() && keyGiven) {
      throw new CommandLine.ParameterException(cli, "--key does not apply to " + profile.spec().family()
          + ": schemes (their key is the " + profile.spec().keyParameter() + " parameter of --scheme)");
    }
    if (!interop() && !keyGiven) {
      throw new CommandLine.ParameterException(cli, "--key is required for kgw: schemes");
    }
  }

  /** A scorer for a control key derived from a (random) tracemark key. */
  Function<WatermarkKey, TokenScorer> controlScorers() {
    return k -> profile.withKey(ByteBuffer.wrap(k.derive("tracemark/interop-control-key", 8)).getLong()).scorer();
  }

  /**
   * A public commitment to an interop profile's key: SHA-256 of a domain tag and the canonical
   * specification (which contains the key). It reveals the key only to someone who can enumerate it.
   */
  String interopCommitment() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("tracemark/interop-spec-commitment/v1\0".getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(sha.digest(profile.spec().canonical().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
