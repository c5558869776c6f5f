package io.tracemark.api;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * tracemark's own SynthID-style tournament watermark (family {@code synthid}), keyed by a
 * {@link WatermarkKey} through PRF v1: each (context, token) pair has m keyed binary g-values, and
 * generation draws the winner of an m-layer tournament (its exact law, as SynthID-Text's
 * {@code update_scores}); detection tests the mean g-value (or its weighted variant) with an exact tail.
 *
 * <p>Text form: {@code synthid:depth=30,h=4} with {@code depth} (m, 1 to {@value #MAX_DEPTH};
 * default 30), {@code h} (the context width, 1 to {@value #MAX_H}; default 4) and {@code score}
 * ({@code mean}, or {@code weighted-mean}: layer l weighted as 10 − 9l/(m − 1)).
 *
 * @param depth m, the number of layers
 * @param contextWidth h, the tokens before a position that its g-values depend on
 * @param score the statistic of a detection
 */
public record SynthIdSpec(int depth, int contextWidth, HfSynthIdSpec.Score score) implements SchemeSpec {
  /** The family name in the text form. */
  public static final String FAMILY = "synthid";
  /** The largest depth: the g-values of a (context, token) pair are the bits of one 64-bit PRF word. */
  public static final int MAX_DEPTH = 64;
  /** The largest context width. */
  public static final int MAX_H = 255;

  /** Validates every parameter. */
  public SynthIdSpec {
    if (score == null) {
      throw new NullPointerException("score");
    }
    Checks.require(depth >= 1 && depth <= MAX_DEPTH, "depth must be between 1 and %d, was %d", MAX_DEPTH, depth);
    Checks.require(contextWidth >= 1 && contextWidth <= MAX_H, "h (context width) must be between 1 and %d, was %d",
        MAX_H, contextWidth);
  }

  /**
   * Parses the text form, e.g. {@code synthid:depth=30,h=4}, with the grammar of {@link SchemeSpec#parse}.
   *
   * @throws IllegalArgumentException naming the parameter; also for another family
   */
  public static SynthIdSpec parse(String text) {
    return parseBody(SpecParameters.bodyOf(text, FAMILY));
  }

  static SynthIdSpec parseBody(String body) {
    SpecParameters p = new SpecParameters(FAMILY, body, false);
    String d = p.take("depth");
    String h = p.take("h", "context-width");
    String s = p.take("score");
    HfSynthIdSpec.Score score;
    if (s == null || s.equals("mean")) {
      score = HfSynthIdSpec.Score.MEAN;
    } else if (s.equals("weighted-mean") || s.equals("weighted_mean")) {
      score = HfSynthIdSpec.Score.WEIGHTED_MEAN;
    } else {
      throw Checks.illegal("score must be mean or weighted-mean, was %s", p.echo(s));
    }
    p.done("depth, h, score");
    return new SynthIdSpec(d == null ? 30 : p.integer("depth", d, 1, MAX_DEPTH),
        h == null ? 4 : p.integer("h", h, 1, MAX_H), score);
  }

  /** The integer weight of each layer: all 1 for {@code mean}, {@link NullDistribution.LayeredBinomial#linearLevels} otherwise. */
  public int[] levels() {
    return score == HfSynthIdSpec.Score.MEAN ? NullDistribution.LayeredBinomial.equalLevels(depth)
        : NullDistribution.LayeredBinomial.linearLevels(depth);
  }

  /** The same specification with another statistic. */
  public SynthIdSpec withScore(HfSynthIdSpec.Score newScore) {
    return new SynthIdSpec(depth, contextWidth, newScore);
  }

  @Override
  public String family() {
    return FAMILY;
  }

  @Override
  public String canonical() {
    return String.format(Locale.ROOT, "%s:depth=%d,h=%d,score=%s", FAMILY, depth, contextWidth, score.label());
  }

  /** The canonical form: the key is not part of the specification. */
  @Override
  public String redacted() {
    return canonical();
  }

  /** Layered g-values, each Bernoulli(½) under H0 (bits of a keyed PRF word). */
  @Override
  public NullDistribution nullDistribution() {
    return new NullDistribution.LayeredBinomial(levels(), 0.5);
  }

  @Override
  public boolean carriesKey() {
    return false;
  }

  @Override
  public OptionalInt vocabularySize() {
    return OptionalInt.empty();
  }

  /** {@link DedupMode#WINDOW_AND_TOKEN}: a (context, token) pair's g-values are scored once. */
  @Override
  public DedupMode defaultDedup() {
    return DedupMode.WINDOW_AND_TOKEN;
  }

  @Override
  public String toString() {
    return canonical();
  }
}
