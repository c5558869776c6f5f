package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Known answers of {@code torch.Generator().manual_seed(s); torch.randperm(n, generator=g)} (PyTorch CPU). */
class TorchRandpermTest {

  @ParameterizedTest(name = "seed {0}")
  @CsvSource(delimiter = ';', value = {
      // seed (Python int) ; torch.randperm(50257)[:8]
      "0;32487,28000,28825,16393,15419,19980,16112,14510",
      "1;36879,9564,22071,9317,38990,30918,22657,49098",
      "42;11486,49380,17873,14459,12097,4312,25709,48681",
      // only the low 32 bits of the seed matter: 2^32 + 7 draws like 7 would
      "4294967303;15718,40325,28953,995,23630,16388,38959,37536",
      "18446744073709551614;11978,9865,12403,11771,40714,38410,13491,36452",
      "778257530928;25890,9324,11365,46608,3554,24870,16102,10775"})
  void prefixOfVocabularyPermutation(String seed, String expected) {
    int[] want = Arrays.stream(expected.split(",")).mapToInt(Integer::parseInt).toArray();
    TorchRandperm perm = new TorchRandperm(50257, 8);
    TorchMt19937 rng = new TorchMt19937();
    rng.seed(new java.math.BigInteger(seed).longValue());
    int[] out = new int[8];
    perm.prefix(rng, new long[624], perm.identity(), new int[8], out);
    assertThat(out).containsExactly(want);
  }

  @Test
  void blockDrawsEqualSingleDraws() {
    TorchMt19937 a = new TorchMt19937();
    TorchMt19937 b = new TorchMt19937();
    long[] block = new long[TorchMt19937.blockSize()];
    for (long seed : new long[] {0, 1, 5489, -1, 2971215073L}) {
      a.seed(seed);
      b.seed(seed);
      for (int blocks = 0; blocks < 4; blocks++) {
        b.nextBlock(block);
        for (int j = 0; j < block.length; j++) {
          assertThat(block[j]).as("seed %d draw %d", seed, blocks * block.length + j)
              .isEqualTo(a.nextInt() & 0xFFFFFFFFL);
        }
      }
    }
    // the first draws of std::mt19937 seeded with 5489 (the C++ standard's known answer is the 10000th: 4123659995)
    a.seed(5489);
    int last = 0;
    for (int i = 0; i < 10000; i++) {
      last = a.nextInt();
    }
    assertThat(last & 0xFFFFFFFFL).isEqualTo(4123659995L);
  }

