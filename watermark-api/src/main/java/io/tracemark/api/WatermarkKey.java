package io.tracemark.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
 * {@link #toString()}, in an exception message or in a log line.
 */
public final class WatermarkKey {
  /** Length of the secret in bytes. */
  public static final int LENGTH = 32;

  static final String FILE_FORMAT = "tracemark-watermark-key";
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
   * Returns a copy of this key that records, for the key file and {@code key-info}, how many
   * per-tenant sub-keys the owner hands out. It does not change the secret or the key id.
   */
  public WatermarkKey withTenants(int count) {
    Checks.require(count >= 0 && count <= 1_000_000, "tenants must be between 0 and 1000000, was %d", count);
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

  // ---------------------------------------------------------------- key files

  /**
   * Writes the key file (a small JSON object) with owner-only permissions ({@code rw-------}) on
   * file systems that support POSIX permissions. Refuses to overwrite an existing file.
   */
  public void writeFile(Path path) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("format", FILE_FORMAT);
    fields.put("version", "1");
    fields.put("key_id", keyId);
    fields.put("commitment", commitment);
    if (created != null) {
      fields.put("created", created.toString());
    }
    fields.put("tenants", Integer.toString(tenants));
    fields.put("secret", Base64.getEncoder().encodeToString(secret));
    StringBuilder json = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, String> e : fields.entrySet()) {
      boolean number = e.getKey().equals("version") || e.getKey().equals("tenants");
      json.append("  \"").append(e.getKey()).append("\": ");
      json.append(number ? e.getValue() : "\"" + e.getValue() + "\"");
      json.append(++i < fields.size() ? ",\n" : "\n");
    }
    json.append("}\n");
    writeOwnerOnly(path, json.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Writes bytes to a new file that only the owner can read and write. */
  static void writeOwnerOnly(Path path, byte[] content) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    boolean posix = Files.getFileStore(parent == null ? Path.of(".") : parent)
        .supportsFileAttributeView("posix");
    if (posix) {
      Set<PosixFilePermission> ownerOnly = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      Files.createFile(path, PosixFilePermissions.asFileAttribute(ownerOnly));
    } else {
      Files.createFile(path);
    }
    Files.write(path, content, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
  }

  /**
   * Reads a key file written by {@link #writeFile}. A file that is not a tracemark key file, or
   * whose recorded key id does not match its secret, gives an {@link IllegalArgumentException}
   * naming the file and the problem (never the secret).
   */
  public static WatermarkKey readFile(Path path) throws IOException {
    String text = Files.readString(path, StandardCharsets.UTF_8);
    Map<String, String> fields;
    try {
      fields = FlatJson.parse(text);
    } catch (IllegalArgumentException e) {
      throw Checks.illegal("%s: not a tracemark key file: %s", path, e.getMessage());
    }
    if (!FILE_FORMAT.equals(fields.get("format"))) {
      throw Checks.illegal("%s: not a tracemark key file: field \"format\" must be \"%s\"", path, FILE_FORMAT);
    }
    if (!"1".equals(fields.get("version"))) {
      throw Checks.illegal("%s: unsupported key file version %s (this build reads version 1)", path,
          fields.get("version"));
    }
    String encoded = fields.get("secret");
    if (encoded == null) {
      throw Checks.illegal("%s: key file has no field \"secret\"", path);
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw Checks.illegal("%s: field \"secret\" is not valid base64", path);
    }
    if (bytes.length != LENGTH) {
      throw Checks.illegal("%s: field \"secret\" must decode to %d bytes, was %d", path, LENGTH, bytes.length);
    }
    Instant created = null;
    if (fields.containsKey("created")) {
      try {
        created = Instant.parse(fields.get("created"));
      } catch (DateTimeParseException e) {
        throw Checks.illegal("%s: field \"created\" is not an ISO-8601 instant", path);
      }
    }
    int tenants = 0;
    if (fields.containsKey("tenants")) {
      try {
        tenants = Integer.parseInt(fields.get("tenants"));
      } catch (NumberFormatException e) {
        throw Checks.illegal("%s: field \"tenants\" is not an integer", path);
      }
    }
    WatermarkKey key = new WatermarkKey(bytes, created, 0).withTenants(tenants);
    String recorded = fields.get("key_id");
    if (recorded != null && !recorded.equals(key.keyId)) {
      throw Checks.illegal("%s: recorded key_id %s does not match the secret (file corrupted or edited)", path,
          recorded);
    }
    return key;
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
