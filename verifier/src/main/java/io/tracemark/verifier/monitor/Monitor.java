package io.tracemark.verifier.monitor;

import io.tracemark.api.Checks;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.BadRecords;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.Inputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Usage monitoring of the owner's API log: the façade. {@link #run} reads the log once as a
 * stream into bounded per-account {@link Usage} states, scores every account on each {@link
 * Signal} calibrated against benign traffic ({@link Calibration}), links accounts that share an
 * address, a payment instrument, a repeated template or their active moments into clusters (connected components,
 * JGraphT), scores each cluster without its most extreme accounts against random groups of benign accounts of the
 * size left (drawn, round after round, without the accounts found so far), and, when a
 * cluster is flagged, reads the log a second time for its hand-off (tenants, replay prompts,
 * templates, redacted examples).
 *
 * <p>An account's score is −log10 of its smallest signal p-value times the number of signals
 * (Bonferroni), so a benign account reaches the account threshold −log10 α with probability at
 * most α when the calibration holds; a cluster likewise against its size's null. An account counts
 * as flagged when it is flagged itself or belongs to a flagged cluster. Immutable and thread-safe;
 * each run reads on the calling thread.
 */
public final class Monitor {
  /** Default false-positive rate of the account threshold. */
  public static final double DEFAULT_ACCOUNT_ALPHA = 0.002;
  /** Default false-positive rate of the cluster threshold (per cluster). */
  public static final double DEFAULT_CLUSTER_ALPHA = 0.001;
  /** Default window before and after a release, in hours. */
  public static final double DEFAULT_RELEASE_WINDOW_HOURS = 72;
  /** Default answer length (max_tokens) that counts as asking for the longest answer. */
  public static final long DEFAULT_LONG_ANSWER = 4096;
  /** Default most prompts in a replay list. */
  public static final int DEFAULT_REPLAY_LIMIT = 100_000;
  /**
   * Random groups per size in the cluster null at least; a null of groups of m accounts drawn from a
   * pool of N has N / m groups when that is more, so that small groups see the pool's whole tail.
   */
  static final int NULL_GROUPS = 200;
  /** Rounds of the cluster null at most (each leaves out the accounts flagged in the rounds before). */
  static final int MAX_ROUNDS = 4;
  /** An account's band key must repeat this often in it to link it to other accounts. */
  static final int TEMPLATE_LINK_COUNT = 3;
  /** An account links by timing only when it was active in at least this many distinct buckets. */
  static final int TIMING_LINK_BUCKETS = 8;
  /** An account links by template only when its template signal has p at most this. */
  static final double TEMPLATE_LINK_P = 0.05;
  private static final int EXAMPLES = 5;
  private static final int TEMPLATES = 3;

  private final LogFields fields;
  private final double[] releases;
  private final double window;
  private final Phrases phrases;
  private final long longAnswer;
  private final double accountAlpha;
  private final double clusterAlpha;
  private final BadRecordPolicy policy;
  private final long maxRecordBytes;
  private final List<Path> baseline;
  private final int replayLimit;
  private final long seed;
  private final int threads;
  private final PromptEmbedding embedding;
  private final int dim;

