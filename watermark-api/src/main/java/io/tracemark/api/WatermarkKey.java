package io.tracemark.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * A secret watermark key: 32 random bytes, with what is recorded about it.
 *
 * <p>The key has a public <em>key id</em> (first 8 bytes of a domain-separated SHA-256 of the
 * secret, in hex) that names it in reports, and a public <em>commitment</em> (a differently
 * domain-separated SHA-256 of the secret, in hex) that the owner can publish before a dispute to
 * prove the key was fixed before a suspect corpus was collected. Neither reveals the secret. Both
 * are computed here, from the secret, when the key is made, so a key never carries an id that is
 * not its own.
 *
 * <p>A key also records when it was generated, how many per-tenant keys its owner hands out, and
 * what it was made for ({@link KeyUse}); none of these changes the secret, the id or equality.
 *
 * <p>Instances are immutable and thread-safe. The secret is copied in and out and never appears in
 * {@link #toString()}, in an exception message or in a log line. This is a value type: keys are
 * generated and derived (HKDF, tenant keys) by {@code io.tracemark.core.keys.Keys}, and key files
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

  private final byte[] secret;
  private final String keyId;
  private final String commitment;
  private final Instant created;
  private final int tenants;
  private final KeyUse use;

  private WatermarkKey(byte[] secret, String keyId, String commitment, Instant created, int tenants, KeyUse use) {
    this.secret = secret;
    this.keyId = keyId;
    this.commitment = commitment;
    this.created = created;
    this.tenants = tenants;
    this.use = use;
  }

  /**
   * A key from exactly 32 bytes; the array is copied. Nothing else is recorded (no creation time,
   * no tenants, made for any use).
   *
   * @throws IllegalArgumentException if {@code secret} is not 32 bytes long
   */
  public static WatermarkKey fromBytes(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    Checks.require(secret.length == LENGTH, "secret must be %d bytes, was %d bytes", LENGTH, secret.length);
    byte[] copy = secret.clone();
    return new WatermarkKey(copy, HexFormat.of().formatHex(sha256(ID_DOMAIN, copy), 0, 8),
        HexFormat.of().formatHex(sha256(COMMIT_DOMAIN, copy)), null, 0, KeyUse.ANY);
  }

  /** This key, recording when it was generated. The secret, the key id and equality are unchanged. */
  public WatermarkKey withCreated(Instant when) {
    return new WatermarkKey(secret, keyId, commitment, when, tenants, use);
  }

  /**
   * This key, recording how many per-tenant sub-keys the owner hands out (for the key file and
   * {@code key-info}). The secret, the key id and equality are unchanged.
   */
  public WatermarkKey withTenants(int count) {
    Checks.require(count >= 0 && count <= MAX_TENANTS, "tenants must be between 0 and %d, was %d", MAX_TENANTS,
        count);
    return new WatermarkKey(secret, keyId, commitment, created, count, use);
  }

  /** This key, recording what it was made for. The secret, the key id and equality are unchanged. */
  public WatermarkKey withUse(KeyUse newUse) {
    return new WatermarkKey(secret, keyId, commitment, created, tenants, Objects.requireNonNull(newUse, "use"));
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
  public Optional<Instant> created() {
    return Optional.ofNullable(created);
  }

  /** Number of tenants recorded with the key (0 when none). */
  public int tenants() {
    return tenants;
  }

  /** What the key was made for ({@link KeyUse#ANY} when nothing is recorded). */
  public KeyUse use() {
    return use;
  }

  /**
   * A copy of the secret bytes. Only for code that must key a PRF or write the key file; never
   * print or log it.
   */
  public byte[] secretBytes() {
    return secret.clone();
  }

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
