package io.tracemark.core;

import io.tracemark.api.Checks;
import io.tracemark.api.GumbelSpec;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.SynthIdSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.interop.InteropWatermarks;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The factory of watermarks: every scheme family, behind one {@link Watermark}. Every object it
 * returns is immutable and thread-safe.
 *
 * <pre>{@code
 * WatermarkKey key = KeyFiles.read(Path.of("key.json"));           // io.tracemark.core.keys
 * Watermark wm = Watermarks.create(key, SchemeSpec.parse("kgw:gamma=0.25,delta=2,h=1"), 128_256);
 * BiasScheme bias = wm.bias().orElseThrow();
 * bias.apply(tokens, length, logits);                                // in the sampling loop
 * Detection d = wm.detector().detect(tokens);                        // later, on suspect text
 *
 * Watermark lmw = Watermarks.create(LmwSpec.parse("lmw:seeding=lefthash,vocab=50257"));   // key in the spec
 * }</pre>
 */
public final class Watermarks {
  private Watermarks() {}

  /** The PRF format version of the kgw watermarks this build makes. */
  public static final String FORMAT_VERSION = PrfV1.VERSION;

  /**
   * The watermark of {@code spec} for a vocabulary of {@code vocabularySize} token ids
   * {@code 0 … vocabularySize − 1}.
   *
   * <ul>
   *   <li>{@link KgwSpec}: keyed by {@code key} (required), format v1; building it costs one pass
   *       over the vocabulary on first generation (8 bytes of table per token), so build it once
   *       and share it;
   *   <li>{@link SynthIdSpec}: keyed by {@code key} (required), format v1, the tournament on PRF v1;
   *   <li>{@link GumbelSpec}: keyed by {@code key} (required), format v1, Gumbel-max on PRF v1;
   *   <li>{@link InteropSpec} ({@code lmw}, {@code hf}, {@code vllm}): keyed by the key in the
   *       specification, so {@code key} must be null; a specification that fixes its vocabulary
   *       ({@code vocab=}) must agree with {@code vocabularySize}.
   * </ul>
   *
   * @throws IllegalArgumentException naming what disagrees, never a key
   * @throws NullPointerException if {@code spec} is null, or {@code key} is null for kgw
   */
  public static Watermark create(WatermarkKey key, SchemeSpec spec, int vocabularySize) {
    Objects.requireNonNull(spec, "spec");
    if (spec instanceof KgwSpec) {
      Objects.requireNonNull(key, "key (a kgw scheme is keyed by a WatermarkKey)");
      Checks.require(!((KgwSpec) spec).hasPayload(), "kgw with payload=%d needs its message: "
          + "create(key, spec, vocabularySize, message); decode with payloadDecoder", ((KgwSpec) spec).payloadBits());
      return new KgwWatermark(key, (KgwSpec) spec, vocabularySize);
    }
    if (spec instanceof SynthIdSpec) {
      Objects.requireNonNull(key, "key (a synthid scheme is keyed by a WatermarkKey)");
      return new TournamentWatermark(key, (SynthIdSpec) spec, vocabularySize);
    }
    if (spec instanceof GumbelSpec) {
      Objects.requireNonNull(key, "key (a gumbel scheme is keyed by a WatermarkKey)");
      return new GumbelWatermark(key, (GumbelSpec) spec, vocabularySize);
    }
    if (spec instanceof InteropSpec) {
      InteropSpec interop = (InteropSpec) spec;
      Checks.require(key == null, "%s: schemes carry their key in the specification (its %s parameter): give no "
          + "WatermarkKey", spec.family(), interop.keyParameter());
      OptionalInt own = spec.vocabularySize();
      Checks.require(own.isEmpty() || own.getAsInt() == vocabularySize,
          "vocabularySize must equal the specification's vocab=%d, was %d", own.orElse(0), vocabularySize);
      return InteropWatermarks.create(interop, vocabularySize);
    }
    // SchemeSpec is sealed: every family is handled above (WatermarksTest walks the permitted types)
    throw new AssertionError("unhandled scheme family " + spec.family());
  }

