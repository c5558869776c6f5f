package io.tracemark.examples.traffic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One simulated extraction campaign: its id ({@code c1}, {@code c2}, … in the order given), its
 * kind, its number of accounts and its rate. Immutable.
 *
 * @param id the campaign id written to the labels file
 * @param kind how it behaves
 * @param accounts accounts it uses, ≥ 1
 * @param rate requests per account per active day for {@link Kind#SWEEP} and {@link Kind#PIVOT};
 *     requests per account over the whole period for {@link Kind#SLOW}
 */
public record Campaign(String id, Kind kind, int accounts, double rate) {
  /** How a campaign behaves. */
  public enum Kind {
    /**
     * A systematic templated sweep of arithmetic problems with chain-of-thought elicitation,
     * maximal {@code max_tokens}, often {@code n > 1}, from one tenant whose accounts share a few
     * datacenter addresses and payment instruments and run in the same daily window.
     */
    SWEEP(60),
    /**
     * Accounts that send a trickle of ordinary requests until a model release, then, within 24 h
     * of it, sweep a new capability (code) as {@link #SWEEP} does.
     */
    PIVOT(80),
    /**
     * A slow campaign: many accounts over many small tenants, each sending about as much as a
     * typical person over the whole period, at the same scheduled moments, through a shared pool
     * of residential proxies and prepaid cards; templated logic puzzles with reasoning requests.
     */
    SLOW(12);

    private final double defaultRate;

    Kind(double defaultRate) {
      this.defaultRate = defaultRate;
    }

    /** The rate used when a campaign specification gives none. */
    public double defaultRate() {
      return defaultRate;
    }

    /** The kind's name in specifications and labels. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The default campaigns: a sweep of 40 accounts, a pivot of 25 and a slow campaign of 120. */
  public static final String DEFAULT_SPEC = "sweep:40,pivot:25,slow:120";

  /** Validates. */
  public Campaign {
    if (accounts < 1) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "campaign %s: accounts must be >= 1, was %d", id, accounts));
    }
    if (!(rate > 0) || rate > 10_000) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "campaign %s: rate must be in (0, 10000], was %s", id, rate));
    }
  }

  /**
   * Parses a comma-separated list of {@code KIND:ACCOUNTS[:RATE]}, e.g. {@code
   * sweep:40,pivot:25,slow:120:12}; the empty string is no campaign. The campaigns get the ids
   * {@code c1}, {@code c2}, … in order.
   *
   * @throws IllegalArgumentException naming the item that is not understood
   */
  public static List<Campaign> parseList(String spec) {
    List<Campaign> out = new ArrayList<>();
    if (spec.isBlank()) {
      return out;
    }
    for (String item : spec.split(",", -1)) {
      String[] parts = item.strip().split(":", -1);
      if (parts.length < 2 || parts.length > 3) {
        throw new IllegalArgumentException("campaign '" + item + "' is not KIND:ACCOUNTS[:RATE]");
      }
      Kind kind;
      try {
        kind = Kind.valueOf(parts[0].strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("campaign '" + item + "': unknown kind '" + parts[0]
            + "' (sweep, pivot or slow)", e);
      }
      try {
        int accounts = Integer.parseInt(parts[1].strip());
        double rate = parts.length == 3 ? Double.parseDouble(parts[2].strip()) : kind.defaultRate();
        out.add(new Campaign("c" + (out.size() + 1), kind, accounts, rate));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("campaign '" + item + "': ACCOUNTS and RATE must be numbers", e);
      }
    }
    return out;
  }
}
