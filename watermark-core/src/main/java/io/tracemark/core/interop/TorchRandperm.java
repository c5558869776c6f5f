package io.tracemark.core.interop;

import java.util.Locale;

/**
 * {@code torch.randperm(n, generator=g)} on the CPU, bit for bit, for the sizes the green-list
 * references use ({@code n < 2^32 / 20}).
 *
 * <p>PyTorch's {@code randperm_cpu} fills {@code r[i] = i}, then for {@code i = 0 … n − 2} draws
 * one 32-bit {@code random()} value and swaps {@code r[i]} with {@code r[i + random() % (n − i)]}
 * (the remainder is taken on the unsigned 32-bit draw). Position i is final after step i, so the
 * first k entries of the permutation, which is all a green list of size k needs, are known after
 * k steps: this class stops there. Since PyTorch 2.1, n ≥ 2^32 / 20 takes another branch
 * ({@code random64()}, an inside-out shuffle); such vocabularies do not exist and are refused.
 *
 * <p>The remainder uses Lemire's multiply-high reduction with one precomputed 64-bit constant per
 * step, exact for 32-bit dividends and divisors; following one token uses the same constant in
 * Lemire's divisibility test instead (see {@link #inPrefix(TorchMt19937, long[], int)}). Instances are immutable and thread-safe; the
 * generators and scratch arrays passed in belong to the caller.
 */
final class TorchRandperm {
  /** PyTorch's bound for the 32-bit branch: {@code n < numeric_limits<uint32_t>::max() / 20}. */
  static final long SMALL_N_LIMIT = 0xFFFFFFFFL / 20;

  /** Up to this many targets, {@link #inPrefix(TorchMt19937, long[], int[], int, boolean[], long[], int[])} filters steps in registers. */
  private static final int FILTER_LIMIT = 12;

  private final int n;
  private final int k;
  private final long[] magic;
  /** {@code step[i] = i} as a long, so the vectorised scan needs no int-to-long conversion. */
  private final long[] step;

