package io.tracemark.verifier.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.api.NullDistribution;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.RecordRegions;
import io.tracemark.verifier.Version;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.InputFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The evidence report: {@code report.json} (schema-versioned, fields in a fixed order), a
 * self-contained {@code report.html}, and optionally {@code report.sig}, an Ed25519 signature over
 * the exact bytes of {@code report.json}.
 *
 * <p>The report names the key by its id and commitment only; nothing in it is secret.
 */
public final class EvidenceReport {
  /** The schema name in {@code report.json}. */
  public static final String SCHEMA = "tracemark-evidence-report";
  /**
   * The schema version; a change of field meaning or order gets a new version. Version 2: the
   * commitment to an interop profile's key is salted ({@code key.commitment_salt}) or withheld,
   * with {@code key.warning} saying how guessable such keys are. Version 3: a multi-bit payload
   * scheme's report has a {@code payload} section after {@code statistics} (the decoded message),
   * and its {@code statistics}, {@code keys} and {@code controls} then hold the decoded message's
   * test, whose p-value is corrected for the 2^b messages.
   */
  public static final int SCHEMA_VERSION = 3;
  /** File names in the output directory. */
  public static final String JSON_FILE = "report.json";
  /** The HTML rendering. */
  public static final String HTML_FILE = "report.html";
  /** The detached signature. */
  public static final String SIG_FILE = "report.sig";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode tree;

  private EvidenceReport(ObjectNode tree) {
    this.tree = tree;
  }

  /**
   * What the report says about the run besides the result.
   *
   * @param created when the report was made (ISO-8601), or null to omit
   * @param scheme canonical scheme specification
   * @param formatVersion PRF format version (e.g. {@code v1})
   * @param vocabularySize vocabulary size
   * @param keyId public key id of the master key
   * @param commitment public commitment of the master key
   * @param keyCreated key creation time, or null
   * @param tenants tenants tested (0: only the master key)
   * @param tokenizer tokenizer name, or {@code none (token ids)}
   * @param normalization {@code none} or the normaliser's name
   * @param dedup dedup mode label
   * @param promptExclusion whether prompt windows were excluded
   * @param filter description of the owner filter, or null
   * @param filterInputs the owner's corpus files (the owner filter), empty without a filter
   * @param onBadRecord fail or skip
   * @param inputs the suspect corpus files
   * @param inputSkipped records the reader skipped (malformed lines…)
   * @param inputSkippedCount their total count
   */
  public record Context(String created, String scheme, String formatVersion, int vocabularySize, String keyId,
      String commitment, String keyCreated, int tenants, String tokenizer, String normalization, String dedup,
      boolean promptExclusion, String filter, List<InputFile> filterInputs, String onBadRecord, List<InputFile> inputs,
      List<SkippedRecord> inputSkipped, long inputSkippedCount) {
    /** Copies the lists. */
    public Context {
      Objects.requireNonNull(scheme, "scheme");
      filterInputs = List.copyOf(filterInputs);
      inputs = List.copyOf(inputs);
      inputSkipped = List.copyOf(inputSkipped);
    }
  }

  /**
   * The report of {@code result} with {@code inputs}: a pure assembly, fields in canonical order.
   * Nothing is added to a report after this; the interop caveat, the key's commitment and warning
   * and the entries not read all come through {@code inputs}.
   */
  public static EvidenceReport of(InheritanceResult result, ReportInputs inputs) {
    return of(result, inputs, null, null);
  }

  /**
   * As {@link #of(InheritanceResult, ReportInputs)}, for a run that followed a pre-registered plan
   * and/or localised each record. {@code plan} (null for none): the report gains a {@code plan}
   * block (the plan's and its query list's SHA-256) before the inputs. {@code regions} (null for
   * none, {@code verify --localize}): the best region of each record in a {@code localization}
   * section after {@code top_records}.
   */
  public static EvidenceReport of(InheritanceResult result, ReportInputs inputs, PlanStamp plan,
      RecordRegions regions) {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(inputs, "inputs");
    ObjectNode tree = tree(inputs, result, regions);
    if (plan == null) {
      return new EvidenceReport(tree);
    }
    // the plan block goes before the inputs, in the canonical order
    ObjectNode ordered = JSON.createObjectNode();
    tree.properties().forEach(e -> {
      if (e.getKey().equals("inputs")) {
        ObjectNode p = ordered.putObject("plan");
        p.put("sha256", plan.sha256());
        p.put("queries_sha256", plan.queriesSha256());
        p.put("queries", plan.queries());
        p.put("checked", "scheme, key id, statistic, weights, dedup, filter corpus, alpha");
      }
      ordered.set(e.getKey(), e.getValue());
    });
    return new EvidenceReport(ordered);
  }

