package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.DedupMode;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.keys.Keys;
import io.tracemark.core.stats.PValues;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

/** The verifier is scheme-agnostic: an Aaronson-style scorer (Exp(1) scores, gamma-sum p-values) plugs in. */
class GammaSumScorerTest {
  static final int VOCAB = 1000;

  /** score = −ln(1 − u), u a keyed uniform of (window, token); tokens whose u is large are "preferred". */
  record ExpScorer(long seed) implements TokenScorer {
    static ExpScorer of(WatermarkKey key) {
      return new ExpScorer(ByteBuffer.wrap(Keys.derive(key, "test/exp-scorer", 8)).getLong());
    }

    double u(int[] tokens, int position) {
      long x = UnitFingerprints.tuple(tokens, position - 1, 1, tokens[position]) ^ seed;
      x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
      x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
      x ^= x >>> 33;
      return ((x >>> 11) + 0.5) / (1L << 53);
    }

    @Override
    public int contextWidth() {
      return 1;
    }

    @Override
    public int vocabularySize() {
      return VOCAB;
    }

    @Override
    public NullDistribution nullDistribution() {
      return new NullDistribution.GammaSum();
    }

    @Override
    public double score(int[] tokens, int position) {
      return -Math.log1p(-u(tokens, position));
    }

    @Override
    public long unitFingerprint(int[] tokens, int position, DedupMode mode) {
      return mode == DedupMode.WINDOW ? UnitFingerprints.window(tokens, position - 1, 1)
          : UnitFingerprints.tuple(tokens, position - 1, 1, tokens[position]);
    }

    @Override
    public boolean keyDependentUnits() {
      return false;
    }
  }

  static List<SuspectRecord> corpus(ExpScorer embed, int records, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SuspectRecord> out = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      int[] t = new int[100];
      t[0] = r.nextInt(VOCAB);
      for (int j = 1; j < t.length; j++) {
        t[j] = r.nextInt(VOCAB);
        if (embed != null) { // pick the best of 4 candidates by u: a sampling-style watermark
          for (int c = 0; c < 3; c++) {
            int old = t[j];
            double before = embed.u(t, j);
            t[j] = r.nextInt(VOCAB);
            if (embed.u(t, j) < before) {
              t[j] = old;
            }
          }
        }
      }
      out.add(new SuspectRecord("r" + i, t));
    }
    return out;
  }

  @Test
  void gammaSumSchemesAreDetectedAndTheirControlsAreCalibrated() {
    WatermarkKey key = InheritanceVerifier.controlKey(7, 7);
    ExpScorer scorer = ExpScorer.of(key);
    InheritanceVerifier v = InheritanceVerifier.builder().scorer("exp", scorer).controlKeys(100, ExpScorer::of)
        .alpha(0.05).build();
    InheritanceResult marked = v.closedModel(corpus(scorer, 20, 1));
    assertThat(marked.nullDistribution()).isEqualTo(new NullDistribution.GammaSum());
    assertThat(marked.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(marked.log10P()).isEqualTo(PValues.log10GammaUpperTail(marked.tuplesScored(), marked.score()));
    assertThat(marked.controls().bestKeyRank()).isEqualTo(1);

    InheritanceResult plain = v.closedModel(corpus(null, 50, 2));
    BinomialDistribution d = new BinomialDistribution(null, 100, 0.05);
    assertThat(plain.controls().flaggedAtAlpha()).isBetween(d.inverseCumulativeProbability(0.005),
        d.inverseCumulativeProbability(0.995));
  }
}
