package io.tracemark.verifier;

import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one bad-record policy, applied wherever a record is found bad (by the corpus reader: a
 * malformed line, invalid text, a token id outside the vocabulary; by the verifier: an empty
 * record, an id outside the scheme's vocabulary): under {@link BadRecordPolicy#FAIL} the first bad
 * record stops the run with an exception naming the record and the reason; under {@link
 * BadRecordPolicy#SKIP} every bad record is counted and the first {@value #MAX_LISTED} are listed
 * with their reasons. Nothing is dropped silently. Not thread-safe: one reading thread records.
 */
public final class BadRecords {
  /** At most this many skipped records are listed individually (all are counted). */
  public static final int MAX_LISTED = 1000;

  private final BadRecordPolicy policy;
  private final Function<String, RuntimeException> failure;
  private final List<SkippedRecord> listed = new ArrayList<>();
  private long count;

  /**
   * A ledger of bad records.
   *
   * @param policy fail or skip
   * @param failure the exception for the message {@code "<where>: <reason>"} under {@code FAIL}
   */
  public BadRecords(BadRecordPolicy policy, Function<String, RuntimeException> failure) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /**
   * Records a bad record.
   *
   * @param where the record (file:line, or its id)
   * @param reason what is wrong, without any content of the record
   * @throws RuntimeException the failure exception under {@link BadRecordPolicy#FAIL}
   */
  public void bad(String where, String reason) {
    if (policy == BadRecordPolicy.FAIL) {
      throw failure.apply(where + ": " + reason);
    }
    count++;
    if (listed.size() < MAX_LISTED) {
      listed.add(new SkippedRecord(where, reason));
    }
  }

  /** The policy. */
  public BadRecordPolicy policy() {
    return policy;
  }

  /** Bad records so far. */
  public long count() {
    return count;
  }

  /** The first {@value #MAX_LISTED} bad records, in the order they were found. */
  public List<SkippedRecord> listed() {
    return List.copyOf(listed);
  }
}
