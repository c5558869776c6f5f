package io.tracemark.verifier;

/**
 * An open-addressing map from 64-bit fingerprints to counts (linear probing, load ≤ 1/2), with
 * the counts that the core module's {@code LongHashSet} does not keep. Not thread-safe.
 */
final class LongCountMap implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private long[] keys;
  private int[] counts;
  private int size;
  private int mask;
  private int zeroCount;
  private boolean hasZero;

  LongCountMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
    keys = new long[cap];
    counts = new int[cap];
    mask = cap - 1;
  }

  private static int slot(long key, int mask) {
    long k = key;
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    return (int) k & mask;
  }

  /** Adds one to the count of {@code key}; returns the new count. */
  int increment(long key) {
    if (key == 0) {
      if (!hasZero) {
        hasZero = true;
        size++;
      }
      return ++zeroCount;
    }
    int i = slot(key, mask);
    while (true) {
      long k = keys[i];
      if (k == 0) {
        keys[i] = key;
        counts[i] = 1;
        if (++size * 2 > keys.length) {
          grow();
        }
        return 1;
      }
      if (k == key) {
        return ++counts[i];
      }
      i = (i + 1) & mask;
    }
  }

  /** Whether the key is present. */
  boolean contains(long key) {
    return count(key) > 0;
  }

  /** The count of {@code key}, 0 when absent. */
  int count(long key) {
    if (key == 0) {
      return zeroCount;
    }
    int i = slot(key, mask);
    while (true) {
      long k = keys[i];
      if (k == 0) {
        return 0;
      }
      if (k == key) {
        return counts[i];
      }
      i = (i + 1) & mask;
    }
  }

  int size() {
    return size;
  }

  /** Calls {@code consumer} with every key and count. */
  void forEach(Entry consumer) {
    if (hasZero) {
      consumer.accept(0L, zeroCount);
    }
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != 0) {
        consumer.accept(keys[i], counts[i]);
      }
    }
  }

  interface Entry {
    void accept(long key, int count);
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldCounts = counts;
    keys = new long[oldKeys.length * 2];
    counts = new int[oldKeys.length * 2];
    mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      long k = oldKeys[j];
      if (k != 0) {
        int i = slot(k, mask);
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = k;
        counts[i] = oldCounts[j];
      }
    }
  }

  /** Number of slots (for tests). */
  int capacity() {
    return keys.length;
  }

  @Override
  public String toString() {
    return "LongCountMap[size=" + size + "]";
  }
}
