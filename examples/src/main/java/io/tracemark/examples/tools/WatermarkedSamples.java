package io.tracemark.examples.tools;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.examples.attack.EmojiAttack;
import io.tracemark.examples.demo.Answers;
import io.tracemark.examples.demo.BrownSplit;
import io.tracemark.examples.demo.Prompts;
import io.tracemark.examples.demo.Seeds;
import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.examples.loop.SamplingLoop;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The watermarked answers of the robustness table: the demo's teacher (order-4 Kneser–Ney on the
 * owner's half of Brown, top-k 50) answers the first words of held-out Brown sentences with the
 * watermark on, once per scheme, and the answers are cached under a directory (the table's
 * {@code target/robustness}) so that every attack reads the same sample. The emoji attack needs its
 * own generation ({@link EmojiAttack}). Prompt i of a sample always draws from its own generator,
 * so a sample does not depend on the number of threads.
 */
final class WatermarkedSamples {
  /** The teacher's top-k, as in the demo. */
  static final int TOP_K = 50;

  private final TextTokenizer tokenizer;
  private final List<BrownTokens.Doc> documents;
  private final long seed;
  private NGramModel teacher;
  private List<int[]> prompts;

  WatermarkedSamples(TextTokenizer tokenizer, List<BrownTokens.Doc> documents, long seed) {
    this.tokenizer = tokenizer;
    this.documents = documents;
    this.seed = seed;
  }

  /** The key of every sample (derived from the seed, as the demo's). */
  WatermarkKey key() {
    return Seeds.demoKey(seed);
  }

  /**
   * The cached answers of {@code count} prompts, {@code length} tokens each, under {@code spec}
   * (with the emoji attack when {@code emoji} is not null), generating and caching them when absent.
   */
  List<int[]> answers(Path dir, KgwSpec spec, int count, int length, EmojiAttack emoji, ExecutorService pool)
      throws IOException {
    Path file = file(dir, spec, count, length, emoji);
    if (Files.exists(file)) {
      return read(file);
    }
    List<int[]> out = generate(spec, count, length, emoji, pool);
    Files.createDirectories(dir);
    SafeFiles.replace(file, write(out));
    return out;
  }

  /** Whether the sample is cached. */
  boolean cached(Path dir, KgwSpec spec, int count, int length, EmojiAttack emoji) {
    return Files.exists(file(dir, spec, count, length, emoji));
  }

  private Path file(Path dir, KgwSpec spec, int count, int length, EmojiAttack emoji) {
    return dir.resolve(String.format(Locale.ROOT, "wm-%s-%s-n%d-T%d-seed%d.bin",
        spec.canonical().replaceAll("[^A-Za-z0-9.]+", "_"), emoji == null ? "plain" : "emoji", count, length, seed));
  }

  private synchronized void ensureTeacher() {
    if (teacher == null) {
      BrownSplit split = BrownSplit.of(documents);
      teacher = NGramModel.train(split.ownerHuman(), NGramModel.DEFAULT_ORDER, tokenizer.vocabularySize(),
          NGramModel.DEFAULT_TOKENIZER);
      List<BrownTokens.Doc> held = new ArrayList<>(split.ownerPromptDocs());
      held.addAll(split.competitorPromptDocs());
      List<int[]> p = new ArrayList<>();
      for (String s : Prompts.sentenceStarts(held, 1000, 6, Seeds.stream(seed, "robustness-prompts", 0))) {
        p.add(tokenizer.encode(s));
      }
      prompts = List.copyOf(p);
    }
  }

  NGramModel teacher() {
    ensureTeacher();
    return teacher;
  }

  private List<int[]> generate(KgwSpec spec, int count, int length, EmojiAttack emoji, ExecutorService pool) {
    ensureTeacher();
    Watermark wm = Watermarks.create(key(), spec, tokenizer.vocabularySize());
    BiasScheme bias = wm.bias().orElseThrow();
    String purpose = "robustness-" + spec.canonical() + (emoji == null ? "" : "-emoji");
    List<int[]> use = prompts.subList(0, count);
    if (emoji == null) {
      return Answers.generate(SamplingLoop.of(teacher).withTopK(TOP_K).withWatermark(bias), use, length, seed,
          purpose, pool);
    }
    List<Future<int[]>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int[] prompt = use.get(i);
      int index = i;
      futures.add(pool.submit(() -> {
        SamplingLoop loop = SamplingLoop.of(teacher).withTopK(TOP_K).withWatermark(emoji.biasFor(bias, prompt.length));
        int[] all = loop.generate(prompt, length, Seeds.stream(seed, purpose, index));
        return java.util.Arrays.copyOfRange(all, prompt.length, all.length);
      }));
    }
    List<int[]> out = new ArrayList<>(count);
    for (Future<int[]> f : futures) {
      try {
        out.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    return out;
  }

  static byte[] write(List<int[]> texts) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(texts.size());
      for (int[] t : texts) {
        out.writeInt(t.length);
        for (int v : t) {
          out.writeInt(v);
        }
      }
    }
    return bytes.toByteArray();
  }

  static List<int[]> read(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(
        new java.io.BufferedInputStream(raw))) {
      int n = in.readInt();
      List<int[]> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int[] t = new int[in.readInt()];
        for (int j = 0; j < t.length; j++) {
          t[j] = in.readInt();
        }
        out.add(t);
      }
      return out;
    }
  }
}
