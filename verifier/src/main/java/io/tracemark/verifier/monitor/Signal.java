package io.tracemark.verifier.monitor;

/** The signals, by their names in the report. */
public enum Signal {
  /** How many requests (log10). */
  VOLUME("volume"),
  /** The busiest hour's requests (log10); for a group, the sum of its accounts' busiest hours. */
  RATE("rate"),
  /** Traffic after a release against before it: an exact binomial change-point test per release. */
  RELEASE_PIVOT("release_pivot"),
  /** Near-duplicate prompts: the share of LSH band keys that repeat an earlier one. */
  TEMPLATE("template_repetition"),
  /** Distance of the prompts from the benign population: n · MMD² over hashed n-gram vectors. */
  DIVERSITY_MMD("diversity_mmd"),
  /** PRADA: 1 − Shapiro–Francia W of the distances between each prompt and the nearest recent one. */
  PRADA("prada"),
  /** Chain-of-thought phrases: exact binomial tail of their count against the benign rate. */
  COT("cot_phrases"),
  /** Several answers (n > 1) or the longest answer: exact binomial tail against the benign rate. */
  HARVEST("output_harvest");

  private final String label;

  Signal(String label) {
    this.label = label;
  }

  /** The name in the report. */
  public String label() {
    return label;
  }
}
