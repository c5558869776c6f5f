package io.tracemark.verifier.cli;

import io.tracemark.verifier.text.Normalization;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --normalize[=LIST]}: the normalisers applied to text before it is tokenized. */
public final class NormalizeOption {
  @Option(names = "--normalize", paramLabel = "LIST", arity = "0..1", fallbackValue = "invisible,nfc",
      description = "normalise text before tokenizing: a comma-separated list of invisible, nfc, nfkc, "
          + "skeleton, whitespace (applied in that order), or none; without a list: invisible,nfc. "
          + "The same list must be used wherever the text is checked (docs/robustness.md)")
  String normalize;

  /** No normalisation unless {@code --normalize} is given; picocli sets the field of a mixin. */
  public NormalizeOption() {}

  /** The normalisation asked for; an unknown or repeated name is a usage error naming it. */
  public Normalization normalization(CommandLine cli) {
    if (normalize == null) {
      return Normalization.NONE;
    }
    try {
      return Normalization.parse(normalize);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, "--normalize: " + e.getMessage());
    }
  }
}
