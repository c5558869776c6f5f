package io.tracemark.examples.traffic;

import io.tracemark.core.internal.Mix;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The accounts of a simulation, drawn from the seed before any request: who they are (opaque
 * account, tenant, address and payment identifiers), how they behave, and to which campaign they
 * belong. Benign and campaign accounts are shuffled together, so neither their order nor their
 * identifiers tell them apart. Immutable.
 */
public final class TrafficPlan {
  private static final int[] TIME_ZONES = {-8, -7, -6, -5, -5, -5, -4, -3, 0, 0, 1, 1, 1, 2, 3, 5, 8, 8, 9};
  private static final int CGNAT_POOL = 200;

  /** How an account behaves. */
  public enum Behaviour {
    /** A person: sessions in the day of their time zone, heavy-tailed volume. */
    HUMAN,
    /** A benign batch job: one template of its own, run on a schedule. */
    BATCH,
    /** A {@link Campaign.Kind#SWEEP} campaign account. */
    SWEEP,
    /** A {@link Campaign.Kind#PIVOT} campaign account. */
    PIVOT,
    /** A {@link Campaign.Kind#SLOW} campaign account. */
    SLOW
  }

  /**
   * One account.
   *
   * @param index its position in the plan (and in the labels file)
   * @param id the opaque account id written to the log
   * @param tenant the tenant id written to the log, {@code tenant-N}: the label the verifier gives tenant key N
   * @param tenantIndex the tenant's number N: the index of its per-tenant key ({@code Keys.tenant(master, N)})
   * @param ips the addresses its requests come from
   * @param payment its payment instrument
   * @param behaviour how it behaves
   * @param rate requests per day (people), items per run (batch jobs), the campaign's rate (campaigns)
   * @param timeZone hours from UTC of its local time
   * @param hour the local hour of its batch run, or the UTC hour of its campaign's daily window
   * @param jitterMs its offset from the campaign's schedule
   * @param template its batch template
   * @param campaign its campaign, null when benign
   * @param ordinal its number within the campaign
   * @param campaignSize the campaign's number of accounts (1 when benign)
   * @param pivotMs epoch ms from which a pivot account sweeps
   */
  public record Account(int index, String id, String tenant, int tenantIndex, List<String> ips, String payment,
      Behaviour behaviour, double rate, int timeZone, int hour, long jitterMs, int template, Campaign campaign,
      int ordinal, int campaignSize, long pivotMs) {
    /** Copies. */
    public Account {
      ips = List.copyOf(ips);
    }
  }

  private final List<Account> accounts;

  private TrafficPlan(List<Account> accounts) {
    this.accounts = List.copyOf(accounts);
  }

  /** The accounts in index order. */
  public List<Account> accounts() {
    return accounts;
  }

