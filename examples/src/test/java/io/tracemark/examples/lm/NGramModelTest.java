package io.tracemark.examples.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NGramModelTest {

  @TempDir
  Path dir;

  /** Random documents over a small vocabulary with some structure (a Markov chain), seeded. */
  static List<int[]> markovDocs(long seed, int docs, int length, int vocab) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int d = 0; d < docs; d++) {
      int[] t = new int[length];
      t[0] = r.nextInt(vocab);
      for (int i = 1; i < length; i++) {
        t[i] = r.nextInt(4) == 0 ? r.nextInt(vocab) : (t[i - 1] * 7 + 3 + r.nextInt(3)) % vocab;
      }
      out.add(t);
    }
    return out;
  }

  @Test
  void logitsAreANormalisedDistributionOverTheWholeVocabulary() {
    NGramModel m = NGramModel.train(markovDocs(1, 20, 300, 50), 4, 60, "cl100k_base");
    float[] logits = new float[60];
    int[] ctx = markovDocs(2, 1, 40, 50).get(0);
    for (int len = 0; len <= 10; len++) {
      m.nextTokenLogits(ctx, len, logits);
      double sum = 0;
      for (float l : logits) {
        assertThat(l).isFinite();
        sum += Math.exp(l);
      }
      assertThat(sum).as("sum of probabilities after %d tokens", len).isCloseTo(1.0, within(1e-5));
    }
    // ids 50..59 never occur in training but keep the uniform floor
    m.nextTokenLogits(ctx, 5, logits);
    assertThat(logits[55]).isLessThan(logits[ctx[5]]);
  }

  @Test
  void matchesANaiveInterpolatedKneserNeyImplementation() {
    for (int order = 1; order <= 4; order++) {
      List<int[]> docs = markovDocs(10 + order, 8, 200, 30);
      NGramModel m = NGramModel.train(docs, order, 32, "cl100k_base");
      NaiveKneserNey ref = new NaiveKneserNey(docs, order, 32);
      float[] logits = new float[32];
      int[] ctx = markovDocs(99, 1, 30, 32).get(0);
      for (int len = 0; len < 12; len++) {
        m.nextTokenLogits(ctx, len, logits);
        for (int w = 0; w < 32; w++) {
          assertThat((double) logits[w]).as("order %d, len %d, w %d", order, len, w)
              .isCloseTo(Math.log(ref.probability(ctx, len, w)), within(2e-5));
        }
      }
    }
  }

  @Test
  void saveAndLoadGiveIdenticalLogits() throws IOException {
    NGramModel m = NGramModel.train(markovDocs(3, 10, 500, 200), 3, 256, "cl100k_base");
    Path file = dir.resolve("m.tmlm");
    m.save(file);
    NGramModel back = NGramModel.load(file);
    assertThat(back.order()).isEqualTo(3);
    assertThat(back.vocabularySize()).isEqualTo(256);
    assertThat(back.tokenizer()).isEqualTo("cl100k_base");
    assertThat(back.trainingTokens()).isEqualTo(5000);
    int[] ctx = markovDocs(4, 1, 100, 200).get(0);
    float[] a = new float[256];
    float[] b = new float[256];
    for (int len = 0; len < 100; len += 7) {
      m.nextTokenLogits(ctx, len, a);
      back.nextTokenLogits(ctx, len, b);
      assertThat(b).containsExactly(a);
    }
  }

  @Test
  void corruptTruncatedAndForeignFilesAreClearErrors() throws IOException {
    NGramModel m = NGramModel.train(markovDocs(5, 4, 300, 100), 3, 128, "cl100k_base");
    Path file = dir.resolve("m.tmlm");
    m.save(file);
    byte[] good = Files.readAllBytes(file);

    Path flipped = dir.resolve("flipped.tmlm");
    byte[] f = good.clone();
    f[f.length / 2] ^= 0x10;
    Files.write(flipped, f);
    assertThatThrownBy(() -> NGramModel.load(flipped)).isInstanceOf(IOException.class)
        .hasMessageContaining("flipped.tmlm").hasMessageContaining("CRC-32 mismatch");

    Path cut = dir.resolve("cut.tmlm");
    Files.write(cut, Arrays.copyOf(good, good.length - 100));
    assertThatThrownBy(() -> NGramModel.load(cut)).isInstanceOf(IOException.class)
        .hasMessageContaining("cut.tmlm").hasMessageContaining("truncated");

    Path tiny = dir.resolve("tiny.tmlm");
    Files.write(tiny, Arrays.copyOf(good, 12));
    assertThatThrownBy(() -> NGramModel.load(tiny)).hasMessageContaining("truncated");

    Path foreign = dir.resolve("foreign.jsonl");
    Files.writeString(foreign, "{\"text\": \"hello\"}\n");
    assertThatThrownBy(() -> NGramModel.load(foreign)).isInstanceOf(IOException.class)
        .hasMessageContaining("bad magic");

    Path future = dir.resolve("future.tmlm");
    byte[] v = good.clone();
    ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 2);
    Files.write(future, v);
    assertThatThrownBy(() -> NGramModel.load(future)).hasMessageContaining("unsupported model format version 2");

    assertThatThrownBy(() -> NGramModel.load(dir.resolve("missing.tmlm"))).isInstanceOf(IOException.class)
        .hasMessageContaining("missing.tmlm");
  }

  /**
   * A file whose checksum was recomputed after random damage (so the CRC does not catch it) must
   * still fail with an IOException naming the file, or load: never another exception, never a
   * huge allocation.
   */
  @Test
  void structurallyDamagedFilesWithValidChecksumsAreClearErrors() throws IOException {
    NGramModel m = NGramModel.train(markovDocs(8, 4, 200, 60), 3, 64, "cl100k_base");
    Path file = dir.resolve("m.tmlm");
    m.save(file);
    byte[] good = Files.readAllBytes(file);
    SplittableRandom r = new SplittableRandom(77);
    int loaded = 0;
    for (int trial = 0; trial < 300; trial++) {
      byte[] bad = good.clone();
      int flips = 1 + r.nextInt(3);
      for (int f = 0; f < flips; f++) {
        int at = NGramModelFormat.HEADER + r.nextInt(bad.length - NGramModelFormat.HEADER - 4);
        bad[at] = (byte) (r.nextBoolean() ? r.nextInt(256) : bad[at] ^ (1 << r.nextInt(8)));
      }
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(bad, 0, bad.length - 4);
      ByteBuffer.wrap(bad, bad.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
      Path damaged = dir.resolve("damaged-" + trial + ".tmlm");
      Files.write(damaged, bad);
      try {
        NGramModel.load(damaged);
        loaded++;
      } catch (IOException e) {
        assertThat(e.getMessage()).as("trial %d", trial).startsWith(damaged.toString() + ": byte ");
      }
    }
    // some damage is harmless (a count changed by one); most is caught
    assertThat(loaded).isLessThan(300);
  }

  @Test
  void badArgumentsNameTheParameter() {
    List<int[]> docs = markovDocs(6, 2, 50, 10);
    assertThatThrownBy(() -> NGramModel.train(docs, 0, 16, "cl100k_base"))
        .hasMessage("order must be between 1 and 8, was 0");
    assertThatThrownBy(() -> NGramModel.train(List.of(new int[] {1, 2, 99}), 2, 16, "cl100k_base"))
        .hasMessage("token id at document 0 position 2 must be between 0 and 15, was 99");
    NGramModel m = NGramModel.train(docs, 2, 16, "cl100k_base");
    assertThatThrownBy(() -> m.nextTokenLogits(new int[] {1}, 1, new float[15]))
        .hasMessage("logits length must equal the vocabulary size 16, was 15");
    assertThatThrownBy(() -> m.nextTokenLogits(new int[] {-3}, 1, new float[16]))
        .hasMessage("token id at position 0 must be between 0 and 15, was -3");
  }

  /**
   * Interpolated Kneser–Ney written the textbook way with maps of lists, for comparison: slow,
   * obviously correct.
   */
  static final class NaiveKneserNey {
    final int order;
    final int vocab;
    final List<Map<List<Integer>, Integer>> counts = new ArrayList<>(); // index k: counts used at order k
    final double[] d;

    NaiveKneserNey(List<int[]> docs, int order, int vocab) {
      this.order = order;
      this.vocab = vocab;
      this.d = new double[order + 1];
      counts.add(null);
      for (int k = 1; k <= order; k++) {
        Map<List<Integer>, Integer> c = new HashMap<>();
        if (k == order) {
          for (int[] doc : docs) {
            for (int i = k - 1; i < doc.length; i++) {
              c.merge(gram(doc, i - k + 1, k), 1, Integer::sum);
            }
          }
        } else {
          Map<List<Integer>, Set<Integer>> left = new HashMap<>(); // -1 stands for the document start
          for (int[] doc : docs) {
            for (int i = k - 1; i < doc.length; i++) {
              int from = i - k + 1;
              left.computeIfAbsent(gram(doc, from, k), g -> new HashSet<>()).add(from == 0 ? -1 : doc[from - 1]);
            }
          }
          left.forEach((g, s) -> c.put(g, s.size()));
        }
        counts.add(c);
        long n1 = c.values().stream().filter(x -> x == 1).count();
        long n2 = c.values().stream().filter(x -> x == 2).count();
        d[k] = n1 == 0 || n2 == 0 ? 0.5 : Math.min(0.9, Math.max(0.1, (double) n1 / (n1 + 2.0 * n2)));
      }
    }

    static List<Integer> gram(int[] t, int from, int k) {
      List<Integer> g = new ArrayList<>();
      for (int i = from; i < from + k; i++) {
        g.add(t[i]);
      }
      return g;
    }

    double probability(int[] ctx, int len, int w) {
      int h = Math.min(order - 1, len);
      return p(gram(ctx, len - h, h), w);
    }

    private double p(List<Integer> h, int w) {
      int k = h.size() + 1;
      Map<List<Integer>, Integer> c = counts.get(k);
      if (k == 1) {
        long total = c.values().stream().mapToLong(Integer::intValue).sum();
        double types = c.size();
        Integer cw = c.get(List.of(w));
        return Math.max((cw == null ? 0 : cw) - d[1], 0) / total + d[1] * types / total / vocab;
      }
      long total = 0;
      int types = 0;
      for (Map.Entry<List<Integer>, Integer> e : c.entrySet()) {
        if (e.getKey().subList(0, k - 1).equals(h)) {
          total += e.getValue();
          types++;
        }
      }
      List<Integer> shorter = h.subList(1, h.size());
      if (total == 0) {
        return p(shorter, w);
      }
      List<Integer> g = new ArrayList<>(h);
      g.add(w);
      Integer cw = c.get(g);
      return Math.max((cw == null ? 0 : cw) - d[k], 0) / total + d[k] * types / total * p(shorter, w);
    }
  }
}
