package io.tracemark.verifier.cli;

import io.tracemark.api.GreenListSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.interop.InteropProfile;
import io.tracemark.core.interop.InteropProfiles;
import io.tracemark.core.interop.InteropSpec;
import io.tracemark.core.keys.Keys;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Optional;
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
    return k -> profile.withKey(ByteBuffer.wrap(Keys.derive(k, "tracemark/interop-control-key", 8)).getLong()).scorer();
  }

  /**
   * A public commitment to an interop profile's key under a new random salt, with the salt and
   * the warning about how guessable the family's keys are; see {@link InteropSpec#commitment}.
   */
  InteropCommitment interopCommitment() {
    byte[] salt = new byte[InteropSpec.SALT_LENGTH];
    new SecureRandom().nextBytes(salt);
    Optional<String> c = profile.spec().commitment(salt);
    return new InteropCommitment(c.orElse("none (" + profile.spec().family() + " keys are guessable: see warning)"),
        c.isPresent() ? salt : null, profile.spec().keyWarning());
  }

  /** The commitment text for the report (or why there is none), its salt (null when none) and the warning. */
  record InteropCommitment(String commitment, byte[] salt, String warning) {}
}
