package io.tracemark.examples.tools;

import io.tracemark.core.internal.SafeFiles;
import io.tracemark.examples.traffic.Campaign;
import io.tracemark.examples.traffic.TrafficConfig;
import io.tracemark.examples.traffic.TrafficLabels;
import io.tracemark.examples.traffic.TrafficSimulator;
import io.tracemark.examples.traffic.TrafficSummary;
import io.tracemark.verifier.monitor.Monitor;
import io.tracemark.verifier.monitor.MonitorResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The usage monitor measured on the traffic simulator: for each seed, a simulated log at the
 * simulator's defaults (2,000 benign accounts, 14 days, a sweep of 40 accounts, a pivot of 25, a
 * slow campaign of 120), {@link Monitor} at its defaults with the simulation's release, and the
 * flags compared with the ground truth: the false-positive rate on benign accounts, the true
 * positive rate on campaign accounts, the balanced accuracy, and for each campaign the share of its
 * accounts flagged and the signals of the flagged clusters that hold them. Then the slow campaign's
 * size is swept to find the smallest the defaults find. An account counts as flagged when the
 * monitor flags it or its cluster; an account that sent nothing is not in the log and not counted.
 *
 * <p>A tool, not a test (20 seeds cost minutes). After {@code ./mvnw -B package -DskipTests}:
 *
 * <pre>
 * nice -n 10 java -cp examples/target/tracemark-examples.jar io.tracemark.examples.tools.MonitorEvaluation \
 *     evaluation.md [first last [slow-seeds [slow-sizes]]]
 * </pre>
 *
 * <p>Defaults: seeds 1..20, the slow sweep over seeds 1..5 and sizes 20,50,100,150,200. It
 * prints the Markdown tables as it goes and writes them to the result file at the end.
 */
public final class MonitorEvaluation {
  private MonitorEvaluation() {}

  /** What one run found, against the truth. */
  record Outcome(long seed, long lines, int benign, int falsePositives, int campaign, int truePositives,
      Map<String, int[]> perCampaign, Map<String, List<String>> signals, Map<String, Integer> fpByKind,
      Map<String, Double> shares, double seconds) {
    double fpr() {
      return benign == 0 ? 0 : (double) falsePositives / benign;
    }

    double tpr() {
      return campaign == 0 ? 0 : (double) truePositives / campaign;
    }

    double balancedAccuracy() {
      return (tpr() + 1 - fpr()) / 2;
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: MonitorEvaluation RESULT.md [first last [slow-seeds [slow-sizes]]]");
      System.exit(2);
    }
    Path result = Path.of(args[0]);
    long first = args.length > 2 ? Long.parseLong(args[1]) : 1;
    long last = args.length > 2 ? Long.parseLong(args[2]) : 20;
    int slowSeeds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int[] sizes = Stream.of((args.length > 4 ? args[4] : "20,50,100,150,200").split(","))
        .mapToInt(Integer::parseInt).toArray();
    PrintWriter out = new PrintWriter(System.out, true);
    StringBuilder md = new StringBuilder();
    Path work = Files.createTempDirectory("monitor-evaluation");
    try {
      List<Outcome> runs = new ArrayList<>();
      line(out, md, "| seed | lines | benign accounts | false positives | FPR | campaign accounts | TPR |"
          + " balanced accuracy | c1 sweep | c2 pivot | c3 slow | seconds |");
      line(out, md, "|---|---|---|---|---|---|---|---|---|---|---|---|");
      for (long seed = first; seed <= last; seed++) {
        Outcome o = evaluate(TrafficConfig.defaults(seed), work);
        runs.add(o);
        line(out, md, String.format(Locale.ROOT, "| %d | %,d | %d | %d | %.2f%% | %d | %.1f%% | %.1f%% | %s | %s | %s |"
            + " %.0f |", seed, o.lines(), o.benign(), o.falsePositives(), 100 * o.fpr(), o.campaign(),
            100 * o.tpr(), 100 * o.balancedAccuracy(), cell(o, "c1"), cell(o, "c2"), cell(o, "c3"), o.seconds()));
      }
      summary(out, md, runs);
      line(out, md, "");
      line(out, md, "Slow campaign size sweep (with the default sweep and pivot campaigns; found = at least half"
          + " of its accounts flagged):");
      line(out, md, "");
      line(out, md, "| slow accounts | requests per account | share of the log | found in seeds | accounts"
          + " flagged | benign FPR |");
      line(out, md, "|---|---|---|---|---|---|");
      for (int size : sizes) {
        int found = 0;
        long flagged = 0;
        long total = 0;
        double share = 0;
        long fp = 0;
        long benign = 0;
        for (long seed = 1; seed <= slowSeeds; seed++) {
          TrafficConfig c = TrafficConfig.defaults(seed).with(2000, 14,
              Campaign.parseList("sweep:40,pivot:25,slow:" + size));
          Outcome o = evaluate(c, work);
          int[] s = o.perCampaign().get("c3");
          found += 2 * s[1] >= s[0] ? 1 : 0;
          flagged += s[1];
          total += s[0];
          share += o.shares().get("c3") / slowSeeds;
          fp += o.falsePositives();
          benign += o.benign();
        }
        line(out, md, String.format(Locale.ROOT, "| %d | %.0f | %.2f%% | %d of %d | %d of %d | %.2f%% |", size,
            Campaign.Kind.SLOW.defaultRate(), 100 * share, found, slowSeeds, flagged, total, 100.0 * fp / benign));
      }
    } finally {
      deleteTree(work);
    }
    SafeFiles.replace(result, md.toString().getBytes(StandardCharsets.UTF_8));
    out.println("wrote " + result);
  }

