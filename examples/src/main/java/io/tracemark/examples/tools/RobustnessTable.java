package io.tracemark.examples.tools;

import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.KgwSpec;
import io.tracemark.core.Watermarks;
import io.tracemark.core.stats.Localization;
import io.tracemark.core.stats.Localizer;
import io.tracemark.examples.attack.Attack;
import io.tracemark.examples.attack.Attacks;
import io.tracemark.examples.attack.Homoglyphs;
import io.tracemark.examples.attack.ZeroWidth;
import io.tracemark.examples.demo.Seeds;
import io.tracemark.examples.attack.EmojiAttack;
import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The robustness table of docs/robustness.md. A tool, not a test (generation takes about an hour on
 * a shared 2-core machine): {@code java -cp examples/target/tracemark-examples.jar
 * io.tracemark.examples.tools.RobustnessTable generate|table [COUNT [EMOJI_COUNT [THREADS [DIR]]]]}
 * (defaults 200, 100, 2, {@code target/robustness}). {@code generate} has the demo's teacher write
 * COUNT watermarked answers of {@value #LENGTH} tokens per scheme, and EMOJI_COUNT under the emoji
 * attack, cached in DIR; {@code table} scores them (their first T tokens for each T of the table)
 * under every attack of {@link Attacks#table} against up to {@value #MAX_NULLS} human texts of T
 * tokens (consecutive slices of the 500 Brown documents), and prints AUC and TPR at the empirical
 * FPR {@value #FPR} of the global test, WinMax and the cover, each with its 95 % interval
 * half-width, then the one-block check (400 watermarked tokens inside 2,000–12,000 human tokens).
 * Everything is derived from the seed {@value #SEED}; the host text of copy-paste and the pool of
 * inserted tokens for answer i is a Brown slice at a fixed offset of i.
 */
public final class RobustnessTable {
  /** The schemes of the table: h ∈ {0, 1, 4}, left and self seeding, γ = 0.25, δ = 2. */
  static final List<String> SCHEMES = List.of("kgw:gamma=0.25,delta=2,h=1,seeding=left",
      "kgw:gamma=0.25,delta=2,h=0", "kgw:gamma=0.25,delta=2,h=4,seeding=left",
      "kgw:gamma=0.25,delta=2,h=4,seeding=self", "kgw:gamma=0.25,delta=2,h=1,seeding=self");
  /** The longest text of the table; shorter lengths are prefixes. */
  static final int LENGTH = 600;
  static final long SEED = 42;
  /** The symbol of the emoji attack. */
  static final String SYMBOL = " \uD83D\uDE00";
  /** The text lengths of the table. */
  static final int[] LENGTHS = {200, 600};
  /** The false-positive rate of the TPR columns. */
  static final double FPR = 1e-3;
  /** The normalisers of the table's normalised rows (the null texts are read through them too). */
  static final Normalization NORMALIZATION = Normalization.parse("invisible,nfc,skeleton,whitespace");
  /** At most this many human texts per length. */
  static final int MAX_NULLS = 3_000;

  private RobustnessTable() {}

  /** Runs the tool; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    String mode = args.length > 0 ? args[0] : "table";
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int emojiCount = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Path dir = Path.of(args.length > 4 ? args[4] : "target/robustness");
    List<String> schemes = args.length > 5 ? List.of(SCHEMES.get(Integer.parseInt(args[5]))) : SCHEMES;
    PrintStream out = System.out;
    TextTokenizer enc = Tokenizers.jtokkit(NGramModel.DEFAULT_TOKENIZER);
    long t0 = System.nanoTime();
    List<BrownTokens.Doc> docs = BrownTokens.documents(enc);
    WatermarkedSamples samples = new WatermarkedSamples(enc, docs, SEED);
    EmojiAttack emoji = new EmojiAttack(enc.encode(SYMBOL));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      if (mode.equals("generate") || mode.equals("generate-emoji")) {
        for (String s : mode.equals("generate") ? schemes : List.<String>of()) {
          long t = System.nanoTime();
          List<int[]> a = samples.answers(dir, KgwSpec.parse(s), count, LENGTH, null, pool);
          out.printf(Locale.ROOT, "%s: %d answers of %d tokens in %.1f s (total %.1f s)%n", s, a.size(), LENGTH,
              (System.nanoTime() - t) / 1e9, (System.nanoTime() - t0) / 1e9);
        }
        for (String s : schemes) {
          long t = System.nanoTime();
          List<int[]> a = samples.answers(dir, KgwSpec.parse(s), emojiCount, LENGTH, emoji, pool);
          out.printf(Locale.ROOT, "%s emoji: %d answers of %d tokens in %.1f s (total %.1f s)%n", s, a.size(),
              LENGTH, (System.nanoTime() - t) / 1e9, (System.nanoTime() - t0) / 1e9);
        }
      } else if (mode.equals("table")) {
        new Evaluation(enc, docs, samples, emoji, pool, out).run(dir, count, emojiCount, schemes);
      } else {
        throw new IllegalArgumentException("mode must be generate or table, was '" + mode + "'");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Scores the cached samples under every attack and prints the table in Markdown. */
  private static final class Evaluation {
    private final TextTokenizer enc;
    private final WatermarkedSamples samples;
    private final EmojiAttack emoji;
    private final ExecutorService pool;
    private final PrintStream out;
    private final int[] human;

    Evaluation(TextTokenizer enc, List<BrownTokens.Doc> docs, WatermarkedSamples samples, EmojiAttack emoji,
        ExecutorService pool, PrintStream out) {
      this.enc = enc;
      this.samples = samples;
      this.emoji = emoji;
      this.pool = pool;
      this.out = out;
      int total = docs.stream().mapToInt(d -> d.tokens().length).sum();
      human = new int[total];
      int w = 0;
      for (BrownTokens.Doc d : docs) {
        System.arraycopy(d.tokens(), 0, human, w, d.tokens().length);
        w += d.tokens().length;
      }
    }

    void run(Path dir, int count, int emojiCount, List<String> schemes) throws IOException {
      out.printf(Locale.ROOT, "human tokens (all 500 Brown documents, concatenated): %,d%n", human.length);
      for (String s : schemes) {
        KgwSpec spec = KgwSpec.parse(s);
        boolean plain = samples.cached(dir, spec, count, LENGTH, null);
        List<int[]> emojiAnswers = samples.cached(dir, spec, emojiCount, LENGTH, emoji)
            ? samples.answers(dir, spec, emojiCount, LENGTH, emoji, pool) : null;
        if (!plain) {
          out.printf(Locale.ROOT, "%n%s: no cached sample of %d answers%s%n", s, count,
              emojiAnswers == null ? ", skipped" : ": the emoji attack only");
          if (emojiAnswers == null) {
            continue;
          }
        }
        List<int[]> answers = plain ? samples.answers(dir, spec, count, LENGTH, null, pool) : List.of();
        Detector detector = Watermarks.create(samples.key(), spec, enc.vocabularySize()).detector()
            .withParallelism(1);
        for (int length : LENGTHS) {
          long t0 = System.nanoTime();
          int nullCount = Math.min(MAX_NULLS, human.length / length);
          double[][] nulls = scores(detector, nullCount, i -> Arrays.copyOfRange(human, i * length, (i + 1) * length));
          double[] thresholds = new double[3];
          for (int m = 0; m < 3; m++) {
            thresholds[m] = RobustnessStats.threshold(nulls[m], FPR);
          }
          out.printf(Locale.ROOT, "%n### %s, T = %d (%d watermarked texts, %d human texts; empirical threshold at "
              + "FPR %s: -log10 p > %.2f global, %.2f WinMax, %.2f cover)%n%n", s, length, answers.size(),
              nullCount, FPR, thresholds[0], thresholds[1], thresholds[2]);
          out.println("| attack | n | AUC global | AUC WinMax | AUC cover | TPR global | TPR WinMax | TPR cover |");
          out.println("|---|---|---|---|---|---|---|---|");
          List<Attack> attacks = new ArrayList<>();
          if (plain) {
            attacks.add(null);
            attacks.addAll(Attacks.table(length, enc, samples.teacher()));
          }
          for (Attack a : attacks) {
            String label = a == null ? "none" : a.label();
            double[][] pos = scores(detector, answers.size(), i -> {
              int[] text = Arrays.copyOf(answers.get(i), length);
              if (a == null) {
                return text;
              }
              int offset = (int) Math.floorMod(i * 104_729L + length * 7_919L, (long) (human.length - length));
              int[] host = Arrays.copyOfRange(human, offset, offset + length);
              return a.apply(text, host, Seeds.stream(SEED, label + "/" + length, i));
            });
            row(label, pos, nulls, thresholds);
          }
          if (plain) {
            // the character attacks again, read through the verifier's normalisers (nulls too)
            TextPipeline normalised = new TextPipeline(enc, NORMALIZATION);
            double[][] nullsN = scores(detector, nullCount,
                i -> normalised.detectionTokens(Arrays.copyOfRange(human, i * length, (i + 1) * length)));
            double[] thresholdsN = new double[3];
            for (int m = 0; m < 3; m++) {
              thresholdsN[m] = RobustnessStats.threshold(nullsN[m], FPR);
            }
            for (Attack a : attacks) {
              if (a == null || a instanceof Homoglyphs || a instanceof ZeroWidth
                  || a instanceof io.tracemark.examples.attack.Whitespace) {
                String label = a == null ? "none" : a.label();
                row(label + ", read with --normalize " + NORMALIZATION.label().replace('+', ','),
                    scores(detector, answers.size(), i -> {
                      int[] text = Arrays.copyOf(answers.get(i), length);
                      return normalised.detectionTokens(a == null ? text
                          : a.apply(text, new int[0], Seeds.stream(SEED, label + "/" + length, i)));
                    }), nullsN, thresholdsN);
              }
            }
          }
          if (emojiAnswers != null) {
            row("emoji (generation with a symbol after every token, symbols removed)",
                scores(detector, emojiAnswers.size(), i -> Arrays.copyOf(emojiAnswers.get(i), length)), nulls,
                thresholds);
          }
          out.printf(Locale.ROOT, "%n(%.0f s)%n", (System.nanoTime() - t0) / 1e9);
        }
        if (plain && s.equals(SCHEMES.get(0))) {
          block(detector, answers);
        }
      }
    }

    /** One 400-token watermarked block inside human text of growing length: global, WinMax and cover log10 p. */
    private void block(Detector detector, List<int[]> answers) {
      int blocks = Math.min(30, answers.size());
      out.printf(Locale.ROOT, "%n### One 400-token watermarked block inside human text (%s, %d documents each)%n%n",
          SCHEMES.get(0), blocks);
      out.println("| human tokens | global log10 p median (best) | cover corrected log10 p median (worst) "
          + "| WinMax corrected median (worst) | cover region inside the block (median share) |");
      out.println("|---|---|---|---|---|");
      for (int hostLength : new int[] {2_000, 4_000, 8_000, 12_000}) {
        double[] g = new double[blocks];
        double[] c = new double[blocks];
        double[] w = new double[blocks];
        double[] inside = new double[blocks];
        List<Future<double[]>> futures = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
          int index = i;
          futures.add(pool.submit(() -> {
            SplittableRandom r = Seeds.stream(SEED, "block/" + hostLength, index);
            int offset = r.nextInt(human.length - hostLength);
            int at = r.nextInt(hostLength + 1);
            int[] doc = new int[hostLength + 400];
            System.arraycopy(human, offset, doc, 0, at);
            System.arraycopy(answers.get(index), 0, doc, at, 400);
            System.arraycopy(human, offset + at, doc, at + 400, hostLength - at);
            Detection d = detector.detect(doc);
            Localization.Region cr = Localizer.cover().localize(d).best();
            Localization.Region wr = Localizer.winMax().localize(d).best();
            double overlap = Math.max(0, Math.min(cr.end(), at + 400) - Math.max(cr.start(), at));
            return new double[] {d.log10PValue(), cr.correctedLog10P(), wr.correctedLog10P(),
                overlap / Math.max(1, cr.end() - cr.start())};
          }));
        }
        for (int i = 0; i < blocks; i++) {
          double[] v = join(futures.get(i));
          g[i] = v[0];
          c[i] = v[1];
          w[i] = v[2];
          inside[i] = v[3];
        }
        Arrays.sort(g);
        Arrays.sort(c);
        Arrays.sort(w);
        Arrays.sort(inside);
        out.printf(Locale.ROOT, "| %,d | %.1f (%.1f) | %.1f (%.1f) | %.1f (%.1f) | %.2f |%n", hostLength,
            median(g), g[0], median(c), c[blocks - 1], median(w), w[blocks - 1], median(inside));
      }
    }

    private void row(String label, double[][] pos, double[][] nulls, double[] thresholds) {
      StringBuilder b = new StringBuilder("| " + label + " | " + pos[0].length);
      for (int m = 0; m < 3; m++) {
        double auc = RobustnessStats.auc(pos[m], nulls[m]);
        b.append(String.format(Locale.ROOT, " | %.3f ±%.3f", auc,
            RobustnessStats.aucHalfWidth(auc, pos[m].length, nulls[m].length)));
      }
      for (int m = 0; m < 3; m++) {
        double tpr = RobustnessStats.tpr(pos[m], thresholds[m]);
        b.append(String.format(Locale.ROOT, " | %.3f ±%.3f", tpr, RobustnessStats.wilsonHalfWidth(tpr, pos[m].length)));
      }
      out.println(b.append(" |"));
      out.flush();
    }

    /** −log10 p of the global test, WinMax and the cover (corrected) for texts 0 … n − 1, in parallel. */
    private double[][] scores(Detector detector, int n, IntFunction<int[]> texts) {
      double[][] s = new double[3][n];
      int chunks = Math.min(n, 16);
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < chunks; c++) {
        int from = (int) ((long) n * c / chunks);
        int to = (int) ((long) n * (c + 1) / chunks);
        futures.add(pool.submit(() -> {
          for (int i = from; i < to; i++) {
            Detection d = detector.detect(texts.apply(i));
            s[0][i] = -d.log10PValue();
            s[1][i] = d.tuplesScored() == 0 ? 0 : -Localizer.winMax().localize(d).best().correctedLog10P();
            s[2][i] = d.tuplesScored() == 0 ? 0 : -Localizer.cover().localize(d).best().correctedLog10P();
          }
        }));
      }
      for (Future<?> f : futures) {
        join(f);
      }
      return s;
    }

    private static double median(double[] sorted) {
      int n = sorted.length;
      return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static <T> T join(Future<T> f) {
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }
}
