package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.LogitsModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Two-level dedup: a window's first occurrence in each text, then (window, token) once globally. */
class TwoLevelDedupTest {
  static final int V = WeightedVerificationTest.VOCAB;

  private static InheritanceVerifier.Builder builder() {
    return InheritanceVerifier.greenList(WeightedVerificationTest.KEY, WeightedVerificationTest.SPEC, V).controlKeys(0);
  }

  @Test
  void onlyTheFirstOccurrenceOfAWindowInARecordIsScored() {
    // windows (h = 1) at positions 1..5: a, b, a, b, a; tuples (a,b) (b,a) (a,b) (b,a) (a,c)
    int a = 3;
    int b = 5;
    int c = 7;
    List<SuspectRecord> records = List.of(new SuspectRecord("r", new int[] {a, b, a, b, a, c}),
        new SuspectRecord("s", new int[] {b, c}));
    InheritanceResult global = builder().build().closedModel(records);
    InheritanceResult twoLevel = builder().firstWindowPerText(true).build().closedModel(records);
    InheritanceResult twoThreads = builder().firstWindowPerText(true).threads(2).build().closedModel(records);
    assertThat(global.tuplesScored()).isEqualTo(4); // (a,b) (b,a) (a,c) (b,c)
    assertThat(global.counts().duplicates()).isEqualTo(2);
    assertThat(twoLevel.tuplesScored()).isEqualTo(3); // (a,b) (b,a), then (b,c) of the second record
    assertThat(twoLevel.counts().duplicates()).isEqualTo(3);
    assertThat(twoThreads.tuplesScored()).isEqualTo(twoLevel.tuplesScored());
    assertThat(twoThreads.score()).isEqualTo(twoLevel.score());
    assertThat(twoThreads.counts().duplicates()).isEqualTo(twoLevel.counts().duplicates());
  }

  /**
   * A model that never saw the owner's text but copies from its context: after a window it has
   * seen before in the text, it predicts the token that followed it there (what attention does),
   * and otherwise a fixed token of the window. Reading the owner's watermarked text, it repeats the
   * owner's green-biased tokens; the global tape counts them as inherited, two-level dedup does not.
   */
  static final LogitsModel COPIER = new LogitsModel() {
    @Override
    public int vocabularySize() {
      return V;
    }

    @Override
    public void nextTokenLogits(int[] tokens, int length, float[] logits) {
      Arrays.fill(logits, -10f);
      int last = tokens[length - 1];
      int y = (last * 7 + 3) % V;
      for (int j = length - 2; j >= 0; j--) {
        if (tokens[j] == last) {
          y = tokens[j + 1];
          break;
        }
      }
      logits[y] = 10f;
    }
  };

  @Test
  void readingModeDefaultsToTwoLevelSoThatCopyingFromTheContextIsNotInheritance() {
    SplittableRandom random = new SplittableRandom(3);
    List<int[]> owner = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      owner.add(WeightedVerificationTest.text(WeightedVerificationTest.WM, 200, random));
    }
    InheritanceVerifier byDefault = builder().build();
    assertThat(byDefault.firstWindowPerText(true)).isTrue();
    assertThat(byDefault.firstWindowPerText(false)).isFalse();
    InheritanceResult twoLevel = byDefault.readingMode(COPIER, owner);
    InheritanceResult global = builder().firstWindowPerText(false).build().readingMode(COPIER, owner);
    assertThat(global.log10P()).isLessThan(-5); // the copier looks guilty under the global tape alone
    assertThat(twoLevel.log10P()).isGreaterThan(-3);
    assertThat(twoLevel.counts().duplicates()).isGreaterThan(global.counts().duplicates());
  }
}
