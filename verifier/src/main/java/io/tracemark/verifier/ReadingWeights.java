package io.tracemark.verifier;

import io.tracemark.api.Checks;
import io.tracemark.core.stats.WeightGrid;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reading mode's weights (the statistic R*): the suspect model's {@link #predictions()} best
 * predictions are scored at every position of the owner's text, each prediction y of rank j
 * weighted by
 *
 * <pre>
 *   w = pu(y | ctx) / pu_max × f(c) × clamp((ln q(y) − ln p(y | ctx)) / L, 0, 1) × r_j
 * </pre>
 *
 * where pu / pu_max × f(c) is the {@link OwnerModelWeights owner-model weight} of y at the owner's
 * context (its posterior green uplift under the owner's unwatermarked model, times the saturating
 * count of the context in the owner's watermarked corpus), q is the suspect's next-token
 * distribution (the softmax of its logits), p the owner's unwatermarked model's (the softmax of its
 * logits, temperature 1), L the ratio cap ({@value #DEFAULT_RATIO_CAP} nats by default) and r_j
 * the rank factor (1 for the best prediction, ½ for the second by default). A distilled suspect is
 * tilted towards the green tokens relative to the owner's base distribution; the log-ratio reads
 * that tilt, and is 0 where the suspect believes y no more than the owner's model does.
 *
 * <p><b>Why the test stays exact.</b> Every factor is a function of the owner's text and model,
 * the contexts of the owner's corpus, and the suspect model — never of the key. Under H0 the
 * suspect is independent of the key: its predictions and their probabilities q are what they
 * would be under any other key, so, given the weights, each distinct (window, prediction) tuple is
 * still green with probability γ independently (the two predictions at one window are distinct
 * tokens, whose green draws are independent under the keyed PRF), and S = Σ level × green has the
 * exact weighted-binomial tail. Looking at the suspect's probability is admissible for the same
 * reason that scoring its prediction is: both are the suspect's, and an innocent suspect's are not
 * informed by the key. Two-level dedup (reading mode's default) keeps this true for a suspect that
 * copies tokens from its context.
 *
 * <p>For a position without a suspect's prediction ({@link #weight(int[], int)}, e.g. the
 * closed-model test) the weight is the owner-model weight itself, the value at rank 0 with the
 * ratio saturated, an upper bound of every reading weight of the token; {@link
 * InheritanceVerifier#closedModel} refuses these weights, which are meant for reading mode.
 *
 * <p>Immutable and thread-safe when the owner's model is.
 */
public final class ReadingWeights implements WeightSource {
  /** The default cap L of the log-ratio, in nats: the factor saturates at q(y) = e² p(y). */
  public static final double DEFAULT_RATIO_CAP = 2.0;
  private static final double[] DEFAULT_RANK_FACTORS = {1.0, 0.5};

  private final OwnerModelWeights owner;
  private final double[] rankFactors;
  private final double ratioCap;
  /** The owner's side at the positions of the texts given to {@link #precomputedFor}, or null. */
  private final OwnerTable table;

  private ReadingWeights(OwnerModelWeights owner, double[] rankFactors, double ratioCap, OwnerTable table) {
    this.owner = owner;
    this.rankFactors = rankFactors;
    this.ratioCap = ratioCap;
    this.table = table;
  }

  /**
   * R* as recommended: the suspect's top-2 predictions, the second at half weight, the log-ratio
   * capped at {@value #DEFAULT_RATIO_CAP} nats, over the owner-model weights {@code owner}.
   */
  public static ReadingWeights of(OwnerModelWeights owner) {
    return of(owner, DEFAULT_RANK_FACTORS, DEFAULT_RATIO_CAP);
  }

  /**
   * Reading weights over {@code owner} scoring the suspect's {@code rankFactors.length} best
   * predictions, the prediction of rank j weighted by {@code rankFactors[j]} (each in (0, 1]), with
   * the log-ratio capped at {@code ratioCap} nats.
   */
  public static ReadingWeights of(OwnerModelWeights owner, double[] rankFactors, double ratioCap) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(rankFactors, "rankFactors");
    Checks.require(rankFactors.length >= 1 && rankFactors.length <= 16,
        "rankFactors must have between 1 and 16 entries, had %d", rankFactors.length);
    for (int j = 0; j < rankFactors.length; j++) {
      double f = rankFactors[j];
      Checks.require(f > 0 && f <= 1, "rankFactors[%d] must be in (0, 1], was %s", j, f);
    }
    Checks.require(ratioCap > 0 && Double.isFinite(ratioCap), "ratioCap must be finite and > 0, was %s", ratioCap);
    return new ReadingWeights(owner, rankFactors.clone(), ratioCap, null);
  }

  /**
   * These weights, with the owner's side of every position of {@code ownerTexts} computed now,
   * once: the owner's model at each position whose context the owner's corpus shows, kept as its
   * log-normalizer and the short {@linkplain OwnerModelWeights#topKStream stream} of tokens from
   * which the posterior uplift of any token is the same, bit for bit, as from all the logits. None
   * of it depends on the suspect, so reading several suspects over the same texts asks the owner's
   * model once per position instead of once per position and suspect; the weights, and so the
   * results, are those of the weights without the table. Texts are recognised by content; a text
   * not among {@code ownerTexts} is weighed as without the table.
   */
  public ReadingWeights precomputedFor(List<int[]> ownerTexts) {
    Objects.requireNonNull(ownerTexts, "ownerTexts");
    return new ReadingWeights(owner, rankFactors, ratioCap, new OwnerTable(owner, ownerTexts));
  }

  /** How many of the suspect's best predictions are scored at each position. */
  public int predictions() {
    return rankFactors.length;
  }

  /** The owner-model weights under the reading weights. */
  public OwnerModelWeights ownerWeights() {
    return owner;
  }

  /**
   * The weight of the suspect's prediction {@code y} of rank {@code rank} (0: its best) after
   * {@code text[0, pos)}, where the suspect gives y the log-probability {@code suspectLogProbability}.
   */
  public double weight(int[] text, int pos, int y, int rank, double suspectLogProbability) {
    Checks.require(rank >= 0 && rank < rankFactors.length, "rank must be between 0 and %d, was %d",
        rankFactors.length - 1, rank);
    double[] out = new double[1];
    weights(text, pos, new int[] {y}, new double[] {suspectLogProbability}, 1, out, rank);
    return out[0];
  }

  /**
   * The levels of the suspect's {@code n} predictions {@code ys} (best first) after {@code
   * text[0, pos)}, with the suspect's log-probabilities {@code logQ}, into {@code levels}; the
   * owner's model is asked once for the position.
   */
  void levels(int[] text, int pos, int[] ys, double[] logQ, int n, int[] levels) {
    double[] w = new double[n];
    weights(text, pos, ys, logQ, n, w, 0);
    WeightGrid grid = grid();
    for (int j = 0; j < n; j++) {
      levels[j] = grid.level(w[j]);
    }
  }

  private void weights(int[] text, int pos, int[] ys, double[] logQ, int n, double[] out, int firstRank) {
    Arrays.fill(out, 0, n, 0.0);
    double context = owner.contextFactor(text, pos);
    if (context == 0) {
      return; // a context the owner's corpus never shows: the owner's model is not asked
    }
    OwnerTable.Position at = table == null ? null : table.at(text, pos);
    float[] l = at == null ? owner.ownerLogits(text, pos) : null;
    int vocabulary = owner.vocabularySize();
    double logZ = Double.NaN;
    for (int j = 0; j < n; j++) {
      int y = ys[j];
      if (y < 0 || y >= vocabulary) {
        continue;
      }
      double pu = at == null ? owner.posteriorUplift(l, y) : at.stream().posteriorUplift(owner, y);
      if (pu <= 0) {
        continue;
      }
      if (logZ != logZ) {
        logZ = at == null ? ModelProbe.logSumExp(l) : at.logZ();
      }
      float ly = at == null ? l[y] : at.stream().logit(y);
      double ratio = (logQ[j] - (ly - logZ)) / ratioCap;
      // NaN (both probabilities 0, or an infinite logit) carries no evidence
      double tilt = ratio > 0 ? Math.min(1, ratio) : 0;
      out[j] = pu / owner.puMax() * context * tilt * rankFactors[firstRank + j];
    }
  }

  /**
   * The owner's side of R* at every position of some owner texts whose context the owner's corpus
   * shows: the log-normalizer of the owner's logits and their top-k stream. Immutable once built.
   */
  private static final class OwnerTable {
    record Position(OwnerModelWeights.TopKStream stream, double logZ) {}

    /** A text as a map key: by content. */
    private record Text(int[] tokens) {
      @Override
      public boolean equals(Object o) {
        return o instanceof Text t && Arrays.equals(tokens, t.tokens);
      }

      @Override
      public int hashCode() {
        return Arrays.hashCode(tokens);
      }

      @Override
      public String toString() {
        return "Text[" + tokens.length + " tokens]";
      }
    }

    private final Map<Text, Position[]> byContent = new HashMap<>();

    OwnerTable(OwnerModelWeights owner, List<int[]> texts) {
      for (int[] text : texts) {
        Objects.requireNonNull(text, "owner text");
        if (!byContent.containsKey(new Text(text))) {
          Position[] positions = new Position[text.length];
          for (int pos = 0; pos < text.length; pos++) {
            if (owner.contextFactor(text, pos) > 0) {
              float[] l = owner.ownerLogits(text, pos);
              positions[pos] = new Position(owner.topKStream(l), ModelProbe.logSumExp(l));
            }
          }
          byContent.put(new Text(text.clone()), positions);
        }
      }
    }

    /** The position's entry, or null for a text not in the table (a lookup by content: linear in its length). */
    Position at(int[] text, int pos) {
      Position[] positions = byContent.get(new Text(text));
      return positions == null || pos >= positions.length ? null : positions[pos];
    }
  }

  /**
   * The owner-model weight of {@code tokens[pos]} (rank 0, ratio saturated): an upper bound of
   * the token's reading weights, for a position without a suspect's prediction.
   */
  @Override
  public double weight(int[] tokens, int pos) {
    return owner.weight(tokens, pos);
  }

  @Override
  public boolean readsToken() {
    return true;
  }

  @Override
  public int contextTokens() {
    return owner.contextTokens();
  }

  @Override
  public WeightGrid grid() {
    return owner.grid();
  }

  @Override
  public String description() {
    StringBuilder ranks = new StringBuilder();
    for (double f : rankFactors) {
      ranks.append(ranks.length() == 0 ? "" : ", ").append(f);
    }
    return String.format(Locale.ROOT, "reading R*: the suspect's top-%d predictions, w = owner weight x clamp((ln q "
        + "- ln p) / %s, 0, 1) x rank factor (%s), q = the suspect's probability, p = the owner model's; owner "
        + "weight = %s", rankFactors.length, ratioCap, ranks, owner.description());
  }

  @Override
  public String toString() {
    return "ReadingWeights[" + description() + "]";
  }
}
