package io.tracemark.verifier;

import io.tracemark.api.Checks;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.CorpusPayloadDecoder;
import io.tracemark.core.internal.Digests;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The keys of one test: the real keys (the owner's key, its tenants), labelled, then the control
 * keys derived from a public seed, all scoring the same units. Checks that every scorer shares h,
 * the vocabulary and the null distribution, and says whether the scheme's units depend on the key
 * (then each key needs its own dedup tape). For a multi-bit payload it also holds each key's
 * {@link CorpusPayloadDecoder} (green-list or Gumbel family): the units are then tallied (colour
 * counts or score sums) and the message decoded, and the
 * scorers give only the window, the vocabulary and the law of one unit. Holm's step-down correction
 * across the real keys lives here. Immutable and thread-safe.
 */
final class KeyPanel {
  final List<String> labels;
  /** Real keys first, then controls. */
  final TokenScorer[] scorers;
  final int realKeys;
  final int controlCount;
  final long controlSeed;
  final int h;
  final int vocabularySize;
  final NullDistribution law;
  final boolean keyDependentUnits;
  /** For a payload scheme, the decoder of every key (real keys first, then controls); null otherwise. */
  final CorpusPayloadDecoder[] decoders;

  /**
   * A panel.
   *
   * @param labels the real keys' labels
   * @param real the real keys' scorers
   * @param controlCount control keys to derive
   * @param controlSeed their seed
   * @param controlFactory the scorer of a control key (unused when controlCount is 0)
   */
  KeyPanel(List<String> labels, List<TokenScorer> real, int controlCount, long controlSeed,
      Function<WatermarkKey, ? extends TokenScorer> controlFactory) {
    this(labels, real, controlCount, controlSeed, controlFactory, null, null);
  }

  /**
   * A panel whose keys decode a multi-bit payload: {@code realDecoders} (one per real key) and
   * {@code controlDecoders}, the decoder of a control key; both null for a scheme without one.
   */
  KeyPanel(List<String> labels, List<TokenScorer> real, int controlCount, long controlSeed,
      Function<WatermarkKey, ? extends TokenScorer> controlFactory, List<? extends CorpusPayloadDecoder> realDecoders,
      Function<WatermarkKey, ? extends CorpusPayloadDecoder> controlDecoders) {
    Checks.require(!real.isEmpty(), "at least one scorer is required");
    this.labels = List.copyOf(labels);
    this.realKeys = real.size();
    this.controlCount = controlCount;
    this.controlSeed = controlSeed;
    List<TokenScorer> all = new ArrayList<>(real);
    for (int i = 0; i < controlCount; i++) {
      all.add(Objects.requireNonNull(controlFactory.apply(controlKey(controlSeed, i)), "control scorer"));
    }
    TokenScorer first = all.get(0);
    boolean keyDependent = false;
    for (int i = 0; i < all.size(); i++) {
      TokenScorer s = all.get(i);
      keyDependent |= s.keyDependentUnits();
      if (i == 0) {
        continue;
      }
      String what = i < realKeys ? "scorer \"" + labels.get(i) + "\"" : "control scorer " + (i - realKeys);
      Checks.require(s.contextWidth() == first.contextWidth(), "%s has h=%d but the first scorer has h=%d",
          what, s.contextWidth(), first.contextWidth());
      Checks.require(s.vocabularySize() == first.vocabularySize(),
          "%s has vocabularySize=%d but the first scorer has %d", what, s.vocabularySize(), first.vocabularySize());
      Checks.require(s.nullDistribution().equals(first.nullDistribution()),
          "%s has null distribution %s but the first scorer has %s", what, s.nullDistribution(),
          first.nullDistribution());
    }
    this.scorers = all.toArray(new TokenScorer[0]);
    this.keyDependentUnits = keyDependent;
    if (realDecoders == null) {
      this.decoders = null;
    } else {
      Checks.require(realDecoders.size() == realKeys, "a payload needs one decoder per real key: %d for %d keys",
          realDecoders.size(), realKeys);
      Checks.require(!keyDependent, "a payload's units must not depend on the key (left seeding)");
      this.decoders = new CorpusPayloadDecoder[all.size()];
      for (int i = 0; i < all.size(); i++) {
        decoders[i] = i < realKeys ? realDecoders.get(i)
            : Objects.requireNonNull(controlDecoders.apply(controlKey(controlSeed, i - realKeys)), "control decoder");
      }
    }
    this.h = first.contextWidth();
    this.vocabularySize = first.vocabularySize();
    this.law = first.nullDistribution();
  }

  /** All keys, real and control. */
  int size() {
    return scorers.length;
  }

  /** The control key of index {@code i} for {@code seed}: SHA-256 of a domain tag, seed and index. */
  static WatermarkKey controlKey(long seed, int index) {
    return WatermarkKey.fromBytes(Digests.sha256("tracemark/control-key/v1\0",
        ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(seed).putInt(index).array()));
  }

  /** Holm–Bonferroni step-down adjustment in log10 space, capped at 0 (p = 1), monotone. */
  static double[] holm(double[] log10p) {
    int m = log10p.length;
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> log10p[i]).thenComparingInt(i -> i));
    double[] out = new double[m];
    double running = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < m; j++) {
      int i = order[j];
      double adj = Math.min(0.0, log10p[i] + Math.log10(m - j));
      running = Math.max(running, adj);
      out[i] = running;
    }
    return out;
  }
}
