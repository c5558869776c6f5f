package io.tracemark.verifier.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.verifier.RecordRegions;

/**
 * The report's {@code localization} section ({@code verify --localize}): the best region of the
 * records with the smallest corrected p-values, and counts over all records. Written only when the
 * run localised records, so reports without it keep their bytes.
 */
final class RegionsSection {
  private RegionsSection() {}

  /** Adds the section to the report tree. */
  static void json(ObjectNode root, RecordRegions rr) {
    ObjectNode o = root.putObject("localization");
    o.put("method", rr.method());
    o.put("scope", "per record: the key's green list, the record's own dedup; prompt windows and the owner "
        + "filter do not apply");
    o.put("alpha", rr.alpha());
    o.put("records_localized", rr.recordsLocalized());
    o.put("records_shorter_than_window", rr.recordsShorterThanWindow());
    o.put("significant", rr.significant());
    o.put("significant_adjusted", rr.significantAdjusted());
    ArrayNode list = o.putArray("regions");
    for (RecordRegions.Region r : rr.regions()) {
      ObjectNode n = list.addObject();
      n.put("id", r.id());
      n.put("tokens", r.tokens());
      n.put("units_scored", r.unitsScored());
      if (r.units() == 0) {
        n.putNull("region_start");
        n.putNull("region_end");
      } else {
        n.put("region_start", r.start());
        n.put("region_end", r.end());
      }
      n.put("region_units", r.units());
      n.put("region_green", r.green());
      n.put("region_log10_p", r.log10P());
      n.put("region_log10_p_adjusted", r.log10PAdjusted());
      n.put("global_log10_p", r.globalLog10P());
    }
    o.put("regions_not_shown", rr.notShown());
  }

  /** The HTML section, when the report has one. */
  static void html(StringBuilder b, JsonNode report) {
    JsonNode o = report.path("localization");
    if (o.isMissingNode()) {
      return;
    }
    b.append("<h2>Localised regions</h2>\n<p>Each record's best region (").append(HtmlReport.esc(o.path("method")
        .asText())).append("), its p-value corrected for the windows tried in the record, and adjusted for the ")
        .append(Numbers.count(o.path("records_localized").asLong())).append(" records localised (Bonferroni). ")
        .append(Numbers.count(o.path("significant").asLong())).append(" records have a region significant at alpha ")
        .append(Numbers.exact(o.path("alpha").asDouble())).append(", ")
        .append(Numbers.count(o.path("significant_adjusted").asLong())).append(" after the adjustment; ")
        .append(Numbers.count(o.path("records_shorter_than_window").asLong()))
        .append(" records are shorter than the shortest window. ").append(HtmlReport.esc(o.path("scope").asText()))
        .append(".</p>\n<div class=\"wide\"><table>\n<tr><th>record</th><th>tokens</th><th>region</th>")
        .append("<th>units</th><th>green</th><th>log10 p (region)</th><th>adjusted</th><th>log10 p (record)</th></tr>\n");
    for (JsonNode n : o.path("regions")) {
      b.append("<tr><td>").append(HtmlReport.esc(n.path("id").asText())).append("</td><td>")
          .append(Numbers.count(n.path("tokens").asLong())).append("</td><td>")
          .append(n.path("region_start").isNull() ? "none" : n.path("region_start").asLong() + "&ndash;"
              + n.path("region_end").asLong()).append("</td><td>")
          .append(Numbers.count(n.path("region_units").asLong())).append("</td><td>")
          .append(Numbers.human(n.path("region_green").asDouble())).append("</td><td>")
          .append(Numbers.human(n.path("region_log10_p").asDouble())).append("</td><td>")
          .append(Numbers.human(n.path("region_log10_p_adjusted").asDouble())).append("</td><td>")
          .append(Numbers.human(n.path("global_log10_p").asDouble())).append("</td></tr>\n");
    }
    b.append("</table></div>\n");
    long rest = o.path("regions_not_shown").asLong();
    if (rest > 0) {
      b.append("<p>").append(Numbers.count(rest)).append(" more records localised, not shown.</p>\n");
    }
  }
}
