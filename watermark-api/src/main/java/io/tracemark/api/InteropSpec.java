package io.tracemark.api;

/**
 * The specification of another system's watermark, reproduced bit for bit by tracemark: those
 * systems key their watermark with an integer that is part of the specification. So
 * {@link #canonical()} contains the key, {@link #redacted()} (also {@code toString()}) hides it,
 * and {@link #withKey(long)} gives the same scheme under another key (e.g. a control key for an
 * empirical null).
 *
 * <p>Those keys are integers, and often guessable: {@link #guessableKey()} says whether the
 * family's key space is small enough to search outright, and {@link #keyWarning()} says what a
 * reader of a report must know about it.
 */
public sealed interface InteropSpec extends SchemeSpec permits LmwSpec, HfSpec, VllmSpec, HfSynthIdSpec {
  /** The name of the parameter that holds the key ({@code hash-key} or {@code key}). */
  String keyParameter();

  /** The key as a 64-bit word (an unsigned value for {@code vllm}). Never print it. */
  long key();

  /** The same specification with another key (the key's range is the family's). */
  InteropSpec withKey(long key);

  /**
   * Whether the family's keys can be found by trying them: lm-watermarking and transformers seed
   * each green list with 32 bits, so any digest of such a key gives the key away.
   */
  boolean guessableKey();

  /** What a reader of a report must know about this family's key: how guessable it is. Never contains the key. */
  String keyWarning();

  /**
   * What a reader of a result must know about where this family's detection applies, for help
   * texts and reports: for {@code lmw:} and {@code hf:}, that green lists drawn on a GPU are not
   * reproducible; for {@code vllm:}, that only output tokens are scored.
   */
  String caveat();

  /** Always true. */
  @Override
  default boolean carriesKey() {
    return true;
  }
}
