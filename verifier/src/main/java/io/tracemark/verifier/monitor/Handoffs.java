package io.tracemark.verifier.monitor;

import io.tracemark.verifier.plan.QueryList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hand-off of a flagged cluster, gathered in the second pass over the log: its tenants (whose
 * keys the verifier tests), its distinct prompts in log order (the replay query list a suspect is
 * asked), its templates (near-duplicate prompts grouped by LSH band key, the spans that vary
 * inside a group masked as {@code <*>}) and a few examples, redacted.
 */
final class Handoffs {
  private Handoffs() {}

  /** Prompts a template is derived from, at most. */
  static final int TEMPLATE_SAMPLE = 2000;
  /** A word is part of a template when at least this share of its group's prompts has it. */
  static final double TEMPLATE_SHARE = 0.6;
  /** Examples are cut to this many characters. */
  static final int EXAMPLE_CHARS = 200;

  private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
  private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}\\b");
  private static final Pattern SECRET = Pattern.compile(
      "\\b(sk-[\\w-]{8,}|(?=[\\w-]*\\d)(?=[\\w-]*[A-Za-z])[\\w-]{20,})\\b");
  private static final Pattern DIGITS = Pattern.compile("\\d{6,}");

  /** Gathers one cluster's requests. Not thread-safe. */
  static final class Collector {
    private final int limit;
    private final Set<String> tenants = new LinkedHashSet<>();
    private final Set<String> prompts = new LinkedHashSet<>();
    private long tokenPrompts;

    Collector(int limit) {
      this.limit = limit;
    }

    void add(LogRecord r) {
      if (r.tenant() != null && !r.tenant().isEmpty()) {
        tenants.add(r.tenant());
      }
      if (r.prompt() == null) {
        tokenPrompts++;
      } else if (prompts.size() < limit) {
        prompts.add(r.prompt());
      }
    }

    /** Prompts given as token ids only (they have no text to replay). */
    long tokenPrompts() {
      return tokenPrompts;
    }

    MonitorResult.Handoff handoff(String clusterId, int templates, int examples) {
      List<String> p = new ArrayList<>(prompts);
      String tenant = tenants.size() == 1 ? tenants.iterator().next() : null;
      QueryList queries = p.isEmpty() ? null : QueryList.replayOf(tenant, p);
      List<String> ex = p.stream().limit(examples).map(Handoffs::example).toList();
      return new MonitorResult.Handoff(List.copyOf(tenants), queries, templates(p, templates), ex);
    }
  }

  /** A prompt for a report: secrets redacted, cut to {@value #EXAMPLE_CHARS} characters. */
  static String example(String prompt) {
    String r = redact(prompt).replaceAll("\\s+", " ").strip();
    return r.length() <= EXAMPLE_CHARS ? r : r.substring(0, EXAMPLE_CHARS) + "…";
  }

  /**
   * {@code text} with e-mail addresses, IPv4 addresses, key-like tokens (long runs of letters and
   * digits, {@code sk-…}) and long numbers replaced by placeholders.
   */
  static String redact(String text) {
    String r = EMAIL.matcher(text).replaceAll("<email>");
    r = IPV4.matcher(r).replaceAll("<ip>");
    r = SECRET.matcher(r).replaceAll("<secret>");
    return DIGITS.matcher(r).replaceAll("<number>");
  }

  /** The largest groups of near-duplicate prompts, each as a template (redacted). */
  static List<String> templates(List<String> prompts, int most) {
    List<String> sample = prompts.subList(0, Math.min(TEMPLATE_SAMPLE, prompts.size()));
    PromptFeatures f = new PromptFeatures();
    Map<Long, List<Integer>> groups = new HashMap<>();
    for (int i = 0; i < sample.size(); i++) {
      f.ofText(sample.get(i));
      if (!f.hasWords) {
        continue;
      }
      for (long key : f.bandKeys) {
        groups.computeIfAbsent(key, x -> new ArrayList<>()).add(i);
      }
    }
    List<List<Integer>> ordered = new ArrayList<>(groups.values());
    ordered.removeIf(g -> g.size() < 2);
    ordered.sort((a, b) -> a.size() != b.size() ? Integer.compare(b.size(), a.size())
        : Integer.compare(a.get(0), b.get(0)));
    List<String> out = new ArrayList<>();
    Set<Integer> used = new HashSet<>();
    for (List<Integer> g : ordered) {
      if (out.size() == most) {
        break;
      }
      if (used.contains(g.get(0))) {
        continue; // the same group seen through another band
      }
      used.addAll(g);
      String t = template(g.stream().map(sample::get).toList());
      if (!out.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * The template of near-duplicate prompts: the first prompt's words, each kept when at least
   * {@value #TEMPLATE_SHARE} of the prompts contain it and masked as {@code <*>} otherwise (runs
   * of masked words become one), redacted.
   */
  static String template(List<String> group) {
    Map<String, Integer> df = new HashMap<>();
    for (String p : group) {
      for (String w : new HashSet<>(Arrays.asList(words(p)))) {
        df.merge(w, 1, Integer::sum);
      }
    }
    StringBuilder b = new StringBuilder();
    boolean masked = false;
    for (String w : group.get(0).strip().split("\\s+")) {
      boolean keep = df.getOrDefault(norm(w), 0) >= TEMPLATE_SHARE * group.size();
      if (!keep && masked) {
        continue;
      }
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(keep ? w : "<*>");
      masked = !keep;
    }
    return example(b.toString());
  }

  private static String[] words(String p) {
    String[] w = p.strip().split("\\s+");
    for (int i = 0; i < w.length; i++) {
      w[i] = norm(w[i]);
    }
    return w;
  }

  private static String norm(String w) {
    return w.toLowerCase(Locale.ROOT);
  }
}
