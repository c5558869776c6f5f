package io.tracemark.examples.attack;

import io.tracemark.api.Checks;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Copy-paste: a share x of the tokens of a human text is replaced by watermarked text in k
 * segments. The result has the human text's length n; the m = round(x·n) watermarked tokens are the
 * first m of the watermarked text, cut into k consecutive pieces of near-equal length (so each
 * piece keeps its own context), placed in order at random non-overlapping positions (the n − m
 * human tokens kept, in order, are split into k + 1 runs by a uniformly random composition; the
 * runs may be empty).
 *
 * @param fraction x, in (0, 1]
 * @param segments k ≥ 1
 */
public record CopyPaste(double fraction, int segments) implements Attack {
  /** Validates. */
  public CopyPaste {
    Checks.require(fraction > 0 && fraction <= 1, "copy-paste fraction must be in (0, 1], was %s", fraction);
    Checks.require(segments >= 1, "copy-paste segments must be >= 1, was %d", segments);
  }

  @Override
  public String name() {
    return "copy-paste";
  }

  @Override
  public String parameters() {
    return String.format(Locale.ROOT, "x=%s,k=%d", Attack.percent(fraction), segments);
  }

  @Override
  public int[] apply(int[] watermarked, int[] human, SplittableRandom random) {
    Attack.requireLength(this, "human", human, segments);
    int n = human.length;
    int m = Math.max(segments, Attack.count(fraction, n));
    Attack.requireLength(this, "watermarked", watermarked, m);
    // the k + 1 human runs: k cut points among the n - m + k positions of a stars-and-bars composition
    int humanTokens = n - m;
    int[] cuts = new int[segments];
    int[] pool = new int[humanTokens + segments];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = i;
    }
    for (int i = 0; i < segments; i++) { // partial Fisher-Yates: k distinct positions
      int j = i + random.nextInt(pool.length - i);
      int t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
      cuts[i] = pool[i];
    }
    Arrays.sort(cuts);
    int[] out = new int[n];
    int w = 0;
    int h = 0;
    int taken = 0;
    for (int s = 0; s < segments; s++) {
      int run = cuts[s] - (s == 0 ? 0 : cuts[s - 1] + 1); // human tokens before segment s
      System.arraycopy(human, h, out, w, run);
      h += run;
      w += run;
      int len = (int) ((long) m * (s + 1) / segments) - (int) ((long) m * s / segments);
      System.arraycopy(watermarked, taken, out, w, len);
      taken += len;
      w += len;
    }
    System.arraycopy(human, h, out, w, n - w);
    return out;
  }
}
