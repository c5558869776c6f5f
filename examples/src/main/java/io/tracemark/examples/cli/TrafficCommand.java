package io.tracemark.examples.cli;

import io.tracemark.examples.traffic.Campaign;
import io.tracemark.examples.traffic.TrafficConfig;
import io.tracemark.examples.traffic.TrafficSimulator;
import io.tracemark.examples.traffic.TrafficSummary;
import io.tracemark.verifier.cli.Tracemark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traffic}: writes a simulated API log of benign users and extraction campaigns, with its ground truth. */
@Command(name = "traffic", mixinStandardHelpOptions = true,
    description = {"Write a simulated API log (benign users and extraction campaigns) and its ground truth:",
        "traffic.jsonl.gz (one request per line), labels.jsonl (account -> benign or campaign) and traffic.json.",
        "A simulation, deterministic by seed: the test bed of 'tracemark monitor'."})
public final class TrafficCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Mixin
  SeedOption seed;
  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Directory to write (created when missing; files replaced whole).")
  Path out;
  @Option(names = "--accounts", paramLabel = "N", defaultValue = "2000",
      description = "Benign accounts (default: ${DEFAULT-VALUE}).")
  int accounts;
  @Option(names = "--days", paramLabel = "D", defaultValue = "14",
      description = "Days of traffic (default: ${DEFAULT-VALUE}).")
  int days;
  @Option(names = "--start", paramLabel = "INSTANT", defaultValue = "2026-03-02T00:00:00Z",
      description = "First midnight UTC of the period (default: ${DEFAULT-VALUE}).")
  String start;
  @Option(names = "--release", paramLabel = "INSTANT",
      description = "A model release, ISO-8601 (repeatable; default: 17:00 UTC on day D/2).")
  List<String> releases = new ArrayList<>();
  @Option(names = "--campaigns", paramLabel = "SPEC", defaultValue = Campaign.DEFAULT_SPEC,
      description = {"Campaigns, KIND:ACCOUNTS[:RATE],... with KIND sweep, pivot or slow; RATE is requests per",
          "account per day (sweep, pivot) or per account in all (slow); '' for none (default: ${DEFAULT-VALUE})."})
  String campaigns;
  @Option(names = "--no-gzip", description = "Write traffic.jsonl instead of traffic.jsonl.gz.")
  boolean noGzip;

  @Override
  public Integer call() throws IOException {
    Instant from = CliChecks.option(spec, "--start", () -> instant(start));
    List<Instant> rel = new ArrayList<>();
    for (String r : releases) {
      rel.add(CliChecks.option(spec, "--release", () -> instant(r)));
    }
    if (rel.isEmpty()) {
      rel.add(TrafficConfig.defaultRelease(from, Math.max(1, days)));
    }
    List<Campaign> list = CliChecks.option(spec, "--campaigns", () -> Campaign.parseList(campaigns));
    TrafficConfig config = CliChecks.option(spec, "--accounts/--days/--start",
        () -> new TrafficConfig(seed.seed(), accounts, days, from, rel, list, !noGzip));
    TrafficSummary s = new TrafficSimulator(config).writeTo(out);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "simulated traffic, seed %d: %,d lines from %,d benign accounts (%,d lines)"
        + " and %d campaign%s; wrote %s%n", s.seed(), s.lines(), s.benignAccounts(), s.benignLines(),
        s.campaigns().size(), s.campaigns().size() == 1 ? "" : "s", out.resolve(config.logName()));
    for (TrafficSummary.CampaignStats c : s.campaigns()) {
      o.printf(Locale.ROOT, "  %s %-5s %5d accounts, %3d tenants, %,9d lines (%.2f%% of the log)%n", c.id(),
          c.kind().label(), c.accounts(), c.tenants().size(), c.lines(), 100 * s.share(c));
    }
    return Tracemark.OK;
  }

  private static Instant instant(String s) {
    try {
      return Instant.parse(s.length() == 10 ? s + "T00:00:00Z" : s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + s + "' is not an ISO-8601 instant (e.g. 2026-03-09T17:00:00Z)", e);
    }
  }
}
