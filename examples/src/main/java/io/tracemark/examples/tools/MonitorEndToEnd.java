package io.tracemark.examples.tools;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.core.keys.Keys;
import io.tracemark.examples.corpus.BrownCorpus;
import io.tracemark.examples.demo.Answers;
import io.tracemark.examples.demo.DemoConfig;
import io.tracemark.examples.demo.Distillation;
import io.tracemark.examples.demo.Seeds;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.examples.loop.SamplingLoop;
import io.tracemark.examples.traffic.Campaign;
import io.tracemark.examples.traffic.TrafficConfig;
import io.tracemark.examples.traffic.TrafficLabels;
import io.tracemark.examples.traffic.TrafficSimulator;
import io.tracemark.examples.traffic.TrafficSummary;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.monitor.Monitor;
import io.tracemark.verifier.monitor.MonitorResult;
import io.tracemark.verifier.plan.QueryList;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The usage monitor's hand-off, end to end on the simulator: a simulated log with an extraction
 * campaign from one tenant; {@link Monitor} flags the campaign's cluster and hands off its tenants
 * and its replay query list; the owner's model (an n-gram model over Brown text) answers the
 * replayed prompts watermarked with that tenant's key ({@link Keys#tenant}), as the owner's API
 * served that tenant; a student is trained on those answers ({@link Distillation}, the demo's
 * code); the student, queried with the replay list, is tested by the verifier with the owner's
 * master key and every tenant key of the log (Holm-corrected): the campaign tenant's key must be
 * the one that fires, and no other.
 *
 * <p>As a tool ({@code main}: {@code MonitorEndToEnd OUT-DIR [seed]}) it runs at the full size
 * of {@link Config#full}; {@code MonitorEndToEndTest} runs {@link Config#reduced}. The master key is
 * derived from the seed, as the demo's is, so that a run is reproducible; it is never printed.
 */
public final class MonitorEndToEnd {
  private MonitorEndToEnd() {}

  /**
   * The size of a run.
   *
   * @param seed the seed of the simulation, the key and every draw
   * @param benignAccounts benign accounts of the simulated log
   * @param days days of the simulated log
   * @param campaigns the campaigns (the first, a single-tenant sweep, is the one followed)
   * @param prompts replayed prompts the owner's model answers (the first of the replay list)
   * @param answerTokens tokens per answer
   * @param brownDocuments Brown documents the owner's model is trained on
   * @param order the n-gram order of the owner's model and the student
   * @param controlKeys control keys of the verification
   */
  public record Config(long seed, int benignAccounts, int days, String campaigns, int prompts, int answerTokens,
      int brownDocuments, int order, int controlKeys) {
    /** The tool's size: the simulator's defaults, 400 replayed prompts of 96 tokens. */
    public static Config full(long seed) {
      return new Config(seed, 2000, 14, Campaign.DEFAULT_SPEC, 400, 96, 250, 4, 100);
    }

    /** The test's size: a small log and 60 prompts of 40 tokens, well under a minute. */
    public static Config reduced(long seed) {
      return new Config(seed, 300, 7, "sweep:25", 60, 40, 40, 3, 10);
    }
  }

  /**
   * What happened.
   *
   * @param campaignTenant the followed campaign's tenant (the truth)
   * @param campaignAccounts its accounts in the log
   * @param campaignFlagged of them, flagged by the monitor
   * @param cluster the flagged cluster that holds most of them
   * @param handoffTenants the tenants the monitor hands off for that cluster
   * @param replayQueries prompts in its replay list
   * @param replayFile where the replay list was written (QueryList JSONL)
   * @param tenantsTested tenant keys the verifier tested (plus the master key)
   * @param teacherCheck the owner's own answers, tested with the tenant's key alone
   * @param student the student's answers to the replay prompts, tested with every key
   */
  public record Outcome(String campaignTenant, int campaignAccounts, int campaignFlagged, String cluster,
      List<String> handoffTenants, int replayQueries, Path replayFile, int tenantsTested,
      InheritanceResult teacherCheck, InheritanceResult student) {
    /** Labels of the keys whose Holm-adjusted p-value is below α. */
    public List<String> significantKeys() {
      return student.keys().stream().filter(InheritanceResult.KeyResult::significant)
          .map(InheritanceResult.KeyResult::label).toList();
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: MonitorEndToEnd OUT-DIR [seed]");
      System.exit(2);
    }
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    PrintWriter out = new PrintWriter(System.out, true);
    run(Config.full(seed), Path.of(args[0]), out, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /** Runs {@code c}, writing the simulation and the replay list under {@code dir}, narrating to {@code out}. */
  public static Outcome run(Config c, Path dir, PrintWriter out, int threads) throws IOException {
    long t0 = System.nanoTime();
    TrafficConfig tc = new TrafficConfig(c.seed(), c.benignAccounts(), c.days(), TrafficConfig.DEFAULT_START,
        List.of(TrafficConfig.defaultRelease(TrafficConfig.DEFAULT_START, c.days())),
        Campaign.parseList(c.campaigns()), true);
    Path traffic = dir.resolve("traffic");
    TrafficSummary summary = new TrafficSimulator(tc).writeTo(traffic);
    TrafficLabels labels = TrafficLabels.read(traffic.resolve("labels.jsonl"));
    TrafficSummary.CampaignStats followed = summary.campaigns().get(0);
    String tenant = followed.tenants().get(0);
    out.printf(Locale.ROOT, "simulated %,d lines (seed %d); campaign %s (%s, %d accounts) is %s%n", summary.lines(),
        c.seed(), followed.id(), followed.kind().label(), followed.accounts(), tenant);

    List<Double> releases = tc.releases().stream().map(i -> i.toEpochMilli() / 1000.0).toList();
    MonitorResult r = Monitor.builder().releases(releases).build().run(List.of(traffic.resolve(tc.logName())));
    Set<String> members = labels.byAccount().values().stream().filter(l -> followed.id().equals(l.campaign()))
        .map(TrafficLabels.Label::account).collect(Collectors.toSet());
    int inLog = 0;
    int flagged = 0;
    for (MonitorResult.Account a : r.accounts()) {
      if (members.contains(a.account())) {
        inLog++;
        flagged += a.flagged() ? 1 : 0;
      }
    }
    MonitorResult.Cluster cluster = null;
    long best = 0;
    for (MonitorResult.Cluster k : r.clusters()) {
      long n = k.accounts().stream().filter(members::contains).count();
      if (k.flagged() && k.handoff() != null && n > best) {
        best = n;
        cluster = k;
      }
    }
    out.printf(Locale.ROOT, "monitor: %d of the campaign's %d accounts flagged; %s%n", flagged, inLog,
        cluster == null ? "no flagged cluster holds them" : "cluster " + cluster.id() + " (" + cluster.accounts().size()
            + " accounts, score " + String.format(Locale.ROOT, "%.1f", cluster.score()) + ") hands off tenants "
            + cluster.handoff().tenants() + " and " + cluster.handoff().queries().queries().size() + " replay prompts");
    if (cluster == null) {
      return new Outcome(tenant, inLog, flagged, null, List.of(), 0, null, 0, null, null);
    }
    QueryList replay = cluster.handoff().queries();
    Path replayFile = dir.resolve("replay-" + cluster.id() + ".jsonl");
    SafeFiles.replace(replayFile, replay.toJsonl());

    // the owner's model, and its answers to the replayed prompts under the handed-off tenant's key
    TextTokenizer enc = Tokenizers.jtokkit(NGramModel.DEFAULT_TOKENIZER);
    int vocab = enc.vocabularySize();
    List<int[]> human = new ArrayList<>();
    for (BrownCorpus.Document d : BrownCorpus.documents().subList(0, c.brownDocuments())) {
      human.add(enc.encode(d.text()));
    }
    NGramModel owner = NGramModel.train(human, c.order(), vocab, NGramModel.DEFAULT_TOKENIZER);
    List<int[]> prompts = new ArrayList<>();
    for (QueryList.Query q : replay.queries().subList(0, Math.min(c.prompts(), replay.queries().size()))) {
      prompts.add(enc.encode(q.prompt()));
    }
    WatermarkKey master = Seeds.demoKey(c.seed());
    int tenantIndex = Integer.parseInt(cluster.handoff().tenants().get(0).substring("tenant-".length()));
    WatermarkKey tenantKey = Keys.tenant(master, tenantIndex);
    KgwSpec spec = KgwSpec.parse(DemoConfig.DEFAULT_SCHEME);
    Watermark wm = Watermarks.create(tenantKey, spec, vocab);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<int[]> answers = Answers.generate(SamplingLoop.of(owner).withTopK(50).withWatermark(wm.bias().orElseThrow()),
          prompts, c.answerTokens(), c.seed(), "owner-answers", pool);
      InheritanceResult teacherCheck = Verification.builder().scheme(spec).key(tenantKey).tokenizer(enc).alpha(1e-6)
          .controlKeys(c.controlKeys()).threads(threads).records(records("owner", answers, prompts)).build().run();
      out.printf(Locale.ROOT, "owner's model answers %d replayed prompts for %s (%d tokens each, watermarked with"
          + " its tenant key): log10 p %.1f%n", prompts.size(), cluster.handoff().tenants().get(0), c.answerTokens(),
          teacherCheck.log10P());

      // the competitor's student, trained on those answers alone, then queried with the replay list
      NGramModel student = NGramModel.train(Distillation.mix(List.of(), answers, 1.0, "the owner's answers")
          .documents(), c.order(), vocab, NGramModel.DEFAULT_TOKENIZER);
      List<int[]> studentAnswers = Answers.generate(SamplingLoop.of(student).withTopK(50), prompts,
          c.answerTokens(), c.seed(), "student", pool);
      int tenants = labels.byAccount().values().stream().mapToInt(l -> Integer.parseInt(
          l.tenant().substring("tenant-".length()))).max().orElse(0) + 1;
      InheritanceResult verdict = Verification.builder().scheme(spec).key(master).tenants(tenants).tokenizer(enc)
          .alpha(1e-6).controlKeys(c.controlKeys()).threads(threads).records(records("student", studentAnswers,
              prompts)).build().run();
      Outcome o = new Outcome(tenant, inLog, flagged, cluster.id(), cluster.handoff().tenants(),
          replay.queries().size(), replayFile, tenants, teacherCheck, verdict);
      out.printf(Locale.ROOT, "student: %s with the master key and %d tenant keys (Holm): best key %s, log10 p %.1f"
          + " (adjusted %.1f), keys significant at 1e-6: %s; %.0f s in all%n", verdict.verdict().label(), tenants,
          verdict.best().label(), verdict.best().log10P(), verdict.best().log10PAdjusted(), o.significantKeys(),
          (System.nanoTime() - t0) / 1e9);
      return o;
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<SuspectRecord> records(String prefix, List<int[]> answers, List<int[]> prompts) {
    List<SuspectRecord> out = new ArrayList<>(answers.size());
    for (int i = 0; i < answers.size(); i++) {
      out.add(new SuspectRecord(prefix + "-" + i, answers.get(i), prompts.get(i)));
    }
    return out;
  }
}
