package io.tracemark.verifier.monitor;

import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.plan.QueryList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What {@link Monitor#run} found: every account and cluster with its calibrated signal scores,
 * the thresholds with their false-positive rates, the traffic over time, the hand-off of each
 * flagged cluster and what the reading skipped. An immutable value.
 *
 * @param records lines read from the log (bad ones included)
 * @param skipped bad lines skipped under the skip policy
 * @param skippedListed the first of them, with file:line and reason
 * @param baselineAccounts accounts the calibration used (the baseline's, or the log's own)
 * @param baselineSource "log" (self-calibration) or "baseline" (the {@code --baseline} files)
 * @param releases release times, epoch seconds
 * @param accounts the accounts, by score (highest first), then name
 * @param clusters the clusters, by score (highest first)
 * @param thresholds the score thresholds and their false-positive rates
 * @param traffic requests per hour (epoch hour → {all, flagged})
 * @param benignRates the benign rates the binomial signals test against ({@code cot_phrases},
 *     {@code output_harvest})
 */
public record MonitorResult(long records, long skipped, List<SkippedRecord> skippedListed, int baselineAccounts,
    String baselineSource, List<Double> releases, List<Account> accounts, List<Cluster> clusters,
    List<Threshold> thresholds, SortedMap<Long, long[]> traffic, Map<String, Double> benignRates) {

  /**
   * One account.
   *
   * @param account its name
   * @param requests its requests
   * @param score −log10 of its Bonferroni-adjusted smallest signal p-value
   * @param flagged flagged itself or by its cluster
   * @param cluster its cluster's id, or null
   * @param signals signal name → −log10 of the calibrated tail probability
   * @param tenants its tenants (at most four)
   */
  public record Account(String account, long requests, double score, boolean flagged, String cluster,
      Map<String, Double> signals, List<String> tenants) {}

  /**
   * A cluster of linked accounts.
   *
   * @param id its id ({@code c1}, {@code c2}, … by score)
   * @param accounts its accounts, sorted
   * @param score −log10 of its Bonferroni-adjusted smallest signal p-value, each signal computed
   *     without the cluster's most extreme tenth on it, against random groups of benign accounts of
   *     the size left
   * @param flagged whether the score reaches the cluster threshold (a lone flagged account is a
   *     cluster of one with its own score)
   * @param signals signal name → −log10 of the calibrated tail probability
   * @param links what linked its accounts ({@code ip}, {@code payment}, {@code template}, {@code timing})
   * @param handoff for a flagged cluster: what to hand to the verifier; else null
   */
  public record Cluster(String id, List<String> accounts, double score, boolean flagged, Map<String, Double> signals,
      List<String> links, Handoff handoff) {}

  /**
   * What a flagged cluster hands to the verifier.
   *
   * @param tenants the tenants whose keys to test
   * @param queries the replay query list: the cluster's distinct prompts in log order
   * @param templates its most repeated templates, the varying spans masked as {@code <*>}
   * @param examples a few of its prompts with secrets redacted
   */
  public record Handoff(List<String> tenants, QueryList queries, List<String> templates, List<String> examples) {}

  /**
   * A threshold.
   *
   * @param level {@code account}, {@code cluster}, or {@code signal} (one signal of an account)
   * @param score flagged at or above this score
   * @param falsePositiveRate the rate at which a benign account (cluster) reaches it, by the
   *     calibration
   */
  public record Threshold(String level, double score, double falsePositiveRate) {}
}