  /**
   * The watermark that carries {@code message} in every answer, for a kgw specification with a
   * payload ({@code payload=b}, docs/payload.md): its bias generates, its detector tests this one
   * message (like a per-tenant key). The message is the caller's (e.g. the tenant number), not
   * part of the specification.
   *
   * @throws IllegalArgumentException if {@code spec} has no payload or {@code message} is outside
   *     [0, 2^b)
   */
  public static Watermark create(WatermarkKey key, KgwSpec spec, int vocabularySize, long message) {
    Objects.requireNonNull(key, "key (a kgw scheme is keyed by a WatermarkKey)");
    Objects.requireNonNull(spec, "spec");
    return new PayloadWatermark(key, spec, vocabularySize, message);
  }

  /**
   * The Gumbel-max watermark that carries {@code message} in every answer, for a gumbel
   * specification with a payload ({@code gumbel:…,payload=b}, docs/payload.md): its sampling
   * generates, its detector tests this one message (the exact Gamma tail).
   *
   * @throws IllegalArgumentException if {@code spec} has no payload or {@code message} is outside
   *     [0, 2^b)
   */
  public static Watermark create(WatermarkKey key, GumbelSpec spec, int vocabularySize, long message) {
    Objects.requireNonNull(key, "key (a gumbel scheme is keyed by a WatermarkKey)");
    Objects.requireNonNull(spec, "spec");
    Checks.require(spec.hasPayload(), "the specification has no payload (payload=b): %s", spec.canonical());
    return new GumbelWatermark(key, spec, vocabularySize, message);
  }

  /**
   * The watermark that carries {@code message} for any specification with a payload ({@code kgw:…,payload=b} or
   * {@code gumbel:…,payload=b}): the overload of the spec's family, for callers that hold a {@link SchemeSpec}.
   *
   * @throws IllegalArgumentException if {@code spec} is of a family without payloads, has no payload, or
   *     {@code message} is outside [0, 2^b)
   */
  public static Watermark create(WatermarkKey key, SchemeSpec spec, int vocabularySize, long message) {
    Objects.requireNonNull(spec, "spec");
    if (spec instanceof KgwSpec kgw) {
      return create(key, kgw, vocabularySize, message);
    }
    if (spec instanceof GumbelSpec gumbel) {
      return create(key, gumbel, vocabularySize, message);
    }
    throw new IllegalArgumentException(String.format(Locale.ROOT,
        "a message (payload=b) is carried by kgw and gumbel schemes only, not %s", spec.family()));
  }

  /**
   * The decoder of a gumbel specification with a payload: the message of a text without trying
   * every message, with a (conservative) p-value corrected for all of them.
   *
   * @throws IllegalArgumentException if {@code spec} has no payload
   */
  public static GumbelPayloadDecoder payloadDecoder(WatermarkKey key, GumbelSpec spec, int vocabularySize) {
    Objects.requireNonNull(key, "key (a gumbel scheme is keyed by a WatermarkKey)");
    Objects.requireNonNull(spec, "spec");
    return new GumbelPayloadDecoder(key, spec, vocabularySize);
  }

  /**
   * The decoder of a kgw specification with a payload: finds the message of a text or corpus
   * without trying every message, with a p-value corrected for all of them.
   *
   * @throws IllegalArgumentException if {@code spec} has no payload
   */
  public static PayloadDecoder payloadDecoder(WatermarkKey key, KgwSpec spec, int vocabularySize) {
    Objects.requireNonNull(key, "key (a kgw scheme is keyed by a WatermarkKey)");
    Objects.requireNonNull(spec, "spec");
    return new PayloadDecoder(key, spec, vocabularySize);
  }

  /**
   * The watermark of another system's specification, over the vocabulary it fixes ({@code vocab=}),
   * or over every non-negative {@code int} id for a {@code vllm} specification without one
   * ({@link Watermark#vocabularySize()} is then {@link Integer#MAX_VALUE}).
   */
  public static Watermark create(InteropSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return create(null, spec, spec.vocabularySize().orElse(Integer.MAX_VALUE));
  }
}
