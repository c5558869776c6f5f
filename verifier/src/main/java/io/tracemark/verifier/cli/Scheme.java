package io.tracemark.verifier.cli;

import io.tracemark.api.GumbelSpec;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.Keys;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * The {@code --scheme} of a command: a {@link SchemeSpec}, either tracemark's own {@code kgw:}
 * green list, {@code gumbel:} Gumbel-max or {@code synthid:} tournament (keyed by a key file) or another system's watermark
 * ({@code lmw:}, {@code hf:}, {@code vllm:}) whose key is part of the specification. Only the redacted form of a specification
 * is ever printed.
 */
public final class Scheme {
  final SchemeSpec spec;

  private Scheme(SchemeSpec spec) {
    this.spec = spec;
  }

  /** Parses {@code --scheme}; a bad SPEC is a usage error of that option. */
  public static Scheme parse(CommandLine cli, String text) {
    SchemeSpec spec;
    try {
      spec = SchemeSpec.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, "--scheme: " + e.getMessage());
    }
    return new Scheme(spec);
  }

  /** The parsed specification. */
  public SchemeSpec spec() {
    return spec;
  }

  /** Whether the key is in the specification (another system's watermark). */
  public boolean interop() {
    return spec.carriesKey();
  }

  /** The kgw specification, or null for another family. */
  KgwSpec kgw() {
    return spec instanceof KgwSpec ? (KgwSpec) spec : null;
  }

  /** Whether the scheme carries a multi-bit payload ({@code kgw:…,payload=b} or {@code gumbel:…,payload=b}). */
  boolean hasPayload() {
    return (kgw() != null && kgw().hasPayload()) || (spec instanceof GumbelSpec g && g.hasPayload());
  }

  /** The interop specification; only when {@link #interop()} is true. */
  InteropSpec interopSpec() {
    return (InteropSpec) spec;
  }

  /** What reports and outputs show: the canonical kgw spec, or the interop spec with its key redacted. */
  String display() {
    return spec.redacted();
  }

  /** The interop families' key parameter is part of the SPEC; the key file applies to kgw, gumbel and synthid. */
  public void checkKeyOption(CommandLine cli, boolean keyGiven) {
    if (interop() && keyGiven) {
      throw new CommandLine.ParameterException(cli, "--key does not apply to " + spec.family()
          + ": schemes (their key is the " + interopSpec().keyParameter() + " parameter of --scheme)");
    }
    if (!interop() && !keyGiven) {
      throw new CommandLine.ParameterException(cli, "--key is required for " + spec.family() + ": schemes");
    }
  }

  /**
   * Refuses a scheme with a payload (either family) in a command that tests one key's statistic
   * rather than decoding a message, saying why: {@code detect} decodes one from a text, {@code
   * verify} from a corpus.
   *
   * @param why what the command would need for a payload and does not have
   */
  public void refusePayload(CommandLine cli, String command, String why) {
    if (hasPayload()) {
      throw new CommandLine.ParameterException(cli, "--scheme: " + command + " does not decode a payload "
          + "(payload=b): " + why + "; decode one text with 'tracemark detect', a corpus with 'tracemark verify' "
          + "(docs/payload.md)");
    }
  }

  /** The watermark of this scheme: keyed by {@code key} for kgw, by the SPEC's key (and {@code key} null) otherwise. */
  Watermark watermark(WatermarkKey key, int vocabularySize) {
    return Watermarks.create(key, spec, vocabularySize);
  }

  /** For an interop scheme, the scorer of the same scheme under a control key derived from a (random) tracemark key. */
  Function<WatermarkKey, TokenScorer> controlScorers(int vocabularySize) {
    return k -> Watermarks.create(null, interopSpec().withKey(
        ByteBuffer.wrap(Keys.derive(k, "tracemark/interop-control-key", 8)).getLong()), vocabularySize).scorer();
  }

  /**
   * A public commitment to an interop scheme's key under a new random salt, with the salt and the
   * warning about how guessable the family's keys are; see {@link Keys#commitment}.
   */
  InteropCommitment interopCommitment() {
    byte[] salt = new byte[Keys.COMMITMENT_SALT_LENGTH];
    new SecureRandom().nextBytes(salt);
    Optional<String> c = Keys.commitment(interopSpec(), salt);
    return new InteropCommitment(c.orElse("none (" + spec.family() + " keys are guessable: see warning)"),
        c.isPresent() ? salt : null, interopSpec().keyWarning());
  }

  /** The commitment text for the report (or why there is none), its salt (null when none) and the warning. */
  record InteropCommitment(String commitment, byte[] salt, String warning) {}
}
