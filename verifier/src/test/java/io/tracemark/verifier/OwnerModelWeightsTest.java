package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.LogitsModel;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class OwnerModelWeightsTest {
  static final double GAMMA = 0.25;
  static final double DELTA = 2.0;
  static final float[] LOGITS = {2.0f, 1.2f, 0.7f, 0.1f, -0.5f, -1.5f};

  /** A model whose next-token logits do not depend on the context. */
  static final LogitsModel FIXED = new LogitsModel() {
    @Override
    public int vocabularySize() {
      return LOGITS.length;
    }

    @Override
    public void nextTokenLogits(int[] tokens, int length, float[] logits) {
      System.arraycopy(LOGITS, 0, logits, 0, LOGITS.length);
    }
  };

  /** P(y green | the watermarked sampler drew y) − γ by enumerating every green list over the top k. */
  static double exactPosteriorUplift(int y, int k, double temperature) {
    Integer[] order = {0, 1, 2, 3, 4, 5};
    java.util.Arrays.sort(order, (a, b) -> Float.compare(LOGITS[b], LOGITS[a]));
    int[] top = new int[k];
    for (int j = 0; j < k; j++) {
      top[j] = order[j];
    }
    double alpha = Math.exp(DELTA);
    double num = 0;
    double den = 0;
    for (int mask = 0; mask < 1 << k; mask++) {
      double pg = 1;
      double z = 0;
      double qy = 0;
      boolean yGreen = false;
      for (int j = 0; j < k; j++) {
        boolean g = (mask >> j & 1) == 1;
        pg *= g ? GAMMA : 1 - GAMMA;
        double w = Math.exp(LOGITS[top[j]] / temperature) * (g ? alpha : 1);
        z += w;
        if (top[j] == y) {
          qy = w;
          yGreen = g;
        }
      }
      den += pg * qy / z;
      num += yGreen ? pg * qy / z : 0;
    }
    return num / den - GAMMA;
  }

  @Test
  void posteriorUpliftMatchesTheExactEnumerationOverGreenLists() {
    ContextCountWeights contexts = ContextCountWeights.of(1, List.of(new int[] {0, 1, 0, 1, 0}));
    OwnerModelWeights w = OwnerModelWeights.of(FIXED, GAMMA, DELTA, 6, 1.0, contexts, 20, 16);
    for (int y = 0; y < 6; y++) {
      // 256 public green lists estimate the average over all 2^6 lists; its error is a few hundredths
      assertThat(w.posteriorUplift(new int[] {0, y}, 1)).as("token %d", y)
          .isCloseTo(exactPosteriorUplift(y, 6, 1.0), Offset.offset(0.03));
    }
    // the owner's argmax carries less of the bias than an unlikely token
    assertThat(w.posteriorUplift(new int[] {0, 0}, 1)).isLessThan(w.posteriorUplift(new int[] {0, 5}, 1));
    OwnerModelWeights hot = OwnerModelWeights.of(FIXED, GAMMA, DELTA, 6, 2.0, contexts, 20, 16);
    assertThat(hot.posteriorUplift(new int[] {0, 2}, 1)).isCloseTo(exactPosteriorUplift(2, 6, 2.0),
        Offset.offset(0.03));
  }

  @Test
  void tokensOutsideTheTopKAndUnseenContextsWeighNothing() {
    ContextCountWeights contexts = ContextCountWeights.of(1, List.of(new int[] {0, 1, 0, 1, 0}));
    OwnerModelWeights w = OwnerModelWeights.of(FIXED, GAMMA, DELTA, 3, 1.0, contexts, 20, 16);
    assertThat(w.posteriorUplift(new int[] {0, 3}, 1)).isZero(); // rank 4 of a top-3 sampler
    assertThat(w.posteriorUplift(new int[] {0, 2}, 1)).isCloseTo(exactPosteriorUplift(2, 3, 1.0), Offset.offset(0.03));
    assertThat(w.weight(new int[] {0, 2}, 1)).isGreaterThan(0); // context 0 occurs twice as a context
    assertThat(w.weight(new int[] {4, 2}, 1)).isZero(); // context 4 never occurs in the owner's corpus
    assertThat(w.weight(new int[] {0, 2}, 1)).isLessThanOrEqualTo(1.0);
    double pu = w.posteriorUplift(new int[] {0, 2}, 1);
    double puMax = GAMMA * Math.exp(DELTA) / (GAMMA * Math.exp(DELTA) + 1 - GAMMA) - GAMMA;
    assertThat(w.weight(new int[] {0, 2}, 1)).isCloseTo(pu / puMax * Math.log(3) / Math.log(21),
        Offset.offset(1e-12));
    assertThat(w.contextTokens()).isEqualTo(Integer.MAX_VALUE);
    assertThat(w.description()).contains("top-k 3").contains("1-token context");
    assertThatThrownBy(() -> OwnerModelWeights.of(FIXED, GAMMA, DELTA, 7, 1.0, contexts, 20, 16))
        .hasMessage("topK must be between 2 and the vocabulary size 6, was 7");
  }
}
