package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.DedupMode;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A detect split over threads gives the single-thread result bit for bit. */
class InteropParallelDetectTest {

  static Stream<Arguments> profiles() {
    return Stream.of(
        "lmw:seeding=lefthash,gamma=0.25,vocab=5000",
        "lmw:seeding=selfhash,gamma=0.25,vocab=5000",
        "lmw:seeding=ff-minhash_prf-3-False-77,vocab=1000,gamma=0.5,delta=1.5,ignore-repeated-ngrams=false",
        "lmw:seeding=ff-additive_prf-2-False,vocab=1000",
        "hf:seeding=lefthash,context-width=3,vocab=1000",
        "hf:seeding=selfhash,gamma=0.5,vocab=1000,context-width=2",
        "hf:seeding=selfhash,gamma=0.25,hash-key=15485863,context-width=1,vocab=50257")
        .map(Arguments::of);
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void resultDoesNotDependOnParallelism(String spec) {
    InteropProfile p = InteropProfiles.parse(spec);
    int vocab = p.scorer().vocabularySize();
    SplittableRandom rng = new SplittableRandom(spec.hashCode());
    for (int trial = 0; trial < 6; trial++) {
      // uniform texts have a new seed almost everywhere; small alphabets make seeds recur, so
      // groups follow several tokens through one shuffle
      int alphabet = trial % 2 == 0 ? vocab : 2 + rng.nextInt(40);
      int length = 1 + rng.nextInt(6000);
      int[] tokens = rng.ints(length, 0, alphabet).toArray();
      int offset = rng.nextInt(Math.max(1, length / 10));
      int len = length - offset - rng.nextInt(Math.max(1, (length - offset) / 10));
      for (DedupMode dedup : DedupMode.values()) {
        InteropResult single = p.detect(tokens, offset, len, dedup, 1);
        for (int parallelism : new int[] {2, 3, 8}) {
          InteropResult split = p.detect(tokens, offset, len, dedup, parallelism);
          assertThat(split).as("%s, %d tokens, %s, parallelism %d", spec, len, dedup, parallelism)
              .isEqualTo(single);
          assertThat(Double.doubleToRawLongBits(split.z())).isEqualTo(Double.doubleToRawLongBits(single.z()));
          assertThat(Double.doubleToRawLongBits(split.referencePValue()))
              .isEqualTo(Double.doubleToRawLongBits(single.referencePValue()));
          assertThat(Double.doubleToRawLongBits(split.log10PValue()))
              .isEqualTo(Double.doubleToRawLongBits(single.log10PValue()));
        }
        assertThat(p.detect(tokens, offset, len, dedup)).isEqualTo(single);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void concurrentParallelDetectsAgree(String spec) {
    InteropProfile p = InteropProfiles.parse(spec);
    int[] tokens = new SplittableRandom(7).ints(4000, 0, p.scorer().vocabularySize()).toArray();
    InteropResult single = p.detect(tokens, 0, tokens.length, DedupMode.NONE, 1);
    // many callers at once, each splitting its own detect, on one shared profile
    Stream.generate(() -> tokens).limit(16).parallel()
        .map(t -> p.detect(t, 0, t.length, DedupMode.NONE, 2))
        .forEach(r -> assertThat(r).isEqualTo(single));
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void parallelismBelowOneIsRejected(String spec) {
    InteropProfile p = InteropProfiles.parse(spec);
    assertThatThrownBy(() -> p.detect(new int[] {1, 2, 3}, 0, 3, DedupMode.NONE, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parallelism must be at least 1, was 0");
  }
}