  /** The report as a JSON tree (a copy: changing it does not change this report). */
  public ObjectNode json() {
    return tree.deepCopy();
  }

  /** The exact bytes of {@code report.json} ({@link #toBytes(JsonNode)}). */
  public byte[] jsonBytes() {
    return toBytes(tree);
  }

  /** The HTML rendering, naming the signing key id if the report is signed (null: unsigned). */
  public String html(String signingKeyId) {
    return HtmlReport.render(tree, signingKeyId);
  }

  /** The report as a JSON tree, fields in canonical order, from the old context form. */
  public static ObjectNode toTree(Context c, InheritanceResult r) {
    return tree(new ReportInputs(c.created(),
        new ReportInputs.Scheme(c.scheme(), c.formatVersion(), c.vocabularySize(), null),
        new ReportInputs.Key(c.keyId(), c.commitment(), c.keyCreated(), c.tenants(), null, null),
        new ReportInputs.Options(c.tokenizer(), c.normalization(), c.dedup(), c.promptExclusion(), c.filter(),
            c.onBadRecord()),
        new ReportInputs.Corpus(c.inputs(), c.filterInputs(), c.inputSkipped(), c.inputSkippedCount(), List.of())),
        r, null);
  }

  private static ObjectNode tree(ReportInputs in, InheritanceResult r, RecordRegions regions) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schema", SCHEMA);
    root.put("schema_version", SCHEMA_VERSION);
    ObjectNode tool = root.putObject("tool");
    tool.put("name", "tracemark");
    tool.put("version", Version.TOOL);
    if (in.created() != null) {
      root.put("created", in.created());
    }
    root.put("mode", r.mode());
    root.put("verdict", r.verdict().label());
    root.put("alpha", r.alpha());

    ObjectNode scheme = root.putObject("scheme");
    scheme.put("spec", in.scheme().spec());
    scheme.put("format_version", in.scheme().formatVersion());
    scheme.put("vocabulary_size", in.scheme().vocabularySize());
    scheme.put("statistic", r.nullDistribution().label());
    if (in.scheme().caveat() != null) {
      scheme.put("caveat", in.scheme().caveat());
    }

    ReportInputs.Key id = in.key();
    ObjectNode key = root.putObject("key");
    key.put("key_id", id.keyId());
    key.put("commitment", id.commitment());
    if (id.created() != null) {
      key.put("created", id.created());
    }
    key.put("tenants_tested", id.tenantsTested());
    if (id.commitmentSalt() != null) {
      key.put("commitment_salt", id.commitmentSalt());
    }
    if (id.warning() != null) {
      key.put("warning", id.warning());
    }

    ReportInputs.Options opt = in.options();
    ObjectNode options = root.putObject("options");
    options.put("tokenizer", opt.tokenizer());
    options.put("normalization", opt.normalization());
    options.put("dedup", opt.dedup());
    options.put("prompt_exclusion", opt.promptExclusion());
    if (opt.ownerFilter() == null) {
      options.putNull("filter");
    } else {
      options.put("filter", opt.ownerFilter());
    }
    options.put("control_keys", r.controls().count());
    options.put("control_seed", r.controls().seed());
    options.put("on_bad_record", opt.onBadRecord());
    if (r.weighting() != null) {
      ObjectNode st = statistic(r);
      if (!in.corpus().ownerFilterFiles().isEmpty()) {
        // the owner corpus the weights were counted in (the same files as inputs.filter_files)
        ArrayNode digests = st.putArray("owner_corpus_sha256");
        in.corpus().ownerFilterFiles().forEach(f -> digests.add(f.sha256()));
      }
      root.set("statistic", st);
    }

    ReportInputs.Corpus c = in.corpus();
    ObjectNode inputs = root.putObject("inputs");
    inputs.put("records", r.recordsRead() + c.skippedCount());
    files(inputs.putArray("files"), c.files());
    files(inputs.putArray("filter_files"), c.ownerFilterFiles());
    if (!c.notRead().isEmpty()) {
      ArrayNode list = inputs.putArray("not_read");
      for (ReportInputs.NotRead n : c.notRead()) {
        list.addObject().put("path", n.path()).put("input", n.input()).put("reason", n.reason());
      }
    }

