package io.tracemark.examples.traffic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tracemark.core.internal.Mix;
import io.tracemark.core.internal.SafeFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The traffic simulator: writes an owner's API log of benign users and extraction campaigns, and
 * the ground truth beside it, deterministically from {@link TrafficConfig#seed()} (same
 * configuration, byte-identical files).
 *
 * <p>It is a simulation, the test bed of {@code tracemark monitor}, not a model of any real
 * service. Benign users are people (sessions of a few requests with human gaps, more by day in
 * their own time zone and on weekdays, heavy-tailed volume so that a few people send as much as a
 * campaign account), benign batch jobs (one template of their own, on a schedule) and
 * organisations (many accounts behind one address and one card). Campaigns are described in
 * {@link Campaign.Kind}. Prompts are Brown sentences and passages framed by human tasks, or the
 * campaigns' templates ({@link PromptBank}).
 *
 * <p>Files written to the output directory: the log ({@link TrafficConfig#logName()}, JSONL, one
 * request per line in time order with the fields {@code time} (ISO-8601 UTC, milliseconds),
 * {@code account}, {@code tenant}, {@code ip}, {@code payment}, {@code prompt}, {@code max_tokens},
 * {@code temperature}, {@code n}, {@code response_tokens}); {@code labels.jsonl}, one line per
 * account (never in the log); {@code traffic.json}, the summary ({@link TrafficSummary}).
 *
 * <p>The log is generated one day at a time: each account's requests of a day are drawn from a
 * generator seeded by (seed, account, day), the day's requests are sorted by time, and each
 * request's content is drawn from a generator seeded by (seed, account, day, request). Memory is
 * bounded by one day's requests (8 bytes each) and the account plans.
 */
public final class TrafficSimulator {
  static final long DAY_MS = 86_400_000L;
  /** Requests of one account in one day are numbered below this; the top bit marks a cover request. */
  private static final int MAX_PER_DAY = 1 << 15;
  private static final int COVER = 1 << 15;
  private static final int SWEEP_GRID = 97 * 89 * 5 * 3;
  /** Hourly weights of a person's activity in local time (night low, working day high). */
  private static final double[] DIURNAL = {0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 2.0, 2.2, 2.2, 1.8, 2.0,
      2.2, 2.1, 1.9, 1.6, 1.4, 1.5, 1.6, 1.4, 1.0, 0.6};
  private static final double[] DIURNAL_CDF = cdf(DIURNAL);

  private final TrafficConfig config;
  private final PromptBank bank;
  private final TrafficPlan plan;

  /** A simulator of {@code config}; plans every account (cheap), generates nothing yet. */
  public TrafficSimulator(TrafficConfig config) {
    this.config = config;
    this.bank = PromptBank.brown();
    this.plan = TrafficPlan.of(config);
  }

  /** The accounts of the simulation, benign and campaign, in account-index order. */
  public List<TrafficPlan.Account> accounts() {
    return plan.accounts();
  }

  /**
   * Writes the log, {@code labels.jsonl} and {@code traffic.json} into {@code dir} (created when
   * missing; each file replaced whole, never through a symbolic link).
   */
  public TrafficSummary writeTo(Path dir) throws IOException {
    long[] perAccount = new long[plan.accounts().size()];
    SafeFiles.replace(dir.resolve(config.logName()), os -> writeLog(os, perAccount));
    TrafficSummary summary = TrafficSummary.of(config, plan, perAccount);
    SafeFiles.replace(dir.resolve("labels.jsonl"), os -> writeLabels(os, perAccount));
    SafeFiles.replace(dir.resolve("traffic.json"), summary.toJson().getBytes(StandardCharsets.UTF_8));
    return summary;
  }

  private void writeLog(OutputStream os, long[] perAccount) throws IOException {
    OutputStream sink = os;
    GZIPOutputStream gz = null;
    if (config.gzip()) {
      // the fastest level: the log is large and written once; the gzip header's time is zero, so
      // the bytes depend on the content alone
      gz = new GZIPOutputStream(os, 1 << 16) {
        {
          def.setLevel(Deflater.BEST_SPEED);
        }
      };
      sink = gz;
    }
    Writer w = new BufferedWriter(new OutputStreamWriter(sink, StandardCharsets.UTF_8), 1 << 16);
    JsonGenerator g = new JsonFactory().createGenerator(w);
    g.setRootValueSeparator(null);
    long[] keys = new long[1024];
    for (int day = 0; day < config.days(); day++) {
      int n = 0;
      for (TrafficPlan.Account a : plan.accounts()) {
        DayRequests requests = requestTimes(a, day);
        long[] times = requests.times();
        for (int k = 0; k < times.length; k++) {
          long ms = times[k];
          if (ms < 0 || ms >= DAY_MS) {
            continue;
          }
          if (n == keys.length) {
            keys = Arrays.copyOf(keys, n * 2);
          }
          // time in the day (27 bits), account (20 bits), request number and cover bit (16 bits)
          keys[n++] = (ms << 36) | ((long) a.index() << 16) | (k < requests.cover() ? k | COVER : k);
        }
      }
      Arrays.sort(keys, 0, n);
      String prefix = Instant.ofEpochMilli(config.start().toEpochMilli() + day * DAY_MS).toString()
          .substring(0, 11);
      for (int i = 0; i < n; i++) {
        long key = keys[i];
        int ms = (int) (key >>> 36);
        int account = (int) ((key >>> 16) & 0xFFFFF);
        int k = (int) (key & 0xFFFF);
        writeRequest(g, prefix, ms, plan.accounts().get(account), day, k);
        perAccount[account]++;
      }
    }
    g.flush();
    w.flush();
    if (gz != null) {
      gz.finish();
    }
  }

  // ------------------------------------------------------------------ when

  /**
   * An account's requests of one day: their times in ms from midnight, unsorted (values outside
   * the day are dropped by the caller); the first {@code cover} are a pivot account's ordinary
   * requests before it pivots.
   */
  record DayRequests(long[] times, int cover) {}

  /** The requests of account {@code a} on day {@code day}. */
  DayRequests requestTimes(TrafficPlan.Account a, int day) {
    SplittableRandom r = new SplittableRandom(mix(config.seed(), 1, a.index(), day));
    long dayStart = config.start().toEpochMilli() + day * DAY_MS;
    LongList t = new LongList();
    int cover = 0;
    switch (a.behaviour()) {
      case HUMAN -> human(a, day, r, t);
      case BATCH -> {
        boolean weekend = weekend(day);
        if (r.nextDouble() < (weekend ? 0.3 : 0.95)) {
          int items = (int) Math.round(a.rate() * (0.8 + 0.4 * r.nextDouble()));
          long ms = hourMs(a.hour() - a.timeZone()) + r.nextInt(300_000);
          for (int i = 0; i < items; i++) {
            t.add(ms);
            ms += 1500 + r.nextInt(1500);
          }
        }
      }
      case SWEEP -> window(hourMs(a.hour()) + a.jitterMs(), a.rate(), 2 * 3_600_000L, r, t);
      case PIVOT -> {
        long pivot = a.pivotMs() - dayStart;
        if (pivot > 0) {
          cover(r, t, Math.min(pivot, DAY_MS));
          cover = t.size();
        }
        if (pivot < DAY_MS) {
          // from the pivot on its day, then in the campaign's daily window: three hours each
          long from = pivot >= 0 ? pivot : hourMs(a.hour()) + a.jitterMs();
          window(from, a.rate(), 3 * 3_600_000L, r, t);
        }
      }
      case SLOW -> {
        // scheduled moments every 6 hours; the account takes part in a share of them
        int ticksPerDay = 4;
        int ticks = ticksPerDay * config.days();
        double share = Math.min(1, a.rate() / ticks);
        for (int j = 0; j < ticksPerDay; j++) {
          long tick = (long) day * ticksPerDay + j;
          SplittableRandom tr = new SplittableRandom(mix(config.seed(), 3, a.index(), tick));
          if (tr.nextDouble() < share) {
            t.add(j * 6 * 3_600_000L + a.jitterMs() + tr.nextInt(120_000));
          }
        }
      }
      default -> throw new IllegalStateException("behaviour " + a.behaviour());
    }
    return new DayRequests(t.toArray(), cover);
  }

  private void human(TrafficPlan.Account a, int day, SplittableRandom r, LongList t) {
    double dayRate = a.rate() * (weekend(day) ? 0.6 : 1.16);
    int sessions = poisson(r, dayRate / 4);
    for (int s = 0; s < sessions; s++) {
      int localHour = pick(r, DIURNAL_CDF);
      long ms = hourMs(localHour - a.timeZone()) + r.nextInt(3_600_000);
      int len = 1;
      while (r.nextDouble() > 0.25 && len < 200) {
        len++;
      }
      for (int i = 0; i < len && t.size() < MAX_PER_DAY - 1; i++) {
        t.add(ms);
        ms += (long) (1000 * Math.exp(Math.log(45) + r.nextGaussian()));
      }
    }
  }

  /** About one ordinary request in the working hours of the day, before {@code untilMs}. */
  private static void cover(SplittableRandom r, LongList t, long untilMs) {
    int n = poisson(r, 1.0);
    for (int i = 0; i < n; i++) {
      long ms = hourMs(8 + r.nextInt(12)) + r.nextInt(3_600_000);
      if (ms < untilMs) {
        t.add(ms);
      }
    }
  }

  /** About {@code rate} requests evenly spread (gaps ±20%) over a window from {@code fromMs}. */
  private static void window(long fromMs, double rate, long lengthMs, SplittableRandom r, LongList t) {
    int n = Math.min(MAX_PER_DAY - 1 - t.size(), poisson(r, rate));
    if (n <= 0) {
      return;
    }
    double gap = (double) lengthMs / n;
    double ms = fromMs;
    for (int i = 0; i < n; i++) {
      t.add((long) ms);
      ms += gap * (0.8 + 0.4 * r.nextDouble());
    }
  }

  // ------------------------------------------------------------------ what

  private void writeRequest(JsonGenerator g, String dayPrefix, int ms, TrafficPlan.Account a, int day, int k)
      throws IOException {
    SplittableRandom r = new SplittableRandom(mix(config.seed(), 2, a.index(), ((long) day << 16) | k));
    String prompt;
    int maxTokens;
    double temperature;
    int n = 1;
    boolean campaign = true;
    switch (a.behaviour()) {
      case HUMAN -> {
        prompt = bank.human(r, 0.03);
        campaign = false;
        maxTokens = humanMaxTokens(r);
        temperature = new double[] {0.2, 0.7, 0.7, 1.0}[r.nextInt(4)];
        double u = r.nextDouble();
        n = u < 0.97 ? 1 : u < 0.99 ? 2 : 3;
      }
      case BATCH -> {
        prompt = bank.batch(a.template(), r);
        campaign = false;
        maxTokens = 256;
        temperature = 0.0;
      }
      case PIVOT -> {
        if ((k & COVER) != 0) {
          prompt = bank.human(r, 0.03);
          campaign = false;
          maxTokens = humanMaxTokens(r);
          temperature = 0.7;
        } else {
          prompt = bank.sweep(1, item(a, day, k), r);
          maxTokens = 4096;
          temperature = 1.0;
          n = r.nextDouble() < 0.3 ? 4 : 1;
        }
      }
      case SWEEP -> {
        prompt = bank.sweep(0, item(a, day, k), r);
        maxTokens = 4096;
        temperature = 1.0;
        n = r.nextDouble() < 0.3 ? 4 : 1;
      }
      case SLOW -> {
        prompt = bank.sweep(2, item(a, day, k), r);
        maxTokens = r.nextDouble() < 0.5 ? 2048 : 4096;
        temperature = 0.7;
      }
      default -> throw new IllegalStateException("behaviour " + a.behaviour());
    }
    int response = campaign
        ? (int) Math.round(maxTokens * (0.55 + 0.45 * r.nextDouble()))
        : (int) Math.min(maxTokens, Math.max(1, Math.round(Math.exp(Math.log(180) + 0.8 * r.nextGaussian()))));
    List<String> ips = a.ips();
    g.writeStartObject();
    g.writeStringField("time", time(dayPrefix, ms));
    g.writeStringField("account", a.id());
    g.writeStringField("tenant", a.tenant());
    g.writeStringField("ip", ips.get(ips.size() == 1 ? 0 : r.nextInt(ips.size())));
    g.writeStringField("payment", a.payment());
    g.writeStringField("prompt", prompt);
    g.writeNumberField("max_tokens", maxTokens);
    g.writeNumberField("temperature", temperature);
    g.writeNumberField("n", n);
    g.writeNumberField("response_tokens", response);
    g.writeEndObject();
    g.writeRaw('\n');
  }

  private static int humanMaxTokens(SplittableRandom r) {
    double u = r.nextDouble();
    return u < 0.3 ? 256 : u < 0.65 ? 512 : u < 0.9 ? 1024 : u < 0.97 ? 2048 : 4096;
  }

  /** The grid item of a campaign request: the campaign's accounts split the grid between them. */
  private static long item(TrafficPlan.Account a, int day, int k) {
    long step = ((long) day << 15) + (k & (COVER - 1));
    return Math.floorMod(a.ordinal() + (long) a.campaignSize() * step, SWEEP_GRID);
  }

  /** {@code dayPrefix} ({@code 2026-03-02T}) and the time of day as {@code HH:mm:ss.SSSZ}. */
  static String time(String dayPrefix, int ms) {
    char[] c = new char[13];
    two(c, 0, ms / 3_600_000);
    c[2] = ':';
    two(c, 3, ms / 60_000 % 60);
    c[5] = ':';
    two(c, 6, ms / 1000 % 60);
    c[8] = '.';
    int milli = ms % 1000;
    c[9] = (char) ('0' + milli / 100);
    two(c, 10, milli % 100);
    c[12] = 'Z';
    return dayPrefix + new String(c);
  }

  private static void two(char[] c, int at, int v) {
    c[at] = (char) ('0' + v / 10);
    c[at + 1] = (char) ('0' + v % 10);
  }

  private void writeLabels(OutputStream os, long[] perAccount) throws IOException {
    Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
    JsonGenerator g = new JsonFactory().createGenerator(w);
    g.setRootValueSeparator(null);
    for (TrafficPlan.Account a : plan.accounts()) {
      g.writeStartObject();
      g.writeStringField("account", a.id());
      g.writeStringField("tenant", a.tenant());
      g.writeStringField("label", a.campaign() == null ? "benign" : "campaign");
      g.writeStringField("campaign", a.campaign() == null ? null : a.campaign().id());
      g.writeStringField("kind", a.behaviour() == TrafficPlan.Behaviour.HUMAN ? "human"
          : a.behaviour().name().toLowerCase(Locale.ROOT));
      g.writeNumberField("requests", perAccount[a.index()]);
      g.writeEndObject();
      g.writeRaw('\n');
    }
    g.flush();
    w.flush();
  }

  // ------------------------------------------------------------------ helpers

  private boolean weekend(int day) {
    DayOfWeek d = config.start().plusMillis(day * DAY_MS).atZone(ZoneOffset.UTC).getDayOfWeek();
    return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
  }

  private static long hourMs(int hour) {
    return Math.floorMod(hour, 24) * 3_600_000L;
  }

  /** A 64-bit seed from four parts, each folded in by the SplitMix64 finalizer. */
  static long mix(long seed, long tag, long a, long b) {
    long h = Mix.splitMix64(seed ^ 0x9E3779B97F4A7C15L);
    h = Mix.splitMix64(h + tag);
    h = Mix.splitMix64(h + a);
    return Mix.splitMix64(h + b);
  }

  /** A Poisson draw: by inversion below 30, by the normal approximation above. */
  static int poisson(SplittableRandom r, double lambda) {
    if (lambda <= 0) {
      return 0;
    }
    if (lambda > 30) {
      return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * r.nextGaussian()));
    }
    double l = Math.exp(-lambda);
    int k = 0;
    double p = r.nextDouble();
    double term = l;
    double cum = l;
    while (p > cum && k < 1000) {
      k++;
      term *= lambda / k;
      cum += term;
    }
    return k;
  }

  private static int pick(SplittableRandom r, double[] cdf) {
    double u = r.nextDouble();
    for (int i = 0; i < cdf.length; i++) {
      if (u < cdf[i]) {
        return i;
      }
    }
    return cdf.length - 1;
  }

  private static double[] cdf(double[] w) {
    double sum = 0;
    for (double x : w) {
      sum += x;
    }
    double[] c = new double[w.length];
    double acc = 0;
    for (int i = 0; i < w.length; i++) {
      acc += w[i] / sum;
      c[i] = acc;
    }
    return c;
  }

  /** A growable list of longs. */
  private static final class LongList {
    private long[] a = new long[16];
    private int n;

    void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    long[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
