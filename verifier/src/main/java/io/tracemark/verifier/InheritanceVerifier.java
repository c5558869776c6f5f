package io.tracemark.verifier;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.LogitsModel;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.internal.Digests;
import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.keys.Keys;
import io.tracemark.core.stats.PValues;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Tests whether a suspect corpus or model inherits a watermark (Sander et al. 2024,
 * "Watermarking Makes Language Models Radioactive").
 *
 * <pre>{@code
 * InheritanceVerifier verifier = InheritanceVerifier.greenList(key, KgwSpec.parse("kgw:gamma=0.25,h=1"), 100_277)
 *     .alpha(1e-3)
 *     .build();
 * InheritanceResult r = verifier.closedModel(records);      // the suspect's outputs
 * InheritanceResult s = verifier.readingMode(model, owner); // an open suspect model
 * }</pre>
 *
 * <p>Both tests read the corpus once, through <b>one global deduplication tape</b>: each distinct
 * unit — (window, token) tuple, or window, by {@link DedupMode}, as the scheme fingerprints it
 * ({@link TokenScorer#unitFingerprint}) — is scored once across all records, which is what makes
 * the binomial (or gamma) p-value exact on repetitive text. For the usual schemes the fingerprints
 * do not depend on the key, so every key and every control key is scored on exactly the same
 * tuples in the same pass (split over {@link Builder#threads worker threads} by fingerprint, and
 * spilled to disk past {@link Builder#tapeMemoryBudget a memory budget}); for schemes whose units
 * depend on the key ({@link TokenScorer#keyDependentUnits()}, e.g. self seeding) each key keeps
 * its own tape, in memory, on one thread.
 *
 * <p>Closed model: positions are scored with their h preceding tokens as the window, the prompt
 * (if any) serving as context for the first answer tokens; a position whose window occurs in the
 * record's prompt is excluded (a watermarked prompt copied into the answer would otherwise look
 * like inheritance; with h = 0 the rule applies to the token itself); with a {@link
 * OwnerFilter} only windows in it are scored.
 *
 * <p>Reading mode: for each position i ≥ h of the owner's watermarked text x, the suspect's top-1
 * prediction y (argmax of its logits after x[0, i)) is scored as the tuple (x[i−h, i), y).
 *
 * <p>An instance is immutable and thread-safe: each call keeps its own tape.
 */
public final class InheritanceVerifier {
  /** Default number of control keys when a control-key factory is given. */
  public static final int DEFAULT_CONTROL_KEYS = 100;
  /** Default seed of the control keys. */
  public static final long DEFAULT_CONTROL_SEED = 0x74726163656d6bL; // "tracemk"
  /** Default significance level. */
  public static final double DEFAULT_ALPHA = 0.01;
  /** At most this many skipped records are listed individually (all are counted). */
  public static final int MAX_LISTED_SKIPS = 1000;
  private static final int MAX_CURVE_POINTS = 512;
  /** The most tenant keys tested at once (each is a scorer on every tuple). */
  public static final int MAX_TENANTS = 10_000;
  private static final long G1_REGION = g1RegionSize();

  private final List<String> labels;
  private final TokenScorer[] scorers; // real keys first, then controls
  private final int realKeys;
  private final int controlCount;
  private final long controlSeed;
  private final DedupMode dedup;
  private final boolean excludePrompt;
  private final OwnerFilter filter;
  private final double alpha;
  private final BadRecordPolicy onBadRecord;
  private final int topRecords;
  private final LongConsumer progress;
  private final int threads;
  private final java.util.concurrent.Executor executor;
  private final boolean perKeyUnits;
  private final long maxTapeUnits;
  private final long perKeyTapeBytes;
  private final String budgetOrigin;
  private final java.nio.file.Path spillDirectory;
  private final int h;
  private final int vocabularySize;
  private final NullDistribution law;

  private InheritanceVerifier(Builder b, TokenScorer[] scorers) {
    this.labels = List.copyOf(b.labels);
    this.scorers = scorers;
    this.realKeys = b.scorers.size();
    this.controlCount = scorers.length - realKeys;
    this.controlSeed = b.controlSeed;
    this.dedup = b.dedup;
    this.excludePrompt = b.excludePrompt;
    this.filter = b.filter;
    this.alpha = b.alpha;
    this.onBadRecord = b.onBadRecord;
    this.topRecords = b.topRecords;
    this.progress = b.progress;
    this.executor = b.executor;
    boolean keyDependent = false;
    for (TokenScorer sc : scorers) {
      keyDependent |= sc.keyDependentUnits();
    }
    // units that depend on the key need one tape per key: kept in memory, on one thread
    this.perKeyUnits = keyDependent && b.dedup != DedupMode.NONE;
    this.threads = perKeyUnits ? 1 : b.threads;
    // a fingerprint costs at most 32 bytes of table (load 1/4 right after the table doubles)
    this.maxTapeUnits = Math.max(1, b.tapeMemoryBudget / 32 / b.threads);
    // per-key tapes cannot spill (a unit's identity needs the key): bounded by the budget if one
    // was set, else by three quarters of the heap, and past it the run stops with an error saying so
    this.perKeyTapeBytes = b.tapeMemoryBudgetSet ? b.tapeMemoryBudget : Runtime.getRuntime().maxMemory() / 4 * 3;
    this.budgetOrigin = b.tapeMemoryBudgetSet ? "the tape memory budget, --tape-memory"
        : "three quarters of the heap; set --tape-memory or -Xmx";
    this.spillDirectory = b.spillDirectory;
    TokenScorer first = scorers[0];
    this.h = first.contextWidth();
    this.vocabularySize = first.vocabularySize();
    this.law = first.nullDistribution();
  }

  /** A builder with nothing set; add at least one scorer. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder for the green-list scheme of {@code key}: the key (labelled with its key id) as the
   * scorer, and {@value #DEFAULT_CONTROL_KEYS} control keys of the same scheme.
   */
  public static Builder greenList(WatermarkKey key, KgwSpec spec, int vocabularySize) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(spec, "spec");
    return builder().scorer(key.keyId(), Watermarks.create(key, spec, vocabularySize).scorer())
        .controlKeys(DEFAULT_CONTROL_KEYS, k -> Watermarks.create(k, spec, vocabularySize).scorer());
  }

  /**
   * A builder testing every tenant key derived from {@code master} ({@code tenant-0} …) and the
   * master itself ({@code master}), Holm-corrected, with control keys of the same scheme.
   */
  public static Builder greenListTenants(WatermarkKey master, int tenants, KgwSpec spec, int vocabularySize) {
    Objects.requireNonNull(master, "master");
    Checks.require(tenants >= 1 && tenants <= MAX_TENANTS, "tenants must be between 1 and %d, was %d",
        MAX_TENANTS, tenants);
    Builder b = greenList(master, spec, vocabularySize);
    b.labelSet.remove(b.labels.get(0));
    b.labels.set(0, "master");
    b.labelSet.add("master");
    for (int i = 0; i < tenants; i++) {
      b.scorer("tenant-" + i, Watermarks.create(Keys.tenant(master, i), spec, vocabularySize).scorer());
    }
    return b;
  }

  /** The control key of index {@code i} for {@code seed}: SHA-256 of a domain tag, seed and index. */
  public static WatermarkKey controlKey(long seed, int index) {
    return WatermarkKey.fromBytes(Digests.sha256("tracemark/control-key/v1\0",
        ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(seed).putInt(index).array()));
  }

  /** Labels of the tested keys, in order. */
  public List<String> labels() {
    return labels;
  }

  /** h, shared by all scorers. */
  public int contextWidth() {
    return h;
  }

  /** The vocabulary size shared by all scorers. */
  public int vocabularySize() {
    return vocabularySize;
  }

  /** The deduplication mode. */
  public DedupMode dedup() {
    return dedup;
  }

  /** Whether windows occurring in a record's prompt are excluded. */
  public boolean excludesPromptWindows() {
    return excludePrompt;
  }

  /** The reference filter, or null. */
  public OwnerFilter ownerFilter() {
    return filter;
  }

  /** The number of control keys. */
  public int controlKeyCount() {
    return controlCount;
  }

  /** The seed of the control keys. */
  public long controlSeed() {
    return controlSeed;
  }

  /** The significance level. */
  public double alpha() {
    return alpha;
  }

  /** The bad-record policy. */
  public BadRecordPolicy onBadRecord() {
    return onBadRecord;
  }

  // ------------------------------------------------------------------ closed model

  /**
   * Scores the suspect's outputs. The records are read once, in order, as a stream, by the calling
   * thread; with {@link Builder#threads(int) threads} &gt; 1, scoring is split by tuple fingerprint
   * over that many workers (each distinct tuple belongs to one worker, which sees the records in
   * order), so the result is the same as with one thread (gamma sums may differ in the last bits).
   * However the call ends — a result, an exception from the records, a worker or a bound, an
   * interrupt — the workers have been stopped and joined and the spilled files deleted by the time
   * it returns; an interrupt ends the call with an {@link IllegalStateException} and leaves the
   * thread's interrupt status set.
   *
   * @throws IllegalArgumentException for a bad record (empty, or a token id outside the
   *     vocabulary) when the policy is {@link BadRecordPolicy#FAIL}; the message names the record
   * @throws TapeMemoryExceededException when per-key tapes (key-dependent units) would grow past
   *     their bound (see {@link Builder#tapeMemoryBudget}); checked before each tape grows
   */
  public InheritanceResult closedModel(Iterable<SuspectRecord> records) {
    Objects.requireNonNull(records, "records");
    Meta meta = new Meta();
    List<Worker> workers = new ArrayList<>();
    for (int p = 0; p < threads; p++) {
      workers.add(new Worker(p, threads));
    }
    PartitionedPass.run(records, meta::accept, workers, executor);
    return finish("closed-model", meta, workers);
  }

  private String badRecord(SuspectRecord record) {
    if (record.length() == 0) {
      return "empty record";
    }
    String answer = outOfRange(record.answerUnsafe(), "token");
    return answer != null ? answer : outOfRange(record.promptUnsafe(), "prompt token");
  }

  private String outOfRange(int[] tokens, String what) {
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocabularySize) {
        return String.format(Locale.ROOT, "%s id at index %d must be between 0 and %d, was %d", what, i,
            vocabularySize - 1, tokens[i]);
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ reading mode

  /**
   * Reading mode: feeds each of the owner's watermarked texts to the suspect model and scores its
   * top-1 prediction at every position i ≥ h against the window x[i−h, i) of the text. One global
   * tape across all texts, as in the closed-model test; the owner filter applies if set. The
   * model is called from the calling thread only.
   */
  public InheritanceResult readingMode(LogitsModel model, Iterable<int[]> ownerTexts) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(ownerTexts, "ownerTexts");
    int modelVocab = model.vocabularySize();
    Checks.require(modelVocab >= 1, "model vocabularySize must be >= 1, was %d", modelVocab);
    float[] logits = new float[modelVocab];
    int[] scratch = new int[h + 1];
    Meta meta = new Meta();
    Worker w = new Worker(0, 1);
    int count = 0;
    for (int[] text : ownerTexts) {
      Objects.requireNonNull(text, "owner text");
      String id = "text-" + count++;
      meta.recordsRead++;
      String bad = text.length == 0 ? "empty record" : outOfRange(text, "token");
      if (bad != null) {
        meta.skip(id, bad);
        continue;
      }
      int index = meta.add(id, text.length);
      w.noContext += Math.min(h, text.length);
      for (int pos = h; pos < text.length; pos++) {
        long window = UnitFingerprints.window(text, pos - h, h);
        if (filter != null && !filter.containsFingerprint(window)) {
          w.excludedFilter++;
          continue;
        }
        System.arraycopy(text, pos - h, scratch, 0, h);
        if (dedup == DedupMode.WINDOW) {
          scratch[h] = 0; // window units do not depend on the token: skip the model call for a seen window
          if (w.allSeen(scratch, h)) {
            w.duplicates++;
            continue;
          }
        }
        Arrays.fill(logits, 0f);
        model.nextTokenLogits(text, pos, logits);
        int y = argmax(logits);
        if (y >= vocabularySize) {
          w.outsideVocabulary++;
          continue;
        }
        scratch[h] = y;
        w.offer(scratch, h, index);
      }
    }
    return finish("reading-mode", meta, List.of(w));
  }

  private static int argmax(float[] logits) {
    int best = 0;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float v = logits[i];
      if (v != v) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "suspect model logits[%d] is NaN", i));
      }
      if (v > max) {
        max = v;
        best = i;
      }
    }
    return best;
  }

  // ------------------------------------------------------------------ one pass

  /** What the reading thread knows: records, their ids and lengths, skips. Not thread-safe. */
  private final class Meta {
    long recordsRead;
    long tokensRead;
    long skippedCount;
    final List<InheritanceResult.SkippedRecord> skipped = new ArrayList<>();
    final List<String> ids = new ArrayList<>();
    long[] tokens = new long[256];
    long nextProgress = 1 << 16;

    /** Counts and validates a record; its index, or -1 when skipped. */
    int accept(SuspectRecord record) {
      recordsRead++;
      String bad = badRecord(record);
      if (bad != null) {
        skip(record.id(), bad);
        return -1;
      }
      return add(record.id(), record.length());
    }

    int add(String id, long length) {
      int index = ids.size();
      ids.add(id);
      if (index == tokens.length) {
        tokens = Arrays.copyOf(tokens, index * 2);
      }
      tokens[index] = length;
      tokensRead += length;
      if (progress != null && tokensRead >= nextProgress) {
        progress.accept(tokensRead);
        nextProgress = tokensRead + (1 << 16);
      }
      return index;
    }

    void skip(String id, String reason) {
      if (onBadRecord == BadRecordPolicy.FAIL) {
        throw new IllegalArgumentException("record " + id + ": " + reason);
      }
      skippedCount++;
      if (skipped.size() < MAX_LISTED_SKIPS) {
        skipped.add(new InheritanceResult.SkippedRecord(id, reason));
      }
    }
  }

  /**
   * Scores the tuples of one partition (unit fingerprints with {@code partition(unit) == part}):
   * its own tape (or, for schemes whose units depend on the key, one tape per key), sums, counts
   * and per-record sums. Used by one thread.
   */
  private final class Worker implements PartitionedPass.Partition {
    final int part;
    final int parts;
    final LongHashSet tape = dedup == DedupMode.NONE || perKeyUnits ? null : new LongHashSet(1 << 16);
    final LongHashSet[] keyTapes;
    /**
     * With key-dependent units, the raw (key-independent) units seen so far: a key's unit is a
     * function of the raw unit, so a raw unit seen before is a duplicate under every key.
     */
    final LongHashSet rawTape = perKeyUnits ? new LongHashSet(1 << 16) : null;
    /** Heap held by {@link #rawTape} and {@link #keyTapes} together ({@link #heapFootprint}). */
    long keyTapeBytes;
    SpillTape spill;
    final double[] sums = new double[scorers.length];
    final long[] scored = new long[scorers.length];
    long noContext;
    long duplicates;
    long excludedPrompt;
    long excludedFilter;
    long outsideVocabulary;
    long[] recordScored = new long[256 * realKeys];
    double[] recordSums = new double[256 * realKeys];

    Worker(int part, int parts) {
      this.part = part;
      this.parts = parts;
      if (perKeyUnits) {
        keyTapes = new LongHashSet[scorers.length];
        keyTapeBytes = heapFootprint(rawTape.tableBytes());
        for (int k = 0; k < keyTapes.length; k++) {
          keyTapes[k] = new LongHashSet(1 << 10);
          keyTapeBytes += heapFootprint(keyTapes[k].tableBytes());
        }
      } else {
        keyTapes = null;
      }
    }

    @Override
    public void score(SuspectRecord record, int index) {
      int[] seq = record.promptThenAnswer();
      int start = record.promptLength();
      LongCountMap promptUnits = null;
      if (excludePrompt && start > 0) {
        int[] prompt = record.promptUnsafe();
        promptUnits = new LongCountMap(prompt.length);
        if (h == 0) {
          long empty = UnitFingerprints.window(prompt, 0, 0);
          for (int t : prompt) {
            promptUnits.increment(UnitFingerprints.tupleFromWindow(empty, t));
          }
        } else {
          for (int j = h; j <= prompt.length; j++) {
            promptUnits.increment(UnitFingerprints.window(prompt, j - h, h));
          }
        }
      }
      for (int pos = start; pos < seq.length; pos++) {
        if (pos < h) {
          if (part == 0) {
            noContext++;
          }
          continue;
        }
        long window = UnitFingerprints.window(seq, pos - h, h);
        long unit = 0;
        if (tape != null) {
          unit = scorers[0].unitFingerprint(seq, pos, dedup);
        }
        if (parts > 1) {
          long p = tape != null ? unit : UnitFingerprints.tupleFromWindow(window, seq[pos]);
          if (partition(p, parts) != part) {
            continue;
          }
        }
        if (promptUnits != null
            && promptUnits.contains(h == 0 ? UnitFingerprints.tupleFromWindow(window, seq[pos]) : window)) {
          excludedPrompt++;
          continue;
        }
        if (filter != null && !filter.containsFingerprint(window)) {
          excludedFilter++;
          continue;
        }
        if (tape == null) {
          offer(seq, pos, index);
        } else if (spill == null) {
          if (!tape.add(unit)) {
            duplicates++;
            continue;
          }
          scoreAll(seq, pos, index);
          if (tape.size() >= maxTapeUnits) {
            // the in-memory tape is full: keep it for lookups, send new candidates to disk
            spill = new SpillTape(spillDirectory, h);
          }
        } else if (tape.contains(unit)) {
          duplicates++;
        } else {
          spill.append(unit, index, seq, pos);
        }
      }
    }

    /** Dedups (in memory) and scores one candidate position. */
    void offer(int[] tokens, int pos, int index) {
      if (dedup == DedupMode.NONE) {
        scoreAll(tokens, pos, index);
      } else if (perKeyUnits) {
        scoreEach(tokens, pos, index);
      } else if (tape.add(scorers[0].unitFingerprint(tokens, pos, dedup))) {
        scoreAll(tokens, pos, index);
      } else {
        duplicates++;
      }
    }

    /** Whether every key has already scored the unit at {@code pos}. */
    boolean allSeen(int[] tokens, int pos) {
      if (perKeyUnits) {
        if (rawTape.contains(rawUnit(tokens, pos))) {
          return true;
        }
        for (int k = 0; k < scorers.length; k++) {
          if (!keyTapes[k].contains(scorers[k].unitFingerprint(tokens, pos, dedup))) {
            return false;
          }
        }
        return true;
      }
      return tape != null && tape.contains(scorers[0].unitFingerprint(tokens, pos, dedup));
    }

    /** Deduplicates and scores what was spilled to disk (first occurrences, in input order). */
    @Override
    public void finish() {
      if (spill != null) {
        try {
          duplicates += spill.drain(this::scoreAll);
        } finally {
          spill.close();
          spill = null;
        }
      }
    }

    @Override
    public void close() {
      if (spill != null) {
        spill.close();
        spill = null;
      }
    }

    private void ensure(int index) {
      if ((index + 1) * realKeys > recordScored.length) {
        int n = Math.max(index + 1, 2 * recordScored.length / realKeys) * realKeys;
        recordScored = Arrays.copyOf(recordScored, n);
        recordSums = Arrays.copyOf(recordSums, n);
      }
    }

    /** Scores the position under every key (shared units). */
    void scoreAll(int[] tokens, int pos, int index) {
      ensure(index);
      int base = index * realKeys;
      for (int k = 0; k < scorers.length; k++) {
        scoreKey(k, tokens, pos, base);
      }
    }

    /** Adds key k's score of the position to its sums (and, for a real key, the record's). */
    private void scoreKey(int k, int[] tokens, int pos, int recordBase) {
      double s = scorers[k].score(tokens, pos);
      sums[k] += s;
      scored[k]++;
      if (k < realKeys) {
        recordSums[recordBase + k] += s;
        recordScored[recordBase + k]++;
      }
    }

    /** The key-independent unit of the position, as the raw tape of key-dependent schemes keeps it. */
    private long rawUnit(int[] tokens, int pos) {
      long raw = UnitFingerprints.window(tokens, pos - h, h);
      return dedup == DedupMode.WINDOW ? raw : UnitFingerprints.tupleFromWindow(raw, tokens[pos]);
    }

    /** Scores the position under each key whose own tape has not seen its unit (key-dependent units). */
    void scoreEach(int[] tokens, int pos, int index) {
      if (!addToKeyTape(rawTape, rawUnit(tokens, pos), index)) {
        duplicates++;
        return;
      }
      ensure(index);
      int base = index * realKeys;
      for (int k = 0; k < scorers.length; k++) {
        if (!addToKeyTape(keyTapes[k], scorers[k].unitFingerprint(tokens, pos, dedup), index)) {
          if (k == 0) {
            duplicates++; // counted for the first key
          }
          continue;
        }
        scoreKey(k, tokens, pos, base);
      }
    }

    /**
     * Adds a unit to one of the per-key tapes, first checking the bound when the add would grow
     * the tape: growing doubles its table and holds the old one until the copy is done, so the
     * check counts both and the run stops before the memory is taken, not after.
     */
    private boolean addToKeyTape(LongHashSet set, long unit, int index) {
      long bytes = set.tableBytes();
      // LongHashSet doubles its table when an add takes the load past 1/2 (zero is kept aside)
      if (unit != 0 && (long) (set.size() + 1) * 16 > bytes && !set.contains(unit)) {
        long grown = heapFootprint(2 * bytes);
        long peak = keyTapeBytes + grown;
        if (peak > perKeyTapeBytes) {
          throw new TapeMemoryExceededException(String.format(Locale.ROOT,
              "the scheme's dedup units depend on the key (self seeding), so each of the %d keys keeps its own tape "
                  + "in memory; after %,d distinct units (record %d) they would need %,d MB, over the %,d MB "
                  + "allowed (%s). Use fewer control keys (--control-keys), a larger --tape-memory or heap (-Xmx), "
                  + "or a left-seeded scheme",
              keyTapes.length, rawTape.size(), index + 1, ceilMb(peak), perKeyTapeBytes >> 20, budgetOrigin));
        }
        keyTapeBytes += grown - heapFootprint(bytes);
      }
      return set.add(unit);
    }

    long recordScored(int index, int key) {
      int i = index * realKeys + key;
      return i < recordScored.length ? recordScored[i] : 0;
    }

    double recordSum(int index, int key) {
      int i = index * realKeys + key;
      return i < recordSums.length ? recordSums[i] : 0.0;
    }
  }

  /**
   * The heap a long[] table of {@code bytes} takes. G1 gives an array of half a region or more
   * whole regions of its own, so a table just past a region takes two: with one tape per key, all
   * growing together, counting the bare table bytes would let the tapes take up to twice their bound.
   */
  static long heapFootprint(long bytes) {
    long size = bytes + 16; // array header
    return G1_REGION > 0 && size >= G1_REGION / 2 ? (size + G1_REGION - 1) / G1_REGION * G1_REGION : size;
  }

  /** G1's region size, or 0 under another collector (or when the JVM does not say). */
  private static long g1RegionSize() {
    try {
      com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory.getPlatformMXBean(
          com.sun.management.HotSpotDiagnosticMXBean.class);
      if (vm != null && "true".equals(vm.getVMOption("UseG1GC").getValue())) {
        return Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
      }
    } catch (RuntimeException | LinkageError e) {
      // not HotSpot: table bytes are counted as they are
    }
    return 0;
  }

  private static long ceilMb(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  /** The worker a unit fingerprint belongs to. */
  static int partition(long unit, int parts) {
    return (int) (((unit >>> 32) * parts) >>> 32);
  }

  private InheritanceResult finish(String mode, Meta meta, List<Worker> workers) {
    if (progress != null) {
      progress.accept(meta.tokensRead);
    }
    long[] n = new long[scorers.length];
    double[] sums = new double[scorers.length];
    long noContext = 0;
    long duplicates = 0;
    long excludedPrompt = 0;
    long excludedFilter = 0;
    long outsideVocabulary = 0;
    for (Worker w : workers) {
      for (int k = 0; k < sums.length; k++) {
        sums[k] += w.sums[k];
        n[k] += w.scored[k];
      }
      noContext += w.noContext;
      duplicates += w.duplicates;
      excludedPrompt += w.excludedPrompt;
      excludedFilter += w.excludedFilter;
      outsideVocabulary += w.outsideVocabulary;
    }
    int records = meta.ids.size();
    long[][] recScored = new long[records][realKeys];
    double[][] recSums = new double[records][realKeys];
    for (Worker w : workers) {
      for (int i = 0; i < records; i++) {
        for (int k = 0; k < realKeys; k++) {
          recScored[i][k] += w.recordScored(i, k);
          recSums[i][k] += w.recordSum(i, k);
        }
      }
    }
    // per-key p-values and Holm adjustment
    double[] log10p = new double[scorers.length];
    for (int k = 0; k < scorers.length; k++) {
      log10p[k] = log10P(n[k], sums[k]);
    }
    double[] adjusted = holm(Arrays.copyOf(log10p, realKeys));
    int best = 0;
    for (int k = 1; k < realKeys; k++) {
      if (adjusted[k] < adjusted[best] || (adjusted[k] == adjusted[best] && log10p[k] < log10p[best])) {
        best = k;
      }
    }
    List<Double> controlP = new ArrayList<>(controlCount);
    int controlsFlagged = 0;
    double log10Alpha = Math.log10(alpha);
    for (int c = realKeys; c < scorers.length; c++) {
      controlP.add(log10p[c]);
      if (n[c] > 0 && log10p[c] < log10Alpha) {
        controlsFlagged++;
      }
    }
    List<InheritanceResult.KeyResult> keyResults = new ArrayList<>(realKeys);
    for (int k = 0; k < realKeys; k++) {
      int rank = 0;
      if (controlCount > 0) {
        rank = 1;
        for (double p : controlP) {
          if (p <= log10p[k]) {
            rank++;
          }
        }
      }
      keyResults.add(new InheritanceResult.KeyResult(labels.get(k), n[k], sums[k], n[k] == 0 ? 0.0 : sums[k] / n[k],
          z(n[k], sums[k]), log10p[k], adjusted[k], rank, n[k] > 0 && adjusted[k] < log10Alpha));
    }
    InheritanceResult.KeyResult bestResult = keyResults.get(best);
    int bestRank = bestResult.controlRank();
    InheritanceResult.ControlNull controls = new InheritanceResult.ControlNull(controlCount, controlSeed, controlP,
        controlsFlagged, bestRank, controlCount == 0 ? 1.0 : (double) bestRank / (controlCount + 1));
    // the curve of the best key at record boundaries, downsampled to at most MAX_CURVE_POINTS
    long scored = n[best];
    List<InheritanceResult.CurvePoint> curve = new ArrayList<>();
    long cn = 0;
    double cs = 0;
    long nextPoint = 1;
    long spacing = Math.max(1, scored / MAX_CURVE_POINTS);
    for (int i = 0; i < records; i++) {
      cn += recScored[i][best];
      cs += recSums[i][best];
      if (recScored[i][best] > 0 && (cn >= nextPoint || i == records - 1)) {
        curve.add(new InheritanceResult.CurvePoint(cn, cs, log10P(cn, cs)));
        nextPoint = cn + spacing;
      }
    }
    if (scored > 0 && (curve.isEmpty() || curve.get(curve.size() - 1).tuples() != scored)) {
      curve.add(new InheritanceResult.CurvePoint(scored, sums[best], log10p[best]));
    } else if (!curve.isEmpty()) {
      // the last point carries the exact totals (sums in another order may differ in the last bits)
      curve.set(curve.size() - 1, new InheritanceResult.CurvePoint(scored, sums[best], log10p[best]));
    }
    List<InheritanceResult.RecordContribution> top = topContributions(meta, recScored, recSums, best);
    boolean detected = bestResult.significant();
    List<String> flags = new ArrayList<>();
    if (scored == 0) {
      flags.add("nothing was scored: every position was excluded, duplicated or lacked context");
    }
    if (detected && controlCount > 0 && bestRank > 1) {
      flags.add(String.format(Locale.ROOT,
          "the key does not stand out from its controls: rank %d of %d (some random key scores as well)", bestRank,
          controlCount + 1));
    }
    if (controlCount >= 20 && scored > 0) {
      // more controls flagged than a 99.9% binomial bound allows signals a broken null
      double mean = alpha * controlCount;
      double bound = mean + 3.3 * Math.sqrt(mean * (1 - alpha)) + 1;
      if (controlsFlagged > bound) {
        flags.add(String.format(Locale.ROOT,
            "%d of %d control keys are significant at alpha=%s (about %.1f expected): the null is not calibrated "
                + "on this corpus",
            controlsFlagged, controlCount, alpha, mean));
      }
    }
    InheritanceResult.Counts counts = new InheritanceResult.Counts(noContext, duplicates, excludedPrompt,
        excludedFilter, outsideVocabulary, meta.skippedCount);
    return new InheritanceResult(mode, law, meta.recordsRead, meta.tokensRead, scored, bestResult.score(), bestResult.rate(), bestResult.z(),
        bestResult.log10P(), bestResult.log10PAdjusted(), alpha,
        detected ? InheritanceResult.Verdict.DETECTED : InheritanceResult.Verdict.NOT_DETECTED, keyResults, best,
        controls, curve, top, counts, meta.skipped, flags);
  }

  private List<InheritanceResult.RecordContribution> topContributions(Meta meta, long[][] recScored,
      double[][] recSums, int best) {
    int n = recScored.length;
    double[] excess = new double[n];
    // a bounded selection: keep the indices of the topRecords largest excesses (ties: earlier record)
    java.util.PriorityQueue<Integer> heap = new java.util.PriorityQueue<>(Math.max(1, topRecords),
        Comparator.<Integer>comparingDouble(i -> excess[i]).thenComparing(Comparator.<Integer>reverseOrder()));
    for (int i = 0; i < n; i++) {
      excess[i] = recSums[i][best] - expected(recScored[i][best]);
      if (topRecords == 0) {
        continue;
      }
      heap.add(i);
      if (heap.size() > topRecords) {
        heap.poll();
      }
    }
    List<Integer> order = new ArrayList<>(heap);
    order.sort(Comparator.<Integer>comparingDouble(i -> -excess[i]).thenComparingInt(i -> i));
    List<InheritanceResult.RecordContribution> out = new ArrayList<>();
    for (int i : order) {
      double sum = recSums[i][best];
      out.add(new InheritanceResult.RecordContribution(meta.ids.get(i), meta.tokens[i], recScored[i][best], sum,
          excess[i], log10P(recScored[i][best], sum)));
    }
    return out;
  }

  private double expected(long n) {
    return law.mean() * n;
  }

  private double log10P(long n, double sum) {
    return PValues.log10UpperTail(law, n, sum);
  }

  private double z(long n, double sum) {
    return PValues.zScore(law, n, sum);
  }

  /** Holm–Bonferroni step-down adjustment in log10 space, capped at 0 (p = 1), monotone. */
  static double[] holm(double[] log10p) {
    int m = log10p.length;
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> log10p[i]).thenComparingInt(i -> i));
    double[] out = new double[m];
    double running = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < m; j++) {
      int i = order[j];
      double adj = Math.min(0.0, log10p[i] + Math.log10(m - j));
      running = Math.max(running, adj);
      out[i] = running;
    }
    return out;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "InheritanceVerifier[keys=%s, controls=%d, dedup=%s, excludePrompt=%s, "
        + "filter=%s, alpha=%s]", labels, controlCount, dedup.label(), excludePrompt,
        filter == null ? "none" : filter.description(), alpha);
  }

  // ------------------------------------------------------------------ builder

  /** Configures an {@link InheritanceVerifier}. Not thread-safe; {@link #build()} validates. */
  public static final class Builder {
    private final List<String> labels = new ArrayList<>();
    private final java.util.Set<String> labelSet = new java.util.HashSet<>();
    private final List<TokenScorer> scorers = new ArrayList<>();
    private DedupMode dedup = DedupMode.WINDOW_AND_TOKEN;
    private boolean excludePrompt = true;
    private OwnerFilter filter;
    private int controlCount;
    private Function<WatermarkKey, ? extends TokenScorer> controlFactory;
    private long controlSeed = DEFAULT_CONTROL_SEED;
    private double alpha = DEFAULT_ALPHA;
    private BadRecordPolicy onBadRecord = BadRecordPolicy.FAIL;
    private int topRecords = 20;
    private LongConsumer progress;
    private int threads = 1;
    private java.util.concurrent.Executor executor;
    private long tapeMemoryBudget = Runtime.getRuntime().maxMemory() / 4;
    private boolean tapeMemoryBudgetSet;
    private java.nio.file.Path spillDirectory = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));

    private Builder() {}

    /**
     * Memory for the closed-model dedup tape, all workers together (default a quarter of the
     * maximum heap). Past it, new candidate tuples go to files under the spill directory,
     * partitioned by fingerprint, and are deduplicated partition by partition at the end: the
     * result is the same, the memory stays bounded as the corpus grows. Schemes whose units depend
     * on the key keep one tape per key, which cannot spill: they are bounded by this budget if it
     * is set, else by three quarters of the maximum heap, and a run that needs more stops with a
     * {@link TapeMemoryExceededException}.
     */
    public Builder tapeMemoryBudget(long bytes) {
      Checks.require(bytes >= 1024, "tapeMemoryBudget must be >= 1024 bytes, was %d", bytes);
      this.tapeMemoryBudget = bytes;
      this.tapeMemoryBudgetSet = true;
      return this;
    }

    /**
     * Where spilled tape files go (default {@code java.io.tmpdir}), in a private subdirectory; they
     * are deleted when the run ends, however it ends. The directory is checked now, before any input
     * is read (and created, owner-only, if missing): it must not be a symbolic link, must belong to
     * the current user (or to root with the sticky bit, like {@code /tmp}) and must not be writable
     * by others unless sticky.
     *
     * @throws IllegalArgumentException naming the directory and what is wrong with it
     */
    public Builder spillDirectory(java.nio.file.Path dir) {
      Objects.requireNonNull(dir, "spillDirectory");
      SpillTape.checkDirectory(dir);
      this.spillDirectory = dir;
      return this;
    }

    /**
     * Worker threads for {@link InheritanceVerifier#closedModel} (default 1). Tuples are split
     * between workers by fingerprint; counts and binomial results do not depend on the number.
     */
    public Builder threads(int count) {
      Checks.require(count >= 1 && count <= 256, "threads must be between 1 and 256, was %d", count);
      this.threads = count;
      return this;
    }

    /**
     * Runs the closed-model workers on the caller's executor instead of threads of their own
     * (default none); it must be able to run {@link #threads} tasks at once. The workers stop
     * cooperatively, so the executor's threads are never interrupted.
     */
    public Builder executor(java.util.concurrent.Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Adds a key to test, with a label for reports (e.g. its key id or {@code tenant-3}). */
    public Builder scorer(String label, TokenScorer scorer) {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(scorer, "scorer");
      Checks.require(labelSet.add(label), "scorer label \"%s\" is given twice", label);
      labels.add(label);
      scorers.add(scorer);
      return this;
    }

    /** Deduplication of the global tape (default {@code window+token}). */
    public Builder dedup(DedupMode mode) {
      this.dedup = Objects.requireNonNull(mode, "dedup");
      return this;
    }

    /** Whether positions whose window occurs in the record's prompt are excluded (default true). */
    public Builder excludePromptWindows(boolean exclude) {
      this.excludePrompt = exclude;
      return this;
    }

    /** Scores only windows in {@code filter} (null for none, the default). */
    public Builder ownerFilter(OwnerFilter filter) {
      this.filter = filter;
      return this;
    }

    /**
     * Scores the same tuples under {@code count} control keys made by {@code factory} from keys
     * derived from the control seed ({@link #controlKey}); 0 disables the controls.
     */
    public Builder controlKeys(int count, Function<WatermarkKey, ? extends TokenScorer> factory) {
      Checks.require(count >= 0 && count <= 100_000, "control keys must be between 0 and 100000, was %d",
          count);
      Checks.require(count == 0 || factory != null, "control keys need a factory when count > 0");
      this.controlCount = count;
      this.controlFactory = factory;
      return this;
    }

    /** Changes only the number of control keys, keeping the factory. */
    public Builder controlKeys(int count) {
      return controlKeys(count, controlFactory);
    }

    /** The seed the control keys are derived from (default {@link #DEFAULT_CONTROL_SEED}). */
    public Builder controlSeed(long seed) {
      this.controlSeed = seed;
      return this;
    }

    /** The significance level, in (0, 1) (default {@value #DEFAULT_ALPHA}). */
    public Builder alpha(double alpha) {
      Checks.require(alpha > 0 && alpha < 1, "alpha must be in (0, 1), was %s", alpha);
      this.alpha = alpha;
      return this;
    }

    /** What to do with an empty record or a token id outside the vocabulary (default fail). */
    public Builder onBadRecord(BadRecordPolicy policy) {
      this.onBadRecord = Objects.requireNonNull(policy, "onBadRecord");
      return this;
    }

    /** How many most-contributing records the result lists (default 20). */
    public Builder topRecords(int count) {
      Checks.require(count >= 0, "topRecords must be >= 0, was %d", count);
      this.topRecords = count;
      return this;
    }

    /** Called now and then with the number of tokens read so far (for progress bars). */
    public Builder progress(LongConsumer listener) {
      this.progress = listener;
      return this;
    }

    /** Validates that all scorers (and controls) share h, vocabulary and null distribution, and builds. */
    public InheritanceVerifier build() {
      Checks.require(!scorers.isEmpty(), "at least one scorer is required");
      TokenScorer first = scorers.get(0);
      List<TokenScorer> all = new ArrayList<>(scorers);
      for (int i = 0; i < controlCount; i++) {
        all.add(Objects.requireNonNull(controlFactory.apply(controlKey(controlSeed, i)), "control scorer"));
      }
      for (int i = 1; i < all.size(); i++) {
        TokenScorer s = all.get(i);
        String what = i < scorers.size() ? "scorer \"" + labels.get(i) + "\"" : "control scorer " + (i - scorers.size());
        Checks.require(s.contextWidth() == first.contextWidth(), "%s has h=%d but the first scorer has h=%d",
            what, s.contextWidth(), first.contextWidth());
        Checks.require(s.vocabularySize() == first.vocabularySize(),
            "%s has vocabularySize=%d but the first scorer has %d", what, s.vocabularySize(), first.vocabularySize());
        Checks.require(s.nullDistribution().equals(first.nullDistribution()),
            "%s has null distribution %s but the first scorer has %s", what, s.nullDistribution(),
            first.nullDistribution());
      }
      if (filter != null) {
        Checks.require(filter.contextWidth() == first.contextWidth(),
            "owner filter has h=%d but the scorers have h=%d", filter.contextWidth(), first.contextWidth());
      }
      return new InheritanceVerifier(this, all.toArray(new TokenScorer[0]));
    }
  }
}
