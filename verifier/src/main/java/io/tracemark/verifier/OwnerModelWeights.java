package io.tracemark.verifier;

import io.tracemark.api.Checks;
import io.tracemark.api.LogitsModel;
import io.tracemark.core.stats.WeightGrid;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Weights from the owner's own (unwatermarked) model: w = pu(y | context) / pu_max × f(c), where
 *
 * <ul>
 *   <li>pu is the posterior green uplift of the scored token y: P(y is green | the owner's
 *       watermarked sampler produced y at this context) − γ, for the owner's top-k distribution
 *       (after its temperature) with δ added to the green logits. It is averaged over {@value
 *       #DRAWS} random green lists drawn from a fixed public seed, never from the key. pu = 0 when
 *       y is outside the owner's top k (the owner never samples y there, so y cannot carry its
 *       bias); pu_max = γe^δ / (γe^δ + 1 − γ) − γ is its value on a flat distribution;
 *   <li>f(c) = min(1, ln(1 + c) / ln(1 + saturation)) for the count c of the position's context in
 *       the owner's watermarked corpus ({@link ContextCountWeights}): a student inherits the
 *       watermark where it saw the owner's text; c = 0 gives weight 0, and the owner's model is
 *       not asked.
 * </ul>
 *
 * <p>The expected green excess of a tuple inherited from the owner's text is nearly proportional
 * to pu, so pu is the locally most powerful shape; the context factor concentrates the weight
 * where the student saw the owner's answers. Both depend on the suspect's text, the owner's model
 * and settings and the contexts of the owner's corpus, never on the key, so the weighted test stays
 * exact.
 *
 * <p>The owner's model reads the whole text before the position; a tuple that the dedup tape
 * spills keeps the level computed when it was offered. Immutable and thread-safe when the model is; scratch
 * buffers are per thread.
 */
public final class OwnerModelWeights implements WeightSource {
  /** Random green lists averaged over. */
  public static final int DRAWS = 256;
  private static final long PUBLIC_SEED = 0x7075626c69634c4cL; // "publicLL": not a key

  private final LogitsModel model;
  private final double gamma;
  private final double alpha;
  private final int topK;
  private final double temperature;
  private final ContextCountWeights contexts;
  private final int saturation;
  private final double puMax;
  private final WeightGrid grid;
  private final boolean[][] greenDraws;
  private final ThreadLocal<float[]> logits;
  private final ThreadLocal<double[]> top;

  private OwnerModelWeights(LogitsModel model, double gamma, double delta, int topK, double temperature,
      ContextCountWeights contexts, int saturation, int maxLevel) {
    this.model = model;
    this.gamma = gamma;
    this.alpha = Math.exp(delta);
    this.topK = topK;
    this.temperature = temperature;
    this.contexts = contexts;
    this.saturation = saturation;
    this.puMax = gamma * alpha / (gamma * alpha + 1 - gamma) - gamma;
    this.grid = WeightGrid.ofMaximum(1.0, maxLevel);
    SplittableRandom r = new SplittableRandom(PUBLIC_SEED);
    greenDraws = new boolean[DRAWS][topK];
    for (int d = 0; d < DRAWS; d++) {
      for (int j = 0; j < topK; j++) {
        greenDraws[d][j] = r.nextDouble() < gamma;
      }
    }
    int v = model.vocabularySize();
    this.logits = ThreadLocal.withInitial(() -> new float[v]);
    this.top = ThreadLocal.withInitial(() -> new double[topK]);
  }

