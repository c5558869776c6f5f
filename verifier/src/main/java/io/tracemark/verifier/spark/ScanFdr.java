package io.tracemark.verifier.spark;

import io.tracemark.api.Checks;
import java.util.Locale;

/**
 * False-discovery control across the documents of a scan, in log10 space (p-values below 1e-308 are common and must
 * not collapse to 0): Benjamini–Hochberg's step-up procedure (FDR at level q under independence or positive
 * dependence of the p-values) and Holm's step-down procedure (family-wise error at level q under any dependence).
 *
 * <p>Both procedures compare the i-th smallest of the m p-values with a threshold at most q, so only the p-values
 * {@code ≤ q} (the candidates) take part: a p-value above q is never flagged and does not change the ranks of those
 * below it. The caller passes the candidates and the total count m. A p-value within {@value #TIE_TOLERANCE} (in
 * log10) of its threshold counts as equal to it: a relative difference of 2.3e-12, far below the rounding of the
 * p-values themselves, so that a p-value computed to be exactly {@code i·q/m} is flagged as the textbook procedure
 * flags it. Stateless.
 */
public final class ScanFdr {
  /** Log10 distance under which a p-value counts as equal to its threshold. */
  public static final double TIE_TOLERANCE = 1e-12;

  private ScanFdr() {}

  /** The procedure. */
  public enum Procedure {
    /** Benjamini–Hochberg step-up: k = max{i : p_(i) ≤ i·q/m}, the k smallest flagged. */
    BH("bh"),
    /** Holm step-down: flag p_(1), p_(2), … while p_(i) ≤ q/(m − i + 1). */
    HOLM("holm");

    private final String id;

    Procedure(String id) {
      this.id = id;
    }

    /** The name the job's {@code --fdr} option takes. */
    public String id() {
      return id;
    }

    /**
     * The procedure named {@code id} ({@code bh} or {@code holm}, case-insensitive).
     *
     * @throws IllegalArgumentException naming the value
     */
    public static Procedure byId(String id) {
      String k = id.trim().toLowerCase(Locale.ROOT);
      for (Procedure p : values()) {
        if (p.id.equals(k)) {
          return p;
        }
      }
      throw new IllegalArgumentException(String.format(Locale.ROOT, "procedure must be bh or holm, was \"%s\"", id));
    }
  }

  /**
   * The outcome: the first {@code flagged} of the sorted candidates are flagged, the i-th (0-based) at the log10
   * threshold {@code log10Thresholds[i]}, its rank's threshold (BH: {@code log10(i+1) + log10 q − log10 m}; Holm:
   * {@code log10 q − log10(m − i)}).
   *
   * @param flagged how many of the smallest p-values are flagged
   * @param log10Thresholds the threshold of each candidate's rank, in the candidates' sorted order
   */
  public record Outcome(int flagged, double[] log10Thresholds) {
    /** Copies the thresholds. */
    public Outcome {
      log10Thresholds = log10Thresholds.clone();
    }

    /** The threshold of the i-th smallest candidate. */
    public double log10Threshold(int i) {
      return log10Thresholds[i];
    }
  }

  /**
   * Applies {@code procedure} at level {@code q} to m p-values of which {@code sortedLog10P} are the candidates.
   *
   * @param sortedLog10P log10 of the candidates' p-values in ascending order (more p-values may be given than are
   *     ≤ q; every p-value ≤ q among the m must be given)
   * @param m the number of p-values tested, at least the number of candidates
   * @param q the level, in (0, 1)
   * @throws IllegalArgumentException when the candidates are not sorted, NaN, above 0, or more than m
   */
  public static Outcome apply(Procedure procedure, double[] sortedLog10P, long m, double q) {
    Checks.require(q > 0 && q < 1, "q must be in (0, 1), got %s", q);
    Checks.require(m >= sortedLog10P.length, "m must be at least the number of candidates (%d), got %d",
        sortedLog10P.length, m);
    for (int i = 0; i < sortedLog10P.length; i++) {
      double p = sortedLog10P[i];
      Checks.require(p <= 0, "log10 p at rank %d must be <= 0, got %s", i + 1, p);
      Checks.require(i == 0 || p >= sortedLog10P[i - 1], "log10 p must be ascending: rank %d (%s) is below rank %d (%s)",
          i + 1, p, i, sortedLog10P[Math.max(i - 1, 0)]);
    }
    int n = sortedLog10P.length;
    double log10Q = Math.log10(q);
    double log10M = Math.log10((double) m);
    double[] thresholds = new double[n];
    for (int i = 0; i < n; i++) {
      thresholds[i] = procedure == Procedure.BH ? Math.log10(i + 1.0) + log10Q - log10M
          : log10Q - Math.log10((double) (m - i));
    }
    int k = 0;
    if (procedure == Procedure.BH) {
      for (int i = n - 1; i >= 0; i--) {
        if (sortedLog10P[i] <= thresholds[i] + TIE_TOLERANCE) {
          k = i + 1;
          break;
        }
      }
    } else {
      while (k < n && sortedLog10P[k] <= thresholds[k] + TIE_TOLERANCE) {
        k++;
      }
    }
    return new Outcome(k, thresholds);
  }
}
