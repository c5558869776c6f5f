package io.tracemark.verifier;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.LogitsModel;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.CorpusPayloadDecoder;
import io.tracemark.core.Watermarks;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.keys.Keys;
import io.tracemark.verifier.text.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
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
 * prediction y (argmax of its logits after x[0, i)) is scored as the tuple (x[i−h, i), y); with
 * {@link ReadingWeights} (R*), its best predictions, each weighted by its log-ratio to the owner's
 * model.
 *
 * <p>An instance is immutable and thread-safe: each call keeps its own tape. It coordinates the
 * pass ({@code KeyPanel}, {@code PositionFilter}, {@code DedupTape}, {@code ScoreLedger}, {@code
 * PartitionedPass}, {@code RecordLedger}, {@code ModelProbe}, {@code Evidence}); half its length is
 * its documented builder.
 */
public final class InheritanceVerifier {
  /** Default number of control keys when a control-key factory is given. */
  public static final int DEFAULT_CONTROL_KEYS = 100;
  /** Default seed of the control keys. */
  public static final long DEFAULT_CONTROL_SEED = 0x74726163656d6bL; // "tracemk"
  /** Default significance level. */
  public static final double DEFAULT_ALPHA = 0.01;
  /** At most this many skipped records are listed individually (all are counted). */
  public static final int MAX_LISTED_SKIPS = BadRecords.MAX_LISTED;
  /** The most tenant keys tested at once (each is a scorer on every tuple). */
  public static final int MAX_TENANTS = 10_000;

  private final KeyPanel panel;
  private final DedupMode dedup;
  private final boolean excludePrompt;
  private final OwnerFilter filter;
  private final double alpha;
  private final BadRecordPolicy onBadRecord;
  private final int topRecords;
  private final LongConsumer progress;
  private final int threads;
  private final Executor executor;
  private final boolean perKeyUnits;
  private final long maxTapeUnits;
  private final long perKeyTapeBytes;
  private final String budgetOrigin;
  private final Path spillDirectory;
  private final WeightSource weights;
  private final Boolean firstWindowPerText;

  private InheritanceVerifier(Builder b, KeyPanel panel) {
    this.panel = panel;
    this.dedup = b.dedup;
    this.excludePrompt = b.excludePrompt;
    this.filter = b.filter;
    this.alpha = b.alpha;
    this.onBadRecord = b.onBadRecord;
    this.topRecords = b.topRecords;
    this.progress = b.progress;
    this.executor = b.executor;
    // units that depend on the key need one tape per key: kept in memory, on one thread
    this.perKeyUnits = panel.keyDependentUnits && b.dedup != DedupMode.NONE;
    this.threads = perKeyUnits ? 1 : b.threads;
    // a fingerprint costs at most 32 bytes of table (load 1/4 right after the table doubles)
    this.maxTapeUnits = Math.max(1, b.tapeMemoryBudget / 32 / b.threads);
    // per-key tapes cannot spill (a unit's identity needs the key): bounded by the budget if one
    // was set, else by three quarters of the heap, and past it the run stops with an error saying so
    this.perKeyTapeBytes = b.tapeMemoryBudgetSet ? b.tapeMemoryBudget : Runtime.getRuntime().maxMemory() / 4 * 3;
    this.budgetOrigin = b.tapeMemoryBudgetSet ? "the tape memory budget, --tape-memory"
        : "three quarters of the heap; set --tape-memory or -Xmx";
    this.spillDirectory = b.spillDirectory;
    this.weights = b.weights;
    this.firstWindowPerText = b.firstWindowPerText;
  }

