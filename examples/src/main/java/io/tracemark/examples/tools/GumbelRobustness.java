package io.tracemark.examples.tools;

import io.tracemark.api.Detector;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.sampling.Multinomial;
import io.tracemark.examples.attack.Attack;
import io.tracemark.examples.attack.Attacks;
import io.tracemark.examples.demo.Seeds;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The gumbel rows of docs/robustness.md: the plain gamma-sum test ({@code score=sum}) against the
 * windowed test ({@code score=windowed}) under the token attacks of {@link Attacks}. A tool, not a
 * test: {@code java -cp examples/target/tracemark-examples.jar io.tracemark.examples.tools.GumbelRobustness
 * [COUNT [NULLS]]} (defaults 200 and 1,000).
 *
 * <p>Texts come from a synthetic model (the same loop for watermarked and human text): V =
 * {@value #VOCAB}, logits N(0, {@value #SIGMA}²) at each step (V entries of a fixed pool of 2^20 normal draws
 * at a random start and odd stride; about 3.3 nats per step); COUNT watermarked texts of {@value #LENGTH} tokens per scheme (T = 200 uses their first 200)
 * after a 4-token random prompt, and NULLS unwatermarked texts per length, whose tokens are also
 * the host texts and the inserted and substituted tokens of the attacks. Both tests' p-values are
 * exact (sum) or conservative (windowed), so a text is detected when p ≤ {@value #ALPHA}; the human
 * texts flagged at the same level are printed as a check. Everything is derived from seed
 * {@value #SEED}.
 */
public final class GumbelRobustness {
  static final int VOCAB = 5_000;
  static final double SIGMA = 4.0;
  static final int LENGTH = 600;
  static final int[] LENGTHS = {200, 600};
  static final double ALPHA = 1e-3;
  static final long SEED = 42;
  static final List<String> SCHEMES = List.of("gumbel:h=1", "gumbel:h=4", "gumbel:h=4,dual,alpha=0.1");
  static final List<String> ATTACKS = List.of("delete:rate=10%", "delete:rate=40%", "insert:rate=10%",
      "insert:rate=40%", "substitute:rate=10%", "substitute:rate=40%", "copy-paste:x=25%,k=1",
      "copy-paste:x=10%,k=1", "copy-paste:x=25%,k=3");

  private GumbelRobustness() {}

  /** Runs the tool; see the class comment for the arguments. */
  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int nulls = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    PrintStream out = System.out;
    byte[] secret = new byte[32];
    Seeds.stream(SEED, "gumbel-robustness/key", 0).nextBytes(secret);
    WatermarkKey key = WatermarkKey.fromBytes(secret);
    long t0 = System.nanoTime();
    int[][][] human = new int[LENGTHS.length][nulls][];
    for (int l = 0; l < LENGTHS.length; l++) {
      for (int i = 0; i < nulls; i++) {
        human[l][i] = generate(null, LENGTHS[l], Seeds.stream(SEED, "human/" + LENGTHS[l], i));
      }
    }
    for (String s : SCHEMES) {
      GumbelSpec spec = GumbelSpec.parse(s);
      Watermark wm = Watermarks.create(key, spec, VOCAB);
      Detector sum = wm.detector();
      Detector windowed = Watermarks.create(key, spec.withScore(GumbelSpec.Score.WINDOWED), VOCAB).detector();
      int[][] answers = new int[count][];
      for (int i = 0; i < count; i++) {
        answers[i] = generate(wm.sampling().orElseThrow(), LENGTH, Seeds.stream(SEED, s + "/answer", i));
      }
      for (int l = 0; l < LENGTHS.length; l++) {
        int length = LENGTHS[l];
        int flaggedSum = 0;
        int flaggedWindowed = 0;
        for (int[] text : human[l]) {
          flaggedSum += sum.detect(text).log10PValue() <= Math.log10(ALPHA) ? 1 : 0;
          flaggedWindowed += windowed.detect(text).log10PValue() <= Math.log10(ALPHA) ? 1 : 0;
        }
        out.printf(Locale.ROOT, "%n### %s, T = %d (%d watermarked texts; human texts flagged at p <= %s: sum %d / %d, "
            + "windowed %d / %d; %.0f s)%n%n", spec.canonical(), length, count, ALPHA, flaggedSum, nulls,
            flaggedWindowed, nulls, (System.nanoTime() - t0) / 1e9);
        out.println("| attack | TPR sum | TPR windowed | median log10 p sum | median log10 p windowed |");
        out.println("|---|---|---|---|---|");
        row(out, "none", null, answers, human[l], length, sum, windowed);
        for (String a : ATTACKS) {
          row(out, a, Attacks.parse(a, null, null), answers, human[l], length, sum, windowed);
        }
      }
    }
  }

  private static void row(PrintStream out, String label, Attack attack, int[][] answers, int[][] human, int length,
      Detector sum, Detector windowed) {
    int n = answers.length;
    double[] ps = new double[n];
    double[] pw = new double[n];
    for (int i = 0; i < n; i++) {
      int[] text = Arrays.copyOf(answers[i], length);
      if (attack != null) {
        text = attack.apply(text, human[i % human.length], Seeds.stream(SEED, label + "/" + length, i));
      }
      ps[i] = sum.detect(text).log10PValue();
      pw[i] = windowed.detect(text).log10PValue();
    }
    out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.1f | %.1f |%n", label, share(ps), share(pw), median(ps),
        median(pw));
  }

  private static double share(double[] log10p) {
    int k = 0;
    for (double x : log10p) {
      k += x <= Math.log10(ALPHA) ? 1 : 0;
    }
    return (double) k / log10p.length;
  }

  private static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /** A pool of N(0, σ²) logits; each step reads V of them at a random start and odd stride (distinct entries). */
  private static final float[] POOL = pool();

  private static float[] pool() {
    SplittableRandom random = Seeds.stream(SEED, "gumbel-robustness/pool", 0);
    float[] p = new float[1 << 20];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (SIGMA * random.nextGaussian());
    }
    return p;
  }

  /** A text of {@code n} tokens after a 4-token prompt (not returned): watermarked by {@code s}, or plain draws. */
  static int[] generate(SamplingScheme s, int n, SplittableRandom random) {
    int[] tokens = new int[n + 4];
    for (int i = 0; i < 4; i++) {
      tokens[i] = random.nextInt(VOCAB);
    }
    float[] logits = new float[VOCAB];
    Multinomial draw = new Multinomial();
    int mask = POOL.length - 1;
    for (int i = 4; i < tokens.length; i++) {
      int start = random.nextInt(POOL.length);
      int stride = random.nextInt(POOL.length) | 1;
      for (int t = 0; t < VOCAB; t++) {
        logits[t] = POOL[(start + stride * t) & mask];
      }
      tokens[i] = s == null ? draw.draw(logits, random) : s.sample(tokens, i, logits, random);
    }
    return Arrays.copyOfRange(tokens, 4, tokens.length);
  }
}
