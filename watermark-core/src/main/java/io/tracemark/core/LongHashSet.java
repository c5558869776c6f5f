package io.tracemark.core;

/**
 * An open-addressing set of longs (linear probing, power-of-two table, load ≤ 1/2). Written here
 * because neither Guava nor the JDK has a primitive long set, and boxing every fingerprint would
 * dominate the cost of detection. Not thread-safe.
 */
public final class LongHashSet {
  private static final long EMPTY = 0L;
  private static final long ZERO_STANDIN = 0x9E3779B97F4A7C15L;
  private long[] table;
  private int size;
  private boolean hasStandin;
  private int mask;

  /** A set sized for about {@code expected} elements before it grows. */
  public LongHashSet(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
    table = new long[cap];
    mask = cap - 1;
  }

  /** Adds {@code value}; returns true if it was not present. */
  public boolean add(long value) {
    if (value == EMPTY) {
      value = ZERO_STANDIN;
    }
    if (value == ZERO_STANDIN) {
      // 0 marks empty slots, so 0 and its stand-in share one flag: one more 2^-64 collision
      if (hasStandin) {
        return false;
      }
      hasStandin = true;
      size++;
      return true;
    }
    int i = (int) (PrfV1.fmix64(value) & mask);
    while (true) {
      long v = table[i];
      if (v == EMPTY) {
        table[i] = value;
        if (++size * 2 > table.length) {
          grow();
        }
        return true;
      }
      if (v == value) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  /** Number of elements. */
  public int size() {
    return size;
  }

  /** Removes every element, keeping the table. */
  public void clear() {
    java.util.Arrays.fill(table, EMPTY);
    size = 0;
    hasStandin = false;
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    mask = table.length - 1;
    for (long v : old) {
      if (v != EMPTY) {
        int i = (int) (PrfV1.fmix64(v) & mask);
        while (table[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        table[i] = v;
      }
    }
  }
}
