package io.tracemark.examples.traffic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a simulation wrote, as {@code traffic.json} holds it: the configuration, the number of
 * log lines, and each campaign's accounts, tenants, lines and share of the log. Immutable.
 *
 * @param seed the seed
 * @param start the period's first midnight
 * @param days the period's length
 * @param releases the release instants
 * @param lines the log's lines
 * @param benignAccounts benign accounts
 * @param benignLines lines of benign accounts
 * @param campaigns per campaign, in id order
 */
public record TrafficSummary(long seed, Instant start, int days, List<Instant> releases, long lines,
    int benignAccounts, long benignLines, List<CampaignStats> campaigns) {
  /**
   * One campaign's part of the log.
   *
   * @param id the campaign id
   * @param kind its kind
   * @param accounts its accounts
   * @param tenants its tenant ids, sorted
   * @param tenantIndices the indices of their per-tenant keys, in the same order
   * @param lines its lines
   */
  public record CampaignStats(String id, Campaign.Kind kind, int accounts, List<String> tenants,
      List<Integer> tenantIndices, long lines) {
    /** Copies. */
    public CampaignStats {
      tenants = List.copyOf(tenants);
      tenantIndices = List.copyOf(tenantIndices);
    }
  }

  /** Copies. */
  public TrafficSummary {
    releases = List.copyOf(releases);
    campaigns = List.copyOf(campaigns);
  }

  static TrafficSummary of(TrafficConfig config, TrafficPlan plan, long[] perAccount) {
    long lines = 0;
    long benign = 0;
    int benignAccounts = 0;
    Map<String, long[]> campaignLines = new LinkedHashMap<>();
    Map<String, TreeSet<String>> tenants = new LinkedHashMap<>();
    Map<String, Integer> tenantIndex = new LinkedHashMap<>();
    for (Campaign c : config.campaigns()) {
      campaignLines.put(c.id(), new long[1]);
      tenants.put(c.id(), new TreeSet<>());
    }
    for (TrafficPlan.Account a : plan.accounts()) {
      long n = perAccount[a.index()];
      lines += n;
      if (a.campaign() == null) {
        benign += n;
        benignAccounts++;
      } else {
        campaignLines.get(a.campaign().id())[0] += n;
        tenants.get(a.campaign().id()).add(a.tenant());
        tenantIndex.put(a.tenant(), a.tenantIndex());
      }
    }
    List<CampaignStats> stats = new ArrayList<>();
    for (Campaign c : config.campaigns()) {
      List<String> t = new ArrayList<>(tenants.get(c.id()));
      stats.add(new CampaignStats(c.id(), c.kind(), c.accounts(), t, t.stream().map(tenantIndex::get).toList(),
          campaignLines.get(c.id())[0]));
    }
    return new TrafficSummary(config.seed(), config.start(), config.days(), config.releases(), lines,
        benignAccounts, benign, stats);
  }

  /** The share of the log's lines that {@code c} sent. */
  public double share(CampaignStats c) {
    return lines == 0 ? 0 : (double) c.lines() / lines;
  }

  /** The summary as pretty-printed JSON (the content of {@code traffic.json}). */
  public String toJson() {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("note", "simulated traffic (tracemark-examples traffic), not a real log");
      g.writeNumberField("seed", seed);
      g.writeStringField("start", start.toString());
      g.writeNumberField("days", days);
      g.writeArrayFieldStart("releases");
      for (Instant i : releases) {
        g.writeString(i.toString());
      }
      g.writeEndArray();
      g.writeNumberField("lines", lines);
      g.writeNumberField("benign_accounts", benignAccounts);
      g.writeNumberField("benign_lines", benignLines);
      g.writeArrayFieldStart("campaigns");
      for (CampaignStats c : campaigns) {
        g.writeStartObject();
        g.writeStringField("id", c.id());
        g.writeStringField("kind", c.kind().label());
        g.writeNumberField("accounts", c.accounts());
        g.writeArrayFieldStart("tenants");
        for (String t : c.tenants()) {
          g.writeString(t);
        }
        g.writeEndArray();
        g.writeNumberField("lines", c.lines());
        g.writeNumberField("share", share(c));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w + "\n";
  }
}
