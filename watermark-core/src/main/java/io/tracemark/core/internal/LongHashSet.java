package io.tracemark.core.internal;

/**
 * An open-addressing set of longs (linear probing, power-of-two table, load ≤ 1/2), used for the
 * deduplication tapes of the detector and the corpus verifier. Written here because neither
 * Guava nor the JDK has a primitive long set, and boxing every fingerprint would dominate the
 * cost of detection. 0 marks empty slots and is tracked by a flag, so every long value is exact.
 * Not thread-safe. Not API: an implementation helper of tracemark's modules, which may change.
 */
public final class LongHashSet {
  private long[] table;
  private int size;
  private boolean hasZero;
  private int mask;

  /** A set sized for about {@code expected} elements before it grows. */
  public LongHashSet(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
    table = new long[cap];
    mask = cap - 1;
  }

  /** Adds {@code value}; returns true if it was not present. */
  public boolean add(long value) {
    if (value == 0) {
      if (hasZero) {
        return false;
      }
      hasZero = true;
      size++;
      return true;
    }
    int i = (int) (Mix.fmix64(value) & mask);
    while (true) {
      long v = table[i];
      if (v == 0) {
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

  /** Whether {@code value} is present. */
  public boolean contains(long value) {
    if (value == 0) {
      return hasZero;
    }
    int i = (int) (Mix.fmix64(value) & mask);
    while (true) {
      long v = table[i];
      if (v == 0) {
        return false;
      }
      if (v == value) {
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  /** Number of elements. */
  public int size() {
    return size;
  }

  /** Bytes held by the table (8 per slot; the slots are at least twice the elements). */
  public long tableBytes() {
    return 8L * table.length;
  }

  /** Removes every element, keeping the table. */
  public void clear() {
    java.util.Arrays.fill(table, 0L);
    size = 0;
    hasZero = false;
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    mask = table.length - 1;
    for (long v : old) {
      if (v != 0) {
        int i = (int) (Mix.fmix64(v) & mask);
        while (table[i] != 0) {
          i = (i + 1) & mask;
        }
        table[i] = v;
      }
    }
  }
}
