package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.GumbelSpec;
import io.tracemark.api.SynthIdSpec;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The generation step's check for a context seen before in the sequence, against the plain definition. */
class RepeatedContextTest {
  /** Whether the h tokens before {@code length} occur as the h tokens before an earlier position j ≥ h. */
  private static boolean seenBefore(int[] tokens, int length, int h) {
    for (int j = h; j < length; j++) {
      if (Arrays.equals(tokens, j - h, j, tokens, length - h, length)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theCheckIsTheDefinitionOnRandomSequences() {
    SplittableRandom r = new SplittableRandom(5);
    int checked = 0;
    int repeated = 0;
    for (int h = 1; h <= 4; h++) {
      GumbelWatermark gumbel = new GumbelWatermark(KgwWatermarkTest.key(1), GumbelSpec.parse("gumbel:h=" + h),
          50);
      TournamentWatermark tournament = new TournamentWatermark(KgwWatermarkTest.key(1), SynthIdSpec.parse(
          "synthid:depth=4,h=" + h), 50);
      for (int trial = 0; trial < 300; trial++) {
        int alphabet = 2 + r.nextInt(6); // small alphabets make repeats, and near misses, common
        int[] tokens = r.ints(1 + r.nextInt(40), 0, alphabet).toArray();
        for (int length = 0; length <= tokens.length; length++) {
          boolean expected = seenBefore(tokens, length, h);
          assertThat(gumbel.repeatedContext(tokens, length)).as("h=%d %s[0,%d)", h, Arrays.toString(tokens), length)
              .isEqualTo(expected);
          assertThat(tournament.repeatedContext(tokens, length)).isEqualTo(expected);
          checked++;
          repeated += expected ? 1 : 0;
        }
      }
    }
    // both outcomes are well represented
    assertThat(repeated).isBetween(checked / 10, checked * 9 / 10);
  }
}
