package io.tracemark.core.interop;

import io.tracemark.api.SchemeSpec;
import io.tracemark.core.internal.Digests;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The immutable specification of an interoperability profile: its family ({@code lmw}, {@code hf},
 * {@code vllm}) and every parameter, the integer key included, in a fixed order.
 *
 * <p>The key of those systems is part of their specification, so {@link #canonical()} contains
 * it; {@link #redacted()} is the form to print in reports and logs, and {@link #toString()}
 * returns it too.
 *
 * <p>Those keys are integers, and often guessable: a digest of the specification published in a
 * report would let anyone confirm a guess offline. {@link #commitment(byte[])} is therefore salted,
 * and withheld for the families whose key space is small ({@link #keyWarning()} says why).
 */
public final class InteropSpec implements SchemeSpec {
  private final String family;
  private final Map<String, String> parameters;
  private final String keyParameter;
  private final boolean smallKeySpace;

  /** The length of a commitment salt in bytes. */
  public static final int SALT_LENGTH = 32;
  private static final String COMMIT_DOMAIN = "tracemark/interop-commitment/v1\0";

  InteropSpec(String family, Map<String, String> parameters, String keyParameter, boolean smallKeySpace) {
    this.family = family;
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.keyParameter = keyParameter;
    this.smallKeySpace = smallKeySpace;
  }

  @Override
  public String family() {
    return family;
  }

  /** Every parameter in canonical order (unmodifiable); includes the key. */
  public Map<String, String> parameters() {
    return parameters;
  }

  /** The name of the parameter that holds the key ({@code hash-key} or {@code key}). */
  public String keyParameter() {
    return keyParameter;
  }

  /**
   * A public commitment to this specification, key included, under a random public
   * {@code salt} of {@value #SALT_LENGTH} bytes: HMAC-SHA256 keyed by the salt over a domain tag
   * and the canonical text (that is, HKDF-Extract), in hex. Whoever later learns the key and the
   * salt can check it; the salt makes a table of precomputed digests useless, but it does not
   * stop a search over candidate keys: the commitment hides the key only as well as the key is
   * random. Empty for the families whose key space is small enough to search outright (lmw,
   * hf), where any digest of the key would give the key away.
   */
  public Optional<String> commitment(byte[] salt) {
    Objects.requireNonNull(salt, "salt");
    if (salt.length != SALT_LENGTH) {
      throw new IllegalArgumentException("salt must be " + SALT_LENGTH + " bytes, was " + salt.length);
    }
    if (smallKeySpace) {
      return Optional.empty();
    }
    return Optional.of(HexFormat.of().formatHex(
        Digests.hmacSha256(salt, COMMIT_DOMAIN, canonical().getBytes(StandardCharsets.UTF_8))));
  }

  /** What a reader of a report must know about this family's key: how guessable it is. */
  public String keyWarning() {
    if (smallKeySpace) {
      return family + " keys are guessable: PyTorch seeds each green list with 32 bits, and keys are often the public "
          + "default 15485863 or a small number, so anyone holding watermarked text can find the key by trying "
          + "keys with the public detector; no commitment to the key is recorded, since any digest of it would "
          + "give it away";
    }
    return family + " keys are 64-bit integers: the salted commitment hides the key only as well as the key is "
        + "random; a key picked by hand (a small number, a date) is found from it by trying keys, and even a "
        + "random 64-bit key is within reach of a large search";
  }

  /** The text form with every parameter, the key included; {@link InteropProfiles#parse} reads it back. */
  @Override
  public String canonical() {
    return render(false);
  }

  /** The text form with the key replaced by {@code ***}. */
  public String redacted() {
    return render(true);
  }

  private String render(boolean redact) {
    StringBuilder b = new StringBuilder(family).append(':');
    boolean first = true;
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append(e.getKey()).append('=');
      b.append(redact && e.getKey().equals(keyParameter) ? "***" : e.getValue());
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InteropSpec && canonical().equals(((InteropSpec) o).canonical());
  }

  @Override
  public int hashCode() {
    return Objects.hash(canonical());
  }

  /** The redacted form. */
  @Override
  public String toString() {
    return redacted();
  }
}