  /** A builder with nothing set; add at least one scorer. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder for the green-list scheme (or any scheme keyed by a {@link WatermarkKey}: {@code kgw},
   * {@code gumbel}) of {@code key}: the key (labelled with its key id) as the scorer, and
   * {@value #DEFAULT_CONTROL_KEYS} control keys of the same scheme.
   */
  public static Builder greenList(WatermarkKey key, SchemeSpec spec, int vocabularySize) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(spec, "spec");
    return builder().scorer(key.keyId(), Watermarks.create(key, spec, vocabularySize).scorer())
        .controlKeys(DEFAULT_CONTROL_KEYS, k -> Watermarks.create(k, spec, vocabularySize).scorer());
  }

  /**
   * A builder for a multi-bit payload ({@code kgw:…,payload=b}) under {@code key}: the message is
   * decoded from every unit the test scores (after prompt exclusion, the owner filter and the
   * dedup tape), with its p-value corrected for the 2^b messages ({@link
   * InheritanceResult#payload()}), and decoded under each of {@value #DEFAULT_CONTROL_KEYS} control
   * keys for the control-key null. The key's scorer of message 0 gives the window, vocabulary and
   * law of one unit; no message is tested by itself.
   */
  public static Builder payload(WatermarkKey key, KgwSpec spec, int vocabularySize) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(spec, "spec");
    Checks.require(spec.hasPayload(), "the specification has no payload (payload=b): %s", spec.canonical());
    return payload(key, k -> Watermarks.create(k, spec, vocabularySize, 0).scorer(),
        k -> Watermarks.payloadDecoder(k, spec, vocabularySize));
  }

  /**
   * A builder for a Gumbel-family payload ({@code gumbel:…,payload=b}) under {@code key}, as {@link
   * #payload(WatermarkKey, KgwSpec, int)} does for the green list: each unit the test scores adds
   * its 2^r scores to its symbol position's score sums under every key, and the sums of the whole
   * corpus are decoded (the same bits whatever the threads).
   */
  public static Builder payload(WatermarkKey key, GumbelSpec spec, int vocabularySize) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(spec, "spec");
    Checks.require(spec.hasPayload(), "the specification has no payload (payload=b): %s", spec.canonical());
    return payload(key, k -> Watermarks.create(k, spec, vocabularySize, 0).scorer(),
        k -> Watermarks.payloadDecoder(k, spec, vocabularySize));
  }

  private static Builder payload(WatermarkKey key, Function<WatermarkKey, TokenScorer> scorers,
      Function<WatermarkKey, CorpusPayloadDecoder> decoders) {
    return builder().scorer(key.keyId(), scorers.apply(key)).controlKeys(DEFAULT_CONTROL_KEYS, scorers)
        .payload(List.of(decoders.apply(key)), decoders);
  }

  /**
   * A builder testing every tenant key derived from {@code master} ({@code tenant-0} …) and the
   * master itself ({@code master}), Holm-corrected, with control keys of the same scheme.
   */
  public static Builder greenListTenants(WatermarkKey master, int tenants, SchemeSpec spec, int vocabularySize) {
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
    return KeyPanel.controlKey(seed, index);
  }

  /** Labels of the tested keys, in order. */
  public List<String> labels() {
    return panel.labels;
  }

  /** h, shared by all scorers. */
  public int contextWidth() {
    return panel.h;
  }

  /** The vocabulary size shared by all scorers. */
  public int vocabularySize() {
    return panel.vocabularySize;
  }

  /** The deduplication mode. */
  public DedupMode dedup() {
    return dedup;
  }

  /** Whether windows occurring in a record's prompt are excluded. */
  public boolean excludesPromptWindows() {
    return excludePrompt;
  }

  /** The owner filter, or null. */
  public OwnerFilter ownerFilter() {
    return filter;
  }

  /** The number of control keys. */
  public int controlKeyCount() {
    return panel.controlCount;
  }

  /** The seed of the control keys. */
  public long controlSeed() {
    return panel.controlSeed;
  }

  /** The significance level. */
  public double alpha() {
    return alpha;
  }

  /** The bad-record policy. */
  public BadRecordPolicy onBadRecord() {
    return onBadRecord;
  }

  /** The weight source, or null for the unweighted test. */
  public WeightSource weights() {
    return weights;
  }

  /**
   * Whether the test of {@code mode} uses two-level dedup: as set ({@link
   * Builder#firstWindowPerText}), else off for the closed model and on for reading mode.
   */
  public boolean firstWindowPerText(boolean readingMode) {
    return firstWindowPerText != null ? firstWindowPerText : readingMode;
  }

  private Partition partition(int part, int parts, boolean readingMode) {
    PositionFilter positions = weights == null
        ? new PositionFilter(panel.h, excludePrompt, filter, PositionFilter.Levels.UNWEIGHTED)
        : new PositionFilter(panel.h, excludePrompt, filter, PositionFilter.Levels.of(weights));
    positions.firstWindowPerRecord(firstWindowPerText(readingMode));
    return new Partition(part, parts, panel, positions,
        new DedupTape(dedup, panel, perKeyUnits, maxTapeUnits, perKeyTapeBytes, budgetOrigin, spillDirectory),
        weights == null ? 1 : weights.grid().maxLevel());
  }

  private InheritanceResult finish(String mode, RecordLedger records, List<Partition> partitions) {
    records.finish();
    Evidence.Counts counts = new Evidence.Counts();
    List<ScoreLedger> ledgers = new ArrayList<>();
    for (Partition p : partitions) {
      counts.add(p.counts);
      ledgers.add(p.ledger);
    }
    return Evidence.assemble(mode, panel, records, ledgers, counts, alpha, topRecords, weights);
  }

  // ------------------------------------------------------------------ closed model

  /**
   * Scores the suspect's outputs. The records are read once, in order, as a stream, by the calling
   * thread; with {@link Builder#threads(int) threads} &gt; 1, scoring is split by tuple fingerprint
   * over that many workers (each distinct tuple belongs to one worker, which sees the records in
   * order), so the result is the same as with one thread (gamma sums may differ in the last bits).
   * However the call ends — a result, an exception from the records, a worker or a bound, an
   * interrupt — the workers have been stopped and awaited and the spilled files deleted by the
   * time it returns; an interrupt ends the call with an {@link IllegalStateException} and leaves
   * the thread's interrupt status set.
   *
   * @throws IllegalArgumentException for a bad record (empty, or a token id outside the
   *     vocabulary) when the policy is {@link BadRecordPolicy#FAIL}; the message names the record
   * @throws TapeMemoryExceededException when per-key tapes (key-dependent units) would grow past
   *     their bound (see {@link Builder#tapeMemoryBudget}); checked before each tape grows
   */
  public InheritanceResult closedModel(Iterable<SuspectRecord> records) {
    Objects.requireNonNull(records, "records");
    Checks.require(!(weights instanceof ReadingWeights), "reading weights (%s) weigh a suspect model's predictions "
        + "and apply to reading mode only; the closed-model test takes the owner-model weights under them",
        "ReadingWeights");
    RecordLedger ledger = new RecordLedger(panel.vocabularySize, onBadRecord, progress,
        weights != null && weights.perRecord());
    List<Partition> partitions = new ArrayList<>();
    for (int p = 0; p < threads; p++) {
      partitions.add(partition(p, threads, false));
    }
    PartitionedPass.run(records, ledger::accept, partitions, executor);
    return finish("closed-model", ledger, partitions);
  }

  /**
   * The parts of a closed-model pass that run elsewhere ({@link DistributedPass}): the keys, and
   * a position filter configured as this verifier's partitions configure theirs.
   */
  KeyPanel panel() {
    return panel;
  }

  /** Whether each key keeps its own tape (units that depend on the key). */
  boolean perKeyUnits() {
    return perKeyUnits;
  }

  /** A record ledger of the closed model (policy and checks as {@link #closedModel}), for a pass run elsewhere. */
  RecordLedger closedModelLedger() {
    return new RecordLedger(panel.vocabularySize, onBadRecord, progress, weights != null && weights.perRecord());
  }

  /** The result of a closed-model pass run elsewhere, from its record ledger, score ledger and counts. */
  InheritanceResult closedModel(RecordLedger records, ScoreLedger scores, Evidence.Counts counts) {
    records.finish();
    return Evidence.assemble("closed-model", panel, records, List.of(scores), counts, alpha, topRecords, weights);
  }

  // ------------------------------------------------------------------ reading mode

  /**
   * Reading mode: feeds each of the owner's watermarked texts to the suspect model and scores its
   * top-1 prediction at every position i ≥ h against the window x[i−h, i) of the text. By default
   * only the first occurrence of a window in each text is scored ({@link
   * Builder#firstWindowPerText}), then each (window, token) once across all texts; the owner
   * filter applies if set. With {@link ReadingWeights} ({@link Builder#weights}) the suspect's
   * {@link ReadingWeights#predictions()} best predictions are scored at each position, each at
   * the level of its reading weight, which reads the suspect's probability of it (R*). The model
   * is called from the calling thread only.
   */
  public InheritanceResult readingMode(LogitsModel model, Iterable<int[]> ownerTexts) {
    return reading(model, ownerTexts, null, null);
  }

  /**
   * Reading mode over a suspect model whose tokenizer {@code suspectTokenizer} is not the
   * watermark's {@code watermarkTokenizer}: the owner's texts (watermark token ids) are aligned
   * with the suspect's tokenization of the same characters, the suspect is asked at the positions
   * where a watermark token starts on a suspect token boundary, and its predictions whose text is
   * exactly one watermark token are scored as that token, with the position's h watermark tokens as
   * the window; the rest is skipped and counted ({@link InheritanceResult.Alignment}, in the
   * result's counts). Dedup, owner filter and weights are those of {@link #readingMode(LogitsModel,
   * Iterable)}, on watermark tokens, so the null is the same. The model's ids are those of {@code
   * suspectTokenizer}. With the watermark's own tokenizer as the suspect's, the result is that of
   * {@link #readingMode(LogitsModel, Iterable)} on texts that are the tokenizer's own encoding of
   * their characters (then every position is aligned and every token is its own text).
   */
  public InheritanceResult readingMode(LogitsModel model, Iterable<int[]> ownerTexts, TextTokenizer watermarkTokenizer,
      TextTokenizer suspectTokenizer) {
    Objects.requireNonNull(watermarkTokenizer, "watermarkTokenizer");
    Objects.requireNonNull(suspectTokenizer, "suspectTokenizer");
    Checks.require(watermarkTokenizer.vocabularySize() <= panel.vocabularySize, "the watermark tokenizer %s has a "
        + "vocabulary of %d ids, more than the scheme's %d", watermarkTokenizer.name(),
        watermarkTokenizer.vocabularySize(), panel.vocabularySize);
    return reading(model, ownerTexts, watermarkTokenizer, suspectTokenizer);
  }

  private InheritanceResult reading(LogitsModel model, Iterable<int[]> ownerTexts, TextTokenizer watermarkTokenizer,
      TextTokenizer suspectTokenizer) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(ownerTexts, "ownerTexts");
    if (weights != null && weights.perRecord()) {
      throw new IllegalArgumentException("weights that come with suspect records (" + weights.description()
          + ") apply to the closed model only: reading mode has no suspect records");
    }
    ReadingWeights reading = weights instanceof ReadingWeights r ? r : null;
    int m = Math.min(reading == null ? 1 : reading.predictions(), model.vocabularySize());
    ModelProbe probe = suspectTokenizer == null ? new ModelProbe(model, m) : null;
    CrossTokenizerProbe cross = suspectTokenizer == null ? null
        : new CrossTokenizerProbe(model, m, watermarkTokenizer, suspectTokenizer, panel.vocabularySize);
    int[] ys = new int[m];
    double[] logQ = new double[m];
    int[] levels = new int[m];
    int h = panel.h;
    int[] scratch = new int[h + 1];
    RecordLedger ledger = new RecordLedger(panel.vocabularySize, onBadRecord, progress, false);
    Partition w = partition(0, 1, true);
    int count = 0;
    for (int[] text : ownerTexts) {
      Objects.requireNonNull(text, "owner text");
      int index = ledger.acceptText("text-" + count++, text);
      if (index < 0) {
        continue;
      }
      w.counts.noContext += Math.min(h, text.length);
      w.filter.beginText(text.length);
      if (cross != null) {
        cross.beginText(text);
      }
      // the weights see the suspect's prediction in place of the owner's token
      int[] predicted = weights == null ? null : text.clone();
      for (int pos = h; pos < text.length; pos++) {
        long window = UnitFingerprints.window(text, pos - h, h);
        if (w.filter.repeatedWindow(window)) {
          w.counts.duplicates++;
          continue;
        }
        if (w.filter.excludedByOwnerFilter(window)) {
          w.counts.excludedFilter++;
          continue;
        }
        int level = 1;
        if (weights != null && !weights.readsToken()) {
          // a weight of the context alone is known before the model is asked
          level = w.filter.level(text, pos, window);
          if (level == 0) {
            continue;
          }
        }
        System.arraycopy(text, pos - h, scratch, 0, h);
        if (dedup == DedupMode.WINDOW) {
          scratch[h] = 0; // window units do not depend on the token: skip the model call for a seen window
          if (w.tape.allSeen(scratch, h)) {
            w.counts.duplicates++;
            continue;
          }
        }
        int n;
        if (cross != null) {
          n = cross.predict(pos, ys, logQ, reading != null);
          if (n < 0) {
            continue; // not aligned: counted by the probe
          }
        } else {
          int[] top = probe.predict(text, pos);
          n = top.length;
          for (int j = 0; j < n; j++) {
            boolean inside = top[j] < panel.vocabularySize;
            if (!inside) {
              w.counts.outsideVocabulary++;
            }
            ys[j] = inside ? top[j] : -1; // not scored
            if (reading != null) {
              logQ[j] = probe.logProbability(j);
            }
          }
        }
        if (reading != null) {
          reading.levels(text, pos, ys, logQ, n, levels);
          for (int j = 0; j < n; j++) {
            if (levels[j] > 0) {
              scratch[h] = ys[j];
              w.offer(scratch, h, index, levels[j]);
            }
          }
          continue;
        }
        int y = ys[0];
        if (y < 0) {
          continue;
        }
        if (weights != null && weights.readsToken()) {
          predicted[pos] = y;
          level = w.filter.level(predicted, pos, window);
          predicted[pos] = text[pos];
          if (level == 0) {
            continue;
          }
        }
        scratch[h] = y;
        w.offer(scratch, h, index, level);
      }
    }
    if (cross != null) {
      w.counts.alignment = cross.alignment();
    }
    return finish("reading-mode", ledger, List.of(w));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "InheritanceVerifier[keys=%s, controls=%d, dedup=%s, excludePrompt=%s, "
        + "filter=%s, alpha=%s]", panel.labels, panel.controlCount, dedup.label(), excludePrompt,
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
    private WeightSource weights;
    private Boolean firstWindowPerText;
    private List<CorpusPayloadDecoder> payloadDecoders;
    private Function<WatermarkKey, ? extends CorpusPayloadDecoder> controlDecoders;

    private Builder() {}

    /**
     * Decodes a multi-bit payload instead of summing scores: {@code decoders} has one decoder per
     * scorer given (in order), {@code controls} makes a control key's decoder (of the same family).
     * Every unit scored is tallied under each key, and each key's result is its decoded message's
     * test ({@link InheritanceResult#payload()}). A payload has no weighted law: {@link #weights}
     * must stay null.
     */
    public Builder payload(List<? extends CorpusPayloadDecoder> decoders,
        Function<WatermarkKey, ? extends CorpusPayloadDecoder> controls) {
      this.payloadDecoders = List.copyOf(decoders);
      this.controlDecoders = Objects.requireNonNull(controls, "controls");
      return this;
    }

    /**
     * Two-level dedup: only the first occurrence of a window within a record (closed model) or an
     * owner text (reading mode) is scored, then each (window, token) tuple once globally, so that
     * tokens a suspect copies from its context do not count. Default: off for the closed model,
     * on for reading mode.
     */
    public Builder firstWindowPerText(boolean on) {
      this.firstWindowPerText = on;
      return this;
    }

    /**
     * Tests the weighted statistic S = Σ levelᵢ·scoreᵢ with levels from {@code source} (fixed
     * before the suspect is read, the same for every key and control key; level 0 is not scored),
     * with its exact tail; null (the default) tests the unweighted count or sum.
     */
    public Builder weights(WeightSource source) {
      this.weights = source;
      return this;
    }

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
      Checks.require(payloadDecoders == null || weights == null,
          "a payload (payload=b) has no weighted law: weights do not apply to it");
      KeyPanel panel = new KeyPanel(labels, scorers, controlCount, controlSeed, controlFactory, payloadDecoders,
          controlDecoders);
      if (filter != null) {
        Checks.require(filter.contextWidth() == panel.h,
            "owner filter has h=%d but the scorers have h=%d", filter.contextWidth(), panel.h);
      }
      return new InheritanceVerifier(this, panel);
    }
  }
}
