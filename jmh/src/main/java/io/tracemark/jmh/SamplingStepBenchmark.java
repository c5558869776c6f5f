package io.tracemark.jmh;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.LmwSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.sampling.GreenListBias;
import io.tracemark.core.sampling.Multinomial;
import io.tracemark.core.sampling.Samplers;
import io.tracemark.core.sampling.WatermarkSession;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The watermark's added cost per generation step, for the three ways of sampling with the green
 * list ({@code kgw:gamma=0.25,delta=2,h=1}) against the engine's own draw without a watermark.
 * The engine's logits are a Zipf law (p ∝ rank^−s, ranks scattered over the ids) after
 * temperature 0.8, and for {@code truncation=top-p} after top-p 0.95 too. At V = 128,256,
 * {@code zipf} s = 1.5 leaves 18 candidates after top-p (entropy 1.9 nats after temperature), and
 * s = 1.1 leaves 1,080 (entropy 4.0 nats; a flat distribution, the candidate path's hard case). Each pair is
 * measured in the same trial:
 * <ul>
 *   <li>full path: {@link #copyThenDraw} (copy the logits, draw) against {@link #copyApplyDraw}
 *       (copy, {@code apply} over the whole vocabulary, draw);
 *   <li>rejection: {@link #draw} (the engine's draw) against {@link #rejection}
 *       ({@link WatermarkSession#sampleByRejection});
 *   <li>candidates ({@code truncation=top-p} only): {@link #candidatesDraw} (the engine's draw over
 *       its candidates) against {@link #candidates} ({@link WatermarkSession#sampleCandidates}).
 * </ul>
 * Added cost = the second of a pair minus the first. The engine's draw at this V costs hundreds of
 * µs, so the rejection pair's difference drowns in its noise; {@link #rejectionRounds} measures the
 * work rejection sampling adds to it directly: the green list's seed for the context and the
 * rounds (a proposal from the prepared distribution, a green test, a coin for red ones), with the
 * first proposal counted although it replaces the engine's own search. {@link #copyApply} and {@link #copyPermutationApply}
 * put the bias step alone next to the PyTorch-permutation approach (lm-watermarking's {@code lmw:}
 * green list, a {@code torch.randperm} per step, reproduced bit for bit in Java). Sessions are
 * renewed every 1,024 steps so that their token arrays stay small; the contexts of the full path
 * rotate through 1,024 prepared tokens.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SamplingStepBenchmark {
  @Param({"128256"})
  public int vocabSize;

  @Param({"temperature", "top-p"})
  public String truncation;

  @Param({"1.5", "1.1"})
  public double zipf;

  private BiasScheme watermark;
  private BiasScheme permutation;
  private float[] pristine;
  private float[] work;
  private int[] candidateIds;
  private float[] candidateLogits;
  private int candidateCount;
  private int[] contexts;
  private int next;
  private final Multinomial multinomial = new Multinomial();
  private final SplittableRandom random = new SplittableRandom(7);
  private WatermarkSession session;
  private int steps;
  private GreenListBias.Probe probe;
  private final Multinomial prepared = new Multinomial();
  private double redAcceptance;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom r = new SplittableRandom(42);
    byte[] secret = new byte[32];
    for (int i = 0; i < 32; i++) {
      secret[i] = (byte) r.nextInt();
    }
    watermark = Watermarks.create(WatermarkKey.fromBytes(secret), KgwSpec.of(0.25, 2, 1), vocabSize)
        .bias().orElseThrow();
    permutation = Watermarks.create(LmwSpec.parse("lmw:seeding=lefthash,vocab=" + vocabSize)).bias().orElseThrow();
    int[] ids = new int[vocabSize];
    for (int i = 0; i < vocabSize; i++) {
      ids[i] = i;
    }
    for (int i = vocabSize - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    pristine = new float[vocabSize];
    for (int rank = 0; rank < vocabSize; rank++) {
      pristine[ids[rank]] = (float) (-zipf * Math.log(rank + 1));
    }
    Samplers.temperature(0.8).process(pristine);
    if (truncation.equals("top-p")) {
      Samplers.topP(0.95).process(pristine);
    } else if (!truncation.equals("temperature")) {
      throw new IllegalArgumentException("truncation must be temperature or top-p, was " + truncation);
    }
    candidateIds = new int[vocabSize];
    candidateLogits = new float[vocabSize];
    for (int t = 0; t < vocabSize; t++) {
      if (pristine[t] != Float.NEGATIVE_INFINITY) {
        candidateIds[candidateCount] = t;
        candidateLogits[candidateCount++] = pristine[t];
      }
    }
    work = new float[vocabSize];
    contexts = new int[1024];
    for (int i = 0; i < contexts.length; i++) {
      contexts[i] = r.nextInt(vocabSize);
    }
    session = new WatermarkSession(watermark, new int[] {contexts[0]});
    GreenListBias green = (GreenListBias) watermark;
    probe = green.newProbe();
    redAcceptance = Math.exp(-green.delta());
    prepared.prepare(pristine);
  }

  private WatermarkSession session() {
    if (++steps == 1024) {
      steps = 0;
      session = new WatermarkSession(watermark, new int[] {contexts[next++ & 1023]});
    }
    return session;
  }

  @Benchmark
  public int draw() {
    return multinomial.draw(pristine, random);
  }

  @Benchmark
  public int rejection() {
    return session().sampleByRejection(pristine, random);
  }

  @Benchmark
  public int rejectionRounds() {
    probe.seek(contexts, 1 + (next++ & 1022));
    int token = prepared.next(random);
    while (!probe.isGreen(token) && !(random.nextDouble() < redAcceptance)) {
      token = prepared.next(random);
    }
    return token;
  }

  @Benchmark
  public int candidatesDraw() {
    return candidateIds[multinomial.draw(candidateLogits, candidateCount, random)];
  }

  @Benchmark
  public int candidates() {
    return session().sampleCandidates(candidateIds, candidateLogits, candidateCount, random);
  }

  @Benchmark
  public int copyThenDraw() {
    System.arraycopy(pristine, 0, work, 0, vocabSize);
    return multinomial.draw(work, random);
  }

  @Benchmark
  public int copyApplyDraw() {
    System.arraycopy(pristine, 0, work, 0, vocabSize);
    watermark.apply(contexts, 1 + (next++ & 1022), work);
    return multinomial.draw(work, random);
  }

  @Benchmark
  public float[] copyOnly() {
    System.arraycopy(pristine, 0, work, 0, vocabSize);
    return work;
  }

  @Benchmark
  public float[] copyApply() {
    System.arraycopy(pristine, 0, work, 0, vocabSize);
    watermark.apply(contexts, 1 + (next++ & 1022), work);
    return work;
  }

  @Benchmark
  public float[] copyPermutationApply() {
    System.arraycopy(pristine, 0, work, 0, vocabSize);
    permutation.apply(contexts, 1 + (next++ & 1022), work);
    return work;
  }
}
