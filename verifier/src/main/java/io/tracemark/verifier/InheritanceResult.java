package io.tracemark.verifier;

import io.tracemark.api.NullDistribution;
import io.tracemark.api.PayloadDetection;
import java.util.List;
import java.util.Objects;

/**
 * The immutable outcome of an inheritance test: the numbers an evidence report is made of.
 *
 * <p>The headline fields ({@code score}, {@code log10P}, …) are those of the <em>best</em> key, the
 * one with the smallest Holm-adjusted p-value ({@link #bestKey()}); with a single key that is the
 * key. Under H0 (the corpus is independent of the key) the score of the {@code tuplesScored}
 * distinct tuples is Binomial(n, γ) ({@link NullDistribution.Binomial}; {@code score} is then
 * the green count) or Gamma(n, 1) ({@link NullDistribution.GammaSum}); {@code log10P} is the
 * exact log10 of its upper tail.
 *
 * @param mode {@code closed-model} or {@code reading-mode}
 * @param nullDistribution the law of one unit's score under H0 (for green counts, γ is the expected
 *     green rate)
 * @param recordsRead records (or owner texts in reading mode) read, including skipped ones
 * @param tokensRead answer tokens read (prompt tokens excluded); positions read in reading mode
 * @param tuplesScored distinct tuples scored (after context warm-up, exclusions, filter and dedup)
 * @param score the best key's score sum (its green count for binomial schemes)
 * @param rate score / tuplesScored (the green rate), 0 when nothing was scored
 * @param z the best key's z-score, for familiarity only
 * @param log10P the best key's exact log10 p-value (unadjusted)
 * @param log10PAdjusted the best key's Holm-adjusted log10 p-value (equal to log10P for one key)
 * @param alpha the significance level
 * @param verdict {@link Verdict#DETECTED} iff the Holm-adjusted p-value of some key is below alpha
 * @param keys per-key results, in the order the keys were given
 * @param bestKey index into {@code keys} of the best key
 * @param controls the control-key null
 * @param curve cumulative log10 p of the best key against tuples scored (downsampled)
 * @param topRecords the records that contribute most to the best key's excess score
 * @param counts what happened to the positions that were not scored
 * @param skipped records that could not be scored (at most {@link InheritanceVerifier#MAX_LISTED_SKIPS}
 *     listed; {@code counts.skippedRecords} has the total)
 * @param flags warnings a reader of the result must see (e.g. the key does not stand out from its
 *     controls)
 * @param weighting for a weighted test, the weights and the levels of the best key's tuples (then
 *     {@code score} is S = Σ levelᵢ·scoreᵢ, {@code rate} is S / Σ levelᵢ, {@code z} and {@code
 *     log10P} are those of S, and the curve has only its final point); null for the unweighted test
 * @param payload for a multi-bit payload ({@code kgw:…,payload=b} or {@code gumbel:…,payload=b}), the
 *     message decoded from every scored unit under the best key, with its p-value corrected for the
 *     2^b messages; then {@code score} is the decoded message's green count (or score sum), {@code
 *     log10P} (and every key's and control's) is that corrected p-value, {@code z} is the uncorrected
 *     z of that count (or sum) under the law of one message, the curve
 *     has only its final point and no record is listed as contributing; null for other schemes
 */
