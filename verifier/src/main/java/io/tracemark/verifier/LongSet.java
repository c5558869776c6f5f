package io.tracemark.verifier;

/**
 * An open-addressing set of 64-bit fingerprints (linear probing, load ≤ 1/2) with the
 * {@link #contains} lookup that the core module's add-only {@code LongHashSet} lacks; 16 bytes a
 * fingerprint at worst. Not thread-safe.
 */
final class LongSet {
  private long[] table;
  private int size;
  private int mask;
  private boolean hasZero;

  LongSet(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
    table = new long[cap];
    mask = cap - 1;
  }

  private static int slot(long key, int mask) {
    long k = key;
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    return (int) k & mask;
  }

  /** Adds {@code key}; true if it was absent. */
  boolean add(long key) {
    if (key == 0) {
      if (hasZero) {
        return false;
      }
      hasZero = true;
      size++;
      return true;
    }
    int i = slot(key, mask);
    while (true) {
      long k = table[i];
      if (k == 0) {
        table[i] = key;
        if (++size * 2 > table.length) {
          grow();
        }
        return true;
      }
      if (k == key) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  boolean contains(long key) {
    if (key == 0) {
      return hasZero;
    }
    int i = slot(key, mask);
    while (true) {
      long k = table[i];
      if (k == 0) {
        return false;
      }
      if (k == key) {
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  int size() {
    return size;
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    mask = table.length - 1;
    for (long k : old) {
      if (k != 0) {
        int i = slot(k, mask);
        while (table[i] != 0) {
          i = (i + 1) & mask;
        }
        table[i] = k;
      }
    }
  }
}
