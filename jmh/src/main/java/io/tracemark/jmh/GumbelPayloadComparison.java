package io.tracemark.jmh;

import io.tracemark.api.GumbelSpec;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.PayloadDetection;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.GumbelPayloadDecoder;
import io.tracemark.core.PayloadDecoder;
import io.tracemark.core.Watermarks;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The Gumbel payload's row of docs/payload.md: tokens needed to name one tenant out of 10^2, 10^4,
 * 10^6 (b = 8, 14, 20 bits in 2-bit symbols) at α = 1e-6 with {@code gumbel:h=1,payload=b} and with
 * {@code kgw:payload=b,delta=2,h=1}, measured in the synthetic loop of {@link PayloadComparison}
 * (Zipf(1.5) over 32,000 tokens shuffled at each step, 3.14 nats): the first length, on a 25-token
 * grid, at which 90 % of the sequences decode to the right message with p &lt; α, and the mean decoding
 * time of a 400-token text. A tool, not a test: {@code java -cp jmh/target/benchmarks.jar
 * io.tracemark.jmh.GumbelPayloadComparison [sequences] [max-tokens]}.
 */
public final class GumbelPayloadComparison {
  static final int VOCAB = PayloadComparison.VOCAB;
  static final double ALPHA = 1e-6;
  static final int[] BITS = {8, 14, 20};

  private GumbelPayloadComparison() {}

  /** Runs the comparison and prints its table. */
  public static void main(String[] args) {
    int sequences = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int maxTokens = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    int step = 25;
    WatermarkKey key = PayloadComparison.publicKey();
    SplittableRandom r = new SplittableRandom(2027);
    float[] profile = PayloadComparison.zipfProfile();
    int prefixes = maxTokens / step;
    System.out.println("tenants | payload bits | gumbel payload (90% right, p<1e-6) | kgw payload (same) "
        + "| gumbel decode us/400 tokens | kgw decode us/400 tokens");
    for (int b = 0; b < BITS.length; b++) {
      GumbelSpec gumbel = GumbelSpec.parse("gumbel:h=1,payload=" + BITS[b] + ",symbol-bits=2");
      KgwSpec kgw = KgwSpec.parse("kgw:payload=" + BITS[b] + ",symbol-bits=2,delta=2,h=1");
      GumbelPayloadDecoder gd = Watermarks.payloadDecoder(key, gumbel, VOCAB);
      PayloadDecoder kd = Watermarks.payloadDecoder(key, kgw, VOCAB);
      int[] gumbelRight = new int[prefixes];
      int[] kgwRight = new int[prefixes];
      int[] lastGumbel = null;
      int[] lastKgw = null;
      for (int s = 0; s < sequences; s++) {
        long message = r.nextLong() >>> (64 - BITS[b]);
        lastGumbel = generate(Watermarks.create(key, gumbel, VOCAB, message), maxTokens, profile, r);
        lastKgw = generate(Watermarks.create(key, kgw, VOCAB, message), maxTokens, profile, r);
        for (int p = 0; p < prefixes; p++) {
          PayloadDetection g = gd.decode(Arrays.copyOf(lastGumbel, (p + 1) * step));
          gumbelRight[p] += g.message() == message && g.significantAt(ALPHA) ? 1 : 0;
          PayloadDetection k = kd.decode(Arrays.copyOf(lastKgw, (p + 1) * step));
          kgwRight[p] += k.message() == message && k.significantAt(ALPHA) ? 1 : 0;
        }
      }
      int[] g400 = Arrays.copyOf(lastGumbel, Math.min(400, lastGumbel.length));
      int[] k400 = Arrays.copyOf(lastKgw, Math.min(400, lastKgw.length));
      System.out.printf(Locale.ROOT, "10^%d | %d | %s | %s | %.1f | %.1f%n", b == 0 ? 2 : b == 1 ? 4 : 6, BITS[b],
          PayloadComparison.firstReaching(gumbelRight, sequences, step),
          PayloadComparison.firstReaching(kgwRight, sequences, step), micros(() -> gd.decode(g400).message()),
          micros(() -> kd.decode(k400).message()));
    }
  }

  /** The mean time of one call after a warm-up, in microseconds. */
  static double micros(java.util.function.LongSupplier call) {
    long sink = 0;
    for (int w = 0; w < 2000; w++) {
      sink += call.getAsLong();
    }
    int reps = 3000;
    long t0 = System.nanoTime();
    for (int w = 0; w < reps; w++) {
      sink += call.getAsLong();
    }
    double us = (System.nanoTime() - t0) / 1e3 / reps;
    return sink == Long.MIN_VALUE ? -us : us;
  }

  /** The loop of {@link PayloadComparison#generate}, with the scheme's own draw for a sampling scheme. */
  static int[] generate(Watermark wm, int length, float[] profile, SplittableRandom r) {
    if (wm.bias().isPresent()) {
      return PayloadComparison.generate(wm, length, profile, r);
    }
    int[] tokens = new int[length];
    tokens[0] = r.nextInt(VOCAB);
    SplittableRandom draws = r.split();
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
      tokens[n] = wm.sampling().orElseThrow().sample(tokens, n, logits, draws);
    }
    return tokens;
  }
}
