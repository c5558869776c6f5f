package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.Detection;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Profiles are shared between threads; the vLLM sampler's documented fallbacks. */
class InteropConcurrencyTest {

  @Test
  void scorerGivesTheSameScoresFromManyThreads() {
    Watermark p = GoldenVectors.watermark("lmw:seeding=lefthash,gamma=0.25,vocab=5000");
    TokenScorer s = p.scorer();
    int[] tokens = new SplittableRandom(21).ints(3000, 0, 60).toArray(); // recurring contexts: the cache fills
    double[] sequential = IntStream.range(1, tokens.length).mapToDouble(i -> s.score(tokens, i)).toArray();
    Watermark fresh = GoldenVectors.watermark("lmw:seeding=lefthash,gamma=0.25,vocab=5000");
    double[] parallel = IntStream.range(1, tokens.length).parallel()
        .mapToDouble(i -> fresh.scorer().score(tokens, i)).toArray();
    assertThat(parallel).containsExactly(sequential);
    // and the detector (no cache) agrees with both
    Detection r = p.detector(io.tracemark.api.DedupMode.NONE).detect(tokens, 0, tokens.length);
    assertThat((double) r.green()).isEqualTo(Arrays.stream(sequential).sum());
  }

  @Test
  void vllmSamplerIsTheWatermarkedArgmaxUnlessTheContextRepeats() {
    Watermark on = GoldenVectors.watermark("vllm:algorithm=gumbel,key=9,context-width=2,vocab=100");
    Watermark off = GoldenVectors.watermark(
        "vllm:algorithm=gumbel,key=9,context-width=2,vocab=100,deduplicate-contexts=false");
    SamplingScheme a = on.sampling().orElseThrow();
    SamplingScheme b = off.sampling().orElseThrow();
    float[] flat = new float[100];
    int[] tokens = {5, 6, 7, 8, 5, 6};
    SplittableRandom random = new SplittableRandom(12);
    // fresh contexts: both draw the same keyed Gumbel argmax, whatever the generator
    assertThat(a.sample(tokens, 4, flat, random)).isEqualTo(b.sample(tokens, 4, flat, new SplittableRandom(99)));
    // context (5, 6) already occurred at position 2: the deduplicating sampler draws without the
    // watermark, here from a distribution concentrated on one token
    float[] peaked = new float[100];
    Arrays.fill(peaked, -1e4f);
    peaked[42] = 0f;
    assertThat(a.sample(tokens, 6, peaked, random)).isEqualTo(42);
    int watermarked = b.sample(tokens, 6, flat, random);
    long same = IntStream.range(0, 200).filter(i -> a.sample(tokens, 6, flat, random) == watermarked).count();
    assertThat(same).as("random fallback, not the keyed argmax").isLessThan(20);
    // the fallback's randomness is the caller's: equal generators give equal draws
    assertThat(draws(a, tokens, flat, 7)).containsExactly(draws(a, tokens, flat, 7));
    assertThat(draws(a, tokens, flat, 7)).isNotEqualTo(draws(a, tokens, flat, 8));
  }

  /** The dual-key routing draws from the caller's generator: equal seeds give equal tokens, others differ. */
  @Test
  void dualKeyRoutingUsesTheCallersGenerator() {
    SamplingScheme s = GoldenVectors.watermark("vllm:algorithm=dual_key_gumbel,key=9,alpha=0.5,context-width=1,"
        + "deduplicate-contexts=false,vocab=1000").sampling().orElseThrow();
    float[] flat = new float[1000];
    int[] tokens = new int[64];
    int[] first = new int[64];
    int[] again = new int[64];
    SplittableRandom r1 = new SplittableRandom(3);
    SplittableRandom r2 = new SplittableRandom(3);
    for (int i = 1; i < 64; i++) {
      tokens[i - 1] = i;
      first[i] = s.sample(tokens, i, flat, r1);
      again[i] = s.sample(tokens, i, flat, r2);
    }
    assertThat(again).containsExactly(first);
    SplittableRandom other = new SplittableRandom(4);
    int differ = 0;
    for (int i = 1; i < 64; i++) {
      differ += s.sample(tokens, i, flat, other) != first[i] ? 1 : 0;
    }
    assertThat(differ).as("routing to key A or B follows the generator").isGreaterThan(0);
  }

  static int[] draws(SamplingScheme s, int[] tokens, float[] logits, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return IntStream.range(0, 50).map(i -> s.sample(tokens, 6, logits, r)).toArray();
  }
}
