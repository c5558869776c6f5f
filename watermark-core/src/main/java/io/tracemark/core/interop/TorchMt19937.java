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
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final int[] state = new int[N];
  private int next;

  /** An engine seeded with PyTorch's default seed 67280421310721 (what {@code torch.Generator()} starts with). */
  TorchMt19937() {
    seed(67280421310721L);
  }

  /**
   * {@code manual_seed(seed)} on a CPU generator; only the low 32 bits matter. A negative Python
   * seed reaches PyTorch as its two's-complement bits, which is what a Java {@code long} holds.
   */
  void seed(long seed) {
    int[] s = state;
    int prev = (int) seed;
    s[0] = prev;
    for (int j = 1; j < N; j++) {
      prev = 1812433253 * (prev ^ (prev >>> 30)) + j;
      s[j] = prev;
    }
    next = N;
  }

  /** The next unsigned 32-bit draw ({@code CPUGeneratorImpl::random()}), as the bits of an int. */
  int nextInt() {
    if (next >= N) {
      twist();
    }
    return temper(state[next++]);
  }

  /**
   * Writes the next {@value #N} draws into {@code out[0, N)} in one pass (equivalent to
   * {@value #N} calls of {@link #nextInt()}). Requires the engine to be at a block boundary:
   * freshly seeded, or only ever read through this method.
   */
  void nextBlock(int[] out) {
    if (next != N) {
      throw new IllegalStateException("nextBlock needs a block boundary, position was " + next);
    }
    twist();
    int[] s = state;
    for (int j = 0; j < N; j++) {
      out[j] = temper(s[j]);
    }
    next = N;
  }

  /** Draws per {@link #nextBlock}. */
  static int blockSize() {
    return N;
  }

  private static int temper(int y) {
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }

  private void twist() {
    int[] s = state;
    int k = 0;
    for (; k < N - M; k++) {
      int y = (s[k] & UPPER_MASK) | (s[k + 1] & LOWER_MASK);
      s[k] = s[k + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; k < N - 1; k++) {
      int y = (s[k] & UPPER_MASK) | (s[k + 1] & LOWER_MASK);
      s[k] = s[k + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    int y = (s[N - 1] & UPPER_MASK) | (s[0] & LOWER_MASK);
    s[N - 1] = s[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    next = 0;
  }
}
