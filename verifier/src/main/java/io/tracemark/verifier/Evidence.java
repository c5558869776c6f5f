package io.tracemark.verifier;

import io.tracemark.api.NullDistribution;
import io.tracemark.api.PayloadDetection;
import io.tracemark.core.CorpusPayloadDecoder;
import io.tracemark.core.CorpusPayloadTally;
import io.tracemark.core.stats.FixedPointSum;
import io.tracemark.core.stats.PValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Turns the ledgers of a finished pass into an {@link InheritanceResult}: per-key exact p-values,
 * Holm's correction across the real keys, the best key, the control-key null and the best key's
 * rank in it, the cumulative curve, the records that contribute most, and the flags a reader must
 * see. Score sums are added as {@link FixedPointSum}s (exact, order-free) and rounded to a double
 * once, where a number is reported or tested, so the result does not depend on how the units
 * were split into ledgers. Pure functions of their arguments.
 */
final class Evidence {
  private static final int MAX_CURVE_POINTS = 512;

  private Evidence() {}

  /** Positions read but not scored, by cause, added up over the partitions. */
  static final class Counts {
    long noContext;
    long duplicates;
    long excludedPrompt;
    long excludedFilter;
    long outsideVocabulary;
    InheritanceResult.Alignment alignment;

    void add(Counts o) {
      noContext += o.noContext;
      duplicates += o.duplicates;
      excludedPrompt += o.excludedPrompt;
      excludedFilter += o.excludedFilter;
      outsideVocabulary += o.outsideVocabulary;
      if (o.alignment != null) {
        alignment = o.alignment;
      }
    }
  }

  /**
   * The result of a pass.
   *
   * @param mode {@code closed-model} or {@code reading-mode}
   * @param panel the keys
   * @param records the record ledger
   * @param ledgers the partitions' score ledgers
   * @param counts the partitions' counts, added up
   * @param alpha the significance level
   * @param topRecords how many most-contributing records to list
   * @param weights the weight source of a weighted test, or null
   */
  static InheritanceResult assemble(String mode, KeyPanel panel, RecordLedger records, List<ScoreLedger> ledgers,
      Counts counts, double alpha, int topRecords, WeightSource weights) {
    int keys = panel.size();
    int realKeys = panel.realKeys;
    int controlCount = panel.controlCount;
    NullDistribution law = panel.law;
    long[] n = new long[keys];
    double[] sums = new double[keys];
    for (int k = 0; k < keys; k++) {
      FixedPointSum total = new FixedPointSum();
      for (ScoreLedger l : ledgers) {
        l.addSum(k, total);
        n[k] += l.scored(k);
      }
      sums[k] = total.value();
    }
    int recordCount = records.size();
    long[][] recScored = new long[recordCount][realKeys];
    // per record, each real key's score sum as a FixedPointSum slot (two longs)
    long[][] recSums = new long[recordCount][2 * realKeys];
    for (ScoreLedger l : ledgers) {
      for (int i = 0; i < recordCount; i++) {
        for (int k = 0; k < realKeys; k++) {
          recScored[i][k] += l.recordScored(i, k);
          l.addRecordSum(i, k, recSums[i], k);
        }
      }
    }
    // per-key p-values and Holm adjustment
    WeightedStatistic weighted = weights == null ? null : new WeightedStatistic(law, weights, ledgers, keys);
    PayloadDetection[] decoded = panel.decoders == null ? null : decode(panel, ledgers, records.tokensRead);
    double[] log10p = new double[keys];
    for (int k = 0; k < keys; k++) {
      if (decoded != null) {
        // the decoded message's green count or score sum, tested with the p-value corrected for the 2^b messages
        sums[k] = decoded[k].score();
        log10p[k] = decoded[k].log10PValue();
      } else {
        log10p[k] = weighted == null ? PValues.log10UpperTail(law, n[k], sums[k]) : weighted.log10P(k);
      }
    }
    double[] adjusted = KeyPanel.holm(java.util.Arrays.copyOf(log10p, realKeys));
    int best = 0;
    for (int k = 1; k < realKeys; k++) {
      if (adjusted[k] < adjusted[best] || (adjusted[k] == adjusted[best] && log10p[k] < log10p[best])) {
        best = k;
      }
    }
    List<Double> controlP = new ArrayList<>(controlCount);
    int controlsFlagged = 0;
    double log10Alpha = Math.log10(alpha);
    for (int c = realKeys; c < keys; c++) {
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
      keyResults.add(weighted != null
          ? new InheritanceResult.KeyResult(panel.labels.get(k), n[k], weighted.score(k), weighted.rate(k),
              weighted.z(k), log10p[k], adjusted[k], rank, n[k] > 0 && adjusted[k] < log10Alpha)
          : new InheritanceResult.KeyResult(panel.labels.get(k), n[k], sums[k],
              n[k] == 0 ? 0.0 : sums[k] / n[k], PValues.zScore(law, n[k], sums[k]), log10p[k], adjusted[k], rank,
              n[k] > 0 && adjusted[k] < log10Alpha));
    }
    InheritanceResult.KeyResult bestResult = keyResults.get(best);
    int bestRank = bestResult.controlRank();
    InheritanceResult.ControlNull controls = new InheritanceResult.ControlNull(controlCount, panel.controlSeed,
        controlP, controlsFlagged, bestRank, controlCount == 0 ? 1.0 : (double) bestRank / (controlCount + 1));
    long scored = n[best];
    // the weighted statistic's curve is its final point: the records keep counts, not counts per level;
    // so is a payload's: its message is known only at the end
    List<InheritanceResult.CurvePoint> curve = weighted == null && decoded == null
        ? curve(law, recScored, recSums, best, scored, sums[best], log10p[best])
        : scored == 0 ? List.of() : List.of(new InheritanceResult.CurvePoint(scored,
            weighted != null ? weighted.score(best) : sums[best], log10p[best]));
    List<InheritanceResult.RecordContribution> top = decoded != null ? List.of()
        : topContributions(law, records, recScored, recSums, best, topRecords);
    boolean detected = bestResult.significant();
    List<String> flags = flags(scored, detected, controlCount, bestRank, controlsFlagged, alpha);
    InheritanceResult.Counts c = new InheritanceResult.Counts(counts.noContext, counts.duplicates,
        counts.excludedPrompt, counts.excludedFilter, counts.outsideVocabulary, records.bad.count(),
        counts.alignment);
    return new InheritanceResult(mode, law, records.recordsRead, records.tokensRead, scored, bestResult.score(),
        bestResult.rate(), bestResult.z(), bestResult.log10P(), bestResult.log10PAdjusted(), alpha,
        detected ? InheritanceResult.Verdict.DETECTED : InheritanceResult.Verdict.NOT_DETECTED, keyResults, best,
        controls, curve, top, c, records.bad.listed(), flags, weighted == null ? null : weighted.weighting(best),
        decoded == null ? null : decoded[best]);
  }