  /**
   * @param n the permutation size
   * @param k how many leading entries are wanted, 0 ≤ k ≤ n
   */
  TorchRandperm(int n, int k) {
    if (n < 1 || n >= SMALL_N_LIMIT) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "vocab must be between 1 and %d for the torch.randperm CPU branch reproduced here, was %d",
          SMALL_N_LIMIT - 1, n));
    }
    if (k < 0 || k > n) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "prefix length must be between 0 and %d, was %d", n, k));
    }
    this.n = n;
    this.k = Math.min(k, n - 1);
    this.magic = new long[this.k];
    this.step = new long[this.k];
    for (int i = 0; i < this.k; i++) {
      magic[i] = Long.divideUnsigned(-1L, n - i) + 1; // ceil(2^64 / d); 0 for d = 1
      step[i] = i;
    }
  }

  int size() {
    return n;
  }

  /** The number of leading entries this instance produces. */
  int prefixLength() {
    return k;
  }

  /** {@code draw % (n - i)} for a draw in [0, 2^32) (Lemire: multiply, then multiply-high). */
  private int remainder(long draw, int i) {
    long low = magic[i] * draw;
    long d = n - i;
    return (int) (Math.multiplyHigh(low, d) + ((low >> 63) & d));
  }

  /**
   * Whether {@code target} is among the first k entries of the permutation drawn from
   * {@code rng} (freshly seeded). Follows only the target's position p through the swaps and
   * stops as soon as its place is final; writes no memory but {@code block} (scratch of
   * {@link TorchMt19937#blockSize()} draws).
   *
   * <p>At a step i &lt; p the target moves only if it is pulled to i, i.e. {@code draw % d == p − i}
   * with {@code d = n − i}; then it is final at i &lt; k, hence green. That is a divisibility test,
   * {@code x = draw − (p − i) ≥ 0} and {@code x ≡ 0 (mod d)}, which Lemire's form decides with one
   * 64-bit multiply and no division or multiply-high: {@code x·M mod 2^64 ≤ M − 1} for
   * {@code M = ⌈2^64/d⌉} (exact for 32-bit x and d). Without a branch per step, C2 vectorises it
   * over a block of draws; only at step p itself (the target sits at i) is a remainder taken.
   */
  boolean inPrefix(TorchMt19937 rng, long[] block, int target) {
    int p = target;
    int blockSize = TorchMt19937.blockSize();
    for (int base = 0; base < k; base += blockSize) {
      rng.nextBlock(block);
      int end = Math.min(blockSize, k - base);
      int j = 0;
      while (j < end) {
        int stop = Math.min(end, p - base); // p >= base + j: the target is never behind the step
        if (j < stop) {
          if (pulled(block, base, j, stop, p)) {
            return true;
          }
          j = stop;
          if (j == end) {
            break;
          }
        }
        // step i = p: the target is at i and swaps with i + z
        int i = base + j;
        long z = block[j] % (n - i);
        if (z == 0) {
          return true;
        }
        p = (int) (i + z);
        j++;
      }
    }
    return false;
  }

  /**
   * Whether some step {@code i = base + j}, {@code j ∈ [from, to)}, pulls position p to i: the
   * AND over the steps of {@code x | prod | (M − 1 − prod)} has its sign bit clear exactly when, for
   * some step, all three are non-negative, i.e. {@code x ≥ 0} and {@code 0 ≤ x·M mod 2^64 ≤ M − 1}
   * as unsigned values (M − 1 &lt; 2^63 since d ≥ 2).
   */
  private boolean pulled(long[] block, int base, int from, int to, long p) {
    long[] magic = this.magic;
    long[] step = this.step;
    long all = -1L;
    for (int j = from; j < to; j++) {
      long x = block[j] + step[base + j] - p;
      long m = magic[base + j];
      long prod = x * m;
      all &= x | prod | (m - 1 - prod);
    }
    return all >= 0;
  }

  /**
   * {@link #inPrefix} for several distinct targets of one seed at once: follows every target's
   * position through one pass of the shuffle, with a bit set of the positions they occupy.
   *
   * @param targets distinct token ids {@code targets[0, count)}
   * @param green receives, for each target, whether it is among the first k entries
   * @param occupied scratch bit set of n bits, all clear on entry and on return
   * @param owner scratch array of length n (any content)
   */
  void inPrefix(TorchMt19937 rng, long[] block, int[] targets, int count, boolean[] green, long[] occupied,
      int[] owner) {
    for (int t = 0; t < count; t++) {
      int p = targets[t];
      occupied[p >>> 6] |= 1L << p;
      owner[p] = t;
      green[t] = false;
    }
    // Unresolved targets sit at positions >= i, so one of them is at i exactly when i is their
    // minimum position. Whether one sits at j is, for a few targets, first asked of a
    // register-resident filter: bit (p & 63) of f1 and bit ((p >>> 6) & 63) of f2; only steps that
    // pass it look at the bit set. Many targets would saturate it; then the bit set is asked.
    boolean filtered = count <= FILTER_LIMIT;
    long f1 = filtered ? 0 : -1L;
    long f2 = filtered ? 0 : -1L;
    int minPos = Integer.MAX_VALUE;
    for (int t = 0; t < count; t++) {
      f1 |= 1L << targets[t];
      f2 |= 1L << (targets[t] >>> 6);
      minPos = Math.min(minPos, targets[t]);
    }
    int[] pos = java.util.Arrays.copyOf(targets, count);
    int unresolved = count;
    int blockSize = TorchMt19937.blockSize();
    outer:
    for (int base = 0; base < k; base += blockSize) {
      rng.nextBlock(block);
      int end = Math.min(blockSize, k - base);
      int jj = 0;
      while (true) {
        // the hot scan: stop at the next step that may involve a target
        int j = 0;
        if (filtered) {
          for (; jj < end; jj++) {
            int i = base + jj;
            j = i + remainder(block[jj], i);
            if (i == minPos || (((f1 >>> j) & (f2 >>> (j >>> 6))) & 1L) != 0) {
              break;
            }
          }
        } else {
          for (; jj < end; jj++) {
            int i = base + jj;
            j = i + remainder(block[jj], i);
            if (i == minPos || (occupied[j >>> 6] & (1L << j)) != 0) {
              break;
            }
          }
        }
        if (jj == end) {
          break;
        }
        int i = base + jj;
        jj++;
        long atI = occupied[i >>> 6] & (1L << i);
        long atJ = occupied[j >>> 6] & (1L << j);
        if ((atI | atJ) == 0) {
          continue;
        }
        // positions i and j swap; whatever lands on i is final, hence green
        int ownerI = atI != 0 ? owner[i] : -1;
        if (atJ != 0) {
          green[owner[j]] = true;
          unresolved--;
          occupied[j >>> 6] &= ~(1L << j);
        }
        if (ownerI >= 0 && j != i) {
          occupied[i >>> 6] &= ~(1L << i);
          occupied[j >>> 6] |= 1L << j;
          owner[j] = ownerI;
          pos[ownerI] = j;
        }
        if (unresolved == 0) {
          break outer;
        }
        // rebuild the filter and the minimum from the positions still occupied (rare: at most
        // two events per target)
        f1 = filtered ? 0 : -1L;
        f2 = filtered ? 0 : -1L;
        minPos = Integer.MAX_VALUE;
        for (int t = 0; t < count; t++) {
          if (!green[t]) {
            f1 |= 1L << pos[t];
            f2 |= 1L << (pos[t] >>> 6);
            minPos = Math.min(minPos, pos[t]);
          }
        }
      }
    }
    java.util.Arrays.fill(occupied, 0L); // targets never finalized leave their last position set
  }

  /**
   * Writes the first k entries of the permutation drawn from {@code rng} (freshly seeded) into
   * {@code out}.
   *
   * @param block scratch of {@link TorchMt19937#blockSize()} draws
   * @param scratch an array of length n holding the identity {@code scratch[i] = i}; it holds the
   *     identity again on return
   * @param touched an array of length ≥ k, overwritten
   */
  void prefix(TorchMt19937 rng, long[] block, int[] scratch, int[] touched, int[] out) {
    int blockSize = TorchMt19937.blockSize();
    for (int base = 0; base < k; base += blockSize) {
      rng.nextBlock(block);
      int end = Math.min(blockSize, k - base);
      for (int jj = 0; jj < end; jj++) {
        int i = base + jj;
        int j = i + remainder(block[jj], i);
        int v = scratch[j];
        scratch[j] = scratch[i];
        scratch[i] = v;
        out[i] = v;
        touched[i] = j;
      }
    }
    for (int i = k - 1; i >= 0; i--) {
      int j = touched[i];
      scratch[j] = j;
      scratch[i] = i;
    }
  }

  /** A fresh identity array of length n, for {@link #prefix}. */
  int[] identity() {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  /** The whole permutation {@code torch.randperm(n)} after {@code manual_seed(seed)}. */
  static int[] full(long seed, int n) {
    TorchRandperm all = new TorchRandperm(n, n);
    TorchMt19937 rng = new TorchMt19937();
    rng.seed(seed);
    int[] r = all.identity();
    for (int i = 0; i < n - 1; i++) {
      int j = i + all.remainder(rng.nextInt() & 0xFFFFFFFFL, i);
      int v = r[j];
      r[j] = r[i];
      r[i] = v;
    }
    return r;
  }
}
