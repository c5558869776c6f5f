package io.tracemark.verifier.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.verifier.Version;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.SourceListing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A pre-registered analysis: what {@code verify} will test (scheme without its key, key id,
 * statistic, weights, dedup, tokenizer, text normalisation, owner-filter corpus digest, α) and which queries the suspect is sent
 * (their file's SHA-256), fixed and hashed before the suspect's main answers are collected, with
 * what a pilot predicted. {@link #write} publishes {@value #QUERIES_FILE}, {@value #PLAN_FILE} and
 * {@value #HASH_FILE} (the plan's SHA-256, {@code sha256sum} format) atomically through {@link
 * SafeFiles}; {@link #read} reads a plan back with its hash; {@link #mismatches} lists each way a
 * run departs from it. An immutable value; nothing in it is secret.
 *
 * @param scheme the scheme specification, an interop key redacted
 * @param keyId the key id (for interop schemes: what the report shows instead)
 * @param statistic the statistic's name as the report gives it ({@code binomial}, {@code
 *     weighted_binomial}, {@code gamma_sum}, …)
 * @param weights {@code none}, {@code reference}, {@code reference:N} or {@code field:NAME:MAX}
 * @param dedup the dedup label ({@code window+token}, {@code first-window+token}, …)
 * @param tokenizer the tokenizer as the report names it ({@code cl100k_base}, {@code none (token ids)}, …)
 * @param normalization the text normalisation's label ({@code none}, {@code invisible+nfkc}, …)
 * @param filterSha256 the digest of the owner-filter corpus ({@link #filterDigest}), or null
 * @param alpha the significance level
 * @param queries the query list's description
 * @param pilot what the pilot predicts, or null
 * @param created when the plan was made (ISO-8601), or null
 */
public record Plan(String scheme, String keyId, String statistic, String weights, String dedup, String tokenizer,
    String normalization, String filterSha256, double alpha, Queries queries, PilotEstimate pilot, String created) {
  /** The schema name of a plan file. */
  public static final String SCHEMA = "tracemark-plan";
  /** The schema version. */
  public static final int SCHEMA_VERSION = 2;
  /** The plan file's name. */
  public static final String PLAN_FILE = "plan.json";
  /** The query file's name. */
  public static final String QUERIES_FILE = "queries.jsonl";
  /** The file holding the plan's SHA-256. */
  public static final String HASH_FILE = "plan.json.sha256";

  private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** Checks the required fields. */
  public Plan {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(statistic, "statistic");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(dedup, "dedup");
    Objects.requireNonNull(tokenizer, "tokenizer");
    Objects.requireNonNull(normalization, "normalization");
    Objects.requireNonNull(queries, "queries");
  }

  /**
   * The query list of a plan.
   *
   * @param mode {@code replay} or {@code frequent-windows}
   * @param tenant the tenant replayed, or null
   * @param count the number of queries
   * @param sha256 the SHA-256 of the query file
   */
  public record Queries(String mode, String tenant, int count, String sha256) {}

  /**
   * What a pilot of the suspect's answers to the first queries predicts.
   *
   * @param queries pilot queries (records read)
   * @param tuples distinct tuples scored
   * @param tuplesHalf distinct tuples scored on the pilot's first half
   * @param tuplesPerLevel tuples per weight level (index 0 unused; one level when unweighted)
   * @param score S, the statistic (the green count when unweighted)
   * @param gamma γ
   * @param rate S / Σ level·tuples (the green rate when unweighted)
   * @param rateLow lower bound of the exact 95 % interval of the rate
   * @param rateHigh upper bound
   * @param growth b in T(Q) = T(q)·(Q/q)^b
   * @param queriesPower90 queries for 90 % power at α (−1: not reachable)
   * @param queriesPower50 queries for 50 % power at α (−1: not reachable)
   * @param log10P the pilot's own log10 p
   */
  public record PilotEstimate(long queries, long tuples, long tuplesHalf, List<Long> tuplesPerLevel, double score,
      double gamma, double rate, double rateLow, double rateHigh, double growth, long queriesPower90,
      long queriesPower50, double log10P) {
    /** Copies the list. */
    public PilotEstimate {
      tuplesPerLevel = List.copyOf(tuplesPerLevel);
    }

    /** rate − γ. */
    public double uplift() {
      return rate - gamma;
    }

    /** Tuples per pilot query. */
    public double tuplesPerQuery() {
      return queries == 0 ? 0 : (double) tuples / queries;
    }
  }

  /** The plan as a JSON tree, fields in canonical order. */
  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("schema", SCHEMA);
    root.put("schema_version", SCHEMA_VERSION);
    root.putObject("tool").put("name", "tracemark").put("version", Version.TOOL);
    if (created != null) {
      root.put("created", created);
    }
    root.put("scheme", scheme);
    root.put("key_id", keyId);
    root.put("statistic", statistic);
    root.put("weights", weights);
    root.put("dedup", dedup);
    root.put("tokenizer", tokenizer);
    root.put("normalization", normalization);
    if (filterSha256 == null) {
      root.putNull("filter_sha256");
    } else {
      root.put("filter_sha256", filterSha256);
    }
    root.put("alpha", alpha);
    ObjectNode q = root.putObject("queries");
    q.put("mode", queries.mode());
    if (queries.tenant() != null) {
      q.put("tenant", queries.tenant());
    }
    q.put("count", queries.count());
    q.put("file", QUERIES_FILE);
    q.put("sha256", queries.sha256());
    if (pilot == null) {
      root.putNull("pilot");
    } else {
      ObjectNode p = root.putObject("pilot");
      p.put("queries", pilot.queries());
      p.put("tuples", pilot.tuples());
      p.put("tuples_first_half", pilot.tuplesHalf());
      p.put("tuples_per_query", pilot.tuplesPerQuery());
      p.put("growth_exponent", pilot.growth());
      ArrayNode levels = p.putArray("tuples_per_level");
      pilot.tuplesPerLevel().forEach(levels::add);
      p.put("score", pilot.score());
      p.put("gamma", pilot.gamma());
      p.put("rate", pilot.rate());
      p.put("uplift", pilot.uplift());
      p.putArray("uplift_ci95").add(pilot.rateLow() - pilot.gamma()).add(pilot.rateHigh() - pilot.gamma());
      p.put("log10_p", pilot.log10P());
      putBudget(p, "queries_for_power_90", pilot.queriesPower90());
      putBudget(p, "queries_for_power_50", pilot.queriesPower50());
    }
    return root;
  }

  private static void putBudget(ObjectNode p, String name, long q) {
    if (q < 0) {
      p.putNull(name);
    } else {
      p.put(name, q);
    }
  }

  /** The exact bytes of the plan file (two-space indentation, one final newline). */
  public byte[] toBytes() {
    try {
      return (JSON.writeValueAsString(toJson()) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lowercase hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /**
   * The digest of an owner-filter corpus: SHA-256 over the lowercase hex SHA-256 of each of its
   * files, one per line, in the order the verifier reads them (directories walked in sorted
   * order); independent of where the files lie. The report lists the same per-file digests under
   * {@code inputs.filter_files}.
   *
   * @throws InputException naming a path that cannot be read
   */
  public static String filterDigest(List<Path> roots) {
    StringBuilder lines = new StringBuilder();
    for (Path f : new SourceListing(roots).files()) {
      MessageDigest d = digest();
      try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          d.update(buf, 0, n);
        }
      } catch (IOException e) {
        throw new InputException(f + ": cannot read: " + e.getMessage(), e);
      }
      lines.append(HexFormat.of().formatHex(d.digest())).append('\n');
    }
    return sha256(lines.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Writes the query file, the plan and its hash into {@code dir} ({@link SafeFiles#publish}:
   * each file atomically, the hash last, so a hash never stands beside a plan it does not hash).
   *
   * @return the plan's SHA-256
   */
  public String write(Path dir, byte[] queryFile) throws IOException {
    if (!sha256(queryFile).equals(queries.sha256())) {
      throw new IllegalArgumentException("the query file does not have the plan's query digest");
    }
    byte[] plan = toBytes();
    String hash = sha256(plan);
    SafeFiles.publish(dir, List.of(new SafeFiles.Output(QUERIES_FILE, queryFile),
        new SafeFiles.Output(PLAN_FILE, plan),
        new SafeFiles.Output(HASH_FILE, (hash + "  " + PLAN_FILE + "\n").getBytes(StandardCharsets.US_ASCII))));
    return hash;
  }

  /**
   * A plan read from its file, with the SHA-256 of the file's exact bytes.
   *
   * @param plan the plan
   * @param sha256 the file's SHA-256
   */
  public record Read(Plan plan, String sha256) {}

  /**
   * Reads a plan file ({@code plan.json}, or a directory holding one).
   *
   * @throws InputException naming the file and what is wrong with it
   */
  public static Read read(Path path) {
    Path file = Files.isDirectory(path) ? path.resolve(PLAN_FILE) : path;
    byte[] bytes;
    try {
      if (Files.size(file) > 1 << 20) {
        throw new InputException(file + ": a plan file is at most 1 MB");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read the plan: " + e.getMessage(), e);
    }
    JsonNode n;
    try {
      n = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new InputException(file + ": not a plan: malformed JSON", e);
    }
    if (n == null || !SCHEMA.equals(n.path("schema").asText())) {
      throw new InputException(file + ": not a tracemark plan (schema " + SCHEMA + " version " + SCHEMA_VERSION + ")");
    }
    if (n.path("schema_version").asInt() != SCHEMA_VERSION) {
      throw new InputException(file + ": a tracemark plan of schema version " + n.path("schema_version").asText()
          + "; this tracemark reads version " + SCHEMA_VERSION + " (version 1 did not record the tokenizer and "
          + "the normalisation; write the plan again with this version before the suspect's answers are collected)");
    }
    try {
      JsonNode q = n.get("queries");
      JsonNode p = n.get("pilot");
      PilotEstimate pilot = null;
      if (p != null && !p.isNull()) {
        List<Long> levels = new ArrayList<>();
        p.get("tuples_per_level").forEach(l -> levels.add(l.asLong()));
        double gamma = p.get("gamma").asDouble();
        pilot = new PilotEstimate(p.get("queries").asLong(), p.get("tuples").asLong(),
            p.get("tuples_first_half").asLong(), levels, p.get("score").asDouble(), gamma, p.get("rate").asDouble(),
            p.get("uplift_ci95").get(0).asDouble() + gamma, p.get("uplift_ci95").get(1).asDouble() + gamma,
            p.get("growth_exponent").asDouble(), budget(p.get("queries_for_power_90")),
            budget(p.get("queries_for_power_50")), p.get("log10_p").asDouble());
      }
      Plan plan = new Plan(text(n, "scheme"), text(n, "key_id"), text(n, "statistic"), text(n, "weights"),
          text(n, "dedup"), text(n, "tokenizer"), text(n, "normalization"), n.get("filter_sha256").isNull() ? null : text(n, "filter_sha256"),
          n.get("alpha").asDouble(), new Queries(text(q, "mode"), q.has("tenant") ? text(q, "tenant") : null,
              q.get("count").asInt(), text(q, "sha256")), pilot, n.has("created") ? text(n, "created") : null);
      return new Read(plan, sha256(bytes));
    } catch (NullPointerException | IllegalArgumentException e) {
      throw new InputException(file + ": not a complete plan (a field is missing or has the wrong type)", e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(field);
    }
    return v.asText();
  }

  private static long budget(JsonNode n) {
    return n == null || n.isNull() ? -1 : n.asLong();
  }

  /**
   * Each way {@code run} departs from this plan, one line each ({@code "alpha: the plan has 1e-06,
   * the run 0.01"}), in the order scheme, key id, statistic, weights, dedup, tokenizer,
   * normalisation, filter, alpha; empty
   * when the run follows the plan. The query list and the pilot are not compared: they describe
   * what was sent, not how it is analysed.
   */
  public List<String> mismatches(Plan run) {
    List<String> out = new ArrayList<>();
    compare(out, "scheme", scheme, run.scheme);
    compare(out, "key id", keyId, run.keyId);
    compare(out, "statistic", statistic, run.statistic);
    compare(out, "weights", weights, run.weights);
    compare(out, "dedup", dedup, run.dedup);
    compare(out, "tokenizer", tokenizer, run.tokenizer);
    compare(out, "normalization", normalization, run.normalization);
    compare(out, "filter corpus sha256", filterSha256 == null ? "none" : filterSha256,
        run.filterSha256 == null ? "none" : run.filterSha256);
    if (Double.compare(alpha, run.alpha) != 0) {
      out.add(String.format(Locale.ROOT, "alpha: the plan has %s, the run %s", Double.toString(alpha),
          Double.toString(run.alpha)));
    }
    return out;
  }

  private static void compare(List<String> out, String what, String planned, String actual) {
    if (!planned.equals(actual)) {
      out.add(what + ": the plan has " + planned + ", the run " + actual);
    }
  }
}