    ObjectNode stats = root.putObject("statistics");
    stats.put("records_scored", r.recordsRead() - r.counts().skippedRecords());
    stats.put("tokens_read", r.tokensRead());
    stats.put("tuples_scored", r.tuplesScored());
    stats.put("green", r.score());
    stats.put("green_fraction", r.rate());
    if (r.nullDistribution() instanceof NullDistribution.Binomial) {
      stats.put("gamma", ((NullDistribution.Binomial) r.nullDistribution()).gamma());
    } else {
      stats.putNull("gamma"); // score sums have no green rate under H0
    }
    stats.put("z", r.z());
    stats.put("p_value", r.pValue());
    stats.put("log10_p", r.log10P());
    stats.put("log10_p_adjusted", r.log10PAdjusted());
    stats.put("best_key", r.best().label());
    if (r.payload() != null) {
      PayloadSection.json(root, r.best().label(), r.payload(), r.nullDistribution());
    }

    ArrayNode keys = root.putArray("keys");
    for (InheritanceResult.KeyResult k : r.keys()) {
      ObjectNode o = keys.addObject();
      o.put("label", k.label());
      o.put("tuples_scored", k.tuplesScored());
      o.put("green", k.score());
      o.put("green_fraction", k.rate());
      o.put("z", k.z());
      o.put("log10_p", k.log10P());
      o.put("log10_p_adjusted", k.log10PAdjusted());
      o.put("control_rank", k.controlRank());
      o.put("significant", k.significant());
    }

    ObjectNode controls = root.putObject("controls");
    controls.put("count", r.controls().count());
    controls.put("seed", r.controls().seed());
    controls.put("flagged_at_alpha", r.controls().flaggedAtAlpha());
    controls.put("best_key_rank", r.controls().bestKeyRank());
    controls.put("empirical_p", r.controls().empiricalP());
    ArrayNode cp = controls.putArray("log10_p");
    r.controls().log10P().forEach(cp::add);

    ObjectNode counts = root.putObject("counts");
    counts.put("no_context", r.counts().noContext());
    counts.put("duplicates", r.counts().duplicates());
    counts.put("excluded_prompt", r.counts().excludedPrompt());
    counts.put("excluded_filter", r.counts().excludedFilter());
    counts.put("outside_vocabulary", r.counts().outsideVocabulary());

    ArrayNode curve = root.putArray("curve");
    for (InheritanceResult.CurvePoint p : r.curve()) {
      curve.addArray().add(p.tuples()).add(p.score()).add(p.log10P());
    }

    ArrayNode top = root.putArray("top_records");
    for (InheritanceResult.RecordContribution t : r.topRecords()) {
      ObjectNode o = top.addObject();
      o.put("id", t.id());
      o.put("tokens", t.tokens());
      o.put("tuples_scored", t.tuplesScored());
      o.put("green", t.score());
      o.put("excess", t.excess());
      o.put("log10_p", t.log10P());
    }
    if (regions != null) {
      RegionsSection.json(root, regions);
    }

    ObjectNode skipped = root.putObject("skipped");
    skipped.put("count", c.skippedCount() + r.counts().skippedRecords());
    ArrayNode list = skipped.putArray("records");
    List<SkippedRecord> all = new ArrayList<>(c.skipped());
    all.addAll(r.skipped());
    for (SkippedRecord s : all) {
      list.addObject().put("id", s.id()).put("reason", s.reason());
    }

    ArrayNode flags = root.putArray("flags");
    r.flags().forEach(flags::add);

