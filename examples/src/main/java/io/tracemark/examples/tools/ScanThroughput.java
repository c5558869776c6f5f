package io.tracemark.examples.tools;

import io.tracemark.api.Detector;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.core.keys.KeyFiles;
import io.tracemark.verifier.input.Fields;
import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.input.JsonlRecordParser;
import io.tracemark.verifier.input.LineSplitter;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The corpus and the single-machine baseline of the ScanJob throughput table in {@code docs/spark.md}.
 *
 * <ul>
 *   <li>{@code generate DIR TOKENS FILES SEED} writes {@code DIR/key.json} (a key made from the seed: a tool's key,
 *       never one to watermark with) and about TOKENS tokens of JSONL documents ({@code {"id":…,"text":…}}) in FILES
 *       files {@code DIR/corpus/part-NNN.jsonl}: documents of 1,000 to 5,000 cl100k_base tokens, each token a common
 *       lower-case word with a leading space (so the text tokenizes back to the same ids); 3 % of the documents are
 *       watermarked with {@code kgw:gamma=0.25,delta=2,h=1} at a green fraction between 0.3 and 0.5.
 *   <li>{@code detect DIR} scores every document of {@code DIR/corpus} in one thread, as {@code tracemark detect}
 *       scores one text and as ScanJob's executors score each document: the same JSONL record parser, text
 *       pipeline (cl100k_base, no normalisation) and detector (dedup window+token), then Benjamini–Hochberg at q =
 *       0.01 over the documents' log10 p-values; prints the documents, tokens, flagged count and the thread's CPU
 *       time. {@code tracemark detect} itself reads one text per run, so this loop is the single-machine baseline.
 * </ul>
 */
public final class ScanThroughput {
  private static final String SPEC = "kgw:gamma=0.25,delta=2,h=1";

  private ScanThroughput() {}

  /** Runs {@code generate} or {@code detect} (class comment). */
  public static void main(String[] args) throws IOException {
    if (args.length == 5 && args[0].equals("generate")) {
      generate(Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
    } else if (args.length == 2 && args[0].equals("detect")) {
      detect(Path.of(args[1]));
    } else {
      System.err.println("usage: ScanThroughput generate DIR TOKENS FILES SEED | detect DIR");
      System.exit(2);
    }
  }

  /** The word tokens of cl100k_base: a space and 3 to 10 lower-case ASCII letters, one token each. */
  private static int[] words(TextTokenizer tok) {
    List<Integer> w = new ArrayList<>();
    for (int id = 0; id < 100_000 && w.size() < 8192; id++) {
      String s;
      try {
        s = tok.decode(new int[] {id});
      } catch (RuntimeException e) {
        continue; // a byte-level token that is not text on its own
      }
      if (s.matches(" [a-z]{3,10}") && Arrays.equals(tok.encode(s), new int[] {id})) {
        w.add(id);
      }
    }
    return w.stream().mapToInt(Integer::intValue).toArray();
  }

  private static void generate(Path dir, long tokens, int files, long seed) throws IOException {
    TextTokenizer tok = Tokenizers.jtokkit("cl100k_base");
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] secret = new byte[32];
    rnd.nextBytes(secret);
    WatermarkKey key = WatermarkKey.fromBytes(secret);
    Files.createDirectories(dir.resolve("corpus"));
    KeyFiles.write(key, dir.resolve("key.json"));
    Watermark wm = Watermarks.create(key, SchemeSpec.parse(SPEC), tok.vocabularySize());
    TokenScorer scorer = wm.scorer();
    int[] words = words(tok);
    String[] text = new String[tok.vocabularySize()];
    for (int w : words) {
      text[w] = tok.decode(new int[] {w});
    }
    long perFile = tokens / files;
    long[] counts = new long[3]; // tokens written, documents, watermarked documents
    int[] t = new int[5000];
    for (int f = 0; f < files; f++) {
      Path out = dir.resolve("corpus").resolve(String.format(Locale.ROOT, "part-%03d.jsonl", f));
      // a temporary file beside it, forced and renamed: an interrupted run never leaves a truncated part
      SafeFiles.replace(out, os -> {
        BufferedWriter o = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
        long inFile = 0;
        while (inFile < perFile) {
          int n = (int) Math.min(1000 + rnd.nextInt(4001), Math.max(1000, perFile - inFile));
          boolean watermarked = rnd.nextInt(100) < 3;
          double green = watermarked ? 0.3 + 0.2 * rnd.nextDouble() : 0.25;
          t[0] = words[rnd.nextInt(words.length)];
          for (int i = 1; i < n; i++) {
            boolean wantGreen = rnd.nextDouble() < (green - 0.25) / 0.75;
            for (int tries = 0; tries < 64; tries++) {
              t[i] = words[rnd.nextInt(words.length)];
              if (!wantGreen || scorer.score(t, i) >= 1) {
                break;
              }
            }
          }
          o.write("{\"id\":\"d");
          o.write(Long.toString(counts[1]));
          o.write("\",\"text\":\"");
          for (int i = 0; i < n; i++) {
            o.write(text[t[i]]);
          }
          o.write("\"}\n");
          inFile += n;
          counts[1]++;
          counts[2] += watermarked ? 1 : 0;
        }
        counts[0] += inFile;
        o.flush();
      });
    }
    System.out.printf(Locale.ROOT, "%d documents (%d watermarked), %d tokens in %d files, %d words%n", counts[1],
        counts[2], counts[0], files, words.length);
  }

