package io.tracemark.verifier.report;

import java.util.Objects;

/**
 * The pre-registered plan a run followed, as its report records it ({@code plan} in {@code
 * report.json}, covered by the signature): the plan file's SHA-256 and its query list's. The run
 * was checked against the plan's scheme, key id, statistic, weights, dedup, filter corpus and α
 * before the suspect was read.
 *
 * @param sha256 the SHA-256 of the plan file's exact bytes
 * @param queriesSha256 the SHA-256 of the plan's query file
 * @param queries the number of planned queries
 */
public record PlanStamp(String sha256, String queriesSha256, int queries) {
  /** Checks the digests are given. */
  public PlanStamp {
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(queriesSha256, "queriesSha256");
  }
}
