package io.tracemark.jmh;

import io.tracemark.api.Detector;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.PayloadDetection;
import io.tracemark.api.TokenSampler;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.PayloadDecoder;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.Keys;
import io.tracemark.core.sampling.Samplers;
import io.tracemark.core.stats.PValues;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The table of docs/payload.md: tokens needed to name one tenant out of 10^2, 10^4, 10^6 at
 * α = 1e-6 with a multi-bit payload (b = 8, 14, 20 bits in 2-bit symbols) and with per-tenant keys
 * tested with Holm, computed from the exact nulls and measured in a synthetic sampling loop
 * (Zipf(1.5) over 32,000 tokens shuffled at each step, 3.14 nats, γ = 0.25, δ = 2, h = 1), and
 * the decoding time of each. A tool, not a test: {@code java -cp jmh/target/benchmarks.jar
 * io.tracemark.jmh.PayloadComparison [sequences] [max-tokens]}.
 */
public final class PayloadComparison {
  static final int VOCAB = 32_000;
  static final double ALPHA = 1e-6;
  static final int[] BITS = {8, 14, 20};
  static final int[] LOG10_TENANTS = {2, 4, 6};

  private PayloadComparison() {}

  /** A fixed public key (seed 1): the tables are reproducible, and no secret is involved. */
  static WatermarkKey publicKey() {
    byte[] fixed = new byte[WatermarkKey.LENGTH];
    new SplittableRandom(1).nextBytes(fixed);
    return WatermarkKey.fromBytes(fixed);
  }

  /** The synthetic model's logit profile over the vocabulary: Zipf-like, -1.5 ln(rank). */
  static float[] zipfProfile() {
    float[] profile = new float[VOCAB];
    for (int q = 0; q < VOCAB; q++) {
      profile[q] = (float) (-1.5 * Math.log(q + 1));
    }
    return profile;
  }

  /** Runs the comparison and prints its tables. */
  public static void main(String[] args) {
    int sequences = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int maxTokens = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int step = 50;
    WatermarkKey master = publicKey();
    SplittableRandom r = new SplittableRandom(2026);
    float[] profile = zipfProfile();
    int prefixes = maxTokens / step;
    // payload: [bits][prefix] sequences decoded right at p < alpha
    int[][] payloadRight = new int[BITS.length][prefixes];
    long greenSum = 0;
    long scoredSum = 0;
    for (int b = 0; b < BITS.length; b++) {
      KgwSpec spec = KgwSpec.parse("kgw:payload=" + BITS[b] + ",symbol-bits=2,delta=2,h=1");
      PayloadDecoder decoder = Watermarks.payloadDecoder(master, spec, VOCAB);
      for (int s = 0; s < sequences; s++) {
        long message = r.nextLong() >>> (64 - BITS[b]);
        Watermark wm = Watermarks.create(master, spec, VOCAB, message);
        int[] tokens = generate(wm, maxTokens, profile, r);
        for (int p = 0; p < prefixes; p++) {
          PayloadDetection d = decoder.decode(java.util.Arrays.copyOf(tokens, (p + 1) * step));
          payloadRight[b][p] += d.message() == message && d.significantAt(ALPHA) ? 1 : 0;
        }
        PayloadDetection whole = decoder.decode(tokens);
        greenSum += wm.detector().detect(tokens).green();
        scoredSum += whole.tuplesScored();
      }
    }
    // per-tenant keys: the true tenant's p must pass Holm's first step, alpha / N
    KgwSpec kgw = KgwSpec.of(0.25, 2, 1);
    int[][] tenantRight = new int[LOG10_TENANTS.length][prefixes];
    for (int s = 0; s < sequences; s++) {
      Watermark wm = Watermarks.create(Keys.tenant(master, s), kgw, VOCAB);
      int[] tokens = generate(wm, maxTokens, profile, r);
      for (int p = 0; p < prefixes; p++) {
        double log10p = wm.detector().detect(java.util.Arrays.copyOf(tokens, (p + 1) * step)).log10PValue();
        for (int n = 0; n < LOG10_TENANTS.length; n++) {
          tenantRight[n][p] += log10p <= Math.log10(ALPHA) - LOG10_TENANTS[n] ? 1 : 0;
        }
      }
    }
    double q = (double) greenSum / scoredSum;
    System.out.printf(Locale.ROOT, "green rate under the watermark q = %.4f (%d sequences of %d tokens)%n", q,
        sequences * BITS.length, maxTokens);
    System.out.println("tenants | payload bits | exact null: payload tokens | exact null: keys+Holm tokens "
        + "| measured: payload (90% right, p<1e-6) | measured: keys+Holm (90% p<1e-6/N)");
    for (int i = 0; i < BITS.length; i++) {
      System.out.printf(Locale.ROOT, "10^%d | %d | %d | %d | %s | %s%n", LOG10_TENANTS[i], BITS[i],
          payloadTokensExact(master, BITS[i], q), keysTokensExact(LOG10_TENANTS[i], q),
          firstReaching(payloadRight[i], sequences, step), firstReaching(tenantRight[i], sequences, step));
    }
    timing(master, profile, r);
  }

