package io.tracemark.core.interop;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Green lists (as bit sets) of seeds that recur, for per-position scoring of left-seeded profiles,
 * where a corpus verifier asks about the same frequent contexts over and over.
 *
 * <p>A seed is expanded and kept on its second request, so that contexts seen once cost no more
 * than following their token; once {@code capacity} lists are held nothing else is admitted (the
 * frequent contexts of a corpus show up early). Thread-safe; a race may compute a list twice,
 * never wrongly.
 */
final class GreenListCache {
  private final int capacity;
  private final ConcurrentHashMap<Integer, long[]> lists = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, Boolean> seenOnce = new ConcurrentHashMap<>();

  GreenListCache(int capacity) {
    this.capacity = capacity;
  }

  long[] get(int seed) {
    return lists.get(seed);
  }

  /** Records a request for {@code seed}; true if its green list should now be expanded and kept. */
  boolean shouldCache(int seed) {
    if (lists.size() >= capacity) {
      return false;
    }
    if (seenOnce.size() > 16 * capacity) {
      seenOnce.clear();
    }
    return seenOnce.putIfAbsent(seed, Boolean.TRUE) != null;
  }

  void put(int seed, long[] bits) {
    if (lists.size() < capacity) {
      lists.putIfAbsent(seed, bits);
      seenOnce.remove(seed);
    }
  }
}
