package io.tracemark.core.keys;

import io.tracemark.api.Checks;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.Digests;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Makes watermark keys: new ones from {@link SecureRandom}, sub-keys derived with HKDF-SHA256
 * (RFC 5869, Bouncy Castle's {@code HKDFBytesGenerator}) for each scheme, version and tenant.
 * Stateless and thread-safe; no secret ever appears in a message.
 *
 * <pre>{@code
 * WatermarkKey key = Keys.generate();                  // 32 bytes from SecureRandom
 * WatermarkKey customer7 = Keys.tenant(key, 7);        // one key per API customer
 * byte[] prfKey = Keys.derive(key, "tracemark/v1/kgw/prf", 32);
 * }</pre>
 */
public final class Keys {
  private Keys() {}

  /** The HKDF salt of every derivation: {@code "tracemark/hkdf-salt/v1"}. */
  static final byte[] HKDF_SALT = "tracemark/hkdf-salt/v1".getBytes(StandardCharsets.US_ASCII);
  /** The longest HKDF-SHA256 output: 255 blocks of 32 bytes. */
  public static final int MAX_DERIVED_LENGTH = 255 * 32;

  /** A new key from a new {@link SecureRandom}, recording the time it was generated. */
  public static WatermarkKey generate() {
    return generate(new SecureRandom());
  }

  /** A new key from {@code random} (which should be a {@link SecureRandom}), recording the time it was generated. */
  public static WatermarkKey generate(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    byte[] bytes = new byte[WatermarkKey.LENGTH];
    random.nextBytes(bytes);
    try {
      return WatermarkKey.fromBytes(bytes).withCreated(Instant.now());
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Derives {@code length} bytes of {@code key} for the given purpose with HKDF-SHA256 (salt
   * {@code "tracemark/hkdf-salt/v1"}, info = the purpose in UTF-8). Different purposes give
   * independent sub-keys. The caller owns, and should clear, the result.
   *
   * @param length 1 to {@value #MAX_DERIVED_LENGTH}
   */
  public static byte[] derive(WatermarkKey key, String purpose, int length) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(purpose, "purpose");
    Checks.require(length > 0 && length <= MAX_DERIVED_LENGTH, "length must be between 1 and %d, was %d",
        MAX_DERIVED_LENGTH, length);
    byte[] secret = key.secretBytes();
    try {
      return hkdfSha256(secret, HKDF_SALT, purpose.getBytes(StandardCharsets.UTF_8), length);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /**
   * The key of tenant {@code index} (0-based), derived from {@code master} with HKDF: handing each
   * API customer its own tenant key lets a leak be traced to one customer. The tenant key records
   * the master's creation time and use, and no tenants of its own.
   *
   * @param index ≥ 0
   */
  public static WatermarkKey tenant(WatermarkKey master, int index) {
    Objects.requireNonNull(master, "master");
    Checks.require(index >= 0, "tenant index must be >= 0, was %d", index);
    byte[] sub = derive(master, "tracemark/tenant/" + index, WatermarkKey.LENGTH);
    try {
      WatermarkKey key = WatermarkKey.fromBytes(sub).withUse(master.use());
      return master.created().map(key::withCreated).orElse(key);
    } finally {
      Arrays.fill(sub, (byte) 0);
    }
  }

  /** HKDF-SHA256 (RFC 5869): extract then expand. An empty salt means a zero salt, as the RFC says. */
  static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(ikm, salt.length == 0 ? null : salt, info));
    byte[] out = new byte[length];
    hkdf.generateBytes(out, 0, length);
    return out;
  }

  /** The length of an interop commitment's salt in bytes. */
  public static final int COMMITMENT_SALT_LENGTH = 32;

  /**
   * A public commitment to another system's specification, key included, under a random public
   * {@code salt} of {@value #COMMITMENT_SALT_LENGTH} bytes: HMAC-SHA256 keyed by the salt over a
   * domain tag and the canonical text (that is, HKDF-Extract), in hex. Whoever later learns the key
   * and the salt can check it; the salt makes a table of precomputed digests useless, but it does
   * not stop a search over candidate keys: the commitment hides the key only as well as the key is
   * random. Empty for the families whose key space is small enough to search outright
   * ({@link InteropSpec#guessableKey()}: lmw, hf), where any digest of the key would give it away.
   */
  public static Optional<String> commitment(InteropSpec spec, byte[] salt) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(salt, "salt");
    Checks.require(salt.length == COMMITMENT_SALT_LENGTH, "salt must be %d bytes, was %d", COMMITMENT_SALT_LENGTH,
        salt.length);
    if (spec.guessableKey()) {
      return Optional.empty();
    }
    return Optional.of(HexFormat.of().formatHex(Digests.hmacSha256(salt, "tracemark/interop-commitment/v1\0",
        spec.canonical().getBytes(StandardCharsets.UTF_8))));
  }
}
