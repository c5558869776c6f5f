package io.tracemark.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongHashSetTest {
  @Test
  void behavesLikeASetOfLongsIncludingZeroAcrossGrowth() {
    SplittableRandom r = new SplittableRandom(4);
    LongHashSet set = new LongHashSet(4);
    Set<Long> reference = new HashSet<>();
    for (int i = 0; i < 50_000; i++) {
      long v = r.nextInt(10) == 0 ? r.nextInt(3) : r.nextLong(); // many 0, 1, 2 repeats
      assertThat(set.add(v)).isEqualTo(reference.add(v));
    }
    assertThat(set.size()).isEqualTo(reference.size());
    for (long v : reference) {
      assertThat(set.contains(v)).isTrue();
    }
    assertThat(set.contains(0x9E3779B97F4A7C15L)).isEqualTo(reference.contains(0x9E3779B97F4A7C15L));
    set.clear();
    assertThat(set.size()).isZero();
    assertThat(set.contains(0)).isFalse();
  }
}
