package io.tracemark.api;

import java.util.OptionalInt;

/**
 * An immutable specification of a watermark scheme: its family and every parameter, with one text
 * grammar for all families. A family is one record: {@link KgwSpec} (tracemark's keyed green list)
 * {@link SynthIdSpec} (tracemark's tournament) and {@link GumbelSpec} (tracemark's Gumbel-max), keyed by a {@link WatermarkKey}, and the
 * specifications of other systems' watermarks, whose integer key is part of the specification ({@link InteropSpec}: {@link LmwSpec}, {@link HfSpec},
 * {@link VllmSpec}, {@link HfSynthIdSpec}). {@code io.tracemark.core.Watermarks.create} turns a
 * specification into a {@link Watermark}.
 *
 * <p>Text form: {@code family:name=value,...}, e.g. {@code kgw:gamma=0.25,delta=2,h=1} or
 * {@code vllm:algorithm=gumbel,key=42}. {@link #canonical()} spells every parameter out in a fixed
 * order and parses back to an equal specification; {@link #redacted()} replaces a key by
 * {@code ***} and is the only form to print in reports, logs and messages (records'
 * {@code toString()} returns it).
 */
public sealed interface SchemeSpec permits KgwSpec, SynthIdSpec, GumbelSpec, InteropSpec {
  /**
   * Parses any family's text form: {@code kgw:…}, {@code lmw:…}, {@code hf:…}, {@code vllm:…},
   * {@code hf-synthid:…}, {@code synthid:…}, {@code gumbel:…}. Text without a family prefix is a kgw body, and the bare name {@code kgw} means every kgw parameter
   * at its default. The grammar is the same for every family: parameters are {@code name=value}
   * separated by commas; names are case-insensitive and {@code _} may be written {@code -}; numbers
   * are plain decimals ({@link Checks#isPlainDecimal}, {@link Checks#isPlainInteger}).
   *
   * @throws IllegalArgumentException naming the parameter for an empty text, an unknown family, an
   *     empty part or value, a part that is not {@code name=value}, an unknown or repeated parameter
   *     (also under two of its names), a missing required parameter, or a value out of range. No
   *     message contains a key ({@code key}, {@code hash-key}, the key of an {@code ff-} seeding
   *     name).
   */
  static SchemeSpec parse(String text) {
    String[] fb = SpecParameters.familyAndBody(text);
    switch (fb[0]) {
      case LmwSpec.FAMILY:
        return LmwSpec.parseBody(fb[1]);
      case HfSpec.FAMILY:
        return HfSpec.parseBody(fb[1]);
      case VllmSpec.FAMILY:
        return VllmSpec.parseBody(fb[1]);
      case HfSynthIdSpec.FAMILY:
        return HfSynthIdSpec.parseBody(fb[1]);
      case SynthIdSpec.FAMILY:
        return SynthIdSpec.parseBody(fb[1]);
      case GumbelSpec.FAMILY:
        return GumbelSpec.parseBody(fb[1]);
      default:
        return KgwSpec.parseBody(fb[1]);
    }
  }

  /** The family: {@code kgw}, {@code lmw}, {@code hf}, {@code vllm}, {@code hf-synthid}, {@code synthid} or {@code gumbel}. */
  String family();

  /** The text form with every parameter spelled out, in a fixed order, the key included. */
  String canonical();

  /** The text form with the key replaced by {@code ***}; equal to {@link #canonical()} when there is no key in it. */
  String redacted();

  /**
   * h: the number of tokens before a position that its score depends on (the
   * {@link TokenScorer#contextWidth()} of the scheme's scorer).
   */
  int contextWidth();

  /** The law of one scored unit's score under H0 (text independent of the key). */
  NullDistribution nullDistribution();

  /** Whether the key is part of the specification (other systems' watermarks), rather than a {@link WatermarkKey}. */
  boolean carriesKey();

  /** The vocabulary size the specification fixes, if it fixes one. */
  OptionalInt vocabularySize();

  /** The deduplication of the family's own detector with these parameters. */
  DedupMode defaultDedup();
}