  @Test
  void seedingTwoEnginesTogetherEqualsSeedingEach() {
    TorchMt19937 a = new TorchMt19937();
    TorchMt19937 b = new TorchMt19937();
    TorchMt19937 c = new TorchMt19937();
    long[] pair = {0, 1, -1, 5489, 2971215073L, 1L << 40 | 7, Long.MIN_VALUE};
    for (int i = 0; i < pair.length; i++) {
      long sa = pair[i];
      long sb = pair[(i + 3) % pair.length];
      c.nextInt(); // engines mid-stream before the re-seed
      TorchMt19937.seedBoth(a, sa, b, sb);
      c.seed(sa);
      for (int d = 0; d < 700; d++) {
        assertThat(a.nextInt()).as("seed %d draw %d", sa, d).isEqualTo(c.nextInt());
      }
      c.seed(sb);
      for (int d = 0; d < 700; d++) {
        assertThat(b.nextInt()).as("seed %d draw %d", sb, d).isEqualTo(c.nextInt());
      }
    }
    assertThatThrownBy(() -> TorchMt19937.seedBoth(a, 1, a, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void smallPermutationAndLow32BitSeed() {
    // torch.randperm(10) after manual_seed(123) and after manual_seed(123 + 2**32)
    assertThat(TorchRandperm.full(123, 10)).containsExactly(2, 0, 8, 1, 3, 7, 4, 9, 5, 6);
    assertThat(TorchRandperm.full(123 + (1L << 32), 10)).containsExactly(2, 0, 8, 1, 3, 7, 4, 9, 5, 6);
  }

  @Test
  void lmWatermarkingHashTable() {
    // torch.randperm(1_000_003) after manual_seed(2971215073): first 5, last 3, and it is a permutation
    int[] t = TorchPrf.LmwTable.TABLE;
    assertThat(Arrays.copyOf(t, 5)).containsExactly(250534, 296009, 268311, 356494, 845733);
    assertThat(Arrays.copyOfRange(t, t.length - 3, t.length)).containsExactly(128624, 123226, 70416);
    assertThat(Arrays.stream(t).asLongStream().sum()).isEqualTo(500002500003L);
  }

  @Test
  void trackingOneTokenAgreesWithTheExpandedPrefix() {
    SplittableRandom r = new SplittableRandom(7);
    for (int n : new int[] {2, 3, 17, 625, 1000, 1249, 50257}) {
      for (double gamma : new double[] {0.1, 0.25, 0.5, 0.9, 1.0}) {
        TorchRandperm perm = new TorchRandperm(n, (int) (n * gamma));
        int k = perm.prefixLength();
        int[] scratch = perm.identity();
        int[] out = new int[k];
        TorchMt19937 rng = new TorchMt19937();
        for (int trial = 0; trial < 12; trial++) {
          long seed = trial == 0 ? 0 : trial == 1 ? -1 : r.nextLong();
          rng.seed(seed);
          perm.prefix(rng, new long[624], scratch, new int[k], out);
          boolean[] in = new boolean[n];
          for (int v : out) {
            in[v] = true;
          }
          assertThat(scratch).as("scratch restored").isEqualTo(perm.identity());
          // edges: the first and last ids, the ids around k (the prefix boundary) and around a block
          // of draws, then random ids
          int[] probes = IntStream.concat(IntStream.of(0, 1, k - 1, k, k + 1, 623, 624, 625, n - 2, n - 1),
              r.ints(30, 0, n)).filter(t -> t >= 0 && t < n).toArray();
          for (int t : probes) {
            rng.seed(seed);
            assertThat(perm.inPrefix(rng, new long[624], t)).as("n=%d k=%d seed=%d token=%d", n, k, seed, t)
                .isEqualTo(in[t]);
          }
        }
      }
    }
  }

  @Test
  void trackingEveryTokenOfOneSeedGivesExactlyThePrefix() {
    // every id of a vocabulary, so each kind of path (pulled early, moved on at its own step, z = 0,
    // never reached) is taken many times
    int n = 3001;
    TorchRandperm perm = new TorchRandperm(n, 750);
    TorchMt19937 rng = new TorchMt19937();
    long[] block = new long[624];
    for (long seed : new long[] {1, 42, 15485863}) {
      rng.seed(seed);
      int[] out = new int[750];
      perm.prefix(rng, block, perm.identity(), new int[750], out);
      Set<Integer> want = IntStream.of(out).boxed().collect(Collectors.toSet());
      Set<Integer> got = new HashSet<>();
      for (int t = 0; t < n; t++) {
        rng.seed(seed);
        if (perm.inPrefix(rng, block, t)) {
          got.add(t);
        }
      }
      assertThat(got).as("seed %d", seed).isEqualTo(want);
    }
  }

  @Test
  void trackingManyTokensAgreesWithTheExpandedPrefix() {
    SplittableRandom r = new SplittableRandom(13);
    for (int n : new int[] {2, 5, 64, 1000, 50257}) {
      for (double gamma : new double[] {0.25, 0.5, 0.9}) {
        TorchRandperm perm = new TorchRandperm(n, (int) (n * gamma));
        int k = perm.prefixLength();
        int[] out = new int[k];
        long[] occupied = new long[(n + 63) / 64];
        int[] owner = new int[n];
        TorchMt19937 rng = new TorchMt19937();
        for (int trial = 0; trial < 20; trial++) {
          long seed = r.nextLong();
          rng.seed(seed);
          perm.prefix(rng, new long[624], perm.identity(), new int[k], out);
          boolean[] in = new boolean[n];
          for (int v : out) {
            in[v] = true;
          }
          // distinct targets, including small ids (inside the prefix region) and the last id
          int[] targets = r.ints(0, n).distinct().limit(Math.min(n, 1 + r.nextInt(40))).toArray();
          boolean[] green = new boolean[targets.length];
          rng.seed(seed);
          perm.inPrefix(rng, new long[624], targets, targets.length, green, occupied, owner);
          for (int t = 0; t < targets.length; t++) {
            assertThat(green[t]).as("n=%d seed=%d token=%d", n, seed, targets[t]).isEqualTo(in[targets[t]]);
          }
          assertThat(occupied).as("bit set cleared").containsOnly(0L);
        }
      }
    }
  }

  @Test
  void fastRemainderIsExact() {
    SplittableRandom r = new SplittableRandom(11);
    int n = 200_000;
    TorchRandperm perm = new TorchRandperm(n, n);
    TorchMt19937 a = new TorchMt19937();
    a.seed(99);
    int[] fast = TorchRandperm.full(99, n);
    // reference shuffle with the plain remainder
    int[] slow = new int[n];
    for (int i = 0; i < n; i++) {
      slow[i] = i;
    }
    for (int i = 0; i < n - 1; i++) {
      int j = i + (int) ((a.nextInt() & 0xFFFFFFFFL) % (n - i));
      int v = slow[j];
      slow[j] = slow[i];
      slow[i] = v;
    }
    assertThat(fast).isEqualTo(slow);
    assertThat(perm.size()).isEqualTo(n);
    assertThat(r).isNotNull();
  }

  @Test
  void refusesTheLargeNBranch() {
    assertThatThrownBy(() -> new TorchRandperm((int) TorchRandperm.SMALL_N_LIMIT, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocab");
  }

  @Test
  void pythonSeedArithmetic() {
    // prf_key % (2**64 - 1) of a negative int64 is prf_key + 2**64 - 1
    assertThat(TorchPrf.seedOfPython(-1)).isEqualTo((int) (-2L));
    assertThat(TorchPrf.seedOfPython(Long.MIN_VALUE)).isEqualTo(-1);
    assertThat(TorchPrf.seedOfPython(12345)).isEqualTo(12345);
    // a Python product does not wrap: 2**62 * 8 = 2**65, and 2**65 % (2**64 - 1) = 2
    assertThat(TorchPrf.seedOfProduct(1L << 62, 8)).isEqualTo(2);
    assertThat(TorchPrf.seedOfProduct(15485863L, 50256)).isEqualTo((int) (15485863L * 50256));
  }
}