  /** The plan of {@code config}. */
  static TrafficPlan of(TrafficConfig config) {
    SplittableRandom r = new SplittableRandom(TrafficSimulator.mix(config.seed(), 0, 0, 0));
    List<Draft> drafts = new ArrayList<>();
    int tenants = 0;
    String[] cgnat = new String[CGNAT_POOL];
    for (int i = 0; i < CGNAT_POOL; i++) {
      cgnat[i] = String.format(Locale.ROOT, "100.64.%d.%d", r.nextInt(64), 1 + r.nextInt(254));
    }
    // benign tenants: mostly individuals, some organisations behind one address and one card
    int remaining = config.benignAccounts();
    while (remaining > 0) {
      double u = r.nextDouble();
      int size = Math.min(remaining, u < 0.85 ? 1 : u < 0.97 ? 2 + r.nextInt(9) : 11 + r.nextInt(40));
      int tenant = tenants++;
      int tz = TIME_ZONES[r.nextInt(TIME_ZONES.length)];
      List<String> nat = new ArrayList<>();
      for (int i = 1 + r.nextInt(3); i > 0; i--) {
        nat.add(ip(r));
      }
      String card = payment(r);
      for (int i = 0; i < size; i++) {
        Draft d = new Draft(tenant);
        d.timeZone = size > 1 ? tz : TIME_ZONES[r.nextInt(TIME_ZONES.length)];
        if (size > 1) {
          d.ips.addAll(nat);
          d.payment = card;
        } else {
          d.ips.add(r.nextDouble() < 0.1 ? cgnat[r.nextInt(CGNAT_POOL)] : ip(r));
          if (r.nextDouble() < 0.25) {
            d.ips.add(cgnat[r.nextInt(CGNAT_POOL)]);
          }
          d.payment = payment(r);
        }
        if (r.nextDouble() < 0.015) {
          d.behaviour = Behaviour.BATCH;
          d.rate = 50 + r.nextInt(350);
          d.hour = r.nextDouble() < 0.5 ? 1 + r.nextInt(5) : 9 + r.nextInt(9);
          d.template = r.nextInt(PromptBank.batchTemplates());
        } else {
          d.behaviour = Behaviour.HUMAN;
          // Pareto with alpha 1.5 and minimum 2 requests a day: mean 6, a heavy tail of a few
          // people who send hundreds a day; and 1% power users (developers, researchers) around
          // 100 a day, as many as a campaign account sends
          d.rate = r.nextDouble() < 0.01 ? Math.exp(Math.log(100) + 0.6 * r.nextGaussian())
              : Math.min(1500, 2 * Math.pow(1 - r.nextDouble(), -1 / 1.5));
        }
        drafts.add(d);
      }
      remaining -= size;
    }
    long release = firstReleaseIn(config);
    for (Campaign c : config.campaigns()) {
      int n = c.accounts();
      List<String> pool = new ArrayList<>();
      for (int i = Math.max(c.kind() == Campaign.Kind.SLOW ? 10 : 3, n / (c.kind() == Campaign.Kind.SLOW ? 4 : 8));
          i > 0; i--) {
        pool.add(ip(r));
      }
      List<String> cards = new ArrayList<>();
      for (int i = Math.max(c.kind() == Campaign.Kind.SLOW ? 4 : 2, n / 15); i > 0; i--) {
        cards.add(payment(r));
      }
      int hour = r.nextInt(24);
      long delay = 3_600_000L + (long) (r.nextDouble() * 17 * 3_600_000L);
      long slowOffset = (long) (r.nextDouble() * 6 * 3_600_000L);
      int tenant = tenants++;
      int tenantLeft = 0;
      String tenantCard = null;
      for (int i = 0; i < n; i++) {
        if (c.kind() == Campaign.Kind.SLOW) {
          // many small tenants, each paying with one of the campaign's cards
          if (tenantLeft == 0) {
            tenant = i == 0 ? tenant : tenants++;
            tenantLeft = 1 + r.nextInt(3);
            tenantCard = cards.get(r.nextInt(cards.size()));
          }
          tenantLeft--;
        }
        Draft d = new Draft(tenant);
        d.campaign = c;
        d.ordinal = i;
        d.campaignSize = n;
        d.rate = c.rate();
        d.hour = hour;
        d.ips.add(pool.get(r.nextInt(pool.size())));
        String second = pool.get(r.nextInt(pool.size()));
        if (c.kind() == Campaign.Kind.SLOW || r.nextDouble() < 0.5) {
          if (!second.equals(d.ips.get(0))) {
            d.ips.add(second);
          }
        }
        switch (c.kind()) {
          case SWEEP -> {
            d.behaviour = Behaviour.SWEEP;
            d.payment = cards.get(r.nextInt(cards.size()));
            d.jitterMs = r.nextInt(600_000);
          }
          case PIVOT -> {
            d.behaviour = Behaviour.PIVOT;
            d.payment = cards.get(r.nextInt(cards.size()));
            d.jitterMs = r.nextInt(600_000);
            d.pivotMs = release + delay + (long) (r.nextDouble() * 4 * 3_600_000L);
          }
          case SLOW -> {
            d.behaviour = Behaviour.SLOW;
            d.payment = tenantCard;
            d.jitterMs = slowOffset + r.nextInt(60_000);
          }
          default -> throw new IllegalStateException("kind " + c.kind());
        }
        drafts.add(d);
      }
    }
    // shuffle accounts and tenant numbers together so that neither order nor id tells a campaign
    for (int i = drafts.size() - 1; i > 0; i--) {
      Collections.swap(drafts, i, r.nextInt(i + 1));
    }
    int[] tenantNumber = new int[tenants];
    for (int i = 0; i < tenants; i++) {
      tenantNumber[i] = i;
    }
    for (int i = tenants - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = tenantNumber[i];
      tenantNumber[i] = tenantNumber[j];
      tenantNumber[j] = t;
    }
    long salt = r.nextLong();
    List<Account> out = new ArrayList<>(drafts.size());
    for (int i = 0; i < drafts.size(); i++) {
      Draft d = drafts.get(i);
      int t = tenantNumber[d.tenant];
      out.add(new Account(i, String.format(Locale.ROOT, "acct_%016x", Mix.fmix64(i ^ salt)),
          "tenant-" + t, t, d.ips, d.payment, d.behaviour, d.rate, d.timeZone,
          d.hour, d.jitterMs, d.template, d.campaign, d.ordinal, d.campaignSize, d.pivotMs));
    }
    return new TrafficPlan(out);
  }

  /** The first release inside the period, or the default release when none is. */
  static long firstReleaseIn(TrafficConfig config) {
    long from = config.start().toEpochMilli();
    long to = from + config.days() * TrafficSimulator.DAY_MS;
    for (Instant i : config.releases().stream().sorted().toList()) {
      if (i.toEpochMilli() >= from && i.toEpochMilli() < to) {
        return i.toEpochMilli();
      }
    }
    return TrafficConfig.defaultRelease(config.start(), config.days()).toEpochMilli();
  }

  private static String ip(SplittableRandom r) {
    int first = 11 + r.nextInt(212);
    if (first == 100 || first == 127) {
      first++;
    }
    return String.format(Locale.ROOT, "%d.%d.%d.%d", first, r.nextInt(256), r.nextInt(256), 1 + r.nextInt(254));
  }

  private static String payment(SplittableRandom r) {
    return String.format(Locale.ROOT, "pm_%012x", r.nextLong() >>> 16);
  }

  /** An account while the plan is drawn. */
  private static final class Draft {
    final int tenant;
    final List<String> ips = new ArrayList<>();
    String payment;
    Behaviour behaviour;
    double rate;
    int timeZone;
    int hour;
    long jitterMs;
    int template;
    Campaign campaign;
    int ordinal;
    int campaignSize = 1;
    long pivotMs;

    Draft(int tenant) {
      this.tenant = tenant;
    }
  }
}