  private static String cell(Outcome o, String campaign) {
    int[] s = o.perCampaign().get(campaign);
    return s == null ? "-" : s[1] + "/" + s[0];
  }

  private static void summary(PrintWriter out, StringBuilder md, List<Outcome> runs) {
    long fp = 0;
    long benign = 0;
    double minBa = 1;
    double sumBa = 0;
    double maxFpr = 0;
    for (Outcome o : runs) {
      fp += o.falsePositives();
      benign += o.benign();
      minBa = Math.min(minBa, o.balancedAccuracy());
      sumBa += o.balancedAccuracy();
      maxFpr = Math.max(maxFpr, o.fpr());
    }
    line(out, md, "");
    line(out, md, String.format(Locale.ROOT, "Over %d seeds: benign false-positive rate %.3f%% pooled (%d of %,d),"
        + " at most %.2f%% in one seed; balanced accuracy %.2f%% on average, %.2f%% at worst.", runs.size(),
        100.0 * fp / benign, fp, benign, 100 * maxFpr, 100 * sumBa / runs.size(), 100 * minBa));
    Map<String, Integer> kinds = new TreeMap<>();
    for (Outcome o : runs) {
      o.fpByKind().forEach((k, v) -> kinds.merge(k, v, Integer::sum));
    }
    line(out, md, "False positives by benign kind: " + kinds + ".");
    for (String c : List.of("c1", "c2", "c3")) {
      int found = 0;
      Map<String, Integer> signals = new TreeMap<>();
      for (Outcome o : runs) {
        int[] s = o.perCampaign().get(c);
        if (s != null && 2 * s[1] >= s[0]) {
          found++;
        }
        for (String sig : o.signals().getOrDefault(c, List.of())) {
          signals.merge(sig, 1, Integer::sum);
        }
      }
      line(out, md, String.format(Locale.ROOT, "Campaign %s found (at least half its accounts flagged) in %d of %d"
          + " seeds; signals of its flagged clusters (seeds): %s.", c, found, runs.size(), signals));
    }
  }

  /** Simulates {@code config} under {@code work}, monitors it at the defaults, and compares. */
  static Outcome evaluate(TrafficConfig config, Path work) throws IOException {
    Path dir = work.resolve("seed-" + config.seed());
    TrafficSummary summary = new TrafficSimulator(config).writeTo(dir);
    TrafficLabels labels = TrafficLabels.read(dir.resolve("labels.jsonl"));
    long t0 = System.nanoTime();
    List<Double> releases = new ArrayList<>();
    for (Instant i : config.releases()) {
      releases.add(i.toEpochMilli() / 1000.0);
    }
    MonitorResult r = Monitor.builder().releases(releases).build().run(List.of(dir.resolve(config.logName())));
    double seconds = (System.nanoTime() - t0) / 1e9;
    Outcome o = compare(summary, labels, r, seconds);
    diagnose(config.seed(), labels, r);
    deleteTree(dir);
    return o;
  }