  private Monitor(Builder b) {
    this.fields = b.fields;
    this.releases = b.releases.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    this.window = b.windowHours * 3600;
    this.phrases = b.phrases;
    this.longAnswer = b.longAnswer;
    this.accountAlpha = b.accountAlpha;
    this.clusterAlpha = b.clusterAlpha;
    this.policy = b.policy;
    this.maxRecordBytes = b.maxRecordBytes;
    this.baseline = List.copyOf(b.baseline);
    this.replayLimit = b.replayLimit;
    this.seed = b.seed;
    this.threads = b.threads;
    this.embedding = b.embedding;
    this.dim = embedding == null ? PromptFeatures.DIM : embedding.dimension();
    Checks.require(dim >= 1, "the embedding dimension must be >= 1, was %d", dim);
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The options of a run. Not thread-safe. */
  public static final class Builder {
    private LogFields fields = LogFields.DEFAULT;
    private List<Double> releases = List.of();
    private double windowHours = DEFAULT_RELEASE_WINDOW_HOURS;
    private Phrases phrases = Phrases.DEFAULT;
    private long longAnswer = DEFAULT_LONG_ANSWER;
    private double accountAlpha = DEFAULT_ACCOUNT_ALPHA;
    private double clusterAlpha = DEFAULT_CLUSTER_ALPHA;
    private BadRecordPolicy policy = BadRecordPolicy.FAIL;
    private long maxRecordBytes = Inputs.DEFAULT_MAX_RECORD_BYTES;
    private List<Path> baseline = List.of();
    private int replayLimit = DEFAULT_REPLAY_LIMIT;
    private long seed = 1;
    private int threads = Math.min(4, Runtime.getRuntime().availableProcessors());
    private PromptEmbedding embedding;

    private Builder() {}

    /**
     * The prompt embedding the MMD and PRADA signals compare (default null: the hashed n-gram
     * vector of {@link PromptEmbedding}'s description).
     */
    public Builder embedding(PromptEmbedding e) {
      this.embedding = e;
      return this;
    }

    /**
     * Threads that parse the log and compute the prompt features (default: the processors, at
     * most 4); the per-account state is updated on the calling thread in log order, so the result
     * does not depend on it.
     */
    public Builder threads(int n) {
      Checks.require(n >= 1 && n <= 256, "threads must be between 1 and 256, was %d", n);
      this.threads = n;
      return this;
    }

    /** The log's field names (default {@link LogFields#DEFAULT}). */
    public Builder fields(LogFields f) {
      this.fields = Objects.requireNonNull(f, "fields");
      return this;
    }

    /** Release times in epoch seconds, for the pivot signal (default none: no pivot signal). */
    public Builder releases(List<Double> epochSeconds) {
      epochSeconds.forEach(t -> Checks.require(Double.isFinite(t), "a release time must be finite, was %s", t));
      this.releases = List.copyOf(epochSeconds);
      return this;
    }

    /** Hours before and after each release that the pivot test compares (default 72). */
    public Builder releaseWindowHours(double hours) {
      Checks.require(hours > 0 && hours <= 24 * 366, "the release window must be in (0, 8784] hours, was %s",
          hours);
      this.windowHours = hours;
      return this;
    }

    /** The chain-of-thought and harvesting phrases (default {@link Phrases#DEFAULT}). */
    public Builder phrases(Phrases p) {
      this.phrases = Objects.requireNonNull(p, "phrases");
      return this;
    }

    /** A max_tokens at least this large counts as asking for the longest answer (default 4096). */
    public Builder longAnswer(long tokens) {
      Checks.require(tokens >= 1, "the long-answer limit must be >= 1, was %d", tokens);
      this.longAnswer = tokens;
      return this;
    }

    /** False-positive rate of the account threshold (default 0.002). */
    public Builder accountAlpha(double alpha) {
      Checks.require(alpha > 0 && alpha < 1, "the account alpha must be in (0, 1), was %s", alpha);
      this.accountAlpha = alpha;
      return this;
    }

    /** False-positive rate of the cluster threshold, per cluster (default 0.001). */
    public Builder clusterAlpha(double alpha) {
      Checks.require(alpha > 0 && alpha < 1, "the cluster alpha must be in (0, 1), was %s", alpha);
      this.clusterAlpha = alpha;
      return this;
    }

    /** What to do with a bad line (default fail). */
    public Builder badRecords(BadRecordPolicy p) {
      this.policy = Objects.requireNonNull(p, "policy");
      return this;
    }

    /** The longest line, after gzip (default 64 MiB). */
    public Builder maxRecordBytes(long bytes) {
      Checks.require(bytes >= Inputs.MIN_RECORD_BYTES_LIMIT && bytes <= Inputs.MAX_RECORD_BYTES_LIMIT,
          "the record limit must be between %d and %d bytes, was %d", Inputs.MIN_RECORD_BYTES_LIMIT,
          Inputs.MAX_RECORD_BYTES_LIMIT, bytes);
      this.maxRecordBytes = bytes;
      return this;
    }

    /** A benign reference log to calibrate on (default none: the log calibrates itself). */
    public Builder baseline(List<Path> files) {
      this.baseline = List.copyOf(files);
      return this;
    }

    /** The most prompts of a replay list (default 100,000). */
    public Builder replayLimit(int limit) {
      Checks.require(limit >= 1, "the replay limit must be >= 1, was %d", limit);
      this.replayLimit = limit;
      return this;
    }

    /** The seed of the random groups of the cluster null (default 1). */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** The monitor. */
    public Monitor build() {
      return new Monitor(this);
    }
  }

  /** A request with the features its prompt needs, computed on a reading worker. */
  private record Prepared(LogRecord record, float[] vector, long[] bandKeys, boolean phrase, boolean harvesting) {}

  private Prepared prepare(LogRecord r, ThreadLocal<PromptFeatures> features) {
    PromptFeatures f = features.get();
    if (r.prompt() != null) {
      f.ofText(r.prompt());
    } else {
      f.ofTokens(r.promptTokens());
    }
    boolean phrase = r.prompt() != null && phrases.matches(r.prompt());
    boolean harvesting = r.n() > 1 || r.maxTokens() >= longAnswer;
    if (!f.hasWords) {
      return new Prepared(r, null, null, phrase, harvesting);
    }
    float[] vector = f.vector.clone();
    if (embedding != null) {
      vector = new float[dim];
      if (!embedding.embed(r.prompt(), r.prompt() == null ? r.promptTokens() : null, vector)) {
        return new Prepared(r, null, null, phrase, harvesting);
      }
    }
    return new Prepared(r, vector, f.bandKeys.clone(), phrase, harvesting);
  }

  /** The accounts of some log files and the traffic per hour. */
  private final class Pass {
    final Map<String, Usage> accounts = new HashMap<>();
    final TreeMap<Long, long[]> traffic = new TreeMap<>();
    final ThreadLocal<PromptFeatures> features = ThreadLocal.withInitial(PromptFeatures::new);

    void read(LogReader reader, Path file) {
      reader.read(file, threads, r -> prepare(r, features), this::add);
    }

    /** The hour of the last request and its traffic counters (a time-ordered log stays in one hour for long). */
    private long hour = Long.MIN_VALUE;
    private long[] hourTraffic;

    private void add(Prepared p) {
      LogRecord r = p.record();
      Usage u = accounts.get(r.account());
      if (u == null) {
        u = Usage.account(releases.length, dim);
        accounts.put(r.account(), u);
      }
      u.add(r, p.vector(), p.bandKeys(), p.harvesting(), p.phrase(), releases, window);
      long h = (long) Math.floor(r.time() / 3600);
      if (h != hour || hourTraffic == null) {
        hour = h;
        hourTraffic = traffic.computeIfAbsent(h, x -> new long[2]);
      }
      hourTraffic[0]++;
    }

    /** The accounts sorted by name: the order every later step (and so every result) follows. */
    TreeMap<String, Usage> sorted() {
      return new TreeMap<>(accounts);
    }
  }

  /**
   * Monitors the log.
   *
   * @param log the log files, read in order as one log
   * @throws InputException for an unreadable file, a line past the record limit, the first bad line
   *     under the fail policy, or a log without a single request
   */
  public MonitorResult run(List<Path> log) {
    Checks.require(!log.isEmpty(), "the log has no file");
    BadRecords bad = new BadRecords(policy, InputException::new);
    LogReader reader = new LogReader(fields, maxRecordBytes, bad);
    Pass pass = new Pass();
    for (Path f : log) {
      pass.read(reader, f);
    }
    if (pass.accounts.isEmpty()) {
      throw new InputException(log.get(0) + (log.size() > 1 ? " and the other log files" : "")
          + ": the log has no usable request");
    }
    TreeMap<String, Usage> byName = pass.sorted();
    List<String> names = new ArrayList<>(byName.keySet());
    List<Usage> accounts = new ArrayList<>(byName.values());
    List<Usage> baseAccounts = accounts;
    if (!baseline.isEmpty()) {
      Pass b = new Pass();
      LogReader baseReader = new LogReader(fields, maxRecordBytes, bad);
      for (Path f : baseline) {
        b.read(baseReader, f);
      }
      if (b.accounts.isEmpty()) {
        throw new InputException(baseline.get(0) + ": the baseline has no usable request");
      }
      baseAccounts = new ArrayList<>(b.sorted().values());
    }
    List<Usage> reference = baseAccounts;
    Statistics stats = Statistics.of(reference, accounts, releases.length);
    List<Signal> active = activeSignals();
    int k = active.size();

    double[][] raw = new double[accounts.size()][];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = stats.of(accounts.get(i));
    }
    double[][] refRaw = reference == accounts ? raw : reference.stream().map(stats::of).toArray(double[][]::new);
    Calibration[] cal = new Calibration[Signal.values().length];
    for (Signal s : active) {
      double[][] source = s == Signal.RELEASE_PIVOT ? raw : refRaw;
      cal[s.ordinal()] = Calibration.of(Arrays.stream(source).mapToDouble(x -> x[s.ordinal()]).toArray());
    }
    double accountThreshold = -Math.log10(accountAlpha);
    double[][] scores = new double[accounts.size()][];
    double[] accountScore = new double[accounts.size()];
    for (int i = 0; i < raw.length; i++) {
      scores[i] = calibrated(raw[i], cal, active);
      accountScore[i] = combined(scores[i], k);
    }

    // coordination: accounts linked by a shared address, payment instrument or repeated template
    Coordination links = new Coordination(names.size());
    Map<String, Integer> byIp = new HashMap<>();
    Map<String, Integer> byPayment = new HashMap<>();
    Map<Long, Integer> byTemplate = new HashMap<>();
    Map<Long, Integer> byTiming = new HashMap<>();
    double templateLink = -Math.log10(TEMPLATE_LINK_P);
    for (int i = 0; i < accounts.size(); i++) {
      Usage u = accounts.get(i);
      for (String ip : u.ips) {
        if (ip != null) {
          links.link(i, byIp.computeIfAbsent(ip, x -> links.vertex()), "ip");
        }
      }
      for (String p : u.payments) {
        if (p != null) {
          links.link(i, byPayment.computeIfAbsent(p, x -> links.vertex()), "payment");
        }
      }
      if (u.activeBuckets >= TIMING_LINK_BUCKETS) {
        for (long key : u.timingBands()) {
          links.link(i, byTiming.computeIfAbsent(key, x -> links.vertex()), "timing");
        }
      }
      if (scores[i][Signal.TEMPLATE.ordinal()] >= templateLink) {
        for (long key : u.repeatedBands(TEMPLATE_LINK_COUNT)) {
          links.link(i, byTemplate.computeIfAbsent(key, x -> links.vertex()), "template");
        }
      }
    }
    List<Coordination.Component> components = links.components();

    // cluster scores, each signal without the cluster's top tenth on it, against random groups of benign accounts of
    // the size left, drawn without the accounts found so far: the accounts flagged on their own first, then those of
    // each round's flagged clusters
    double clusterThreshold = -Math.log10(clusterAlpha);
    boolean[] found = new boolean[accounts.size()];
    for (int i = 0; i < accounts.size(); i++) {
      found[i] = accountScore[i] >= accountThreshold;
    }
    // a cluster keeps its highest score over the rounds (a later round's pool has fewer extreme accounts)
    Scored[] best = new Scored[components.size()];
    for (int round = 0; round < MAX_ROUNDS; round++) {
      List<Usage> logPool = unfound(accounts, found);
      List<Usage> refPool = reference == accounts ? logPool : reference;
      SplittableRandom random = new SplittableRandom(seed);
      Map<Integer, Calibration[]> nulls = new HashMap<>();
      boolean grew = false;
      for (int c = 0; c < components.size(); c++) {
        Coordination.Component comp = components.get(c);
        int[] members = comp.members().stream().mapToInt(Integer::intValue).toArray();
        int size = Math.min(members.length - trim(members.length), refPool.size());
        Calibration[] nullCal = nulls.computeIfAbsent(sizeClass(size),
            m -> groupNull(m, refPool, logPool, stats, active, random));
        double[] sig = calibrated(groupStatistics(members, accounts, raw, stats, active), nullCal, active);
        Scored s = new Scored(comp.members(), sig, combined(sig, k), comp.kinds());
        if (best[c] == null || s.score > best[c].score) {
          best[c] = s;
        }
        if (s.score >= clusterThreshold) {
          for (int i : members) {
            grew |= !found[i];
            found[i] = true;
          }
        }
      }
      if (!grew) {
        break;
      }
    }
    List<Scored> clusters = new ArrayList<>(Arrays.asList(best));
    boolean[] inCluster = new boolean[accounts.size()];
    clusters.forEach(c -> c.members.forEach(i -> inCluster[i] = true));
    for (int i = 0; i < accounts.size(); i++) {
      if (!inCluster[i] && accountScore[i] >= accountThreshold) {
        clusters.add(new Scored(List.of(i), scores[i], accountScore[i], List.of()));
      }
    }
    clusters.sort(Comparator.comparingDouble((Scored s) -> -s.score)
        .thenComparing(s -> names.get(s.members.stream().min(Comparator.comparing(names::get)).orElseThrow())));
    String[] clusterOf = new String[accounts.size()];
    boolean[] flagged = new boolean[accounts.size()];
    List<String> ids = new ArrayList<>();
    for (int c = 0; c < clusters.size(); c++) {
      Scored s = clusters.get(c);
      String id = "c" + (c + 1);
      ids.add(id);
      s.flagged = s.members.size() == 1 ? s.score >= accountThreshold : s.score >= clusterThreshold;
      for (int i : s.members) {
        clusterOf[i] = id;
        flagged[i] |= s.flagged;
      }
    }
    for (int i = 0; i < accounts.size(); i++) {
      flagged[i] |= accountScore[i] >= accountThreshold;
    }

    Map<Integer, Handoffs.Collector> collectors = new LinkedHashMap<>();
    Map<String, Handoffs.Collector> byAccount = new HashMap<>();
    for (int c = 0; c < clusters.size(); c++) {
      if (clusters.get(c).flagged) {
        Handoffs.Collector col = new Handoffs.Collector(replayLimit);
        collectors.put(c, col);
        for (int i : clusters.get(c).members) {
          byAccount.put(names.get(i), col);
        }
      }
    }
    SortedMap<Long, long[]> traffic = pass.traffic;
    if (!collectors.isEmpty()) {
      LogReader again = new LogReader(fields, maxRecordBytes,
          new BadRecords(BadRecordPolicy.SKIP, InputException::new));
      for (Path f : log) {
        again.readAccounts(f, threads, byAccount.keySet(), r -> {
          Handoffs.Collector col = byAccount.get(r.account());
          if (col != null) {
            col.add(r);
            traffic.get((long) Math.floor(r.time() / 3600))[1]++;
          }
        });
      }
    }

    List<MonitorResult.Account> accountResults = new ArrayList<>();
    for (int i = 0; i < accounts.size(); i++) {
      List<String> tenants = Arrays.stream(accounts.get(i).tenants).filter(Objects::nonNull).toList();
      accountResults.add(new MonitorResult.Account(names.get(i), accounts.get(i).requests, accountScore[i],
          flagged[i], clusterOf[i], signalMap(scores[i], active), tenants));
    }
    accountResults.sort(Comparator.comparingDouble((MonitorResult.Account a) -> -a.score())
        .thenComparing(MonitorResult.Account::account));
    List<MonitorResult.Cluster> clusterResults = new ArrayList<>();
    for (int c = 0; c < clusters.size(); c++) {
      Scored s = clusters.get(c);
      List<String> members = s.members.stream().map(names::get).sorted().toList();
      MonitorResult.Handoff handoff = null;
      Handoffs.Collector col = collectors.get(c);
      if (col != null) {
        handoff = col.handoff(ids.get(c), TEMPLATES, EXAMPLES);
      }
      clusterResults.add(new MonitorResult.Cluster(ids.get(c), members, s.score, s.flagged, signalMap(s.signals,
          active), s.kinds, handoff));
    }
    List<MonitorResult.Threshold> thresholds = List.of(
        new MonitorResult.Threshold("account", accountThreshold, accountAlpha),
        new MonitorResult.Threshold("cluster", clusterThreshold, clusterAlpha),
        new MonitorResult.Threshold("signal", -Math.log10(accountAlpha / k), accountAlpha / k));
    Map<String, Double> rates = new LinkedHashMap<>();
    rates.put(Signal.COT.label(), stats.phraseRate());
    rates.put(Signal.HARVEST.label(), stats.harvestRate());
    return new MonitorResult(reader.records(), bad.count(), bad.listed(), reference.size(),
        baseline.isEmpty() ? "log" : "baseline", Arrays.stream(releases).boxed().toList(), accountResults,
        clusterResults, thresholds, traffic, rates);
  }

