package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Watermark;
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
    Watermark p = GoldenVectors.watermark(spec);
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
        Detection single = p.detector(dedup).withParallelism(1).detect(tokens, offset, len);
        for (int parallelism : new int[] {2, 3, 8}) {
          Detection split = p.detector(dedup).withParallelism(parallelism).detect(tokens, offset, len);
          assertThat(split).as("%s, %d tokens, %s, parallelism %d", spec, len, dedup, parallelism)
              .isEqualTo(single);
          assertThat(Double.doubleToRawLongBits(split.z())).isEqualTo(Double.doubleToRawLongBits(single.z()));
          assertThat(Double.doubleToRawLongBits(split.referencePValue().getAsDouble()))
              .isEqualTo(Double.doubleToRawLongBits(single.referencePValue().getAsDouble()));
          assertThat(Double.doubleToRawLongBits(split.log10PValue()))
              .isEqualTo(Double.doubleToRawLongBits(single.log10PValue()));
        }
        assertThat(p.detector(dedup).detect(tokens, offset, len)).isEqualTo(single);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void concurrentParallelDetectsAgree(String spec) {
    Watermark p = GoldenVectors.watermark(spec);
    int[] tokens = new SplittableRandom(7).ints(4000, 0, p.scorer().vocabularySize()).toArray();
    Detection single = p.detector(DedupMode.NONE).withParallelism(1).detect(tokens, 0, tokens.length);
    // many callers at once, each splitting its own detect, on one shared profile
    Stream.generate(() -> tokens).limit(16).parallel()
        .map(t -> p.detector(DedupMode.NONE).withParallelism(2).detect(t, 0, t.length))
        .forEach(r -> assertThat(r).isEqualTo(single));
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void parallelismBelowOneIsRejected(String spec) {
    Watermark p = GoldenVectors.watermark(spec);
    assertThatThrownBy(() -> p.detector(DedupMode.NONE).withParallelism(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parallelism must be at least 1, was 0");
  }
}
