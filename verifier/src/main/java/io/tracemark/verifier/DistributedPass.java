package io.tracemark.verifier;

import io.tracemark.api.DedupMode;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.stats.FixedPointSum;
import io.tracemark.verifier.input.CorpusRecords;
import io.tracemark.verifier.input.Fields;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.InputFile;
import io.tracemark.verifier.input.JsonlRecordParser;
import io.tracemark.verifier.input.SourceListing;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The closed-model test of a {@link Verification} run by someone else's workers (the Spark job
 * {@code io.tracemark.verifier.spark.VerifyJob}) with the single-machine code for every step:
 *
 * <ol>
 *   <li>each worker {@linkplain Task#parse parses} the lines it reads with the same parser as the
 *       single-machine reader, {@linkplain Task#check checks} each record as the verifier does, and
 *       {@linkplain Task#scan scans} it with the same position filter (prompt-window exclusion,
 *       owner filter, two-level dedup), handing each candidate position with its dedup unit to the
 *       caller;
 *   <li>the caller keeps, of every unit, its first occurrence in input order (the record's {@code
 *       order}, then the position), as the single-machine tape does, and a worker {@linkplain
 *       Task#score scores} those under every key into a {@link Tally};
 *   <li>{@link #finish} applies the records' outcomes in input order (the same bad-record policy and
 *       errors) and assembles the result with the single-machine {@code Evidence}.
 * </ol>
 *
 * <p>What the workers need is the serializable {@link Plan}, which holds the key material: it is
 * meant for a broadcast variable and prints nothing of it. A pass is made by {@link
 * Verification#run(Runner)}.
 */
public final class DistributedPass {
  /** A record outcome of kind: admitted. */
  public static final int ADMITTED = 0;
  /** A record outcome of kind: a bad input record (the reader's policy). */
  public static final int BAD_INPUT = 1;
  /** A record outcome of kind: a bad record for the verifier (the verifier's policy). */
  public static final int BAD_RECORD = 2;
  /** A record outcome of kind: an error that stops the run whatever the policy (a record over the size limit). */
  public static final int FATAL = 3;

  private final InheritanceVerifier verifier;
  private final CorpusRecords reader;
  private final Plan plan;

  DistributedPass(InheritanceVerifier verifier, CorpusRecords reader, Plan plan) {
    this.verifier = verifier;
    this.reader = reader;
    this.plan = plan;
  }

  /** Runs a distributed pass: reads the files of {@link #files()} with the workers and returns the {@link Outcome}. */
  @FunctionalInterface
  public interface Runner {
    /** Runs the pass. */
    Outcome run(DistributedPass pass);

    /**
     * Lists the suspect inputs named on the command line: by default the local file system's paths ({@link
     * SourceListing}); a runner whose workers read another file system lists it with the same rules.
     */
    default SourceListing list(List<String> roots) {
      return new SourceListing(roots.stream().map(Path::of).toList());
    }
  }

  /** The suspect files, in the order the single-machine reader reads them. */
  public List<Path> files() {
    return reader.files();
  }

  /** The suspect files as messages and the report name them (a path, or the URI of a file listed elsewhere). */
  public List<String> fileNames() {
    return reader.fileNames();
  }

  /** What the workers need; serializable, holds the key material (broadcast it, never log it). */
  public Plan plan() {
    return plan;
  }

  /**
   * One record's outcome, as a worker found it.
   *
   * @param order the record's place in input order (any increasing numbering: file, then line)
   * @param file the index of its file in {@link #files()}
   * @param where its name in messages: {@code file:line} for a bad input record, the record id for a
   *     bad record, the whole message for {@link #FATAL}
   * @param id the record's id (admitted records)
   * @param length its answer tokens (admitted records)
   * @param problem why it is bad, or null
   * @param kind {@link #ADMITTED}, {@link #BAD_INPUT}, {@link #BAD_RECORD} or {@link #FATAL}
   */
  public record RecordOutcome(long order, int file, String where, String id, long length, String problem, int kind)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * What a distributed pass found.
   *
   * @param records every record's outcome (any order: {@link #finish} sorts them)
   * @param counts the workers' {@link Task#counts()}, added up
   * @param tally the workers' tallies, merged
   * @param inputs the files with their digests and record counts, in the order of {@link #files()}
   */
  public record Outcome(List<RecordOutcome> records, long[] counts, Tally tally, List<InputFile> inputs) {}

  /** The inputs and skipped input records of a finished pass, for the report. */
  record Corpus(List<InputFile> inputs, io.tracemark.verifier.BadRecords bad) {}

  /**
   * Applies the records' outcomes in input order, as the single-machine reader and verifier would
   * meet them (the first bad record stops the run under the fail policy; an input without a usable
   * record is an error), and assembles the result.
   *
   * @throws InputException for a bad input record under the fail policy, a record over the size
   *     limit, or an input without records
   */
  InheritanceResult finish(Outcome outcome, Corpus[] corpus) {
    RecordOutcome[] sorted = outcome.records().toArray(new RecordOutcome[0]);
    Arrays.sort(sorted, (a, b) -> Long.compare(a.order(), b.order()));
    BadRecords inputBad = reader.newBadRecords();
    RecordLedger ledger = verifier.closedModelLedger();
    long[] orders = new long[sorted.length];
    int[] indexes = new int[sorted.length];
    long produced = 0;
    for (int i = 0; i < sorted.length; i++) {
      RecordOutcome r = sorted[i];
      orders[i] = r.order();
      indexes[i] = -1;
      switch (r.kind()) {
        case FATAL:
          throw new InputException(r.where());
        case BAD_INPUT:
          inputBad.bad(r.where(), r.problem());
          break;
        case BAD_RECORD:
          produced++;
          ledger.rejected(r.id(), r.problem());
          break;
        default:
          produced++;
          indexes[i] = ledger.admitted(r.id(), r.length());
      }
    }
    reader.requireRecords(produced, inputBad);
    KeyPanel panel = verifier.panel();
    Tally t = outcome.tally();
    ScoreLedger scores = new ScoreLedger(panel.size(), panel.realKeys, 1);
    for (int k = 0; k < panel.size(); k++) {
      scores.addTotals(k, 1, t.scored[k], t.sums[2 * k], t.sums[2 * k + 1]);
    }
    for (Map.Entry<Long, long[]> e : t.records.entrySet()) {
      int at = Arrays.binarySearch(orders, e.getKey());
      if (at < 0 || indexes[at] < 0) {
        throw new IllegalStateException("a scored unit belongs to no admitted record (order " + e.getKey() + ")");
      }
      long[] v = e.getValue();
      for (int k = 0; k < panel.realKeys; k++) {
        scores.addRecord(indexes[at], k, v[2 * panel.realKeys + k], v[2 * k], v[2 * k + 1]);
      }
    }
    long[] c = outcome.counts();
    Evidence.Counts counts = new Evidence.Counts();
    counts.noContext = c[0];
    // a candidate that is not the first occurrence of its unit is a duplicate, as on the tape
    counts.duplicates = c[1] + (c[4] - t.units);
    counts.excludedPrompt = c[2];
    counts.excludedFilter = c[3];
    corpus[0] = new Corpus(List.copyOf(outcome.inputs()), inputBad);
    return verifier.closedModel(ledger, scores, counts);
  }

  /** Where a candidate position goes: its dedup unit, and the record's tokens (prompt, then answer). */
  @FunctionalInterface
  public interface Candidates {
    /**
     * A position to score once per unit: the tuple is {@code seq[pos - h, pos]}.
     *
     * @param unit the dedup unit (the scheme's fingerprint; every position gets its own under dedup none)
     */
    void candidate(long unit, int[] seq, int pos);
  }

  /**
   * What the workers need: the parser's settings, the test's options, the owner filter and the keys.
   * Serializable; {@link #toString()} shows no key material.
   */
  public static final class Plan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String spec;
    private final int vocabularySize;
    private final byte[][] realKeys;
    private final int controlCount;
    private final long controlSeed;
    private final DedupMode dedup;
    private final boolean excludePrompt;
    private final boolean firstWindowPerText;
    private final OwnerFilter filter;
    private final String[] fields;
    private final String tokenizer;
    private final TextTokenizer serializedTokenizer;
    private final String normalization;
    private final String vocabularySource;
    private final long maxRecordBytes;

    Plan(SchemeSpec spec, int vocabularySize, List<WatermarkKey> realKeys, int controlCount, long controlSeed,
        DedupMode dedup, boolean excludePrompt, boolean firstWindowPerText, OwnerFilter filter, Fields fields,
        TextTokenizer tokenizer, Normalization normalization, String vocabularySource, long maxRecordBytes) {
      this.spec = spec.canonical();
      this.vocabularySize = vocabularySize;
      this.realKeys = new byte[realKeys.size()][];
      for (int i = 0; i < realKeys.size(); i++) {
        this.realKeys[i] = realKeys.get(i).secretBytes();
      }
      this.controlCount = controlCount;
      this.controlSeed = controlSeed;
      this.dedup = dedup;
      this.excludePrompt = excludePrompt;
      this.firstWindowPerText = firstWindowPerText;
      this.filter = filter;
      this.fields = new String[] {fields.id(), fields.text(), fields.tokens(), fields.prompt(), fields.promptTokens(),
          fields.weights()};
      // a JTokkit encoding is made again from its name; a loaded tokenizer.json travels as it is
      this.tokenizer = tokenizer == null ? null : tokenizer.name();
      this.serializedTokenizer = tokenizer instanceof Serializable ? tokenizer : null;
      this.normalization = normalization.label();
      this.vocabularySource = vocabularySource;
      this.maxRecordBytes = maxRecordBytes;
    }

    /** h, the window width. */
    public int contextWidth() {
      return SchemeSpec.parse(spec).contextWidth();
    }

    /** Whether units are deduplicated (not {@code none}): only then is the first occurrence of each kept. */
    public boolean deduplicates() {
      return dedup != DedupMode.NONE;
    }

    /** The largest record in bytes: a longer line stops the run ({@link DistributedPass#FATAL}). */
    public long maxRecordBytes() {
      return maxRecordBytes;
    }

    /** A worker's tools for one task; made on the worker. */
    public Task task() {
      return new Task(this);
    }

    @Override
    public String toString() {
      return "DistributedPass.Plan[" + SchemeSpec.parse(spec).redacted() + ", keys=" + realKeys.length + "+"
          + controlCount + " controls]";
    }
  }

  /**
   * A worker's parser, position filter and scorers for one task, with the counts and the tally of
   * what it did. Not thread-safe: one per task.
   */
  public static final class Task {
    private final Plan plan;
    private final int h;
    private final JsonlRecordParser parser;
    private final RecordLedger checks;
    private final PositionFilter filter;
    private final TokenScorer[] scorers;
    private final int realKeys;
    private final Evidence.Counts counts = new Evidence.Counts();
    private long candidates;
    private final Tally tally;
    /** One score as a fixed-point term, converted once for the two sums it goes to. */
    private final long[] term = new long[2];

    Task(Plan plan) {
      this.plan = plan;
      SchemeSpec spec = SchemeSpec.parse(plan.spec);
      this.h = spec.contextWidth();
      String[] f = plan.fields;
      TextTokenizer tokenizer = plan.tokenizer == null ? null
          : plan.serializedTokenizer != null ? plan.serializedTokenizer : Tokenizers.jtokkit(plan.tokenizer);
      TextPipeline text = tokenizer == null ? null : new TextPipeline(tokenizer,
          Normalization.parse(plan.normalization.replace('+', ',')));
      this.parser = new JsonlRecordParser(new Fields(f[0], f[1], f[2], f[3], f[4], f[5]), text, plan.vocabularySize,
          plan.vocabularySource, plan.maxRecordBytes);
      this.checks = new RecordLedger(plan.vocabularySize, BadRecordPolicy.SKIP, null, false);
      this.filter = new PositionFilter(h, plan.excludePrompt, plan.filter, PositionFilter.Levels.UNWEIGHTED)
          .firstWindowPerRecord(plan.firstWindowPerText);
      this.realKeys = plan.realKeys.length;
      this.scorers = new TokenScorer[realKeys + plan.controlCount];
      for (int k = 0; k < realKeys; k++) {
        scorers[k] = Watermarks.create(WatermarkKey.fromBytes(plan.realKeys[k]), spec, plan.vocabularySize).scorer();
      }
      for (int c = 0; c < plan.controlCount; c++) {
        scorers[realKeys + c] = Watermarks.create(KeyPanel.controlKey(plan.controlSeed, c), spec,
            plan.vocabularySize).scorer();
      }
      this.tally = new Tally(scorers.length, realKeys);
    }

    /** h, the window width: a candidate's tuple is the h tokens before it and its token. */
    public int contextWidth() {
      return h;
    }

    /** Parses one JSONL line (after {@code LineSplitter.record}) or a whole text file, as the single-machine reader does. */
    public JsonlRecordParser.Parsed parse(String where, byte[] bytes, boolean jsonl) {
      return jsonl ? parser.parseLine(where, bytes) : parser.parseText(where, bytes);
    }

    /** Why the verifier refuses the record (empty, ids outside the scheme's vocabulary), or null. */
    public String check(SuspectRecord record) {
      return checks.problem(record);
    }

    /** Scans an admitted record: counts what is not scored, hands every candidate position to {@code out}. */
    public void scan(SuspectRecord record, Candidates out) {
      filter.scan(record, counts, true, new PositionFilter.Candidates() {
        @Override
        public boolean owns(int[] seq, int pos, long window) {
          return true;
        }

        @Override
        public void candidate(int[] seq, int pos, long window, int level) {
          candidates++;
          long unit = plan.dedup == DedupMode.NONE ? candidates : scorers[0].unitFingerprint(seq, pos, plan.dedup);
          out.candidate(unit, seq, pos);
        }
      });
    }

    /**
     * What the scans of this task did not score, and the candidates they handed out: no context,
     * repeated windows, in the prompt, outside the owner filter, candidates.
     */
    public long[] counts() {
      return new long[] {counts.noContext, counts.duplicates, counts.excludedPrompt, counts.excludedFilter,
          candidates};
    }

    /**
     * Scores one distinct unit, the first occurrence of its unit, under every key.
     *
     * @param tuple the h tokens before the position, then its token
     * @param order the order of the record it occurred first in
     */
    public void score(int[] tuple, long order) {
      long[] record = tally.records.computeIfAbsent(order, o -> new long[3 * realKeys]);
      tally.units++;
      for (int k = 0; k < scorers.length; k++) {
        double s = scorers[k].score(tuple, h);
        tally.scored[k]++;
        if (k >= realKeys) {
          FixedPointSum.addTo(tally.sums, k, s);
          continue;
        }
        term[0] = 0;
        term[1] = 0;
        FixedPointSum.addTo(term, 0, s);
        FixedPointSum.addTo(tally.sums, k, term[0], term[1]);
        FixedPointSum.addTo(record, k, term[0], term[1]);
        record[2 * realKeys + k]++;
      }
    }

    /** The tally of the units this task scored. */
    public Tally tally() {
      return tally;
    }
  }

  /**
   * Units scored, per key (real keys first, then controls) and per record for the real keys;
   * serializable, merged across tasks. Score sums are {@link FixedPointSum}s held and sent as two
   * longs each, so the merged sums are the same bits in any order of merging, and the same as the
   * single-machine ledgers'.
   */
  public static final class Tally implements Serializable {
    private static final long serialVersionUID = 1L;

    private long units;
    private final long[] scored;
    /** Per key, the score sum: {@link FixedPointSum} slot k. */
    private final long[] sums;
    private final int realKeys;
    /**
     * Per record order: for each real key k, its score sum in {@link FixedPointSum} slot k, then the units scored of
     * every real key (element {@code 2 * realKeys + k}).
     */
    private final HashMap<Long, long[]> records = new HashMap<>();

    Tally(int keys, int realKeys) {
      this.scored = new long[keys];
      this.sums = new long[2 * keys];
      this.realKeys = realKeys;
    }

    /** Adds another task's tally to this one and returns this one. */
    public Tally merge(Tally o) {
      Objects.requireNonNull(o, "tally");
      units += o.units;
      for (int k = 0; k < scored.length; k++) {
        scored[k] += o.scored[k];
        FixedPointSum.addTo(sums, k, o.sums[2 * k], o.sums[2 * k + 1]);
      }
      for (Map.Entry<Long, long[]> e : o.records.entrySet()) {
        long[] mine = records.get(e.getKey());
        if (mine == null) {
          records.put(e.getKey(), e.getValue().clone());
        } else {
          long[] v = e.getValue();
          for (int k = 0; k < realKeys; k++) {
            FixedPointSum.addTo(mine, k, v[2 * k], v[2 * k + 1]);
            mine[2 * realKeys + k] += v[2 * realKeys + k];
          }
        }
      }
      return this;
    }

    /** Distinct units scored. */
    public long units() {
      return units;
    }
  }
}
