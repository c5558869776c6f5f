package io.tracemark.verifier;

import io.tracemark.api.Checks;
import io.tracemark.core.stats.WeightGrid;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Weights supplied by the owner, one per answer token, carried by each suspect record ({@link
 * SuspectRecord#weights()}; on the command line a JSONL field aligned with the answer's tokens,
 * {@code --weights field:NAME}). The owner computes them from key-independent information, e.g.
 * the entropy of the owner's model at each position of the suspect's text; the test stays exact
 * whatever they are, as long as they do not depend on the key.
 *
 * <p>The grid is fixed before the suspect is read, so it cannot depend on the weights it will
 * quantize: the top level stands for the weight {@code max} (default {@value #DEFAULT_MAX}, for
 * weights normalised to [0, 1]), the scale is {@code max / maxLevel}, and a larger weight is
 * clamped to the top level (clamping is a key-independent choice too, so the tail stays exact;
 * {@link #clamped()} counts such positions and the report says how many).
 *
 * <p>Reading mode has no suspect records, so these weights apply to the closed model only. Thread-
 * safe: the only state is the clamp counter.
 */
public final class FieldWeights implements WeightSource {
  /** The weight of the top level when none is given. */
  public static final double DEFAULT_MAX = 1.0;

  private final String field;
  private final double max;
  private final WeightGrid grid;
  private final LongAdder clamped = new LongAdder();

  private FieldWeights(String field, double max, int maxLevel) {
    this.field = Objects.requireNonNull(field, "field");
    Checks.require(max > 0 && Double.isFinite(max), "the top weight of field weights must be finite and > 0, was %s",
        max);
    this.max = max;
    this.grid = WeightGrid.ofMaximum(max, maxLevel);
  }

  /**
   * Weights from the records' per-token weights.
   *
   * @param field the name the report gives their source (the JSONL field)
   * @param max the weight of the top level; larger weights are clamped to it
   * @param maxLevel the number of levels of the grid
   */
  public static FieldWeights of(String field, double max, int maxLevel) {
    return new FieldWeights(field, max, maxLevel);
  }

  /** {@link #of(String, double, int)} with {@link WeightGrid#DEFAULT_MAX_LEVEL} levels. */
  public static FieldWeights of(String field, double max) {
    return of(field, max, WeightGrid.DEFAULT_MAX_LEVEL);
  }

  /** The field the weights come from. */
  public String field() {
    return field;
  }

  /** The weight of the top level. */
  public double max() {
    return max;
  }

  /**
   * Positions whose weight was above {@link #max()} and took the top level, over every run that
   * used this source so far (a run that reports it uses a source of its own).
   */
  public long clamped() {
    return clamped.sum();
  }

  /**
   * Not available: the weight is the record's, not a function of the tokens.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public double weight(int[] tokens, int pos) {
    throw new UnsupportedOperationException("field weights come with each suspect record (" + field + ")");
  }

  /** The level of the answer token at {@code pos} of {@code seq} (prompt then answer) from the record's weights. */
  @Override
  public int level(SuspectRecord record, int[] seq, int pos) {
    double[] w = record == null ? null : record.weightsUnsafe();
    if (w == null) {
      throw new IllegalStateException("field weights need records that carry weights (" + field + ")");
    }
    double weight = w[pos - record.promptLength()];
    if (weight > max) {
      clamped.increment();
    }
    return grid.level(weight);
  }

  @Override
  public boolean perRecord() {
    return true;
  }

  @Override
  public int contextTokens() {
    return 0;
  }

  @Override
  public WeightGrid grid() {
    return grid;
  }

  @Override
  public String description() {
    long c = clamped();
    return String.format(Locale.ROOT, "field:%s: per-token weights supplied in the suspect records' field \"%s\", "
        + "top level = weight %s (fixed before the suspect is read; larger weights clamped to it%s)", field, field,
        Double.toString(max), c == 0 ? ", none was" : String.format(Locale.ROOT, ": %,d positions", c));
  }

  @Override
  public String toString() {
    return "FieldWeights[field=" + field + ", max=" + max + ", grid=" + grid + "]";
  }
}