  /** The flags of {@code r} against the truth. */
  static Outcome compare(TrafficSummary summary, TrafficLabels labels, MonitorResult r, double seconds) {
    double signalThreshold = r.thresholds().stream().filter(t -> t.level().equals("signal"))
        .mapToDouble(MonitorResult.Threshold::score).findFirst().orElse(3);
    Map<String, MonitorResult.Cluster> clusters = new HashMap<>();
    for (MonitorResult.Cluster c : r.clusters()) {
      clusters.put(c.id(), c);
    }
    int benign = 0;
    int fp = 0;
    int campaign = 0;
    int tp = 0;
    Map<String, int[]> per = new LinkedHashMap<>();
    Map<String, Map<String, Boolean>> signals = new LinkedHashMap<>();
    Map<String, Integer> fpByKind = new TreeMap<>();
    for (MonitorResult.Account a : r.accounts()) {
      TrafficLabels.Label l = labels.byAccount().get(a.account());
      if (l == null) {
        throw new IllegalStateException("account " + a.account() + " is in the log but not in the labels");
      }
      MonitorResult.Cluster c = a.cluster() == null ? null : clusters.get(a.cluster());
      if (l.benign()) {
        benign++;
        if (a.flagged()) {
          fp++;
          String how = c != null && c.flagged() && c.accounts().size() > 1 ? "via cluster" : "alone";
          fpByKind.merge(l.kind() + " " + how, 1, Integer::sum);
        }
      } else {
        campaign++;
        tp += a.flagged() ? 1 : 0;
        int[] s = per.computeIfAbsent(l.campaign(), k -> new int[2]);
        s[0]++;
        s[1] += a.flagged() ? 1 : 0;
        Map<String, Double> sig = c != null && c.flagged() ? c.signals() : a.flagged() ? a.signals() : Map.of();
        Map<String, Boolean> seen = signals.computeIfAbsent(l.campaign(), k -> new TreeMap<>());
        sig.entrySet().stream().filter(e -> e.getValue() >= signalThreshold)
            .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
            .forEach(e -> seen.put(e.getKey(), true));
      }
    }
    Map<String, List<String>> signalLists = new LinkedHashMap<>();
    signals.forEach((k, v) -> signalLists.put(k, List.copyOf(v.keySet())));
    Map<String, Double> shares = new HashMap<>();
    for (TrafficSummary.CampaignStats c : summary.campaigns()) {
      shares.put(c.id(), summary.share(c));
    }
    return new Outcome(summary.seed(), summary.lines(), benign, fp, campaign, tp, per, signalLists, fpByKind,
        shares, seconds);
  }

  /** Prints (to standard error) the flagged clusters that hold benign accounts, and each campaign's best cluster. */
  static void diagnose(long seed, TrafficLabels labels, MonitorResult r) {
    Map<String, Integer> campaignBest = new HashMap<>();
    for (MonitorResult.Cluster c : r.clusters()) {
      int benign = 0;
      Map<String, Integer> camp = new TreeMap<>();
      Map<String, Integer> kinds = new TreeMap<>();
      for (String a : c.accounts()) {
        TrafficLabels.Label l = labels.byAccount().get(a);
        kinds.merge(l.kind(), 1, Integer::sum);
        if (l.benign()) {
          benign++;
        } else {
          camp.merge(l.campaign(), 1, Integer::sum);
        }
      }
      StringBuilder sig = new StringBuilder();
      c.signals().entrySet().stream().filter(e -> e.getValue() >= 1)
          .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
          .forEach(e -> sig.append(String.format(Locale.ROOT, " %s=%.2f", e.getKey(), e.getValue())));
      String desc = String.format(Locale.ROOT, "seed %d %s size %d score %.2f flagged %s kinds %s links %s:%s", seed,
          c.id(), c.accounts().size(), c.score(), c.flagged(), kinds, c.links(), sig);
      if (c.flagged() && benign > 0) {
        System.err.println("BENIGN " + desc);
      }
      for (Map.Entry<String, Integer> e : camp.entrySet()) {
        if (e.getValue() > campaignBest.getOrDefault(e.getKey(), 0)) {
          campaignBest.put(e.getKey(), e.getValue());
          System.err.println("CAMPAIGN " + e.getKey() + " " + desc);
        }
      }
    }
  }

  private static void line(PrintWriter out, StringBuilder md, String s) {
    out.println(s);
    md.append(s).append('\n');
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