  /**
   * Each key's payload message, decoded from its tallies merged over the partitions (no unit
   * reaches two partitions, so the merge is the corpus's tally; merging is exact, so the result
   * does not depend on the partitioning). The ledgers are not changed.
   */
  private static PayloadDetection[] decode(KeyPanel panel, List<ScoreLedger> ledgers, long tokensRead) {
    List<CorpusPayloadTally> merged = new ArrayList<>(panel.size());
    for (int k = 0; k < panel.size(); k++) {
      // the ledgers' tapes have deduplicated the units already
      CorpusPayloadTally all = panel.decoders[k].newTally(io.tracemark.api.DedupMode.NONE);
      for (ScoreLedger l : ledgers) {
        all.addAll(l.payload[k]);
      }
      merged.add(all);
    }
    long units = merged.isEmpty() ? 0 : merged.get(0).tokensRead();
    // green-list tallies share the laws of the maximum, which depend on the units per position only
    return CorpusPayloadDecoder.decodeAll(merged, Math.max(tokensRead, units)).toArray(new PayloadDetection[0]);
  }

  /** The curve of the best key at record boundaries, downsampled to at most {@value #MAX_CURVE_POINTS} points. */
  private static List<InheritanceResult.CurvePoint> curve(NullDistribution law, long[][] recScored,
      long[][] recSums, int best, long scored, double total, double totalLog10P) {
    List<InheritanceResult.CurvePoint> curve = new ArrayList<>();
    long cn = 0;
    FixedPointSum cs = new FixedPointSum();
    long nextPoint = 1;
    long spacing = Math.max(1, scored / MAX_CURVE_POINTS);
    int records = recScored.length;
    for (int i = 0; i < records; i++) {
      cn += recScored[i][best];
      cs.add(recSums[i][2 * best], recSums[i][2 * best + 1]);
      if (recScored[i][best] > 0 && (cn >= nextPoint || i == records - 1)) {
        double s = cs.value();
        curve.add(new InheritanceResult.CurvePoint(cn, s, PValues.log10UpperTail(law, cn, s)));
        nextPoint = cn + spacing;
      }
    }
    if (scored > 0 && (curve.isEmpty() || curve.get(curve.size() - 1).tuples() != scored)) {
      // the curve ends at the totals, whether or not the last records reached a point of their own
      curve.add(new InheritanceResult.CurvePoint(scored, total, totalLog10P));
    } else if (!curve.isEmpty()) {
      // the last point is the totals' (the same exact sum; its p-value is the one reported)
      curve.set(curve.size() - 1, new InheritanceResult.CurvePoint(scored, total, totalLog10P));
    }
    return curve;
  }

  /** The warnings a reader of the result must see. */
  private static List<String> flags(long scored, boolean detected, int controlCount, int bestRank,
      int controlsFlagged, double alpha) {
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
    return flags;
  }

  private static List<InheritanceResult.RecordContribution> topContributions(NullDistribution law,
      RecordLedger records, long[][] recScored, long[][] recSums, int best, int topRecords) {
    int n = recScored.length;
    double[] excess = new double[n];
    double[] sums = new double[n];
    // a bounded selection: keep the indices of the topRecords largest excesses (ties: earlier record)
    java.util.PriorityQueue<Integer> heap = new java.util.PriorityQueue<>(Math.max(1, topRecords),
        Comparator.<Integer>comparingDouble(i -> excess[i]).thenComparing(Comparator.<Integer>reverseOrder()));
    for (int i = 0; i < n; i++) {
      sums[i] = FixedPointSum.valueAt(recSums[i], best);
      excess[i] = sums[i] - law.mean() * recScored[i][best];
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
      double sum = sums[i];
      out.add(new InheritanceResult.RecordContribution(records.ids.get(i), records.tokens[i], recScored[i][best], sum,
          excess[i], PValues.log10UpperTail(law, recScored[i][best], sum)));
    }
    return out;
  }
}