    ObjectNode env = root.putObject("environment");
    env.put("java_version", System.getProperty("java.version"));
    env.put("java_vendor", System.getProperty("java.vendor"));
    env.put("os_name", System.getProperty("os.name"));
    env.put("os_arch", System.getProperty("os.arch"));
    env.put("available_processors", Runtime.getRuntime().availableProcessors());
    return root;
  }

  private static void files(ArrayNode array, List<InputFile> files) {
    for (InputFile f : files) {
      array.addObject().put("path", f.path()).put("sha256", f.sha256()).put("bytes", f.bytes())
          .put("records", f.records());
    }
  }

  /** The exact bytes of {@code report.json}: two-space indentation, {@code \n} line ends, UTF-8. */
  public static byte[] toBytes(JsonNode tree) {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    try {
      String s = JSON.writer(printer).without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
          .with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).writeValueAsString(tree);
      return (s + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("serialising the report", e);
    }
  }

  /**
   * Checks, before any work is done, that {@code dir} can receive the report files ({@link
   * ReportWriter#checkOutputDirectory}).
   */
  public static void checkOutputDirectory(Path dir) throws IOException {
    ReportWriter.checkOutputDirectory(dir);
  }

  /** Writes the report files of {@code tree} into {@code dir} ({@link ReportWriter#write}). */
  public static void write(Path dir, ObjectNode tree, SigningKey signer) throws IOException {
    ReportWriter.write(dir, new EvidenceReport(tree.deepCopy()), signer);
  }

  /**
   * The bytes of {@code report.sig}, in the one form tracemark writes and accepts: the fields
   * {@code algorithm}, {@code key_id}, {@code signed_file}, {@code signature} in this order,
   * two-space indentation, the signature in padded standard base64, one final newline.
   */
  static byte[] signatureFile(String keyId, byte[] signature) {
    ObjectNode s = JSON.createObjectNode();
    s.put("algorithm", SigningKey.ALGORITHM);
    s.put("key_id", keyId);
    s.put("signed_file", JSON_FILE);
    s.put("signature", Base64.getEncoder().encodeToString(signature));
    return toBytes(s);
  }

  /** The outcome of checking a report's signature. */
  public record Check(boolean valid, String reason) {}

  /**
   * Checks {@code report.sig} in {@code dir} against {@code report.json} and the public key. Any
   * change to either file (or a missing signature) makes it invalid.
   *
   * @throws InputException when the directory or {@code report.json} cannot be read
   */
  public static Check verify(Path dir, SigningKey.PublicKey key) throws IOException {
    byte[] json;
    try {
      json = Files.readAllBytes(dir.resolve(JSON_FILE));
    } catch (NoSuchFileException e) {
      throw new InputException(dir.resolve(JSON_FILE) + ": no such file");
    }
    Path sigPath = dir.resolve(SIG_FILE);
    if (!Files.isRegularFile(sigPath)) {
      return new Check(false, sigPath + ": no signature (the report was not signed)");
    }
    Check c = verify(json, Files.readAllBytes(sigPath), key);
    if (!c.valid() && c.reason().startsWith(SIG_FILE + ":")) {
      return new Check(false, sigPath + c.reason().substring(SIG_FILE.length()));
    }
    return c;
  }

  /**
   * Checks the bytes of a signature file against the bytes of {@code report.json}: the signature
   * file must be byte for byte the one form {@link #signatureFile} writes (so no byte of it can
   * change, padding and field order included), name this key and hold a valid Ed25519
   * signature.
   */
  public static Check verify(byte[] json, byte[] sigFile, SigningKey.PublicKey key) {
    JsonNode sig;
    try {
      sig = JSON.readTree(sigFile);
    } catch (IOException e) {
      return new Check(false, SIG_FILE + ": malformed signature file (not JSON)");
    }
    if (sig == null || !sig.isObject() || !sig.path("key_id").isTextual() || !sig.path("signature").isTextual()) {
      return new Check(false, SIG_FILE + ": malformed signature file");
    }
    String keyId = sig.get("key_id").asText();
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(sig.get("signature").asText());
    } catch (IllegalArgumentException e) {
      return new Check(false, SIG_FILE + ": signature is not valid base64");
    }
    if (!keyId.matches("[0-9a-f]{16}") || !java.util.Arrays.equals(sigFile, signatureFile(keyId, signature))) {
      return new Check(false, SIG_FILE + ": not in the one form tracemark writes (the signature file was modified)");
    }
    if (!key.keyId().equals(keyId)) {
      return new Check(false, "the report was signed by key " + keyId + ", not by the given public key " + key.keyId());
    }
    return key.verify(json, signature) ? new Check(true, "signature valid (key " + key.keyId() + ")")
        : new Check(false, "signature does not match " + JSON_FILE + " (the report was modified or signed by another key)");
  }

  /**
   * The weighted statistic's block: what is tested (S = Σ level·score, whose value the {@code green}
   * fields then hold), the weights, the grid and the best key's tuples per level, enough to
   * recompute the exact tail.
   */
  public static ObjectNode statistic(InheritanceResult r) {
    InheritanceResult.Weighting w = r.weighting();
    ObjectNode st = JSON.createObjectNode();
    st.put("name", r.nullDistribution() instanceof NullDistribution.Binomial ? "weighted_binomial"
        : "weighted_gamma_sum");
    st.put("definition", "S = sum over distinct scored tuples of level * score; exact upper tail by level");
    st.put("weights", w.source());
    st.put("quantization", w.quantization());
    ArrayNode levels = st.putArray("tuples_per_level");
    w.tuplesPerLevel().forEach(levels::add);
    st.put("score", r.score());
    st.put("null_mean", w.nullMean());
    return st;
  }
}