  /**
   * The weights of the owner's model {@code model} that samples from its top {@code topK} tokens at
   * {@code temperature} with a green-list bias (γ, δ), times the saturating count of the
   * position's context in {@code contexts} (saturating at {@code saturation} occurrences), on a
   * grid of {@code maxLevel} levels over [0, 1].
   */
  public static OwnerModelWeights of(LogitsModel model, double gamma, double delta, int topK, double temperature,
      ContextCountWeights contexts, int saturation, int maxLevel) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(contexts, "contexts");
    Checks.require(gamma > 0 && gamma < 1, "gamma must be in (0, 1), was %s", gamma);
    Checks.require(delta > 0 && Double.isFinite(delta), "delta must be finite and > 0, was %s", delta);
    Checks.require(topK >= 2 && topK <= model.vocabularySize(), "topK must be between 2 and the vocabulary size %d, "
        + "was %d", model.vocabularySize(), topK);
    Checks.require(temperature > 0 && Double.isFinite(temperature), "temperature must be finite and > 0, was %s",
        temperature);
    Checks.require(saturation >= 1, "saturation must be >= 1, was %d", saturation);
    return new OwnerModelWeights(model, gamma, delta, topK, temperature, contexts, saturation, maxLevel);
  }

  @Override
  public double weight(int[] tokens, int pos) {
    double factor = contextFactor(tokens, pos);
    if (factor == 0) {
      return 0;
    }
    return posteriorUplift(tokens, pos) / puMax * factor;
  }

  /**
   * f(c) of the position: min(1, ln(1 + c) / ln(1 + saturation)) for the count c of its context
   * in the owner's corpus; 0 for an unseen context. Reads only the context.
   */
  double contextFactor(int[] tokens, int pos) {
    int c = contexts.count(tokens, pos);
    return c == 0 ? 0 : Math.min(1, Math.log1p(c) / Math.log1p(saturation));
  }

  /** pu_max, the posterior uplift on a flat distribution: weights are pu / pu_max. */
  double puMax() {
    return puMax;
  }

  /**
   * The owner's model's logits after {@code tokens[0, pos)}, in this thread's buffer (reused by
   * the next call on the thread).
   */
  float[] ownerLogits(int[] tokens, int pos) {
    float[] l = logits.get();
    model.nextTokenLogits(tokens, pos, l);
    return l;
  }

  /** pu of {@code tokens[pos]} after {@code tokens[0, pos)}: 0 outside the owner's top k. */
  double posteriorUplift(int[] tokens, int pos) {
    return posteriorUplift(ownerLogits(tokens, pos), tokens[pos]);
  }

  /** pu of token {@code y} under the owner's logits {@code l} at a position: 0 outside the owner's top k. */
  double posteriorUplift(float[] l, int y) {
    if (y < 0 || y >= l.length) {
      return 0;
    }
    return posteriorUplift(null, l, l.length, y, l[y]);
  }

  /**
   * pu of token {@code y} from the position's {@link #topKStream top-k stream} ({@code ids[i]},
   * {@code logits[i]} for i &lt; n): the same value as from all the logits; 0 when y is not in
   * the stream (then it is outside the owner's top k).
   */
  double posteriorUplift(int[] ids, float[] logits, int n, int y) {
    for (int i = 0; i < n; i++) {
      if (ids[i] == y) {
        return posteriorUplift(ids, logits, n, y, logits[i]);
      }
    }
    return 0;
  }

  /**
   * pu of token {@code y} of logit {@code ly} over the logits {@code l[0, n)} of the tokens {@code
   * ids[0, n)} in vocabulary order ({@code ids == null}: token i is {@code l[i]}).
   */
  private double posteriorUplift(int[] ids, float[] l, int n0, int y, float ly) {
    // the rank of y: tokens with a larger logit, ties to the smaller id (a stable top-k)
    int rank = 0;
    for (int i = 0; i < n0; i++) {
      int t = ids == null ? i : ids[i];
      if (l[i] > ly || (l[i] == ly && t < y)) {
        if (++rank >= topK) {
          return 0;
        }
      }
    }
    // the other top-k logits: the k − 1 largest other than y, by a bounded selection
    double[] v = top.get();
    int n = 0;
    int minAt = 0;
    for (int i = 0; i < n0; i++) {
      if ((ids == null ? i : ids[i]) == y) {
        continue;
      }
      float x = l[i];
      if (n < topK - 1) {
        v[n] = x;
        if (x < v[minAt]) {
          minAt = n;
        }
        n++;
        if (n == topK - 1) {
          minAt = argMin(v, n);
        }
      } else if (x > v[minAt]) {
        v[minAt] = x;
        minAt = argMin(v, n);
      }
    }
    double max = ly;
    for (int j = 0; j < n; j++) {
      max = Math.max(max, v[j]);
    }
    double py = Math.exp((ly - max) / temperature);
    double z = py;
    for (int j = 0; j < n; j++) {
      v[j] = Math.exp((v[j] - max) / temperature);
      z += v[j];
    }
    py /= z;
    // green lists over the k slots: slot 'rank' is y, the others take the remaining probabilities
    double a = 0;
    double b = 0;
    for (int d = 0; d < DRAWS; d++) {
      boolean[] green = greenDraws[d];
      double others = 0;
      for (int j = 0, slot = 0; j < n; j++, slot++) {
        if (slot == rank) {
          slot++;
        }
        others += (green[slot] ? alpha : 1) * v[j] / z;
      }
      a += 1 / (others + alpha * py);
      b += 1 / (others + py);
    }
    return gamma * alpha * a / (gamma * alpha * a + (1 - gamma) * b) - gamma;
  }

  /**
   * The tokens of {@code l} (in vocabulary order) that are among the k largest of the logits
   * before them and themselves, ties to the smaller id: {@code out[0]} the ids, {@code out[1]} the
   * logits as float bits. Every token of the top k is in it, every token ranked before one of the
   * top k too, and so is every token that the bounded selection of {@link #posteriorUplift(float[],
   * int)} ever keeps, for any y; that selection run over this stream keeps the same values in the
   * same slots. So pu computed from the stream equals pu computed from all the logits, bit for bit,
   * and the stream is a small part of the vocabulary.
   */
  TopKStream topKStream(float[] l) {
    // a min-heap of the k largest logits seen so far (by value: ties keep the earlier token)
    float[] heap = new float[topK];
    int size = 0;
    int[] ids = new int[Math.min(l.length, 4 * topK)];
    float[] kept = new float[ids.length];
    int n = 0;
    for (int t = 0; t < l.length; t++) {
      float x = l[t];
      if (size < topK || x > heap[0]) {
        if (n == ids.length) {
          ids = Arrays.copyOf(ids, 2 * n);
          kept = Arrays.copyOf(kept, 2 * n);
        }
        ids[n] = t;
        kept[n] = x;
        n++;
        if (size < topK) {
          heap[size] = x;
          siftUp(heap, size++);
        } else {
          heap[0] = x;
          siftDown(heap, size);
        }
      }
    }
    return new TopKStream(Arrays.copyOf(ids, n), Arrays.copyOf(kept, n));
  }

  /** A position's {@link #topKStream top-k stream}: token ids in vocabulary order and their logits. */
  record TopKStream(int[] ids, float[] logits) {
    /** pu of {@code y} under {@code weights}, as from all the position's logits. */
    double posteriorUplift(OwnerModelWeights weights, int y) {
      return weights.posteriorUplift(ids, logits, ids.length, y);
    }

    /** The logit of {@code y}, which must be in the stream. */
    float logit(int y) {
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] == y) {
          return logits[i];
        }
      }
      throw new IllegalArgumentException("token " + y + " is not in the stream");
    }
  }

  private static void siftUp(float[] h, int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (h[parent] <= h[i]) {
        return;
      }
      float tmp = h[parent];
      h[parent] = h[i];
      h[i] = tmp;
      i = parent;
    }
  }

  private static void siftDown(float[] h, int size) {
    int i = 0;
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int child = left + 1 < size && h[left + 1] < h[left] ? left + 1 : left;
      if (h[i] <= h[child]) {
        return;
      }
      float tmp = h[child];
      h[child] = h[i];
      h[i] = tmp;
      i = child;
    }
  }

  /** The owner model's vocabulary size. */
  int vocabularySize() {
    return model.vocabularySize();
  }

  private static int argMin(double[] v, int n) {
    int m = 0;
    for (int j = 1; j < n; j++) {
      if (v[j] < v[m]) {
        m = j;
      }
    }
    return m;
  }

  @Override
  public boolean readsToken() {
    return true;
  }

  @Override
  public int contextTokens() {
    return Integer.MAX_VALUE;
  }

  @Override
  public WeightGrid grid() {
    return grid;
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "owner model: w = pu / %.4f x min(1, ln(1 + c) / ln(%d)), pu = posterior green "
        + "uplift of the token under the owner's model (top-k %d, temperature %s, gamma %s, delta %s, %d public "
        + "green lists), c = count of the %d-token context in the owner corpus", puMax, saturation + 1, topK,
        temperature, gamma, Math.log(alpha), DRAWS, contexts.contextLength());
  }

  @Override
  public String toString() {
    return "OwnerModelWeights[" + description() + "]";
  }
}
