package io.tracemark.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A secret watermark key: 32 random bytes.
 *
 * <p>The key has a public <em>key id</em> (first 8 bytes of a domain-separated SHA-256 of the
 * secret, in hex) that names it in reports, and a public <em>commitment</em> (a differently
 * domain-separated SHA-256 of the secret, in hex) that the owner can publish before a dispute to
 * prove the key was fixed before a suspect corpus was collected. Neither reveals the secret.
 *
 * <p>Sub-keys for schemes, versions and tenants are derived with HKDF-SHA256 (RFC 5869). HKDF is
 * implemented here with the JDK's {@code HmacSHA256} because this module has no third-party
 * dependency; the core module's tests check it against Bouncy Castle's {@code HKDFBytesGenerator}
 * and the RFC's test vectors.
 *
 * <p>Instances are immutable and thread-safe. The secret is copied in and out and never appears in
 * {@link #toString()}, in an exception message or in a log line. This is a value type: key files
 * are read and written by {@code io.tracemark.core.keys.KeyFiles}.
 */
public final class WatermarkKey {
  /** Length of the secret in bytes. */
  public static final int LENGTH = 32;
  /** The largest tenant count a key records. */
  public static final int MAX_TENANTS = 1_000_000;

  private static final byte[] ID_DOMAIN = "tracemark/key-id/v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COMMIT_DOMAIN =
      "tracemark/key-commitment/v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HKDF_SALT = "tracemark/hkdf-salt/v1".getBytes(StandardCharsets.US_ASCII);

  private final byte[] secret;
  private final String keyId;
  private final String commitment;
  private final Instant created;
  private final int tenants;

  private WatermarkKey(byte[] secret, Instant created, int tenants) {
    this.secret = secret;
    this.keyId = HexFormat.of().formatHex(sha256(ID_DOMAIN, secret), 0, 8);
    this.commitment = HexFormat.of().formatHex(sha256(COMMIT_DOMAIN, secret));
    this.created = created;
    this.tenants = tenants;
  }

  /** A new key from {@link SecureRandom}. */
  public static WatermarkKey generate() {
    return generate(new SecureRandom());
  }

  /** A new key from the given source of randomness (which should be a {@link SecureRandom}). */
  public static WatermarkKey generate(SecureRandom random) {
    byte[] bytes = new byte[LENGTH];
    random.nextBytes(bytes);
    return new WatermarkKey(bytes, Instant.now(), 0);
  }

  /** A key from exactly 32 bytes; the array is copied. */
  public static WatermarkKey fromBytes(byte[] secret) {
    if (secret == null) {
      throw new NullPointerException("secret");
    }
    Checks.require(secret.length == LENGTH, "secret must be %d bytes, was %d bytes", LENGTH, secret.length);
    return new WatermarkKey(secret.clone(), null, 0);
  }

  /**
   * Returns a copy of this key that records when it was generated (as read back from a key file).
   * It does not change the secret or the key id.
   */
  public WatermarkKey withCreated(Instant when) {
    return new WatermarkKey(secret, when, tenants);
  }

  /**
   * Returns a copy of this key that records, for the key file and {@code key-info}, how many
   * per-tenant sub-keys the owner hands out. It does not change the secret or the key id.
   */
  public WatermarkKey withTenants(int count) {
    Checks.require(count >= 0 && count <= MAX_TENANTS, "tenants must be between 0 and %d, was %d", MAX_TENANTS,
        count);
    return new WatermarkKey(secret, created, count);
  }

  /** The public key id: 16 hex characters. */
  public String keyId() {
    return keyId;
  }

  /** The public commitment: 64 hex characters, SHA-256 of a domain tag and the secret. */
  public String commitment() {
    return commitment;
  }

  /** When the key was generated, if known (keys made from bytes have none). */
  public java.util.Optional<Instant> created() {
    return java.util.Optional.ofNullable(created);
  }

  /** Number of tenants recorded with the key (0 when none). */
  public int tenants() {
    return tenants;
  }

  /**
   * Derives {@code length} bytes for the given purpose with HKDF-SHA256 (salt
   * {@code "tracemark/hkdf-salt/v1"}, info = the purpose in UTF-8). Different purposes give
   * independent sub-keys.
   */
  public byte[] derive(String purpose, int length) {
    if (purpose == null) {
      throw new NullPointerException("purpose");
    }
    Checks.require(length > 0 && length <= 255 * 32, "length must be between 1 and 8160, was %d", length);
    return hkdfSha256(secret, HKDF_SALT, purpose.getBytes(StandardCharsets.UTF_8), length);
  }

  /**
   * The key of tenant {@code index} (0-based), derived from this master key with HKDF. Handing
   * each API customer its own tenant key lets a leak be traced to one customer.
   */
  public WatermarkKey tenant(int index) {
    Checks.require(index >= 0, "tenant index must be >= 0, was %d", index);
    return new WatermarkKey(derive("tracemark/tenant/" + index, LENGTH), created, 0);
  }

  /**
   * A copy of the secret bytes. Only for code that must key a PRF; never print or log it.
   */
  public byte[] secretBytes() {
    return secret.clone();
  }

  // ---------------------------------------------------------------- crypto helpers

  private static byte[] sha256(byte[] domain, byte[] secret) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(domain);
      digest.update(secret);
      return digest.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** HKDF-SHA256 (RFC 5869): extract then expand. */
  static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      byte[] out = new byte[length];
      byte[] block = new byte[0];
      int offset = 0;
      for (int counter = 1; offset < length; counter++) {
        mac.update(block);
        mac.update(info);
        mac.update((byte) counter);
        block = mac.doFinal();
        int n = Math.min(block.length, length - offset);
        System.arraycopy(block, 0, out, offset, n);
        offset += n;
      }
      Arrays.fill(prk, (byte) 0);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Equality on the secret, in constant time. */
  @Override
  public boolean equals(Object o) {
    return o instanceof WatermarkKey && MessageDigest.isEqual(secret, ((WatermarkKey) o).secret);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode();
  }

  /** Shows the key id only, never the secret. */
  @Override
  public String toString() {
    return "WatermarkKey[id=" + keyId + "]";
  }
}
