package io.tracemark.core;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Checks;
import io.tracemark.api.DedupMode;
import io.tracemark.api.Detection;
import io.tracemark.api.Detector;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.PositionMask;
import io.tracemark.api.SamplingScheme;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.internal.Mix;
import io.tracemark.core.internal.SequentialDetector;
import io.tracemark.core.internal.UnitFingerprints;
import io.tracemark.core.sampling.GreenListBias;
import io.tracemark.core.stats.PValues;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The green list carrying one message of a multi-bit payload ({@code kgw:…,payload=b}, see
 * {@link PayloadPrf}): at each step the context picks the symbol of the message it carries, and δ
 * is added to the tokens of the colour equal to that symbol. Its scorer and detector test this one
 * message (a Binomial(2^−r) count, like a per-tenant key); {@link PayloadDecoder} finds the message
 * of a text without knowing it. It is a {@link GreenListBias}, so the rejection and candidate paths
 * of {@code WatermarkSession} work unchanged. Immutable and thread-safe.
 */
final class PayloadWatermark implements Watermark, GreenListBias, TokenScorer {
  private final KgwSpec spec;
  private final NullDistribution nullDistribution;
  private final int vocabularySize;
  private final PayloadPrf prf;
  private final long message;
  private final long threshold63;
  private final float delta;
  private final String keyId;
  private volatile long[] tagTable;
  private final ThreadLocal<float[][]> nanScratch =
      ThreadLocal.withInitial(() -> new float[][] {new float[NaNScan.BLOCK], new float[NaNScan.BLOCK]});

  PayloadWatermark(WatermarkKey key, KgwSpec spec, int vocabularySize, long message) {
    Checks.require(vocabularySize >= 2, "vocabularySize must be >= 2, was %d", vocabularySize);
    Checks.require(spec.hasPayload(), "the specification has no payload (payload=b)");
    Checks.require(message >= 0 && message < (1L << spec.payloadBits()),
        "message must be between 0 and 2^payload - 1 = %d, was %d", (1L << spec.payloadBits()) - 1, message);
    this.spec = spec;
    this.nullDistribution = spec.nullDistribution();
    this.vocabularySize = vocabularySize;
    this.prf = new PayloadPrf(key, spec);
    this.message = message;
    this.threshold63 = PrfV1.threshold63(spec.gamma());
    this.delta = (float) spec.delta();
    this.keyId = key.keyId();
  }

  private long[] tags() {
    long[] t = tagTable;
    if (t == null) {
      synchronized (this) {
        t = tagTable;
        if (t == null) {
          t = new long[vocabularySize];
          for (int i = 0; i < t.length; i++) {
            t[i] = prf.prf.tag(i);
          }
          tagTable = t;
        }
      }
    }
    return t;
  }

  /** The message this watermark carries. */
  long message() {
    return message;
  }

  @Override
  public KgwSpec spec() {
    return spec;
  }

  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  @Override
  public String keyId() {
    return keyId;
  }

  @Override
  public TokenScorer scorer() {
    return this;
  }

  @Override
  public Optional<BiasScheme> bias() {
    return Optional.of(this);
  }

  @Override
  public Optional<SamplingScheme> sampling() {
    return Optional.empty();
  }

  @Override
  public DedupMode defaultDedup() {
    return spec.defaultDedup();
  }

  @Override
  public NullDistribution nullDistribution() {
    return nullDistribution;
  }

  @Override
  public int contextWidth() {
    return prf.h;
  }

  @Override
  public double delta() {
    return delta;
  }

  /** The colour bits of the message's symbol at the context of {@code seed}, in the top r bits of a word. */
  private long symbolMask(long seed) {
    return (long) prf.symbolOf(message, prf.symbolIndex(seed)) << (64 - prf.symbolBits);
  }

  @Override
  public void apply(int[] tokens, int length, float[] logits) {
    Checks.require(logits.length == vocabularySize, "logits length must equal the vocabulary size %d, was %d",
        vocabularySize, logits.length);
    Checks.require(length >= 0 && length <= tokens.length, "length must be between 0 and tokens.length=%d, was %d",
        tokens.length, length);
    float[][] s = nanScratch.get();
    if (NaNScan.byAbsoluteSum(logits, s[0], s[1])) {
      throw NaNScan.firstNaN(logits);
    }
    if (length < prf.h) {
      return; // no context: unwatermarked, and detection does not score this position
    }
    checkTokens(tokens, length - prf.h, prf.h);
    long seed = prf.seed(tokens, length - prf.h);
    long sym = symbolMask(seed);
    long[] tags = tags();
    // green iff the top r bits of u equal the symbol: ((u XOR symbol) >>> 1) < 2^(63 − r), branch-free
    for (int t = 0; t < logits.length; t++) {
      long k = Mix.fmix64(tags[t] ^ seed) ^ sym;
      long green = ((k >>> 1) - threshold63) >>> 63;
      logits[t] += delta * (float) green;
    }
  }

