package io.tracemark.examples.lm;

import io.tracemark.api.Checks;
import java.util.Arrays;
import java.util.List;

/**
 * Counts n-grams by sorting: every k-gram occurrence is the 64-bit key
 * {@code (index of its (k−1)-token prefix) << bits | last token}, so the distinct k-grams are the
 * distinct keys of one primitive sort, grouped by prefix, and each occurrence's index becomes the
 * prefix of order k + 1. No boxing, no hash maps; Brown (≈1.4 M tokens) trains in about a second.
 */
final class NGramTrainer {
  private NGramTrainer() {}

  static NGramModel train(List<int[]> documents, int order, int vocabularySize, String tokenizer) {
    if (documents == null) {
      throw new NullPointerException("documents");
    }
    Checks.require(order >= 1 && order <= NGramModel.MAX_ORDER, "order must be between 1 and %d, was %d",
        NGramModel.MAX_ORDER, order);
    Checks.require(vocabularySize >= 2, "vocabularySize must be >= 2, was %d", vocabularySize);
    if (tokenizer == null) {
      throw new NullPointerException("tokenizer");
    }
    long total = 0;
    for (int[] d : documents) {
      total += d.length;
    }
    Checks.require(total > 0, "training documents contain no tokens");
    Checks.require(total < Integer.MAX_VALUE - 8, "training tokens must be < 2^31, was %d", total);
    int n = (int) total;
    int[] tokens = new int[n];
    int[] offsetInDoc = new int[n];
    int at = 0;
    for (int di = 0; di < documents.size(); di++) {
      int[] d = documents.get(di);
      for (int i = 0; i < d.length; i++) {
        int t = d[i];
        if (t < 0 || t >= vocabularySize) {
          throw Checks.illegal("token id at document %d position %d must be between 0 and %d, was %d", di, i,
              vocabularySize - 1, t);
        }
        tokens[at] = t;
        offsetInDoc[at] = i;
        at++;
      }
    }
    int bits = NGramModel.bitsFor(vocabularySize);
    long wordMask = (1L << bits) - 1;

    // ids[k][i]: index of the k-gram ending at position i among the distinct k-grams, or -1.
    int[][] ids = new int[order + 1][];
    ids[1] = tokens;
    int[] prefixCount = new int[order + 1];
    prefixCount[1] = vocabularySize;
    NGramModel.Level[] levels = new NGramModel.Level[Math.max(0, order - 1)];
    int[][] rawCounts = new int[order + 1][];
    rawCounts[1] = new int[vocabularySize];
    for (int t : tokens) {
      rawCounts[1][t]++;
    }
    long[] keys = new long[n];
    for (int k = 2; k <= order; k++) {
      int[] prev = ids[k - 1];
      int m = 0;
      for (int i = 0; i < n; i++) {
        if (offsetInDoc[i] >= k - 1) {
          keys[m++] = ((long) prev[i - 1] << bits) | tokens[i];
        }
      }
      long[] sorted = Arrays.copyOf(keys, m);
      Arrays.sort(sorted);
      int distinct = 0;
      for (int i = 0; i < m; i++) {
        if (i == 0 || sorted[i] != sorted[i - 1]) {
          sorted[distinct++] = sorted[i];
        }
      }
      long[] unique = Arrays.copyOf(sorted, distinct);
      int[] cur = new int[n];
      int[] counts = new int[distinct];
      for (int i = 0; i < n; i++) {
        if (offsetInDoc[i] >= k - 1) {
          int id = Arrays.binarySearch(unique, ((long) prev[i - 1] << bits) | tokens[i]);
          cur[i] = id;
          counts[id]++;
        } else {
          cur[i] = -1;
        }
      }
      ids[k] = cur;
      rawCounts[k] = counts;
      int prefixes = prefixCount[k - 1];
      int[] start = new int[prefixes + 1];
      int[] word = new int[distinct];
      for (int e = 0; e < distinct; e++) {
        start[(int) (unique[e] >>> bits) + 1]++;
        word[e] = (int) (unique[e] & wordMask);
      }
      for (int p = 0; p < prefixes; p++) {
        start[p + 1] += start[p];
      }
      levels[k - 2] = new NGramModel.Level(start, word, null);
      prefixCount[k] = distinct;
    }

    // Counts used at each level: raw at the highest order, continuation counts below it.
    int[] unigram = order == 1 ? rawCounts[1] : continuationCounts(1, ids, offsetInDoc, vocabularySize, prefixCount);
    for (int k = 2; k <= order; k++) {
      int[] c = k == order ? rawCounts[k] : continuationCounts(k, ids, offsetInDoc, prefixCount[k], prefixCount);
      NGramModel.Level l = levels[k - 2];
      levels[k - 2] = new NGramModel.Level(l.start, l.word, c);
    }
    return new NGramModel(order, vocabularySize, tokenizer, total, unigram, levels);
  }

  /**
   * N1+(• g) for every distinct k-gram g: the number of distinct (k+1)-grams that end with g, plus
   * one if g occurs at the start of a document (the start acts as one more left neighbour).
   */
  private static int[] continuationCounts(int k, int[][] ids, int[] offsetInDoc, int size, int[] prefixCount) {
    int[] cc = new int[size];
    int[] shorter = ids[k];
    int[] longer = ids[k + 1];
    boolean[] seenLonger = new boolean[prefixCount[k + 1]];
    boolean[] seenAtStart = new boolean[size];
    for (int i = 0; i < shorter.length; i++) {
      int off = offsetInDoc[i];
      if (off < k - 1) {
        continue;
      }
      int g = shorter[i];
      if (off == k - 1) {
        if (!seenAtStart[g]) {
          seenAtStart[g] = true;
          cc[g]++;
        }
      } else {
        int x = longer[i];
        if (!seenLonger[x]) {
          seenLonger[x] = true;
          cc[g]++;
        }
      }
    }
    return cc;
  }
}