  /** The signals of this run: the release pivot only with release dates. */
  List<Signal> activeSignals() {
    List<Signal> s = new ArrayList<>(List.of(Signal.values()));
    if (releases.length == 0) {
      s.remove(Signal.RELEASE_PIVOT);
    }
    return s;
  }

  private static final class Scored {
    final List<Integer> members;
    final double[] signals;
    final double score;
    final List<String> kinds;
    boolean flagged;

    Scored(List<Integer> members, double[] signals, double score, List<String> kinds) {
      this.members = members;
      this.signals = signals;
      this.score = score;
      this.kinds = kinds;
    }
  }

  /** −log10 p per signal (0 for an inactive one). */
  private static double[] calibrated(double[] raw, Calibration[] cal, List<Signal> active) {
    double[] s = new double[raw.length];
    for (Signal sig : active) {
      s[sig.ordinal()] = Math.max(0, -cal[sig.ordinal()].log10p(raw[sig.ordinal()]));
    }
    return s;
  }

  /** −log10 of min(1, k · smallest p): the Bonferroni-adjusted smallest p-value. */
  static double combined(double[] scores, int k) {
    double best = 0;
    for (double s : scores) {
      best = Math.max(best, s);
    }
    return Math.max(0, best - Math.log10(k));
  }

  private static Map<String, Double> signalMap(double[] scores, List<Signal> active) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (Signal s : active) {
      m.put(s.label(), scores[s.ordinal()]);
    }
    return m;
  }

  /** Group sizes share a null by class: exact up to 8, then powers of two (rounded up). */
  static int sizeClass(int size) {
    return size <= 8 ? size : Integer.highestOneBit(size - 1) << 1;
  }

  /** The accounts not {@code found}; all of them when fewer than two are left. */
  private static List<Usage> unfound(List<Usage> accounts, boolean[] found) {
    List<Usage> pool = new ArrayList<>();
    for (int i = 0; i < accounts.size(); i++) {
      if (!found[i]) {
        pool.add(accounts.get(i));
      }
    }
    return pool.size() < 2 ? accounts : pool;
  }

  /** Members a group's statistic leaves out, per signal: a tenth of the group, rounded up. */
  static int trim(int m) {
    return (m + 9) / 10;
  }

  /**
   * The raw statistics of a cluster: for each signal, the statistic of its accounts' merged traffic
   * without the {@link #trim} accounts with the largest raw value of that signal (NaN counting as
   * the smallest). A cluster stands out only when its traffic without its most extreme accounts
   * does: one heavy account (a batch job) does not make its organisation extreme, a campaign spread
   * over many accounts still is. It is calibrated against random groups of the size left (its class,
   * rounded up), untrimmed: for a statistic that grows with each member's traffic, the m − t least
   * extreme members of a benign cluster score at most what m − t of its members drawn at random do,
   * and those are a random group of benign accounts.
   */
  private double[] groupStatistics(int[] members, List<Usage> accounts, double[][] raw, Statistics stats,
      List<Signal> active) {
    double[] x = new double[Signal.values().length];
    Arrays.fill(x, Double.NaN);
    int t = trim(members.length);
    Integer[] order = new Integer[members.length];
    for (Signal s : active) {
      int so = s.ordinal();
      for (int j = 0; j < members.length; j++) {
        order[j] = members[j];
      }
      Arrays.sort(order, Comparator.comparingDouble((Integer i) -> {
        double v = raw[i][so];
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
      }).reversed().thenComparing(i -> i));
      Usage group = new Usage(releases.length, dim);
      for (int j = t; j < order.length; j++) {
        group.merge(accounts.get(order[j]), s == Signal.TEMPLATE);
      }
      x[so] = stats.of(group, s);
    }
    return x;
  }

  /**
   * The calibration of a group of {@code m} accounts: random groups (at least {@value #NULL_GROUPS},
   * drawn without replacement inside a group) from the benign reference; the release pivot's from
   * the log's own accounts. Under self-calibration both pools are the log's accounts not found so
   * far.
   */
  private Calibration[] groupNull(int m, List<Usage> reference, List<Usage> log, Statistics stats,
      List<Signal> active, SplittableRandom random) {
    double[][] ref = groups(m, reference, stats, random);
    double[][] own = log == reference ? ref : groups(m, log, stats, random);
    Calibration[] cal = new Calibration[Signal.values().length];
    for (Signal s : active) {
      double[][] source = s == Signal.RELEASE_PIVOT ? own : ref;
      cal[s.ordinal()] = Calibration.of(Arrays.stream(source).mapToDouble(x -> x[s.ordinal()]).toArray());
    }
    return cal;
  }

  private double[][] groups(int m, List<Usage> pool, Statistics stats, SplittableRandom random) {
    int size = Math.min(m, pool.size());
    int[] idx = new int[pool.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    int n = Math.max(NULL_GROUPS, pool.size() / size);
    double[][] out = new double[n][];
    for (int g = 0; g < n; g++) {
      Usage group = new Usage(releases.length, dim);
      for (int j = 0; j < size; j++) { // partial Fisher–Yates shuffle
        int r = j + random.nextInt(idx.length - j);
        int t = idx[j];
        idx[j] = idx[r];
        idx[r] = t;
        group.merge(pool.get(idx[j]));
      }
      out[g] = stats.of(group);
    }
    return out;
  }
}
