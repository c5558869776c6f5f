package io.tracemark.examples.traffic;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything a simulated log depends on. Immutable.
 *
 * @param seed the seed every draw derives from
 * @param benignAccounts benign accounts, 1 to 1,000,000
 * @param days length of the period in days, 1 to 365
 * @param start the first midnight (UTC) of the period
 * @param releases model release instants (the pivot campaigns start within 24 h after the first
 *     one inside the period)
 * @param campaigns the campaigns, in id order
 * @param gzip whether the log is gzip-compressed ({@code traffic.jsonl.gz}) or not ({@code traffic.jsonl})
 */
public record TrafficConfig(long seed, int benignAccounts, int days, Instant start, List<Instant> releases,
    List<Campaign> campaigns, boolean gzip) {
  /** The default period's start: Monday 2 March 2026, 00:00 UTC. */
  public static final Instant DEFAULT_START = Instant.parse("2026-03-02T00:00:00Z");
  /** Upper bound of all accounts together (the log's event keys hold 20 bits of account). */
  public static final int MAX_ACCOUNTS = 1 << 20;

  /** Validates and copies. */
  public TrafficConfig {
    Objects.requireNonNull(start, "start");
    releases = List.copyOf(releases);
    campaigns = List.copyOf(campaigns);
    check(benignAccounts >= 1 && benignAccounts <= 1_000_000, "accounts must be in [1, 1000000], was %d",
        benignAccounts);
    check(days >= 1 && days <= 365, "days must be in [1, 365], was %d", days);
    check(start.toEpochMilli() % 86_400_000L == 0, "start must be a midnight UTC, was %s", start);
    long total = benignAccounts;
    for (Campaign c : campaigns) {
      total += c.accounts();
    }
    check(total < MAX_ACCOUNTS, "benign and campaign accounts together must be < %d, were %d", MAX_ACCOUNTS,
        total);
  }

  /**
   * The defaults for {@code seed}: 2,000 benign accounts over 14 days from {@link #DEFAULT_START},
   * one release at 17:00 UTC on day 7, the campaigns of {@link Campaign#DEFAULT_SPEC}, gzip.
   */
  public static TrafficConfig defaults(long seed) {
    return new TrafficConfig(seed, 2000, 14, DEFAULT_START, List.of(defaultRelease(DEFAULT_START, 14)),
        Campaign.parseList(Campaign.DEFAULT_SPEC), true);
  }

  /** The default release: 17:00 UTC on day {@code days / 2} of the period. */
  public static Instant defaultRelease(Instant start, int days) {
    return start.plus(Duration.ofDays(days / 2)).plus(Duration.ofHours(17));
  }

  /** A copy with other values of the given fields. */
  public TrafficConfig with(int benignAccounts, int days, List<Campaign> campaigns) {
    return new TrafficConfig(seed, benignAccounts, days, start, releases, campaigns, gzip);
  }

  /** The log's file name. */
  public String logName() {
    return gzip ? "traffic.jsonl.gz" : "traffic.jsonl";
  }

  private static void check(boolean ok, String format, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, format, args));
    }
  }
}
