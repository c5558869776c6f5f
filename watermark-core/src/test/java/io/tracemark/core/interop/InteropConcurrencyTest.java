package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.SamplingScheme;
import io.tracemark.api.TokenScorer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Profiles are shared between threads; the vLLM sampler's documented fallbacks. */
class InteropConcurrencyTest {

  @Test
  void scorerGivesTheSameScoresFromManyThreads() {
    InteropProfile p = InteropProfiles.parse("lmw:seeding=lefthash,gamma=0.25,vocab=5000");
    TokenScorer s = p.scorer();
    int[] tokens = new SplittableRandom(21).ints(3000, 0, 60).toArray(); // recurring contexts: the cache fills
    double[] sequential = IntStream.range(1, tokens.length).mapToDouble(i -> s.score(tokens, i)).toArray();
    InteropProfile fresh = InteropProfiles.parse("lmw:seeding=lefthash,gamma=0.25,vocab=5000");
    double[] parallel = IntStream.range(1, tokens.length).parallel()
        .mapToDouble(i -> fresh.scorer().score(tokens, i)).toArray();
    assertThat(parallel).containsExactly(sequential);
    // and the detector (no cache) agrees with both
    InteropResult r = p.detect(tokens, 0, tokens.length, io.tracemark.api.DedupMode.NONE);
    assertThat((double) r.green()).isEqualTo(Arrays.stream(sequential).sum());
  }

  @Test
  void vllmSamplerIsTheWatermarkedArgmaxUnlessTheContextRepeats() {
    InteropProfile on = InteropProfiles.parse("vllm:algorithm=gumbel,key=9,context-width=2,vocab=100");
    InteropProfile off = InteropProfiles.parse(
        "vllm:algorithm=gumbel,key=9,context-width=2,vocab=100,deduplicate-contexts=false");
    SamplingScheme a = on.samplingScheme().orElseThrow();
    SamplingScheme b = off.samplingScheme().orElseThrow();
    float[] flat = new float[100];
    int[] tokens = {5, 6, 7, 8, 5, 6};
    // fresh contexts: both draw the same keyed Gumbel argmax
    assertThat(a.sample(tokens, 4, flat)).isEqualTo(b.sample(tokens, 4, flat));
    // context (5, 6) already occurred at position 2: the deduplicating sampler draws without the
    // watermark, here from a distribution concentrated on one token
    float[] peaked = new float[100];
    Arrays.fill(peaked, -1e4f);
    peaked[42] = 0f;
    assertThat(a.sample(tokens, 6, peaked)).isEqualTo(42);
    int watermarked = b.sample(tokens, 6, flat);
    long same = IntStream.range(0, 200).filter(i -> a.sample(tokens, 6, flat) == watermarked).count();
    assertThat(same).as("random fallback, not the keyed argmax").isLessThan(20);
  }
}
