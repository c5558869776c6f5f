package io.tracemark.verifier.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.api.Checks;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.verifier.OwnerFilter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The prompts to send to a suspect, in order, built from the owner's {@link ApiLog} before any of
 * the suspect's answers is seen:
 *
 * <ul>
 *   <li>{@link #replay}: the distinct prompts one tenant sent, in log order (a student trained on
 *       that tenant's answers saw exactly these prompts: the strongest closed-model query set);
 *   <li>{@link #rankByFrequentWindows}: every distinct prompt, ranked by how many of the owner's
 *       most frequent watermarked windows (the top N h-token windows over all logged answers)
 *       its logged answers contain, distinct windows counted once per prompt; ties keep log order.
 *       Radioactivity follows frequent prefixes, so these prompts lead a student where it is most
 *       likely to reproduce the watermark.
 * </ul>
 *
 * <p>{@link #toJsonl()} gives the file a suspect is queried from (one {@code {"id", "prompt"}}
 * object per line, with {@code frequent_windows} when ranked); its SHA-256 is the plan's query
 * digest. An immutable value.
 */
public final class QueryList {
  /** How the list was made. */
  public enum Mode {
    /** One tenant's prompts. */
    REPLAY("replay"),
    /** Prompts ranked by frequent watermarked windows. */
    FREQUENT_WINDOWS("frequent-windows");

    private final String label;

    Mode(String label) {
      this.label = label;
    }

    /** The name in plans and on the command line. */
    public String label() {
      return label;
    }
  }

  /**
   * One query.
   *
   * @param prompt the prompt text
   * @param frequentWindows frequent windows in its logged answers (ranked lists), or −1
   */
  public record Query(String prompt, long frequentWindows) {
    /** Checks the prompt. */
    public Query {
      Objects.requireNonNull(prompt, "prompt");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Mode mode;
  private final String tenant;
  private final List<Query> queries;

  private QueryList(Mode mode, String tenant, List<Query> queries) {
    this.mode = mode;
    this.tenant = tenant;
    this.queries = List.copyOf(queries);
  }

  /**
   * The distinct prompts {@code tenant} sent, in log order, at most {@code limit}.
   *
   * @throws IllegalArgumentException when the log has no entry of the tenant
   */
  public static QueryList replay(ApiLog log, String tenant, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    Checks.require(limit >= 1, "the query limit must be >= 1, was %d", limit);
    Set<String> seen = new HashSet<>();
    List<Query> out = new ArrayList<>();
    for (ApiLog.Entry e : log.entries()) {
      if (e.tenant().equals(tenant) && seen.add(e.prompt()) && out.size() < limit) {
        out.add(new Query(e.prompt(), -1));
      }
    }
    Checks.require(!seen.isEmpty(), "the API log has no prompt of tenant \"%s\"", tenant);
    return new QueryList(Mode.REPLAY, tenant, out);
  }

  /**
   * A replay list from prompts already chosen (a flagged cluster of usage monitoring): the distinct
   * prompts in the given order.
   *
   * @param tenant the tenant replayed, or null when the prompts come from several
   * @throws IllegalArgumentException when there is no prompt
   */
  public static QueryList replayOf(String tenant, List<String> prompts) {
    Checks.require(!prompts.isEmpty(), "a replay list needs at least one prompt");
    List<Query> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String p : prompts) {
      if (seen.add(p)) {
        out.add(new Query(p, -1));
      }
    }
    return new QueryList(Mode.REPLAY, tenant, out);
  }

  /**
   * Every distinct prompt of the log ranked by the frequent windows of its logged answers, at most
   * {@code limit}.
   *
   * @param h the scheme's window width
   * @param top how many of the most frequent windows count as frequent
   */
  public static QueryList rankByFrequentWindows(ApiLog log, int h, int top, int limit) {
    Checks.require(limit >= 1, "the query limit must be >= 1, was %d", limit);
    Checks.require(top >= 1, "the number of frequent windows must be >= 1, was %d", top);
    List<int[]> answers = new ArrayList<>();
    log.entries().forEach(e -> answers.add(e.answer()));
    OwnerFilter frequent = OwnerFilter.topN(h, answers, top);
    Map<String, Set<Long>> windows = new LinkedHashMap<>();
    for (ApiLog.Entry e : log.entries()) {
      Set<Long> w = windows.computeIfAbsent(e.prompt(), p -> new HashSet<>());
      int[] a = e.answer();
      for (int from = 0; from + h <= a.length - 1; from++) {
        if (frequent.containsWindow(a, from)) {
          w.add(UnitFingerprints.window(a, from, h));
        }
      }
    }
    List<Query> all = new ArrayList<>();
    windows.forEach((prompt, w) -> all.add(new Query(prompt, w.size())));
    // a stable sort keeps log order among equal counts
    all.sort(Comparator.comparingLong(Query::frequentWindows).reversed());
    return new QueryList(Mode.FREQUENT_WINDOWS, null, all.subList(0, Math.min(limit, all.size())));
  }

  /** How the list was made. */
  public Mode mode() {
    return mode;
  }

  /** The tenant replayed, or null. */
  public String tenant() {
    return tenant;
  }

  /** The queries in order. */
  public List<Query> queries() {
    return queries;
  }

  /** The query file: one JSON object per line, {@code {"id":"q1","prompt":…}} in order. */
  public byte[] toJsonl() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < queries.size(); i++) {
      ObjectNode n = JSON.createObjectNode();
      n.put("id", "q" + (i + 1));
      n.put("prompt", queries.get(i).prompt());
      if (queries.get(i).frequentWindows() >= 0) {
        n.put("frequent_windows", queries.get(i).frequentWindows());
      }
      out.writeBytes(n.toString().getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    return out.toByteArray();
  }
}
