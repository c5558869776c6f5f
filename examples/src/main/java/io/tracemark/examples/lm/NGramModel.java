package io.tracemark.examples.lm;

import io.tracemark.api.Checks;
import io.tracemark.api.LogitsModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A token-level n-gram language model with interpolated Kneser–Ney smoothing (Chen and Goodman
 * 1998, "An empirical study of smoothing techniques", interpolated KN with one absolute discount
 * per order, D = n1 / (n1 + 2 n2)).
 *
 * <p>For a context h of up to {@code order − 1} tokens,
 * <pre>
 *   P_k(w | h) = max(c_k(h w) − D_k, 0) / c_k(h) + D_k · N1+(h •) / c_k(h) · P_{k−1}(w | h')
 * </pre>
 * where h' drops the oldest token, c_k is the raw count at the highest order and the continuation
 * count N1+(• h w) (distinct left neighbours; a document start counts as one) below it, and the
 * recursion ends in a unigram level interpolated with the uniform distribution over the ids that
 * stand for text (every id of the vocabulary but the few the encoding leaves unassigned), so every
 * such id has a positive probability and the others probability 0. A context never seen with a
 * continuation passes its mass to the next lower order.
 *
 * <p>Logits are log-probabilities over the whole vocabulary. Unrolling the recursion, a token
 * whose highest order seen after the context is k has P(w | h) = W_k · P_k(w | h_k), with W_k the
 * product of the backoff weights above k; and P_k(w | h_k) of a stored k-gram does not depend on
 * the longer context, so it is precomputed at training (or load) time. One step therefore costs a
 * vectorised copy of log P_1 plus one addition per continuation seen after each suffix of the
 * context — no logarithm per token, no pass of exponentials.
 *
 * <p>Instances are immutable and thread-safe ({@link #nextTokenLogits} uses a per-thread
 * scratch buffer). Build one with {@link #train} or {@link #load}.
 */
public final class NGramModel implements LogitsModel {
  /** Largest supported order. */
  public static final int MAX_ORDER = 8;
  /** The default order. */
  public static final int DEFAULT_ORDER = 4;
  /** The default encoding of the examples' models and demo. */
  public static final String DEFAULT_TOKENIZER = "cl100k_base";

  final int order;
  final int vocabularySize;
  final String tokenizer;
  final int wordBits;
  final long trainingTokens;
  /** Level 1 counts (continuation counts unless order is 1), indexed by token id. */
  final int[] unigramCounts;
  /** Levels 2..order, index k − 2. */
  final Level[] levels;

  // derived
  final double[] discounts; // index k - 1
  private final float[] logP1;
  private final ThreadLocal<Scratch> scratch;

  /**
   * One order k ≥ 2: the distinct k-grams grouped by their (k−1)-token prefix. The prefix of a
   * k-gram is identified by its index among the (k−1)-grams (for k = 2, by its token id), so the
   * continuations of prefix p are entries {@code start[p] … start[p + 1] − 1}, sorted by token.
   */
  static final class Level {
    final int[] start;
    final int[] word;
    final int[] count;
    /** log P_k(w | h) of each entry: the full interpolated probability, lower orders included. */
    float[] logProb;
    /** log of the backoff weight γ_k(h) = D_k N1+(h •) / c_k(h) of each prefix (0 if it has no continuations). */
    float[] logBackoff;

    Level(int[] start, int[] word, int[] count) {
      this.start = start;
      this.word = word;
      this.count = count;
    }

    int prefixes() {
      return start.length - 1;
    }

    int entries() {
      return word.length;
    }

    /** The entry of token w after prefix p, or −1. */
    int find(int prefix, int w) {
      int lo = start[prefix];
      int hi = start[prefix + 1] - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int v = word[mid];
        if (v < w) {
          lo = mid + 1;
        } else if (v > w) {
          hi = mid - 1;
        } else {
          return mid;
        }
      }
      return -1;
    }
  }

  private static final class Scratch {
    final int[] contexts = new int[MAX_ORDER + 1];
    final double[] logWeights = new double[MAX_ORDER + 1];
  }

  NGramModel(int order, int vocabularySize, String tokenizer, long trainingTokens, int[] unigramCounts,
      Level[] levels) {
    this.order = order;
    this.vocabularySize = vocabularySize;
    this.tokenizer = tokenizer;
    this.wordBits = bitsFor(vocabularySize);
    this.trainingTokens = trainingTokens;
    this.unigramCounts = unigramCounts;
    this.levels = levels;
    this.discounts = new double[order];
    this.logP1 = new float[vocabularySize];
    computeProbabilities();
    this.scratch = ThreadLocal.withInitial(Scratch::new);
  }

  static int bitsFor(int vocabularySize) {
    return 32 - Integer.numberOfLeadingZeros(vocabularySize - 1);
  }

  /**
   * Trains a model of the given order on token sequences (each one document; n-grams do not cross
   * document boundaries).
   *
   * @param documents token ids in {@code [0, vocabularySize)}
   * @param order 1 to {@value #MAX_ORDER}
   * @param vocabularySize the encoding's vocabulary size
   * @param tokenizer the encoding's name, recorded in the model
   */
  public static NGramModel train(List<int[]> documents, int order, int vocabularySize, String tokenizer) {
    return NGramTrainer.train(documents, order, vocabularySize, tokenizer);
  }

  /** Writes the model in the versioned binary format (see {@link NGramModelFormat}). */
  public void save(Path path) throws IOException {
    NGramModelFormat.write(this, path);
  }

  /**
   * Reads a model written by {@link #save}.
   *
   * @throws IOException with a message naming the file, if it cannot be read, is not a model
   *     file, has another version, is truncated or fails its checksum
   */
  public static NGramModel load(Path path) throws IOException {
    return NGramModelFormat.read(path);
  }

  /** The n-gram order. */
  public int order() {
    return order;
  }

  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  /**
   * The name of the JTokkit encoding whose token ids the model uses
   * ({@link io.tracemark.verifier.text.Tokenizers#jtokkit}).
   */
  public String tokenizer() {
    return tokenizer;
  }

  /** Tokens the model was trained on. */
  public long trainingTokens() {
    return trainingTokens;
  }

  /** Distinct n-grams of order k (1 ≤ k ≤ order; for k = 1, token types seen). */
  public int distinctNGrams(int k) {
    Checks.require(k >= 1 && k <= order, "k must be between 1 and %d, was %d", order, k);
    if (k == 1) {
      int n = 0;
      for (int c : unigramCounts) {
        n += c > 0 ? 1 : 0;
      }
      return n;
    }
    return levels[k - 2].entries();
  }

  /** The absolute discount D_k of order k. */
  public double discount(int k) {
    Checks.require(k >= 1 && k <= order, "k must be between 1 and %d, was %d", order, k);
    return discounts[k - 1];
  }

  /**
   * Precomputes log P_k(w | h) for every stored k-gram (h, w), lower orders included, and the log
   * backoff weight of every context. This works because every suffix of a stored k-gram is a
   * stored (k−1)-gram: P_k(w | h) = α_k(w | h) + γ_k(h) · P_{k−1}(w | h') reads P_{k−1} from the
   * entry of (h', w), found through the suffix link of h.
   */
  private void computeProbabilities() {
    discounts[0] = discount(unigramCounts, 1);
    double d1 = discounts[0];
    long total = 0;
    int types = 0;
    for (int c : unigramCounts) {
      total += c;
      types += c > 0 ? 1 : 0;
    }
    Checks.require(total > 0, "the model has no training tokens");
    // the uniform level covers the ids that stand for text: an id without text is never emitted
    boolean[] hasText = TextIds.of(tokenizer, vocabularySize);
    int textIds = 0;
    for (boolean t : hasText) {
      textIds += t ? 1 : 0;
    }
    double floor = d1 * types / total / textIds;
    double[] lower = new double[vocabularySize]; // P_{k-1} of the entries of the level below
    for (int w = 0; w < vocabularySize; w++) {
      double p = Math.max(unigramCounts[w] - d1, 0) / total + (hasText[w] ? floor : 0);
      lower[w] = p;
      logP1[w] = p > 0 ? (float) Math.log(p) : Float.NEGATIVE_INFINITY;
    }
    int[] suffixOfPrefix = null; // for level k: the level-(k-1) context id of each prefix's suffix
    for (int k = 2; k <= order; k++) {
      Level level = levels[k - 2];
      Level below = k == 2 ? null : levels[k - 3];
      double d = discount(level.count, k);
      discounts[k - 1] = d;
      double[] prob = new double[level.entries()];
      level.logProb = new float[level.entries()];
      level.logBackoff = new float[level.prefixes()];
      for (int p = 0; p < level.prefixes(); p++) {
        int from = level.start[p];
        int to = level.start[p + 1];
        if (from == to) {
          continue;
        }
        long sum = 0;
        for (int e = from; e < to; e++) {
          sum += level.count[e];
        }
        double gamma = d * (to - from) / sum;
        level.logBackoff[p] = (float) Math.log(gamma);
        for (int e = from; e < to; e++) {
          int w = level.word[e];
          double lowerP;
          if (k == 2) {
            lowerP = lower[w];
          } else {
            int at = below.find(suffixOfPrefix[p], w);
            if (at < 0) {
              throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                  "order-%d entry %d has no order-%d suffix entry: inconsistent counts", k, e, k - 1));
            }
            lowerP = lower[at];
          }
          double pr = (level.count[e] - d) / sum + gamma * lowerP;
          prob[e] = pr;
          level.logProb[e] = (float) Math.log(pr);
        }
      }
      if (k < order) {
        // suffix links of this level's entries, the prefixes of the next level
        int[] next = new int[level.entries()];
        for (int p = 0; p < level.prefixes(); p++) {
          for (int e = level.start[p]; e < level.start[p + 1]; e++) {
            next[e] = k == 2 ? level.word[e] : below.find(suffixOfPrefix[p], level.word[e]);
          }
        }
        suffixOfPrefix = next;
      }
      lower = prob;
    }
  }

  /**
   * D = n1 / (n1 + 2 n2) from the counts of counts (Ney et al.), clamped to [0.1, 0.9]: on tiny
   * corpora the estimate degenerates, and at the highest orders of a corpus the size of Brown it
   * exceeds 0.9 (almost every 4-gram is seen once), where the clamp keeps a little mass on the
   * continuations actually seen. 0.5 when n1 or n2 is 0.
   */
  private static double discount(int[] counts, int k) {
    long n1 = 0;
    long n2 = 0;
    for (int c : counts) {
      if (c == 1) {
        n1++;
      } else if (c == 2) {
        n2++;
      }
    }
    if (n1 == 0 || n2 == 0) {
      return 0.5;
    }
    double d = (double) n1 / (n1 + 2.0 * n2);
    return Math.min(0.9, Math.max(0.1, d));
  }

  @Override
  public void nextTokenLogits(int[] tokens, int length, float[] logits) {
    Checks.require(logits.length == vocabularySize, "logits length must equal the vocabulary size %d, was %d",
        vocabularySize, logits.length);
    Checks.require(length >= 0 && length <= tokens.length, "length must be between 0 and tokens.length=%d, was %d",
        tokens.length, length);
    int context = Math.min(order - 1, length);
    for (int j = length - context; j < length; j++) {
      int t = tokens[j];
      if (t < 0 || t >= vocabularySize) {
        throw Checks.illegal("token id at position %d must be between 0 and %d, was %d", j, vocabularySize - 1, t);
      }
    }
    Scratch s = scratch.get();
    int top = activeLevels(tokens, length, context, s.contexts);
    // P(w) = W_k P_k(w | h_k) for the highest k whose context was followed by w, W_top = 1 and
    // W_{k-1} = W_k γ_k(h_k); W_1 P_1(w) for every other token.
    double[] logW = s.logWeights;
    logW[top] = 0;
    for (int k = top; k >= 2; k--) {
      logW[k - 1] = logW[k] + levels[k - 2].logBackoff[s.contexts[k]];
    }
    float base = (float) logW[1];
    float[] lp = logP1;
    for (int t = 0; t < logits.length; t++) {
      logits[t] = lp[t] + base;
    }
    for (int k = 2; k <= top; k++) {
      Level level = levels[k - 2];
      int p = s.contexts[k];
      float b = (float) logW[k];
      int[] word = level.word;
      float[] logProb = level.logProb;
      for (int e = level.start[p], end = level.start[p + 1]; e < end; e++) {
        logits[word[e]] = b + logProb[e];
      }
    }
  }

  /**
   * Finds, for k = 2, 3, …, the prefix index of the context of order k (the last k − 1 tokens)
   * while it exists and has continuations; returns the highest such k (1 if none).
   */
  private int activeLevels(int[] tokens, int length, int context, int[] contexts) {
    int top = 1;
    for (int k = 2; k <= context + 1; k++) {
      int from = length - (k - 1);
      int id = tokens[from];
      for (int j = 2; j <= k - 1 && id >= 0; j++) {
        id = levels[j - 2].find(id, tokens[from + j - 1]);
      }
      if (id < 0) {
        break;
      }
      Level level = levels[k - 2];
      if (level.start[id] == level.start[id + 1]) {
        break;
      }
      contexts[k] = id;
      top = k;
    }
    return top;
  }

  /** The natural-log probability of {@code next} after {@code tokens[0, length)} (for tests and perplexity). */
  public double logProbability(int[] tokens, int length, int next) {
    float[] logits = new float[vocabularySize];
    nextTokenLogits(tokens, length, logits);
    return logits[next];
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "NGramModel[order=%d, tokenizer=%s, vocab=%d, trainingTokens=%d]",
        order, tokenizer, vocabularySize, trainingTokens);
  }
}
