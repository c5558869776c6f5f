package io.tracemark.core.interop;

/**
 * The MT19937 engine of PyTorch's CPU generator ({@code at::mt19937}, {@code CPUGeneratorImpl}), bit
 * for bit: {@code torch.Generator().manual_seed(s)} followed by {@code random()} draws.
 *
 * <p>PyTorch keeps a 64-bit seed but initialises the Mersenne Twister state from its low 32 bits
 * only ({@code state[0] = seed & 0xffffffff}, then Knuth's 1812433253 recurrence), so seeds that
 * differ only above bit 31 give the same stream. The first draw follows one full twist of the
 * 624-word state; each draw is the tempered next state word, an unsigned 32-bit value returned
 * here in an {@code int}.
 *
 * <p>Not thread-safe: a worker that one thread re-seeds and draws from.
 */
final class TorchMt19937 {
  private static final int N = 624;
  private static final int M = 397;
  private static final long MATRIX_A = 0x9908b0dfL;
  private static final long UPPER_MASK = 0x80000000L;
  private static final long LOWER_MASK = 0x7fffffffL;

  // The 32-bit words are held in longs (always in [0, 2^32)): the draws feed 64-bit arithmetic
  // (TorchRandperm's remainders), and JDK 17's C2 does not vectorise int-to-long conversion, so a
  // block made in long lanes end to end stays vectorised where an int block plus a conversion
  // would not.
  private long[] state = new long[N];
  private int next;
  // scratch of the block twist: the next state, and the operands copied to line up by index
  private long[] nextState = new long[N];
  private final long[] low = new long[N];
  private final long[] mixed = new long[N];

  /** An engine seeded with PyTorch's default seed 67280421310721 (what {@code torch.Generator()} starts with). */
  TorchMt19937() {
    seed(67280421310721L);
  }

  /**
   * {@code manual_seed(seed)} on a CPU generator; only the low 32 bits matter. A negative Python
   * seed reaches PyTorch as its two's-complement bits, which is what a Java {@code long} holds.
   */
  void seed(long seed) {
    long[] s = state;
    int prev = (int) seed;
    s[0] = prev & 0xFFFFFFFFL;
    for (int j = 1; j < N; j++) {
      prev = 1812433253 * (prev ^ (prev >>> 30)) + j;
      s[j] = prev & 0xFFFFFFFFL;
    }
    next = N;
  }

  /**
   * {@code a.seed(seedA)} and {@code b.seed(seedB)} in one loop: seeding is a chain of 623
   * dependent multiplies, so two chains side by side take about the time of one.
   */
  static void seedBoth(TorchMt19937 a, long seedA, TorchMt19937 b, long seedB) {
    if (a == b) {
      throw new IllegalArgumentException("seedBoth needs two engines");
    }
    long[] sa = a.state;
    long[] sb = b.state;
    int pa = (int) seedA;
    int pb = (int) seedB;
    sa[0] = pa & 0xFFFFFFFFL;
    sb[0] = pb & 0xFFFFFFFFL;
    for (int j = 1; j < N; j++) {
      pa = 1812433253 * (pa ^ (pa >>> 30)) + j;
      pb = 1812433253 * (pb ^ (pb >>> 30)) + j;
      sa[j] = pa & 0xFFFFFFFFL;
      sb[j] = pb & 0xFFFFFFFFL;
    }
    a.next = N;
    b.next = N;
  }

  /** The next unsigned 32-bit draw ({@code CPUGeneratorImpl::random()}), as the bits of an int. */
  int nextInt() {
    if (next >= N) {
      twist();
    }
    return (int) temper(state[next++]);
  }

  /**
   * Writes the next {@value #N} draws, as unsigned values in [0, 2^32), into {@code out[0, N)} in
   * one pass (equivalent to {@value #N} calls of {@link #nextInt()}). Requires the engine to be at
   * a block boundary: freshly seeded, or only ever read through this method.
   */
  void nextBlock(long[] out) {
    if (next != N) {
      throw new IllegalStateException("nextBlock needs a block boundary, position was " + next);
    }
    // The twist new[k] = x[k + M] ^ f(x[k], x[k + 1]) (with the freshly twisted words where
    // k + M wraps) written as loops whose operands all sit at the same index of distinct arrays,
    // which the JIT vectorises; the in-place loop of twist() it cannot.
    long[] s = state;
    long[] ns = nextState;
    long[] lo = low;
    long[] m = mixed;
    System.arraycopy(s, 1, lo, 0, N - 1);
    System.arraycopy(s, M, m, 0, N - M);
    twistRange(s, lo, m, ns, 0, N - M);
    System.arraycopy(ns, 0, m, N - M, N - M);
    twistRange(s, lo, m, ns, N - M, 2 * (N - M));
    System.arraycopy(ns, N - M, m, 2 * (N - M), N - 1 - 2 * (N - M));
    twistRange(s, lo, m, ns, 2 * (N - M), N - 1);
    long y = (s[N - 1] & UPPER_MASK) | (ns[0] & LOWER_MASK);
    ns[N - 1] = ns[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    for (int j = 0; j < N; j++) {
      out[j] = temper(ns[j]);
    }
    state = ns;
    nextState = s;
    next = N;
  }

  private static void twistRange(long[] s, long[] lo, long[] m, long[] ns, int from, int to) {
    for (int k = from; k < to; k++) {
      long y = (s[k] & UPPER_MASK) | (lo[k] & LOWER_MASK);
      ns[k] = m[k] ^ (y >>> 1) ^ (((y << 63) >> 63) & MATRIX_A);
    }
  }

  /** Draws per {@link #nextBlock}. */
  static int blockSize() {
    return N;
  }

  /** MT19937's tempering of a 32-bit word held in a long; the result stays in [0, 2^32). */
  private static long temper(long y) {
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680L;
    y ^= (y << 15) & 0xefc60000L;
    y ^= y >>> 18;
    return y;
  }

  private void twist() {
    long[] s = state;
    int k = 0;
    for (; k < N - M; k++) {
      long y = (s[k] & UPPER_MASK) | (s[k + 1] & LOWER_MASK);
      s[k] = s[k + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; k < N - 1; k++) {
      long y = (s[k] & UPPER_MASK) | (s[k + 1] & LOWER_MASK);
      s[k] = s[k + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    long y = (s[N - 1] & UPPER_MASK) | (s[0] & LOWER_MASK);
    s[N - 1] = s[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    next = 0;
  }
}
