package io.tracemark.examples.attack;

import java.util.SplittableRandom;

/** Uniformly random sets of positions. */
final class Positions {
  private Positions() {}

  /** {@code count} distinct positions of {@code [0, n)}, uniformly (Floyd's algorithm), as a mask. */
  static boolean[] choose(int n, int count, SplittableRandom random) {
    boolean[] chosen = new boolean[n];
    for (int j = n - count; j < n; j++) {
      int t = random.nextInt(j + 1);
      chosen[chosen[t] ? j : t] = true;
    }
    return chosen;
  }
}
