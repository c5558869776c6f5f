package io.tracemark.verifier;

import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.HfSynthIdSpec;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.LogitsModel;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.KeyFile;
import io.tracemark.core.keys.Keys;
import io.tracemark.verifier.input.CorpusRecords;
import io.tracemark.verifier.input.Fields;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.InputFile;
import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.input.SourceListing;
import io.tracemark.verifier.report.ReportInputs;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The closed-model inheritance test of a suspect corpus, as a library call: the one path from
 * files (or in-memory records) through the tokenizer, the owner filter, the dedup tape and the
 * scorers to an {@link InheritanceResult} and the {@linkplain #reportInputs() inputs} of its
 * evidence report.
 *
 * <pre>{@code
 * Verification v = Verification.builder()
 *     .scheme(SchemeSpec.parse("kgw:gamma=0.25,delta=2,h=1"))
 *     .key(KeyFiles.read(Path.of("owner.key.json")))
 *     .tokenizer(Tokenizers.byName("cl100k_base"))
 *     .suspect(Path.of("suspect.jsonl"))
 *     .build();
 * InheritanceResult result = v.run();
 * ReportWriter.write(Path.of("report"), EvidenceReport.of(result, v.reportInputs()), null);
 * }</pre>
 *
 * <p>Everything that can be checked without reading the corpus is checked by {@link
 * Builder#build()}: the options, the key's recorded use, the input paths (see {@link
 * CorpusRecords}), the spill directory. The owner filter is built, and fixed, from the owner's
 * corpus before the suspect corpus is read. {@link #readingMode} runs the open-model test on a
 * {@link LogitsModel} with the same keys and options.
 *
 * <p>A {@code Verification} runs once ({@link #run()}) and is not thread-safe; its worker threads
 * are its own, or the caller's {@link Builder#executor(Executor) executor}'s. Changing the builder
 * after {@link Builder#build()} does not change a built verification. The class is long because
 * its builder is: one documented setter per option of the corpus path.
 */
public final class Verification {
  /**
   * Why a corpus verification refuses {@code hf-synthid:…,gvals=table}: the corpus path counts
   * each distinct n-gram once, but distinct n-grams share entries of the table, so the g-values
   * it would sum are not independent and the binomial tail would understate the p-value (a false
   * accusation). {@code detect} counts each table entry once and stays exact.
   */
  public static final String TABLE_GVALUES_REFUSED = "hf-synthid with gvals=table cannot be verified over a corpus: "
      + "distinct n-grams share table entries, so the p-value would not be exact; use detect per text, or gvals=hash";

  /**
   * Why a corpus verification refuses {@code gumbel:…,score=windowed}: the windowed test is a
   * per-text test; the corpus path sums the scores of every distinct unit of the corpus.
   */
  public static final String WINDOWED_REFUSED = "gumbel with score=windowed is a per-text test (detect): a corpus "
      + "verification sums the scores of every distinct unit; use score=sum";

  /**
   * Why a payload scheme refuses per-tenant keys, weights and localisation: the tenant is named by
   * the decoded message, the payload's law has no weighted form, and its message is decoded from
   * the whole corpus, not region by region.
   */
  public static final String PAYLOAD_OPTIONS_REFUSED = "a payload scheme (payload=b) decodes the tenant's number "
      + "from the corpus under the one key: per-tenant keys (tenants > 0), weights and per-record localisation do "
      + "not apply to it";

  /**
   * Why a weighted test of a tournament scheme ({@code synthid:}, {@code hf-synthid:}) is refused: the
   * weighted tail is exact for binomial and Gamma(n, 1) unit scores, not for layered g-values.
   */
  public static final String LAYERED_WEIGHTS_REFUSED = "weights apply to binomial (green-list) and gamma-sum "
      + "(Gumbel) scores: the weighted tail of the tournament's layered g-values is not implemented; run the "
      + "unweighted test";

  /** The report's (and the command line's) name of two-level dedup. */
  public static final String FIRST_WINDOW_AND_TOKEN = "first-window+token";
  private final Builder b;
  private final SchemeSpec spec;
  private final int vocabularySize;
  private final int tenants;
  private final CorpusRecords suspectReader;
  private final CorpusRecords filterReader;
  private final InheritanceVerifier.Builder verifier;
  private final ReportInputs.Key keyBlock;
  private final String statistic;
  private OwnerFilter ownerFilter;
  private WeightSource weights;
  private InheritanceResult result;
  private DistributedPass.Corpus distributedCorpus;
  private final RegionCollector regionCollector;

  private Verification(Builder b) {
    this.b = b;
    this.spec = Objects.requireNonNull(b.spec, "scheme");
    boolean interop = spec instanceof InteropSpec;
    Checks.require(interop || b.key != null, "a key is required for %s: schemes", spec.family());
    Checks.require(!interop || b.key == null, "a key does not apply to %s: schemes (their key is the %s "
        + "parameter of the scheme)", spec.family(), interop ? ((InteropSpec) spec).keyParameter() : "");
    Checks.require(!interop || (b.tenants == null && b.vocabularySize == null),
        "tenants and vocabularySize do not apply to interop schemes");
    Checks.require(!interop || b.message == null, "a message does not apply to %s: schemes", spec.family());
    Checks.require(b.suspect != null || b.suspectListing != null || b.records != null, "a suspect corpus (paths or records) is required");
    Checks.require(!(spec instanceof HfSynthIdSpec && ((HfSynthIdSpec) spec).gValues() == HfSynthIdSpec.GValues.TABLE),
        TABLE_GVALUES_REFUSED);
    Checks.require(!(spec instanceof GumbelSpec && ((GumbelSpec) spec).score() == GumbelSpec.Score.WINDOWED),
        WINDOWED_REFUSED);
    this.vocabularySize = interop ? spec.vocabularySize().orElse(Integer.MAX_VALUE)
        : b.vocabularySize != null ? b.vocabularySize : b.tokenizer != null ? b.tokenizer.vocabularySize() : -1;
    Checks.require(vocabularySize >= 2, "the vocabulary size must be >= 2 (give a tokenizer or vocabularySize), "
        + "was %d", vocabularySize);
    if (b.keyFile != null) {
      List<String> mismatches = b.keyFile.use().mismatches(spec,
          b.tokenizer == null ? null : b.tokenizer.name(), vocabularySize);
      if (!mismatches.isEmpty()) {
        throw new InputException(b.keyFile.path() + ": the key was made for another "
            + String.join(", another ", mismatches) + " than this run uses (see 'tracemark key-info --key "
            + b.keyFile.path() + "'); a run with another one finds nothing, so it is refused");
      }
    }
    this.tenants = interop ? 0 : b.tenants != null ? b.tenants : b.key.tenants();
    if (b.tenants == null && tenants > InheritanceVerifier.MAX_TENANTS) {
      throw new InputException(String.format(Locale.ROOT, "%s: field \"tenants\" is over the limit of %,d tenant "
          + "keys tested at once; give --tenants N (at most %,d) to test the first N",
          b.keyFile != null ? b.keyFile.path() : "the key", InheritanceVerifier.MAX_TENANTS,
          InheritanceVerifier.MAX_TENANTS));
    }
    // records carry the weights of FieldWeights in their field; the owner's corpus carries none
    Fields suspectFields = b.weights instanceof FieldWeights fw ? b.fields.withWeights(fw.field()) : b.fields;
    this.suspectReader = b.suspectListing != null ? reader(b.suspectListing, suspectFields)
        : b.suspect == null ? null : reader(new SourceListing(b.suspect), suspectFields);
    this.filterReader = b.ownerFilterPaths == null ? null
        : reader(new SourceListing(b.ownerFilterPaths), b.fields.withWeights(null));
    InheritanceVerifier.Builder v;
    io.tracemark.api.NullDistribution law;
    if (interop) {
      InteropSpec is = (InteropSpec) spec;
      Watermark wm = Watermarks.create(null, spec, vocabularySize);
      law = wm.scorer().nullDistribution();
      v = InheritanceVerifier.builder().scorer(wm.keyId(), wm.scorer())
          .controlKeys(b.controlKeys, controlScorers(is, vocabularySize));
      byte[] salt = new byte[Keys.COMMITMENT_SALT_LENGTH];
      new SecureRandom().nextBytes(salt);
      Optional<String> c = Keys.commitment(is, salt);
      keyBlock = new ReportInputs.Key("none (the key is the " + is.keyParameter() + " of the scheme)",
          c.orElse("none (" + spec.family() + " keys are guessable: see warning)"), null, 0,
          c.isPresent() ? HexFormat.of().formatHex(salt) : null, is.keyWarning());
    } else if (b.message != null) {
      // one message of a payload scheme, tested like a key: the inheritance test of one tenant's answers
      Checks.require(tenants == 0 && b.regionSearch == null, "a message (%s) is tested under the one key: "
          + "per-tenant keys and per-record localisation do not apply to it", "message");
      long m = b.message;
      law = spec.nullDistribution();
      v = InheritanceVerifier.builder().scorer(b.key.keyId(), Watermarks.create(b.key, spec, vocabularySize, m)
          .scorer()).controlKeys(b.controlKeys, k -> Watermarks.create(k, spec, vocabularySize, m).scorer());
      keyBlock = new ReportInputs.Key(b.key.keyId(), b.key.commitment(),
          b.key.created().map(Object::toString).orElse(null), tenants, null, null);
    } else if (hasPayload(spec)) {
      // the message is decoded from the units the test scores, under the key and each control key
      Checks.require(tenants == 0 && b.weights == null && b.referenceContext == null && b.regionSearch == null,
          PAYLOAD_OPTIONS_REFUSED + " (%s)", tenants > 0 ? "tenants=" + tenants + (b.tenants == null
              ? " recorded in the key file; set tenants to 0, --tenants 0" : "")
              : b.regionSearch != null ? "localize" : "weights");
      law = spec.nullDistribution();
      v = spec instanceof KgwSpec kgw ? InheritanceVerifier.payload(b.key, kgw, vocabularySize)
          : InheritanceVerifier.payload(b.key, (GumbelSpec) spec, vocabularySize);
      v.controlKeys(b.controlKeys);
      keyBlock = new ReportInputs.Key(b.key.keyId(), b.key.commitment(),
          b.key.created().map(Object::toString).orElse(null), tenants, null, null);
    } else {
      // kgw or gumbel: keyed by a WatermarkKey, scored through the scheme's TokenScorer
      law = spec.nullDistribution();
      v = tenants > 0 ? InheritanceVerifier.greenListTenants(b.key, tenants, spec, vocabularySize)
          : InheritanceVerifier.greenList(b.key, spec, vocabularySize);
      v.controlKeys(b.controlKeys);
      keyBlock = new ReportInputs.Key(b.key.keyId(), b.key.commitment(),
          b.key.created().map(Object::toString).orElse(null), tenants, null, null);
    }
    this.regionCollector = b.regionSearch == null ? null : regionCollector(interop);
    if (b.tapeMemoryBytes != null) {
      v.tapeMemoryBudget(b.tapeMemoryBytes);
    }
    if (b.spillDirectory != null) {
      v.spillDirectory(b.spillDirectory);
    }
    if (b.firstWindowPerText != null) {
      v.firstWindowPerText(b.firstWindowPerText);
    }
    v.alpha(b.alpha).dedup(b.dedup).excludePromptWindows(b.promptExclusion).onBadRecord(b.onBadRecord)
        .threads(b.threads).controlSeed(b.controlSeed);
    if (b.executor != null) {
      v.executor(b.executor);
    }
    this.verifier = v;
    boolean weighted = b.weights != null || b.referenceContext != null;
    Checks.require(!(weighted && law instanceof io.tracemark.api.NullDistribution.LayeredBinomial),
        LAYERED_WEIGHTS_REFUSED);
    this.statistic = (weighted ? "weighted_" : "") + law.label();
  }

  /** Whether {@code spec} carries a multi-bit payload ({@code kgw:…,payload=b} or {@code gumbel:…,payload=b}). */
  static boolean hasPayload(SchemeSpec spec) {
    return spec instanceof KgwSpec k && k.hasPayload() || spec instanceof GumbelSpec g && g.hasPayload();
  }

  /** The per-record localisation of {@link Builder#localize}, refused for a statistic other than green counts. */
  private RegionCollector regionCollector(boolean interop) {
    Watermark wm = Watermarks.create(interop ? null : b.key, spec, vocabularySize);
    // the statistic of the scheme's detector, read from a detection of one token
    RegionSearch.requireGreenCounts(wm.detector(b.dedup).detect(new int[] {0}).nullDistribution());
    return new RegionCollector(wm, b.dedup, b.regionSearch, vocabularySize, b.regionsShown, b.alpha);
  }

  private CorpusRecords reader(SourceListing listing, Fields fields) {
    CorpusRecords r = new CorpusRecords(listing, fields, b.tokenizer, vocabularySize, b.normalization, b.onBadRecord)
        .parallelism(b.threads).maxRecordBytes(b.maxRecordBytes);
    if (b.vocabularySource != null) {
      r.vocabularySource(b.vocabularySource);
    }
    return r;
  }

  /** For an interop scheme, the scorer of the same scheme under a control key derived from a (random) key. */
  private static Function<WatermarkKey, TokenScorer> controlScorers(InteropSpec spec, int vocabularySize) {
    return k -> Watermarks.create(null, spec.withKey(
        ByteBuffer.wrap(Keys.derive(k, "tracemark/interop-control-key", 8)).getLong()), vocabularySize).scorer();
  }

  /** A builder with the defaults of {@code tracemark verify}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The vocabulary size token ids are checked against (an interop scheme's, the override, or the tokenizer's). */
  public int vocabularySize() {
    return vocabularySize;
  }

  /**
   * Directory entries of the suspect and owner corpora that will not be read (hidden, symbolic
   * links, not regular files), suspect first; known as soon as the verification is built, so a
   * caller can say so before the corpus is read.
   */
  public List<ReportInputs.NotRead> notRead() {
    List<ReportInputs.NotRead> all = new ArrayList<>();
    if (suspectReader != null) {
      suspectReader.notRead().forEach(s -> all.add(new ReportInputs.NotRead(s.id(), "suspect", s.reason())));
    }
    if (filterReader != null) {
      filterReader.notRead().forEach(s -> all.add(new ReportInputs.NotRead(s.id(), "filter", s.reason())));
    }
    return all;
  }

  /** Bytes of the suspect files (0 for in-memory records). */
  public long totalBytes() {
    return suspectReader == null ? 0 : suspectReader.totalBytes();
  }

  /** Bytes of the suspect files read so far (any thread may ask). */
  public long bytesRead() {
    return suspectReader == null ? 0 : suspectReader.bytesRead();
  }

  /** Answer tokens the reader has produced so far. */
  public long tokensSeen() {
    return suspectReader == null ? 0 : suspectReader.tokensSeen();
  }

  /**
   * Runs the closed-model test: builds the owner filter from the owner's corpus (if given), then
   * reads the suspect corpus once. Single use.
   *
   * @throws InputException for unreadable or bad input (naming file and line) under the policy
   * @throws TapeMemoryExceededException when per-key tapes would grow past their bound
   * @throws IllegalStateException when called twice
   */
  public InheritanceResult run() {
    if (result != null) {
      throw new IllegalStateException("a Verification runs once");
    }
    buildOwnerFilter();
    if (b.progress != null) {
      verifier.progress(b.progress::tokensScored);
    }
    if (suspectReader != null) {
      try (suspectReader) {
        result = verifier.build().closedModel(tapped(suspectReader));
      }
    } else {
      result = verifier.build().closedModel(tapped(b.records));
    }
    return result;
  }

  /**
   * Runs the closed-model test with the suspect files read, scanned and scored by {@code runner}'s
   * workers ({@link DistributedPass}; the Spark job {@code VerifyJob}), with the same parser,
   * checks, position filter, dedup rule (first occurrence in input order), scorers, bad-record
   * policy and result as {@link #run()}, bit for bit (score sums are order-free fixed-point sums):
   * builds the owner filter, hands the runner the pass, and assembles what it
   * returns. Single use. Supported: {@code kgw:} and {@code gumbel:} schemes whose
   * units do not depend on the key, unweighted, from files, with a JTokkit encoding, a tokenizer.json or token ids.
   *
   * @throws IllegalArgumentException for an option the distributed pass does not support
   * @throws InputException as {@link #run()}
   */
  public InheritanceResult run(DistributedPass.Runner runner) {
    Objects.requireNonNull(runner, "runner");
    if (result != null) {
      throw new IllegalStateException("a Verification runs once");
    }
    Checks.require(suspectReader != null, "a distributed run reads suspect files, not records in memory");
    Checks.require(!(spec instanceof InteropSpec), "a distributed run takes kgw: or gumbel: schemes, not %s:",
        spec.family());
    Checks.require(!hasPayload(spec), "a distributed run tests keys; it does not decode a payload (payload=b): "
        + "run tracemark verify");
    Checks.require(b.weights == null && b.referenceContext == null, "a distributed run tests the unweighted "
        + "statistic; weights (%s) are not supported", "--weights");
    Checks.require(regionCollector == null, "a distributed run does not localise records (%s)", "--localize");
    Checks.require(b.tokenizer == null || b.tokenizer instanceof java.io.Serializable
        || Tokenizers.encodingNames().contains(b.tokenizer.name()), "a distributed run tokenizes with a JTokkit "
        + "encoding (%s) or a tokenizer.json, not %s", Tokenizers.encodingNames(),
        b.tokenizer == null ? "" : b.tokenizer.name());
    buildOwnerFilter();
    InheritanceVerifier v = verifier.build();
    Checks.require(!v.perKeyUnits(), "a distributed run needs dedup units that do not depend on the key; %s has "
        + "self-seeded units", spec.redacted());
    List<WatermarkKey> keys = new ArrayList<>();
    keys.add(b.key);
    for (int i = 0; i < tenants; i++) {
      keys.add(Keys.tenant(b.key, i));
    }
    Fields suspectFields = b.fields;
    DistributedPass.Plan plan = new DistributedPass.Plan(spec, vocabularySize, keys, b.controlKeys, b.controlSeed,
        b.dedup, b.promptExclusion, v.firstWindowPerText(false), ownerFilter, suspectFields,
        b.tokenizer, b.normalization, b.vocabularySource, b.maxRecordBytes);
    DistributedPass pass = new DistributedPass(v, suspectReader, plan);
    DistributedPass.Corpus[] corpus = new DistributedPass.Corpus[1];
    result = pass.finish(runner.run(pass), corpus);
    distributedCorpus = corpus[0];
    return result;
  }

  private Iterable<SuspectRecord> tapped(Iterable<SuspectRecord> records) {
    return regionCollector == null ? records : regionCollector.tap(records);
  }

  /**
   * The best region of each record, when {@link Builder#localize} was asked; empty otherwise.
   *
   * @throws IllegalStateException before {@link #run()}
   */
  public Optional<RecordRegions> regions() {
    if (result == null) {
      throw new IllegalStateException("regions() needs a finished run()");
    }
    return regionCollector == null ? Optional.empty() : Optional.of(regionCollector.finish());
  }

  /**
   * Reading mode (open model): feeds each of the owner's watermarked texts to the suspect model and
   * scores its top-1 predictions (see {@link InheritanceVerifier#readingMode}), with this
   * verification's keys, controls, owner filter, dedup and alpha. The suspect corpus is not read.
   * With {@link Builder#weights weights} set to {@link ReadingWeights} it scores the suspect's top-2
   * predictions weighted by their log-ratio to the owner's model (R*); {@link
   * ReadingTexts#bySharedContexts} chooses the owner texts to read.
   */
  public InheritanceResult readingMode(LogitsModel model, Iterable<int[]> ownerTexts) {
    if (result != null) {
      throw new IllegalStateException("a Verification runs once");
    }
    buildOwnerFilter();
    result = verifier.build().readingMode(model, ownerTexts);
    return result;
  }

  /**
   * Reading mode over a suspect model with its own tokenizer {@code suspectTokenizer} (the
   * model's ids are that tokenizer's), other than this verification's {@link Builder#tokenizer
   * tokenizer}, which the owner's texts and the watermark use: see {@link
   * InheritanceVerifier#readingMode(LogitsModel, Iterable, TextTokenizer, TextTokenizer)}. The
   * alignment's counts are in the result's {@link InheritanceResult.Counts#alignment()}.
   *
   * @throws IllegalStateException if no tokenizer was set, or the verification already ran
   */
  public InheritanceResult readingMode(LogitsModel model, Iterable<int[]> ownerTexts, TextTokenizer suspectTokenizer) {
    if (result != null) {
      throw new IllegalStateException("a Verification runs once");
    }
    Objects.requireNonNull(suspectTokenizer, "suspectTokenizer");
    if (b.tokenizer == null) {
      throw new IllegalStateException("reading mode over another tokenizer needs the watermark's tokenizer: set "
          + "tokenizer(...)");
    }
    buildOwnerFilter();
    result = verifier.build().readingMode(model, ownerTexts, b.tokenizer, suspectTokenizer);
    return result;
  }

  private void buildOwnerFilter() {
    if (b.ownerFilter != null) {
      ownerFilter = b.ownerFilter;
    } else if (filterReader != null) {
      Iterable<int[]> texts = () -> new Iterator<>() {
        final Iterator<SuspectRecord> it = filterReader.iterator();

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public int[] next() {
          return it.next().tokens();
        }
      };
      int h = spec.contextWidth();
      // the reference weights count the owner's contexts in the same pass that builds the filter
      ContextCountWeights.Counter counter = b.referenceContext == null ? null
          : ContextCountWeights.counter(b.referenceContext < 0 ? h : b.referenceContext);
      Iterable<int[]> read = counter == null ? texts : () -> new Iterator<>() {
        final Iterator<int[]> it = texts.iterator();

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public int[] next() {
          int[] t = it.next();
          counter.add(t);
          return t;
        }
      };
      try (filterReader) {
        ownerFilter = b.ownerFilterTop != null
            ? OwnerFilter.of(OwnerFilter.Selection.TOP_N, b.ownerFilterTop, h, read, b.ownerFilterMemory,
                b.ownerFilterMemoryOption)
            : b.ownerFilterMinCount != null
            ? OwnerFilter.of(OwnerFilter.Selection.MIN_COUNT, b.ownerFilterMinCount, h, read, b.ownerFilterMemory,
                b.ownerFilterMemoryOption)
            : OwnerFilter.of(OwnerFilter.Selection.ALL, 0, h, read, b.ownerFilterMemory, b.ownerFilterMemoryOption);
      }
      if (counter != null) {
        weights = counter.build(b.weightLevels);
      }
    }
    if (b.weights != null) {
      weights = b.weights;
    }
    verifier.ownerFilter(ownerFilter).weights(weights);
  }

  /**
   * The name of the statistic tested, known before the run: the scheme's null law ({@code
   * binomial}, {@code gamma_sum}, …), prefixed {@code weighted_} when weighted (as the report's
   * {@code statistic.name}).
   */
  public String statistic() {
    return statistic;
  }

  /** The key id the report gives (for an interop scheme, a note that its key is a parameter of the scheme). */
  public String keyId() {
    return keyBlock.keyId();
  }

  /**
   * The tokenizer as the report names it: its name, {@code none (token ids)} without one, and the
   * vocabulary size when it is set apart from the tokenizer's.
   */
  public String tokenizerLabel() {
    return b.tokenizer == null ? "none (token ids)"
        : b.vocabularySize != null ? b.tokenizer.name() + " (vocabulary size set to " + vocabularySize + ")"
        : b.tokenizer.name();
  }

  /** The text normalisation as the report names it ({@link Normalization#label()}). */
  public String normalizationLabel() {
    return b.normalization.label();
  }

  /** The weight source of a weighted run (after {@link #run()}), or null for the unweighted test. */
  public WeightSource weights() {
    return weights;
  }

  /**
   * What the evidence report says about this run besides the result ({@link
   * io.tracemark.verifier.report.EvidenceReport#of}); after {@link #run()}.
   *
   * @throws IllegalStateException before the run
   */
  public ReportInputs reportInputs() {
    if (result == null) {
      throw new IllegalStateException("reportInputs() needs a finished run()");
    }
    boolean interop = spec instanceof InteropSpec;
    String tokenizer = tokenizerLabel();
    ReportInputs.Scheme scheme = new ReportInputs.Scheme(spec.redacted(), interop ? "interop"
        : Watermarks.FORMAT_VERSION, vocabularySize, interop ? ((InteropSpec) spec).caveat() : null);
    ReportInputs.Options options = new ReportInputs.Options(tokenizer, b.normalization.label(),
        Boolean.TRUE.equals(b.firstWindowPerText) ? FIRST_WINDOW_AND_TOKEN : b.dedup.label(), b.promptExclusion,
        ownerFilter == null ? null : ownerFilter.description(),
        b.onBadRecord.label());
    List<InputFile> filterFiles = filterReader == null ? List.of() : filterReader.inputs();
    ReportInputs.Corpus corpus = suspectReader == null
        ? new ReportInputs.Corpus(List.of(), filterFiles, List.of(), 0, notRead())
        : distributedCorpus != null
        ? new ReportInputs.Corpus(distributedCorpus.inputs(), filterFiles, distributedCorpus.bad().listed(),
            distributedCorpus.bad().count(), notRead())
        : new ReportInputs.Corpus(suspectReader.inputs(), filterFiles, suspectReader.skipped(),
            suspectReader.skippedCount(), notRead());
    Instant when = b.createdSet ? b.created : Instant.now();
    return new ReportInputs(when == null ? null : when.truncatedTo(ChronoUnit.SECONDS).toString(), scheme, keyBlock,
        options, corpus);
  }

  /** Called now and then with the number of tokens scored so far (for progress bars). */
  @FunctionalInterface
  public interface ProgressListener {
    /** The tokens scored so far. */
    void tokensScored(long tokens);
  }

  /**
   * Configures a {@link Verification}; the defaults are those of {@code tracemark verify}. Not
   * thread-safe; {@link #build()} validates and checks the inputs.
   */
  public static final class Builder {
    private SchemeSpec spec;
    private WatermarkKey key;
    private KeyFile keyFile;
    private Integer tenants;
    private Long message;
    private int controlKeys = InheritanceVerifier.DEFAULT_CONTROL_KEYS;
    private long controlSeed = InheritanceVerifier.DEFAULT_CONTROL_SEED;
    private TextTokenizer tokenizer;
    private Integer vocabularySize;
    private String vocabularySource;
    private Normalization normalization = Normalization.NONE;
    private Fields fields = Fields.DEFAULT;
    private List<Path> suspect;
    private SourceListing suspectListing;
    private Iterable<SuspectRecord> records;
    private List<Path> ownerFilterPaths;
    private OwnerFilter ownerFilter;
    private Integer ownerFilterTop;
    private Integer ownerFilterMinCount;
    private long ownerFilterMemory = Runtime.getRuntime().maxMemory() / 4;
    private String ownerFilterMemoryOption = "ownerFilterMemory";
    private DedupMode dedup = DedupMode.WINDOW_AND_TOKEN;
    private boolean promptExclusion = true;
    private double alpha = InheritanceVerifier.DEFAULT_ALPHA;
    private int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
    private Executor executor;
    private long maxRecordBytes = Inputs.DEFAULT_MAX_RECORD_BYTES;
    private Long tapeMemoryBytes;
    private Path spillDirectory;
    private BadRecordPolicy onBadRecord = BadRecordPolicy.FAIL;
    private ProgressListener progress;
    private Boolean firstWindowPerText;
    private Integer referenceContext;
    private int weightLevels = io.tracemark.core.stats.WeightGrid.DEFAULT_MAX_LEVEL;
    private WeightSource weights;
    private Instant created;
    private boolean createdSet;
    private RegionSearch regionSearch;
    private int regionsShown;

    private Builder() {}

    /** A copy, so that a built verification does not change with its builder. */
    private Builder(Builder o) {
      this.spec = o.spec;
      this.key = o.key;
      this.message = o.message;
      this.keyFile = o.keyFile;
      this.tenants = o.tenants;
      this.controlKeys = o.controlKeys;
      this.controlSeed = o.controlSeed;
      this.tokenizer = o.tokenizer;
      this.vocabularySize = o.vocabularySize;
      this.vocabularySource = o.vocabularySource;
      this.normalization = o.normalization;
      this.fields = o.fields;
      this.suspect = o.suspect;
      this.suspectListing = o.suspectListing;
      this.records = o.records;
      this.ownerFilterPaths = o.ownerFilterPaths;
      this.ownerFilter = o.ownerFilter;
      this.ownerFilterTop = o.ownerFilterTop;
      this.ownerFilterMinCount = o.ownerFilterMinCount;
      this.ownerFilterMemory = o.ownerFilterMemory;
      this.ownerFilterMemoryOption = o.ownerFilterMemoryOption;
      this.dedup = o.dedup;
      this.promptExclusion = o.promptExclusion;
      this.alpha = o.alpha;
      this.threads = o.threads;
      this.executor = o.executor;
      this.maxRecordBytes = o.maxRecordBytes;
      this.tapeMemoryBytes = o.tapeMemoryBytes;
      this.spillDirectory = o.spillDirectory;
      this.onBadRecord = o.onBadRecord;
      this.progress = o.progress;
      this.created = o.created;
      this.createdSet = o.createdSet;
      this.firstWindowPerText = o.firstWindowPerText;
      this.referenceContext = o.referenceContext;
      this.weightLevels = o.weightLevels;
      this.weights = o.weights;
      this.regionSearch = o.regionSearch;
      this.regionsShown = o.regionsShown;
    }

    /** The watermark scheme (required): {@code kgw:} with a {@link #key}, or an interop spec carrying its key. */
    public Builder scheme(SchemeSpec scheme) {
      this.spec = Objects.requireNonNull(scheme, "scheme");
      return this;
    }

    /** The owner's key for a {@code kgw:} scheme. */
    public Builder key(WatermarkKey key) {
      this.key = Objects.requireNonNull(key, "key");
      this.keyFile = null;
      return this;
    }

    /**
     * The owner's key from its key file: {@link #build()} also refuses a run whose scheme,
     * tokenizer or vocabulary contradicts what the file records the key was made for.
     */
    public Builder keyFile(KeyFile file) {
      this.keyFile = Objects.requireNonNull(file, "keyFile");
      this.key = file.key();
      return this;
    }

    /**
     * Tests tenant keys 0..n−1 derived from the key as well as the key itself, Holm-corrected
     * (default: the number the key records; 0 tests the key alone).
     */
    public Builder tenants(int n) {
      Checks.require(n >= 0 && n <= InheritanceVerifier.MAX_TENANTS, "tenants must be between 0 and %d, was %d",
          InheritanceVerifier.MAX_TENANTS, n);
      this.tenants = n;
      return this;
    }

    /**
     * For a scheme with a payload ({@code payload=b}): tests the one message {@code message} (e.g. a
     * tenant's number) as a key is tested, with its exact one-message null and control keys carrying
     * the same message, instead of decoding the message from the corpus (default: decode).
     */
    public Builder message(long message) {
      Checks.require(message >= 0, "message must be >= 0, was %d", message);
      this.message = message;
      return this;
    }

    /** Random control keys for the empirical null (default {@value InheritanceVerifier#DEFAULT_CONTROL_KEYS}). */
    public Builder controlKeys(int count) {
      Checks.require(count >= 0 && count <= 100_000, "control keys must be between 0 and 100000, was %d", count);
      this.controlKeys = count;
      return this;
    }

    /** The seed the control keys are derived from (not secret; default fixed). */
    public Builder controlSeed(long seed) {
      this.controlSeed = seed;
      return this;
    }

    /** The tokenizer for text fields and text files; not needed for token ids with a {@link #vocabularySize}. */
    public Builder tokenizer(TextTokenizer tokenizer) {
      this.tokenizer = tokenizer;
      return this;
    }

    /** Overrides the tokenizer's vocabulary size (kgw schemes only). */
    public Builder vocabularySize(int size) {
      Checks.require(size >= 2, "vocabularySize must be >= 2, was %d", size);
      this.vocabularySize = size;
      return this;
    }

    /**
     * Where the vocabulary size comes from, appended to out-of-vocabulary errors (e.g. {@code
     * vocabulary of 100,277 of tokenizer cl100k_base}); default nothing.
     */
    public Builder vocabularySource(String description) {
      this.vocabularySource = description;
      return this;
    }

    /**
     * The normalisers applied to text (text fields, text files, the owner's corpus) before it is
     * tokenized (default {@link Normalization#NONE}); the report names them.
     */
    public Builder normalization(Normalization normalization) {
      this.normalization = Objects.requireNonNull(normalization, "normalization");
      return this;
    }

    /** JSONL field names (default {@link Fields#DEFAULT}). */
    public Builder fields(Fields fields) {
      this.fields = Objects.requireNonNull(fields, "fields");
      return this;
    }

    /** The suspect corpus: JSONL or text files, or directories of them (gzip allowed). */
    public Builder suspect(List<Path> paths) {
      this.suspect = List.copyOf(paths);
      this.suspectListing = null;
      this.records = null;
      return this;
    }

    /**
     * The suspect corpus as files listed elsewhere with the rules of {@link SourceListing} (a distributed job lists
     * a file system that this process does not reach); read only by {@link Verification#run(DistributedPass.Runner)}.
     */
    public Builder suspect(SourceListing listing) {
      this.suspectListing = Objects.requireNonNull(listing, "listing");
      this.suspect = null;
      this.records = null;
      return this;
    }

    /** The suspect corpus: JSONL or text files, or directories of them (gzip allowed). */
    public Builder suspect(Path... paths) {
      return suspect(List.of(paths));
    }

    /** The suspect corpus as records in memory (token ids), read once, in order. */
    public Builder records(Iterable<SuspectRecord> records) {
      this.records = Objects.requireNonNull(records, "records");
      this.suspect = null;
      this.suspectListing = null;
      return this;
    }

    /**
     * The owner filter from the owner's own watermarked corpus (files or directories): only
     * windows that occur in it are scored. Built, and fixed, before the suspect corpus is read.
     */
    public Builder ownerFilter(List<Path> ownerCorpus) {
      this.ownerFilterPaths = List.copyOf(ownerCorpus);
      this.ownerFilter = null;
      return this;
    }

    /** An owner filter already built. */
    public Builder ownerFilter(OwnerFilter filter) {
      this.ownerFilter = Objects.requireNonNull(filter, "ownerFilter");
      this.ownerFilterPaths = null;
      return this;
    }

    /** Keeps only the N most frequent windows of the owner's corpus. */
    public Builder ownerFilterTop(int n) {
      Checks.require(n >= 1, "filter top-N must be >= 1, was %d", n);
      this.ownerFilterTop = n;
      return this;
    }

    /** Keeps only the windows seen at least m times in the owner's corpus. */
    public Builder ownerFilterMinCount(int m) {
      Checks.require(m >= 1, "filter min-count must be >= 1, was %d", m);
      this.ownerFilterMinCount = m;
      return this;
    }

    /**
     * Tests the weighted statistic with reference weights: w = ln(1 + count of the context in the
     * owner's corpus given to {@link #ownerFilter(List)}), counted in the same pass that builds
     * the filter, before the suspect is read ({@link ContextCountWeights}).
     *
     * @param contextLength the context counted: the scheme's window (h) when {@code < 0}, else that
     *     many tokens (it may exceed h: the context the suspect conditions on)
     */
    public Builder referenceWeights(int contextLength) {
      Checks.require(contextLength <= 64, "the reference context length must be at most 64, was %d", contextLength);
      this.referenceContext = contextLength < 0 ? -1 : contextLength;
      this.weights = null;
      return this;
    }

    /**
     * Tests the weighted statistic with weights from {@code source} (null: the unweighted test). A
     * {@link FieldWeights} source reads each suspect record's weights from its JSONL field;
     * {@link ReadingWeights} apply to {@link Verification#readingMode} only.
     */
    public Builder weights(WeightSource source) {
      this.weights = source;
      this.referenceContext = null;
      return this;
    }

    /** The number of levels of the reference weights' grid (default {@value io.tracemark.core.stats.WeightGrid#DEFAULT_MAX_LEVEL}). */
    public Builder weightLevels(int levels) {
      Checks.require(levels >= 1 && levels <= io.tracemark.core.stats.WeightGrid.LIMIT_MAX_LEVEL,
          "weight levels must be between 1 and %d, was %d", io.tracemark.core.stats.WeightGrid.LIMIT_MAX_LEVEL,
          levels);
      this.weightLevels = levels;
      return this;
    }

    /**
     * Heap the owner filter may take while it is built from the owner's corpus (default a quarter
     * of the maximum heap); a corpus with more distinct windows stops the run with a {@link
     * MemoryBoundException} naming {@code option} (e.g. {@code --filter-memory}).
     */
    public Builder ownerFilterMemory(long bytes, String option) {
      Checks.require(bytes >= OwnerFilter.BYTES_PER_WINDOW, "ownerFilterMemory must be >= %d bytes, was %d",
          OwnerFilter.BYTES_PER_WINDOW, bytes);
      this.ownerFilterMemory = bytes;
      this.ownerFilterMemoryOption = Objects.requireNonNull(option, "option");
      return this;
    }

    /**
     * Two-level dedup ({@value Verification#FIRST_WINDOW_AND_TOKEN}): only the first occurrence of
     * a window within a record, then the global tape (see {@link
     * InheritanceVerifier.Builder#firstWindowPerText}); default off for the closed model, on for
     * reading mode.
     */
    public Builder firstWindowPerText(boolean on) {
      this.firstWindowPerText = on;
      return this;
    }

    /** Deduplication of the global tape (default {@code window+token}). */
    public Builder dedup(DedupMode mode) {
      this.dedup = Objects.requireNonNull(mode, "dedup");
      return this;
    }

    /** Whether windows that occur in a record's prompt are excluded (default true). */
    public Builder promptExclusion(boolean exclude) {
      this.promptExclusion = exclude;
      return this;
    }

    /** The significance level, in (0, 1) (default {@value InheritanceVerifier#DEFAULT_ALPHA}). */
    public Builder alpha(double alpha) {
      Checks.require(alpha > 0 && alpha < 1, "alpha must be in (0, 1), was %s", alpha);
      this.alpha = alpha;
      return this;
    }

    /** Threads for tokenizing and for scoring (default min(2, processors)). */
    public Builder threads(int count) {
      Checks.require(count >= 1 && count <= 256, "threads must be between 1 and 256, was %d", count);
      this.threads = count;
      return this;
    }

    /**
     * Runs the scoring workers on the caller's executor instead of threads of their own; it must
     * run {@link #threads} tasks at once.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The largest record in bytes, after gzip (default 64 MiB); a larger one stops the run. */
    public Builder maxRecordBytes(long bytes) {
      Checks.require(bytes >= Inputs.MIN_RECORD_BYTES_LIMIT && bytes <= Inputs.MAX_RECORD_BYTES_LIMIT,
          "maxRecordBytes must be between %d and %d, was %d", Inputs.MIN_RECORD_BYTES_LIMIT,
          Inputs.MAX_RECORD_BYTES_LIMIT, bytes);
      this.maxRecordBytes = bytes;
      return this;
    }

    /**
     * Memory for the dedup tape before it spills to disk (default a quarter of the heap); see
     * {@link InheritanceVerifier.Builder#tapeMemoryBudget}.
     */
    public Builder tapeMemory(long bytes) {
      Checks.require(bytes >= 1024, "tapeMemory must be >= 1024 bytes, was %d", bytes);
      this.tapeMemoryBytes = bytes;
      return this;
    }

    /** Where the dedup tape spills (default {@code java.io.tmpdir}); checked by {@link #build()}. */
    public Builder spillDirectory(Path dir) {
      this.spillDirectory = Objects.requireNonNull(dir, "spillDirectory");
      return this;
    }

    /** What to do with a bad record: stop (default) or skip, count and list it. */
    public Builder onBadRecord(BadRecordPolicy policy) {
      this.onBadRecord = Objects.requireNonNull(policy, "onBadRecord");
      return this;
    }

    /** Told now and then how many tokens have been scored. */
    public Builder progress(ProgressListener listener) {
      this.progress = listener;
      return this;
    }

    /** When the report is made (default: when {@link #reportInputs()} is called); null omits the field. */
    public Builder created(Instant when) {
      this.created = when;
      this.createdSet = true;
      return this;
    }

    /**
     * Also localises each record as it is read ({@link RecordRegions}, from {@link
     * Verification#regions()} after the run): its best region under {@code search}, scored with
     * the (master) key as {@code detect} scores one text; the {@code shown} best records are kept.
     * Green-count schemes only. Default off.
     *
     * @param shown between 1 and 10,000
     */
    public Builder localize(RegionSearch search, int shown) {
      Checks.require(shown >= 1 && shown <= 10_000, "shown must be between 1 and 10000, was %d", shown);
      this.regionSearch = Objects.requireNonNull(search, "search");
      this.regionsShown = shown;
      return this;
    }

    /**
     * Validates the options and checks everything that can be checked without reading the
     * corpus: the key's recorded use, the tenant count, the input paths, the spill directory.
     *
     * @throws IllegalArgumentException for contradictory or missing options
     * @throws InputException naming a path or key file that cannot be used
     */
    public Verification build() {
      Checks.require(ownerFilterTop == null || ownerFilterMinCount == null,
          "ownerFilterTop and ownerFilterMinCount are mutually exclusive");
      Checks.require((ownerFilterTop == null && ownerFilterMinCount == null) || ownerFilterPaths != null,
          "ownerFilterTop and ownerFilterMinCount need an owner corpus");
      Checks.require(referenceContext == null || ownerFilterPaths != null,
          "reference weights need the owner's corpus (ownerFilter paths, --filter): the counts come from it");
      return new Verification(new Builder(this));
    }
  }
}
