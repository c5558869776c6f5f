package io.tracemark.verifier.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracemark.core.internal.Digests;
import io.tracemark.core.internal.SafeFiles;
import io.tracemark.verifier.input.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 signing key of the owner (Bouncy Castle), used to sign evidence reports. The secret
 * half lives in an owner-only file ({@code SIGNER.json}); the public half ({@code SIGNER.pub}) is
 * what a third party needs to check a report. Immutable and thread-safe; the secret never appears
 * in {@link #toString()} or in an exception message.
 */
public final class SigningKey {
  static final String FORMAT = "tracemark-signing-key";
  static final String PUBLIC_FORMAT = "tracemark-signing-public-key";
  static final String ALGORITHM = "Ed25519";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final byte[] secret;
  private final PublicKey publicKey;

  private SigningKey(byte[] secret) {
    this.secret = secret;
    Ed25519PrivateKeyParameters p = new Ed25519PrivateKeyParameters(secret, 0);
    this.publicKey = new PublicKey(p.generatePublicKey().getEncoded());
  }

  /** A new key from {@link SecureRandom}. */
  public static SigningKey generate() {
    byte[] s = new byte[Ed25519PrivateKeyParameters.KEY_SIZE];
    new SecureRandom().nextBytes(s);
    return new SigningKey(s);
  }

  /** The public half. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** The public key id (16 hex characters). */
  public String keyId() {
    return publicKey.keyId();
  }

  /** Signs {@code message}; returns the 64-byte signature. */
  public byte[] sign(byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, new Ed25519PrivateKeyParameters(secret, 0));
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  /**
   * Writes the secret to {@code path} and the public half to {@code path} with its extension
   * replaced by {@code .pub}; neither is ever overwritten. The secret file is created owner-only
   * by {@link SafeFiles#createSecret} (no link followed; the directory must be safe for a secret).
   * When the public file cannot be written, the secret file just created is removed again.
   * Returns the public file's path.
   */
  public Path writeFiles(Path path) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("format", FORMAT);
    node.put("version", 1);
    node.put("algorithm", ALGORITHM);
    node.put("key_id", keyId());
    node.put("public_key", Base64.getEncoder().encodeToString(publicKey.encoded));
    node.put("secret", Base64.getEncoder().encodeToString(secret));
    Path pub = publicPathFor(path);
    if (Files.exists(pub, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(pub.toString());
    }
    byte[] bytes = (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n")
        .getBytes(StandardCharsets.UTF_8);
    SafeFiles.Created created;
    try {
      created = SafeFiles.createSecret(path, bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
    try {
      SafeFiles.createPublic(pub, publicKey.toJson().getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      created.remove();
      throw e;
    }
    return pub;
  }

  /** {@code SIGNER.json} → {@code SIGNER.pub}. */
  public static Path publicPathFor(Path path) {
    String name = path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    return path.resolveSibling(base + ".pub");
  }

  /** Reads a signing key file written by {@link #writeFiles}. Errors name the file, never the secret. */
  public static SigningKey readFile(Path path) throws IOException {
    JsonNode node = readJson(path, "signing key");
    requireField(path, node, "format", FORMAT);
    requireField(path, node, "algorithm", ALGORITHM);
    byte[] s = base64(path, node, "secret", Ed25519PrivateKeyParameters.KEY_SIZE);
    SigningKey key = new SigningKey(s);
    JsonNode id = node.get("key_id");
    if (id != null && !id.asText().equals(key.keyId())) {
      throw new InputException(path + ": recorded key_id does not match the secret (file corrupted or edited)");
    }
    return key;
  }

  static JsonNode readJson(Path path, String what) throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new InputException(path + ": not a tracemark " + what + " file (not JSON)");
    }
    if (node == null || !node.isObject()) {
      throw new InputException(path + ": not a tracemark " + what + " file (not a JSON object)");
    }
    return node;
  }

  static void requireField(Path path, JsonNode node, String field, String expected) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || !v.asText().equals(expected)) {
      throw new InputException(String.format(Locale.ROOT, "%s: not a tracemark signing key file: field \"%s\" must be "
          + "\"%s\"", path, field, expected));
    }
  }

  static byte[] base64(Path path, JsonNode node, String field, int length) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new InputException(String.format(Locale.ROOT, "%s: field \"%s\" is missing or not a string", path, field));
    }
    byte[] b;
    try {
      b = Base64.getDecoder().decode(v.asText());
    } catch (IllegalArgumentException e) {
      throw new InputException(String.format(Locale.ROOT, "%s: field \"%s\" is not valid base64", path, field));
    }
    if (b.length != length) {
      throw new InputException(String.format(Locale.ROOT, "%s: field \"%s\" must decode to %d bytes, was %d", path,
          field, length, b.length));
    }
    return b;
  }

  @Override
  public String toString() {
    return "SigningKey[Ed25519, id=" + keyId() + "]";
  }

  /** The public half of a signing key. Immutable. */
  public static final class PublicKey {
    private final byte[] encoded;
    private final String keyId;

    PublicKey(byte[] encoded) {
      this.encoded = encoded.clone();
      this.keyId = HexFormat.of().formatHex(Digests.sha256("tracemark/signing-key-id/v1\0", encoded), 0, 8);
    }

    /** 16 hex characters naming the key. */
    public String keyId() {
      return keyId;
    }

    /** The 32-byte public key. */
    public byte[] encoded() {
      return encoded.clone();
    }

    /** Whether {@code signature} is a valid Ed25519 signature of {@code message} under this key. */
    public boolean verify(byte[] message, byte[] signature) {
      if (signature.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
        return false;
      }
      Ed25519Signer verifier = new Ed25519Signer();
      verifier.init(false, new Ed25519PublicKeyParameters(encoded, 0));
      verifier.update(message, 0, message.length);
      return verifier.verifySignature(signature);
    }

    String toJson() {
      ObjectNode node = JSON.createObjectNode();
      node.put("format", PUBLIC_FORMAT);
      node.put("version", 1);
      node.put("algorithm", ALGORITHM);
      node.put("key_id", keyId);
      node.put("public_key", Base64.getEncoder().encodeToString(encoded));
      try {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Reads a {@code .pub} file written by {@link SigningKey#writeFiles}. */
    public static PublicKey readFile(Path path) throws IOException {
      JsonNode node = readJson(path, "public key");
      requireField(path, node, "format", PUBLIC_FORMAT);
      requireField(path, node, "algorithm", ALGORITHM);
      return new PublicKey(base64(path, node, "public_key", Ed25519PublicKeyParameters.KEY_SIZE));
    }

    @Override
    public String toString() {
      return "SigningKey.PublicKey[Ed25519, id=" + keyId + "]";
    }
  }
}
