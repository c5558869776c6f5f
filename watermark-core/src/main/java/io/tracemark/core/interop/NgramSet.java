package io.tracemark.core.interop;

import java.util.Arrays;

/**
 * A set of n-grams of one token array, each stored as the index of its last token: what the
 * reference detectors' {@code Counter} of n-gram tuples and vLLM's set of seen contexts are.
 * Open addressing; not thread-safe (one per detection call).
 */
final class NgramSet {
  private final int[] tokens;
  private final int width;
  private int[] slots;
  private int size;

  /**
   * @param tokens the token array the n-grams are read from
   * @param width n-gram length; an n-gram "at" index e is {@code tokens[e - width + 1, e]}
   * @param expected expected number of insertions
   */
  NgramSet(int[] tokens, int width, int expected) {
    this.tokens = tokens;
    this.width = width;
    this.slots = new int[Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1];
    Arrays.fill(slots, -1);
  }

  /** Adds the n-gram ending at {@code end}; true if it was not present. */
  boolean add(int end) {
    if (2 * (size + 1) > slots.length) {
      grow();
    }
    int mask = slots.length - 1;
    int i = hash(end) & mask;
    while (true) {
      int other = slots[i];
      if (other < 0) {
        slots[i] = end;
        size++;
        return true;
      }
      if (same(other, end)) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  private boolean same(int a, int b) {
    for (int j = 0; j < width; j++) {
      if (tokens[a - j] != tokens[b - j]) {
        return false;
      }
    }
    return true;
  }

  private int hash(int end) {
    long h = 0x9E3779B97F4A7C15L;
    for (int j = 0; j < width; j++) {
      h = (h ^ tokens[end - j]) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return (int) (h ^ (h >>> 32));
  }

  private void grow() {
    int[] old = slots;
    slots = new int[old.length * 2];
    Arrays.fill(slots, -1);
    int mask = slots.length - 1;
    for (int end : old) {
      if (end >= 0) {
        int i = hash(end) & mask;
        while (slots[i] >= 0) {
          i = (i + 1) & mask;
        }
        slots[i] = end;
      }
    }
  }
}