  private static void detect(Path dir) throws IOException {
    long cpu0 = cpu();
    long wall0 = System.nanoTime();
    TextTokenizer tok = Tokenizers.jtokkit("cl100k_base");
    WatermarkKey key = KeyFiles.readFile(dir.resolve("key.json")).key();
    Watermark wm = Watermarks.create(key, SchemeSpec.parse(SPEC), tok.vocabularySize());
    Detector detector = wm.detector(wm.defaultDedup());
    JsonlRecordParser parser = new JsonlRecordParser(Fields.DEFAULT, new TextPipeline(tok, Normalization.NONE),
        tok.vocabularySize(), null, Inputs.DEFAULT_MAX_RECORD_BYTES);
    List<Path> files;
    try (Stream<Path> s = Files.list(dir.resolve("corpus"))) {
      files = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
    }
    double[] log10P = new double[1 << 16];
    int docs = 0;
    long tokens = 0;
    for (Path file : files) {
      try (InputStream in = Inputs.decompressed(Files.newInputStream(file))) {
        LineSplitter lines = new LineSplitter(in, file.toString(), Inputs.DEFAULT_MAX_RECORD_BYTES);
        for (byte[] line = lines.nextRecord(); line != null; line = lines.nextRecord()) {
          JsonlRecordParser.Parsed p = parser.parseLine(file + ":" + lines.line(), line);
          if (p.record() == null) {
            throw new IOException(p.where() + ": " + p.reason());
          }
          int[] t = p.record().tokens();
          if (docs == log10P.length) {
            log10P = Arrays.copyOf(log10P, docs * 2);
          }
          log10P[docs++] = detector.detect(t).log10PValue();
          tokens += t.length;
        }
      }
    }
    // Benjamini–Hochberg at q = 0.01 in log10 space: k = max{i : log10 p_(i) <= log10(i q / m)}
    double[] sorted = Arrays.copyOf(log10P, docs);
    Arrays.sort(sorted);
    int k = 0;
    for (int i = 1; i <= docs; i++) {
      if (sorted[i - 1] <= Math.log10(i * 0.01 / docs)) {
        k = i;
      }
    }
    double cpu = (cpu() - cpu0) / 1e9;
    double wall = (System.nanoTime() - wall0) / 1e9;
    System.out.printf(Locale.ROOT, "detect, one thread: %d documents, %d tokens, %d flagged at q=0.01 (bh); thread "
        + "CPU %.1f s (%.2f M tokens per CPU-second), wall %.1f s%n", docs, tokens, k, cpu, tokens / cpu / 1e6, wall);
  }

  private static long cpu() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }
}
