package io.tracemark.verifier.cli;

import io.tracemark.verifier.RegionSearch;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --localize[=cover|winmax]}: also report the best region, with a p-value corrected for the windows tried. */
public final class LocalizeOption {
  @Option(names = "--localize", paramLabel = "cover|winmax", arity = "0..1", fallbackValue = "cover",
      description = "also find the best region (watermarked text pasted into other text) with a p-value corrected "
          + "for every window tried: cover (default, linear time) or winmax (every length; for short texts); "
          + "green-count schemes only")
  String localize;

  /** No localisation unless {@code --localize} is given; picocli sets the field of a mixin. */
  public LocalizeOption() {}

  /** The search asked for, or null without {@code --localize}; an unknown name is a usage error. */
  public RegionSearch search(CommandLine cli) {
    if (localize == null) {
      return null;
    }
    try {
      return RegionSearch.byId(localize);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, "--localize " + e.getMessage());
    }
  }
}