  /** The first prefix where 90 % of the sequences succeed, or "> max". */
  static String firstReaching(int[] right, int sequences, int step) {
    for (int p = 0; p < right.length; p++) {
      if (right[p] * 10 >= sequences * 9) {
        return Integer.toString((p + 1) * step);
      }
    }
    return "> " + right.length * step;
  }

  /** Fewest tokens whose expected green count (q·n) gives a log10 p ≤ log10(α / N) to one binomial test. */
  static int keysTokensExact(int log10Tenants, double q) {
    for (int n = 1; ; n++) {
      if (PValues.log10BinomialUpperTail(n, (long) Math.ceil(q * n), 0.25) <= Math.log10(ALPHA) - log10Tenants) {
        return n;
      }
    }
  }

  /**
   * Fewest tokens whose expected counts (n / L units per symbol, q of them of the message's colour,
   * the rest spread evenly) give the payload's exact corrected log10 p ≤ log10 α.
   */
  static int payloadTokensExact(WatermarkKey key, int bits, double q) {
    KgwSpec spec = KgwSpec.parse("kgw:payload=" + bits + ",symbol-bits=2");
    PayloadDecoder decoder = Watermarks.payloadDecoder(key, spec, VOCAB);
    int symbols = spec.symbols();
    for (int n = symbols; ; n += symbols) {
      long[][] counts = new long[symbols][4];
      int per = n / symbols;
      long green = Math.round(q * per);
      for (long[] row : counts) {
        row[0] = green;
        long rest = per - green;
        for (int c = 1; c < 4; c++) {
          row[c] = rest / 3 + (c <= rest % 3 ? 1 : 0);
        }
      }
      if (decoder.decodeCounts(counts, n).log10PValue() <= Math.log10(ALPHA)) {
        return n;
      }
    }
  }

  /** Decoding time of one 400-token text: the payload decoder, and N per-tenant detectors (N = 100, 10,000). */
  static void timing(WatermarkKey master, float[] profile, SplittableRandom r) {
    int length = 400;
    KgwSpec spec = KgwSpec.parse("kgw:payload=20,symbol-bits=2,delta=2,h=1");
    int[] tokens = generate(Watermarks.create(master, spec, VOCAB, 12345), length, profile, r);
    PayloadDecoder decoder = Watermarks.payloadDecoder(master, spec, VOCAB);
    long sink = 0;
    for (int w = 0; w < 2000; w++) {
      sink += decoder.decode(tokens).message();
    }
    int reps = 5000;
    long t0 = System.nanoTime();
    for (int w = 0; w < reps; w++) {
      sink += decoder.decode(tokens).message();
    }
    double payloadMicros = (System.nanoTime() - t0) / 1e3 / reps;
    System.out.printf(Locale.ROOT, "payload decode, %d tokens, b = 20: %.1f us per text (sink %d)%n", length,
        payloadMicros, sink & 1);
    for (int tenants : new int[] {100, 10_000}) {
      Detector[] detectors = new Detector[tenants];
      long b0 = System.nanoTime();
      for (int i = 0; i < tenants; i++) {
        detectors[i] = Watermarks.create(Keys.tenant(master, i), KgwSpec.of(0.25, 2, 1), VOCAB).detector();
      }
      double buildMs = (System.nanoTime() - b0) / 1e6;
      for (int w = 0; w < 2; w++) {
        for (Detector d : detectors) {
          sink += d.detect(tokens).green();
        }
      }
      int rounds = tenants == 100 ? 200 : 3;
      long t1 = System.nanoTime();
      for (int w = 0; w < rounds; w++) {
        for (Detector d : detectors) {
          sink += d.detect(tokens).green();
        }
      }
      double ms = (System.nanoTime() - t1) / 1e6 / rounds;
      System.out.printf(Locale.ROOT, "per-tenant keys, N = %d: %.2f ms per text to test every key (keys derived "
          + "once: %.1f ms; sink %d)%n", tenants, ms, buildMs, sink & 1);
    }
  }

  static int[] generate(Watermark wm, int length, float[] profile, SplittableRandom r) {
    int[] tokens = new int[length];
    tokens[0] = r.nextInt(VOCAB);
    TokenSampler draw = Samplers.multinomial(r.split());
    float[] logits = new float[VOCAB];
    for (int n = 1; n < length; n++) {
      int offset = r.nextInt(VOCAB);
      int stride;
      do {
        stride = 1 + r.nextInt(VOCAB - 1);
      } while (stride % 2 == 0 || stride % 5 == 0);
      for (int q = 0, id = offset; q < VOCAB; q++) {
        logits[id] = profile[q];
        id += stride;
        if (id >= VOCAB) {
          id -= VOCAB;
        }
      }
      wm.bias().orElseThrow().apply(tokens, n, logits);
      tokens[n] = draw.sample(logits);
    }
    return tokens;
  }
}