  @Override
  public GreenListBias.Probe newProbe() {
    return new GreenListBias.Probe() {
      private long seed;
      private int symbol;
      private boolean watermarked;
      private boolean sought;

      @Override
      public boolean seek(int[] tokens, int length) {
        Checks.require(length >= 0 && length <= tokens.length,
            "length must be between 0 and tokens.length=%d, was %d", tokens.length, length);
        sought = true;
        watermarked = length >= prf.h;
        if (watermarked) {
          checkTokens(tokens, length - prf.h, prf.h);
          seed = prf.seed(tokens, length - prf.h);
          symbol = prf.symbolOf(message, prf.symbolIndex(seed));
        }
        return watermarked;
      }

      @Override
      public boolean isGreen(int token) {
        if (!sought) {
          throw new IllegalStateException("call seek(tokens, length) before isGreen");
        }
        if (token < 0 || token >= vocabularySize) {
          throw Checks.illegal("token must be between 0 and %d, was %d", vocabularySize - 1, token);
        }
        return watermarked && prf.colour(seed, token) == symbol;
      }
    };
  }

  /** Whether {@code tokens[position]} has the colour of the message's symbol in its context; no range checks. */
  private boolean greenUnchecked(int[] tokens, int position) {
    long seed = prf.seed(tokens, position - prf.h);
    return prf.colour(seed, tokens[position]) == prf.symbolOf(message, prf.symbolIndex(seed));
  }

  @Override
  public double score(int[] tokens, int position) {
    Checks.require(position >= prf.h && position < tokens.length,
        "position must be between h=%d and %d, was %d", prf.h, tokens.length - 1, position);
    checkTokens(tokens, position - prf.h, prf.h + 1);
    return greenUnchecked(tokens, position) ? 1.0 : 0.0;
  }

  @Override
  public long unitFingerprint(int[] tokens, int position, DedupMode mode) {
    return PayloadDecoder.unitFingerprint(tokens, position, prf.h, mode);
  }

  /** False: units are windows (and tokens), whatever the key. */
  @Override
  public boolean keyDependentUnits() {
    return false;
  }

  private void checkTokens(int[] tokens, int from, int count) {
    for (int j = from; j < from + count; j++) {
      int t = tokens[j];
      if (t < 0 || t >= vocabularySize) {
        throw Checks.illegal("token id at position %d must be between 0 and %d, was %d", j, vocabularySize - 1, t);
      }
    }
  }

  /** The test of this one message: green count against Binomial(2^−r), exact tail. */
  @Override
  public Detector detector(DedupMode dedup) {
    if (dedup == null) {
      throw new NullPointerException("dedup");
    }
    return new SequentialDetector(dedup, this::detect, spec.canonical() + ", key " + keyId);
  }

  private Detection detect(int[] tokens, int offset, int length, DedupMode dedup) {
    Checks.require(offset >= 0 && length >= 0 && offset <= tokens.length - length,
        "offset=%d and length=%d must lie within tokens.length=%d", offset, length, tokens.length);
    checkTokens(tokens, offset, length);
    int h = prf.h;
    byte[] states = new byte[length];
    long scored = 0;
    long green = 0;
    LongHashSet seen = dedup == DedupMode.NONE ? null : new LongHashSet(Math.max(16, length - h));
    for (int i = 0; i < length; i++) {
      int pos = offset + i;
      if (i < h) {
        states[i] = PositionMask.State.NO_CONTEXT.code();
      } else if (seen != null && !seen.add(PayloadDecoder.unitFingerprint(tokens, pos, h, dedup))) {
        states[i] = PositionMask.State.DUPLICATE.code();
      } else {
        scored++;
        boolean g = greenUnchecked(tokens, pos);
        green += g ? 1 : 0;
        states[i] = (g ? PositionMask.State.GREEN : PositionMask.State.RED).code();
      }
    }
    double gamma = spec.gamma();
    return new Detection(length, scored, green, green, nullDistribution, PValues.zScore(scored, green, gamma),
        PValues.log10BinomialUpperTail(scored, green, gamma), new PositionMask(states), OptionalDouble.empty());
  }

  @Override
  public String toString() {
    return "PayloadWatermark[" + spec.canonical() + ", vocab=" + vocabularySize + ", key=" + keyId + "]";
  }
}
