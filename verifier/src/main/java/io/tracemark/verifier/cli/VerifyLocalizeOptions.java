package io.tracemark.verifier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.api.WatermarkKey;
import io.tracemark.verifier.RegionSearch;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.report.Numbers;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code verify --localize[=cover|winmax] [--localize-top N]}: the best region of each record in the report. */
final class VerifyLocalizeOptions {
  @CommandLine.Mixin
  LocalizeOption localize = new LocalizeOption();

  @Option(names = "--localize-top", paramLabel = "N", defaultValue = "20",
      description = "with --localize, the report lists the best region of the N records with the smallest "
          + "corrected p-values and counts the rest (default ${DEFAULT-VALUE})")
  int top;

  /** Asks {@code builder} to localise each record, when {@code --localize} was given. */
  void apply(CommandLine cli, Scheme sc, int vocabularySize, Verification.Builder builder) {
    RegionSearch search = localize.search(cli);
    if (search == null) {
      return;
    }
    if (top < 1 || top > 10_000) {
      throw new CommandLine.ParameterException(cli, Common.fmt("--localize-top must be between 1 and 10000, was %d",
          top));
    }
    try {
      // the statistic of a scheme does not depend on its key: an all-zero key reads it
      RegionSearch.requireGreenCounts(sc.watermark(sc.interop() ? null : WatermarkKey.fromBytes(new byte[32]),
          vocabularySize).detector().detect(new int[] {0}).nullDistribution());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, "--localize: " + e.getMessage());
    }
    builder.localize(search, top);
  }

  /** Copies the report's localization section to the {@code --json} line, when there is one. */
  static void putJson(ObjectNode line, ObjectNode report) {
    if (report.has("localization")) {
      line.set("localization", report.get("localization"));
    }
  }

  /** The human line of the report's localization section, when there is one. */
  static void print(PrintWriter o, ObjectNode report) {
    JsonNode loc = report.get("localization");
    if (loc == null) {
      return;
    }
    StringBuilder b = new StringBuilder("regions:       ").append(Numbers.count(loc.get("significant").asLong()))
        .append(" of ").append(Numbers.count(loc.get("records_localized").asLong()))
        .append(" records have a region significant at alpha (")
        .append(Numbers.count(loc.get("significant_adjusted").asLong())).append(" after Bonferroni over records)");
    JsonNode best = loc.get("regions").get(0);
    if (best != null && !best.get("region_start").isNull()) {
      b.append("; best: ").append(best.get("id").asText()).append(" tokens ").append(best.get("region_start").asLong())
          .append("-").append(best.get("region_end").asLong()).append(", log10 p = ")
          .append(Numbers.human(best.get("region_log10_p").asDouble()));
    }
    o.println(b);
  }
}
