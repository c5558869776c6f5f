package io.tracemark.verifier.monitor;

import io.tracemark.core.internal.Mix;
import java.util.Arrays;

/**
 * The features of one prompt, computed in place for each request (a worker: not thread-safe, one
 * per reading thread):
 *
 * <ul>
 *   <li>its words: lowercase runs of letters and digits; a word with a digit, or longer than
 *       {@value #LONG_WORD} characters (ids, keys, hashes), is masked to one placeholder, so that
 *       numbered sweeps and pasted identifiers do not make prompts look different; token-id prompts
 *       use each id as a word;
 *   <li>a hashed n-gram vector of {@value #DIM} dimensions (words and word pairs, signed feature
 *       hashing, unit length): the stand-in for a neural embedding (a {@link PromptEmbedding} replaces it) that the MMD and PRADA signals
 *       compare (any embedding of unit length can replace it);
 *   <li>a MinHash signature of its word pairs ({@value #HASHES} hashes) and its LSH band keys
 *       ({@value #BANDS} bands of {@value #ROWS} rows): two prompts of Jaccard similarity J share a
 *       band key with probability 1 − (1 − J⁴)⁴, so near-duplicates (a template with a few words
 *       varied, J ≈ 0.5) share keys and unrelated prompts (J ≈ 0.02) practically never do.
 * </ul>
 */
final class PromptFeatures {
  /** Dimensions of the hashed n-gram vector. */
  static final int DIM = 64;
  /** MinHash functions. */
  static final int HASHES = 16;
  /** LSH bands. */
  static final int BANDS = 4;
  /** Rows per band. */
  static final int ROWS = HASHES / BANDS;
  /** Longer words are masked. */
  static final int LONG_WORD = 24;

  private static final long MASKED = Mix.fmix64(0x6d61736b6564L);
  private static final long[] SEEDS = new long[HASHES];

  static {
    for (int i = 0; i < HASHES; i++) {
      SEEDS[i] = Mix.splitMix64(0x7472616365L + i);
    }
  }

  final float[] vector = new float[DIM];
  final long[] bandKeys = new long[BANDS];
  /** Whether the prompt has at least one word (else there is no vector and no band key). */
  boolean hasWords;
  /** Words in the prompt. */
  int words;
  private long[] wordHashes = new long[64];
  private long[] shingles = new long[64];
  private final long[] minHash = new long[HASHES];

  /**
   * Per ASCII character: {@code 0} outside words, else its lowercase form, with {@link #DIGIT} set
   * for a digit; the same answers as {@link Character#isLetterOrDigit}, {@link Character#isDigit}
   * and {@link Character#toLowerCase} give, without their table look-ups (other characters ask
   * them).
   */
  private static final int[] ASCII = new int[128];
  private static final int DIGIT = 1 << 16;

  static {
    for (char c = 0; c < 128; c++) {
      if (Character.isLetterOrDigit(c)) {
        ASCII[c] = Character.toLowerCase(c) | (Character.isDigit(c) ? DIGIT : 0);
      }
    }
  }

  /** Computes the features of a text prompt. */
  void ofText(String text) {
    words = 0;
    int n = text.length();
    int i = 0;
    while (i < n) {
      int k = kind(text.charAt(i));
      if (k == 0) {
        i++;
        continue;
      }
      long h = 0xcbf29ce484222325L;
      int digit = 0;
      int start = i;
      do {
        digit |= k;
        h = (h ^ (k & 0xffff)) * 0x100000001b3L;
      } while (++i < n && (k = kind(text.charAt(i))) != 0);
      addWord((digit & DIGIT) != 0 || i - start > LONG_WORD ? MASKED : Mix.fmix64(h));
    }
    finish();
  }

  /** 0 outside a word, else the lowercase character with {@link #DIGIT} set for a digit. */
  private static int kind(char c) {
    if (c < 128) {
      return ASCII[c];
    }
    if (!Character.isLetterOrDigit(c)) {
      return 0;
    }
    return Character.toLowerCase(c) | (Character.isDigit(c) ? DIGIT : 0);
  }

  /** Computes the features of a prompt given as token ids. */
  void ofTokens(int[] ids) {
    words = 0;
    for (int id : ids) {
      addWord(Mix.fmix64(0x746f6b656eL + id));
    }
    finish();
  }

  /** Computes the features of a prompt from its word hashes (as {@link #ofText} hashes words). */
  void ofWordHashes(long[] hashes) {
    words = 0;
    for (long h : hashes) {
      addWord(h);
    }
    finish();
  }

  private void addWord(long h) {
    if (words == wordHashes.length) {
      wordHashes = Arrays.copyOf(wordHashes, 2 * words);
    }
    wordHashes[words++] = h;
  }

  private void finish() {
    Arrays.fill(vector, 0f);
    hasWords = words > 0;
    if (!hasWords) {
      return;
    }
    if (shingles.length < words) {
      shingles = new long[wordHashes.length];
    }
    int count = 0;
    for (int i = 0; i < words; i++) {
      long w = wordHashes[i];
      add(w);
      if (i > 0) {
        long shingle = Mix.fmix64(wordHashes[i - 1] * 0x9E3779B97F4A7C15L + w);
        add(shingle);
        shingles[count++] = shingle;
      } else if (words == 1) {
        shingles[count++] = w;
      }
    }
    // one hash at a time over all shingles: the running minimum stays in a register and needs no
    // branch (the order of the minima does not change them)
    for (int k = 0; k < HASHES; k++) {
      long seed = SEEDS[k];
      long min = Long.MAX_VALUE;
      for (int i = 0; i < count; i++) {
        min = Math.min(min, Mix.fmix64(shingles[i] ^ seed));
      }
      minHash[k] = min;
    }
    double norm = 0;
    for (float v : vector) {
      norm += v * v;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int d = 0; d < DIM; d++) {
      vector[d] *= scale;
    }
    for (int b = 0; b < BANDS; b++) {
      long h = b + 1;
      for (int r = 0; r < ROWS; r++) {
        h = Mix.fmix64(h * 0x9E3779B97F4A7C15L ^ minHash[b * ROWS + r]);
      }
      bandKeys[b] = h;
    }
  }

  private void add(long h) {
    vector[(int) (h >>> 58)] += (h & 1) == 0 ? 1f : -1f;
  }
}
