package io.tracemark.core.keys;

import io.tracemark.api.Checks;
import io.tracemark.api.KeyUse;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.internal.SafeFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes watermark key files: a small JSON object with the format name, version 1, the
 * public key id and commitment, the creation time, the tenant count, what the key was made for
 * ({@code scheme}, {@code tokenizer}, {@code vocabulary_size}, each {@code "any"} when not given)
 * and the base64 secret.
 *
 * <pre>{@code
 * KeyFiles.write(Keys.generate(), Path.of("key.json"));   // owner-only, never overwrites
 * WatermarkKey key = KeyFiles.read(Path.of("key.json"));
 * }</pre>
 *
 * <p>A file is written once, by {@link SafeFiles#createSecret} (owner-only, no link followed).
 * Reading checks every field: the recorded key id and commitment must match the secret, so a
 * damaged or edited file is an error, not another key. Error messages name the file and the
 * field and what is wrong with it, never a value read from the file. Files of version 1 without
 * the {@code scheme}/{@code tokenizer}/{@code vocabulary_size} fields read as made for any use.
 * Stateless and thread-safe.
 */
public final class KeyFiles {
  private KeyFiles() {}

  /** The {@code format} field of a key file. */
  public static final String FORMAT = "tracemark-watermark-key";
  /** The key file version this build writes and reads. */
  public static final int VERSION = 1;
  /** A key file is small; a larger file is refused unread. */
  static final int MAX_BYTES = 64 * 1024;

  /**
   * Writes a new key file, owner-only ({@code rw-------}), recording what the key records: its
   * creation time, tenant count and use ({@link WatermarkKey#use()}).
   *
   * @throws java.nio.file.FileAlreadyExistsException when anything has that name
   * @throws java.nio.file.FileSystemException when the directory is not safe for a secret
   *     ({@link SafeFiles#createSecret})
   */
  public static void write(WatermarkKey key, Path path) throws IOException {
    KeyUse use = key.use();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("format", FlatJson.quote(FORMAT));
    fields.put("version", Integer.toString(VERSION));
    fields.put("key_id", FlatJson.quote(key.keyId()));
    fields.put("commitment", FlatJson.quote(key.commitment()));
    key.created().ifPresent(c -> fields.put("created", FlatJson.quote(c.toString())));
    fields.put("tenants", Integer.toString(key.tenants()));
    fields.put("scheme", FlatJson.quote(use.scheme() == null ? KeyUse.ANY_VALUE : use.scheme().canonical()));
    fields.put("tokenizer", FlatJson.quote(use.tokenizer() == null ? KeyUse.ANY_VALUE : use.tokenizer()));
    fields.put("vocabulary_size", use.vocabularySize() == 0 ? FlatJson.quote(KeyUse.ANY_VALUE)
        : Integer.toString(use.vocabularySize()));
    fields.put("secret", FlatJson.quote(Base64.getEncoder().encodeToString(key.secretBytes())));
    StringBuilder json = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, String> e : fields.entrySet()) {
      json.append("  \"").append(e.getKey()).append("\": ").append(e.getValue());
      json.append(++i < fields.size() ? ",\n" : "\n");
    }
    json.append("}\n");
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
    try {
      SafeFiles.createSecret(path, bytes);
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
    }
  }

  /** Reads the key of a key file; see {@link #readFile}. */
  public static WatermarkKey read(Path path) throws IOException {
    return readFile(path).key();
  }

  /**
   * Reads a key file. A UTF-8 byte order mark is skipped. Unknown fields are ignored (a later
   * version-1 writer may add optional ones).
   *
   * @throws IllegalArgumentException naming the file and the field, never a value, when the file
   *     is not a valid key file (wrong format or version, a malformed field, a key id or
   *     commitment that does not match the secret)
   * @throws NoSuchFileException when there is no such file
   */
  public static KeyFile readFile(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString());
    }
    if (!Files.isRegularFile(path)) {
      throw bad(path, "not a regular file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw bad(path, "larger than %d bytes, not a tracemark key file", MAX_BYTES);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw bad(path, "not a tracemark key file (not UTF-8)");
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    Map<String, String> f;
    try {
      f = FlatJson.parse(text);
    } catch (IllegalArgumentException e) {
      throw bad(path, "not a tracemark key file: %s", e.getMessage());
    }
    if (!FORMAT.equals(f.get("format"))) {
      throw bad(path, "not a tracemark key file: field \"format\" must be \"%s\"", FORMAT);
    }
    if (!Integer.toString(VERSION).equals(f.get("version"))) {
      throw bad(path, "field \"version\" is missing or not %d, the version this build reads", VERSION);
    }
    String encoded = f.get("secret");
    if (encoded == null) {
      throw bad(path, "field \"secret\" is missing");
    }
    byte[] secret;
    try {
      secret = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw bad(path, "field \"secret\" is not valid base64");
    }
    if (secret.length != WatermarkKey.LENGTH) {
      throw bad(path, "field \"secret\" must decode to %d bytes, was %d", WatermarkKey.LENGTH, secret.length);
    }
    WatermarkKey key = WatermarkKey.fromBytes(secret);
    java.util.Arrays.fill(secret, (byte) 0);
    String id = f.get("key_id");
    if (id != null && !MessageDigest.isEqual(id.getBytes(StandardCharsets.UTF_8),
        key.keyId().getBytes(StandardCharsets.UTF_8))) {
      throw bad(path, "field \"key_id\" does not match the secret (file corrupted or edited)");
    }
    String commitment = f.get("commitment");
    if (commitment != null && !MessageDigest.isEqual(commitment.getBytes(StandardCharsets.UTF_8),
        key.commitment().getBytes(StandardCharsets.UTF_8))) {
      throw bad(path, "field \"commitment\" does not match the secret (file corrupted or edited)");
    }
    if (f.containsKey("created")) {
      try {
        key = key.withCreated(Instant.parse(f.get("created")));
      } catch (DateTimeParseException e) {
        throw bad(path, "field \"created\" is not an ISO-8601 instant");
      }
    }
    if (f.containsKey("tenants")) {
      String t = f.get("tenants");
      int tenants;
      try {
        tenants = Checks.isPlainInteger(t) ? Integer.parseInt(t) : -1;
      } catch (NumberFormatException e) {
        tenants = -1;
      }
      if (tenants < 0 || tenants > WatermarkKey.MAX_TENANTS) {
        throw bad(path, "field \"tenants\" must be an integer between 0 and %d", WatermarkKey.MAX_TENANTS);
      }
      key = key.withTenants(tenants);
    }
    return new KeyFile(path, key.withUse(use(path, f)), SafeFiles.readableByOthers(path));
  }

  private static KeyUse use(Path path, Map<String, String> f) {
    KgwSpec scheme = null;
    String s = f.get("scheme");
    if (s != null && !s.equals(KeyUse.ANY_VALUE)) {
      try {
        scheme = KgwSpec.parse(s);
      } catch (IllegalArgumentException e) {
        throw bad(path, "field \"scheme\" is not a kgw scheme specification or \"%s\"", KeyUse.ANY_VALUE);
      }
    }
    String tokenizer = f.get("tokenizer");
    if (tokenizer != null && tokenizer.equals(KeyUse.ANY_VALUE)) {
      tokenizer = null;
    }
    int vocabulary = 0;
    String v = f.get("vocabulary_size");
    if (v != null && !v.equals(KeyUse.ANY_VALUE)) {
      try {
        vocabulary = Checks.isPlainInteger(v) ? Integer.parseInt(v) : -1;
      } catch (NumberFormatException e) {
        vocabulary = -1;
      }
      if (vocabulary < 2) {
        throw bad(path, "field \"vocabulary_size\" must be an integer >= 2 or \"%s\"", KeyUse.ANY_VALUE);
      }
    }
    try {
      return new KeyUse(scheme, tokenizer, vocabulary);
    } catch (IllegalArgumentException e) {
      throw bad(path, "field \"tokenizer\" must be 1 to %d printable characters or \"%s\"",
          KeyUse.MAX_TOKENIZER_NAME, KeyUse.ANY_VALUE);
    }
  }

  private static IllegalArgumentException bad(Path path, String format, Object... args) {
    return new IllegalArgumentException(path + ": " + String.format(Locale.ROOT, format, args));
  }
}