public record InheritanceResult(String mode, NullDistribution nullDistribution, long recordsRead,
    long tokensRead, long tuplesScored, double score, double rate, double z, double log10P, double log10PAdjusted,
    double alpha, Verdict verdict, List<KeyResult> keys, int bestKey, ControlNull controls, List<CurvePoint> curve,
    List<RecordContribution> topRecords, Counts counts, List<SkippedRecord> skipped, List<String> flags,
    Weighting weighting, PayloadDetection payload) {

  /** The result of a test without a payload. */
  public InheritanceResult(String mode, NullDistribution nullDistribution, long recordsRead, long tokensRead,
      long tuplesScored, double score, double rate, double z, double log10P, double log10PAdjusted, double alpha,
      Verdict verdict, List<KeyResult> keys, int bestKey, ControlNull controls, List<CurvePoint> curve,
      List<RecordContribution> topRecords, Counts counts, List<SkippedRecord> skipped, List<String> flags,
      Weighting weighting) {
    this(mode, nullDistribution, recordsRead, tokensRead, tuplesScored, score, rate, z, log10P, log10PAdjusted, alpha,
        verdict, keys, bestKey, controls, curve, topRecords, counts, skipped, flags, weighting, null);
  }

  /** The unweighted test's result. */
  public InheritanceResult(String mode, NullDistribution nullDistribution, long recordsRead, long tokensRead,
      long tuplesScored, double score, double rate, double z, double log10P, double log10PAdjusted, double alpha,
      Verdict verdict, List<KeyResult> keys, int bestKey, ControlNull controls, List<CurvePoint> curve,
      List<RecordContribution> topRecords, Counts counts, List<SkippedRecord> skipped, List<String> flags) {
    this(mode, nullDistribution, recordsRead, tokensRead, tuplesScored, score, rate, z, log10P, log10PAdjusted, alpha,
        verdict, keys, bestKey, controls, curve, topRecords, counts, skipped, flags, null, null);
  }

  /** Copies the lists. */
  public InheritanceResult {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(nullDistribution, "nullDistribution");
    keys = List.copyOf(keys);
    curve = List.copyOf(curve);
    topRecords = List.copyOf(topRecords);
    skipped = List.copyOf(skipped);
    flags = List.copyOf(flags);
  }

  /** The verdict at alpha. */
  public enum Verdict {
    /** Some key's Holm-adjusted p-value is below alpha: the corpus carries the watermark. */
    DETECTED,
    /** No key's adjusted p-value is below alpha. */
    NOT_DETECTED;

    /** Lower-case spelling for reports. */
    public String label() {
      return this == DETECTED ? "detected" : "not_detected";
    }
  }

  /** The p-value as a double (underflows to 0 below about 1e-308; use {@link #log10P()}). */
  public double pValue() {
    return Math.pow(10, log10P);
  }

  /** The best key's result. */
  public KeyResult best() {
    return keys.get(bestKey);
  }

  /**
   * One tested key.
   *
   * @param label the caller's label (e.g. {@code tenant-3}); never secret material
   * @param tuplesScored distinct units scored for this key (the same for every key unless the
   *     scheme's units depend on the key, see {@link io.tracemark.api.TokenScorer#keyDependentUnits()})
   * @param score score sum over the scored tuples (green count for binomial schemes)
   * @param rate score / tuples scored
   * @param z z-score
   * @param log10P exact log10 p-value
   * @param log10PAdjusted Holm-adjusted log10 p-value over all tested keys
   * @param controlRank 1 + the number of control keys whose p-value is at least as small (1 is
   *     best); 0 when there are no controls
   * @param significant whether the adjusted p-value is below alpha
   */
  public record KeyResult(String label, long tuplesScored, double score, double rate, double z, double log10P, double log10PAdjusted,
      int controlRank, boolean significant) {}

  /**
   * The empirical null from control keys: the same tuples scored under keys drawn at random,
   * which the real key could not have embedded.
   *
   * @param count number of control keys (0 when disabled)
   * @param seed the seed the control keys were derived from (reproducible, not secret)
   * @param log10P the controls' exact log10 p-values, in control order
   * @param flaggedAtAlpha controls whose p-value is below alpha (about alpha·count expected)
   * @param bestKeyRank the best key's rank among itself and the controls (1 = smallest p)
   * @param empiricalP bestKeyRank / (count + 1), the permutation-style p-value; 1 when count = 0
   */
  public record ControlNull(int count, long seed, List<Double> log10P, int flaggedAtAlpha, int bestKeyRank,
      double empiricalP) {
    /** Copies the list. */
    public ControlNull {
      log10P = List.copyOf(log10P);
    }
  }

  /** One point of the cumulative curve: after {@code tuples} tuples, score and exact log10 p. */
  public record CurvePoint(long tuples, double score, double log10P) {}

  /**
   * One record's contribution to the best key.
   *
   * @param id the record's id
   * @param tokens answer tokens
   * @param tuplesScored tuples scored in this record (first occurrences only)
   * @param score the best key's score over them
   * @param excess score − expected score under H0
   * @param log10P log10 p-value of this record alone
   */
  public record RecordContribution(String id, long tokens, long tuplesScored, double score, double excess,
      double log10P) {}

  /**
   * How a weighted test weighted its tuples.
   *
   * @param source what the weights are and where they come from ({@link WeightSource#description()})
   * @param quantization the integer grid ({@link io.tracemark.core.stats.WeightGrid#describe()})
   * @param tuplesPerLevel the best key's scored tuples by level, index = level (index 0 is always 0)
   * @param nullMean E S under H0 for these tuples
   */
  public record Weighting(String source, String quantization, List<Long> tuplesPerLevel, double nullMean) {
    /** Copies the list. */
    public Weighting {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(quantization, "quantization");
      tuplesPerLevel = List.copyOf(tuplesPerLevel);
    }
  }

  /** A record that was not scored, with the reason (no secret material, no text content). */
  public record SkippedRecord(String id, String reason) {}

  /**
   * Positions that were read but not scored, by cause.
   *
   * @param noContext positions with fewer than h tokens before them
   * @param duplicates positions whose tuple (or window) was already scored
   * @param excludedPrompt positions whose window occurs in the record's prompt
   * @param excludedFilter positions whose window is not in the owner filter
   * @param outsideVocabulary reading-mode predictions outside the scheme's vocabulary
   * @param skippedRecords records skipped as bad
   * @param alignment for reading mode over a suspect with another tokenizer, how its predictions were
   *     aligned with the watermark's tokens; null otherwise
   */
  public record Counts(long noContext, long duplicates, long excludedPrompt, long excludedFilter,
      long outsideVocabulary, long skippedRecords, Alignment alignment) {
    /** The counts of a test without a cross-tokenizer alignment. */
    public Counts(long noContext, long duplicates, long excludedPrompt, long excludedFilter, long outsideVocabulary,
        long skippedRecords) {
      this(noContext, duplicates, excludedPrompt, excludedFilter, outsideVocabulary, skippedRecords, null);
    }
  }

  /**
   * Reading mode over a suspect model with another tokenizer than the watermark's: what happened
   * to the positions that reached the model (after the context warm-up, the window dedup and the
   * owner filter) and to the suspect's predictions there. {@code predictions = oneToken + notOneToken
   * + notText}; the {@code oneToken} predictions go on to the tuple dedup and the weights as in
   * reading mode over the watermark's own tokenizer.
   *
   * @param suspectTokenizer the suspect's tokenizer
   * @param positions positions of the owner's texts that reached the model
   * @param aligned those whose character offset is also a token boundary of the suspect's
   *     tokenization of the text: the suspect was asked there; the others are skipped
   * @param predictions suspect predictions read at the aligned positions
   * @param oneToken predictions whose text is exactly one token of the watermark vocabulary: scored
   * @param notOneToken predictions whose text is several watermark tokens: skipped
   * @param notText predictions without whole characters (part of a UTF-8 sequence, or an id without
   *     text): skipped
   */
  public record Alignment(String suspectTokenizer, long positions, long aligned, long predictions, long oneToken,
      long notOneToken, long notText) {
    /** Checks the tokenizer name. */
    public Alignment {
      Objects.requireNonNull(suspectTokenizer, "suspectTokenizer");
    }

    /** Positions not aligned with a suspect token boundary: skipped. */
    public long unaligned() {
      return positions - aligned;
    }
  }
}
