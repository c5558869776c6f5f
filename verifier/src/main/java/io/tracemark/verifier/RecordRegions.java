package io.tracemark.verifier;

import java.util.List;
import java.util.Objects;

/**
 * Localised detection per record of a verified corpus: each record's tokens scored as {@code
 * detect} scores one text (the key's own green list, the record's own deduplication; prompt
 * windows and the owner filter do not apply) and searched for its best region ({@link
 * RegionSearch}). Bounded: the {@code top} records by corrected region p-value are kept, the rest
 * only counted. An immutable value.
 *
 * @param method the localizer, e.g. {@code cover(min-length=16,ratio=…,stride-divisor=4)}
 * @param alpha the level the counts of significant regions use
 * @param recordsLocalized records searched (records with no token are not)
 * @param recordsShorterThanWindow records with fewer scored units than the shortest window (their
 *     region is the whole record)
 * @param significant records whose best region is significant at {@code alpha} (per record)
 * @param significantAdjusted records whose best region is significant at {@code alpha} after
 *     Bonferroni over the records localized
 * @param regions the best region of the records with the smallest corrected p-values, best first
 * @param notShown records localized and not in {@code regions}
 */
public record RecordRegions(String method, double alpha, long recordsLocalized, long recordsShorterThanWindow,
    long significant, long significantAdjusted, List<Region> regions, long notShown) {
  /** Copies the list. */
  public RecordRegions {
    Objects.requireNonNull(method, "method");
    regions = List.copyOf(regions);
  }

  /**
   * The best region of one record.
   *
   * @param id the record's name (file:line or its id field)
   * @param tokens tokens of the record
   * @param unitsScored units the detector scored in it
   * @param start token offset of the region's first scored unit (inclusive)
   * @param end token offset after its last scored unit (exclusive)
   * @param units scored units in the region
   * @param green green units in the region
   * @param log10P the region's p-value corrected for the windows tried in the record
   * @param log10PAdjusted {@code log10P} with Bonferroni over the records localized, at most 0
   * @param globalLog10P the whole record's p-value
   */
  public record Region(String id, int tokens, long unitsScored, int start, int end, int units, double green,
      double log10P, double log10PAdjusted, double globalLog10P) {
    /** Checks the id. */
    public Region {
      Objects.requireNonNull(id, "id");
    }
  }
}
