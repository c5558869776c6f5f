package io.tracemark.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatermarkKeyTest {
  private static byte[] counting() {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  @Test
  void hkdfMatchesRfc5869TestCase1() {
    byte[] ikm = HexFormat.of().parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b0c");
    byte[] info = HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9");
    byte[] okm = WatermarkKey.hkdfSha256(ikm, salt, info, 42);
    assertThat(HexFormat.of().formatHex(okm)).isEqualTo(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void hkdfMatchesRfc5869TestCase3WithEmptySaltAndInfo() {
    byte[] ikm = HexFormat.of().parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] okm = WatermarkKey.hkdfSha256(ikm, new byte[0], new byte[0], 42);
    assertThat(HexFormat.of().formatHex(okm)).isEqualTo(
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  }

  @Test
  void idAndCommitmentAreDeterministicDistinctAndPublicLength() {
    WatermarkKey a = WatermarkKey.fromBytes(counting());
    WatermarkKey b = WatermarkKey.fromBytes(counting());
    assertThat(a.keyId()).isEqualTo(b.keyId()).hasSize(16);
    assertThat(a.commitment()).isEqualTo(b.commitment()).hasSize(64);
    assertThat(a.commitment()).doesNotStartWith(a.keyId());
    assertThat(a).isEqualTo(b);
    WatermarkKey other = WatermarkKey.generate(new SecureRandom());
    assertThat(other.keyId()).isNotEqualTo(a.keyId());
  }

  @Test
  void tenantsAreDistinctAndDeterministic() {
    WatermarkKey master = WatermarkKey.fromBytes(counting());
    assertThat(master.tenant(0).keyId()).isEqualTo(master.tenant(0).keyId());
    assertThat(master.tenant(0).keyId()).isNotEqualTo(master.tenant(1).keyId());
    assertThat(master.tenant(0).keyId()).isNotEqualTo(master.keyId());
    assertThat(master.derive("a", 32)).isNotEqualTo(master.derive("b", 32));
  }

  @Test
  void secretIsCopiedInAndOut() {
    byte[] bytes = counting();
    WatermarkKey key = WatermarkKey.fromBytes(bytes);
    bytes[0] = 99;
    assertThat(key.secretBytes()[0]).isEqualTo((byte) 0);
    key.secretBytes()[1] = 99;
    assertThat(key.secretBytes()[1]).isEqualTo((byte) 1);
  }

  @Test
  void toStringAndErrorsNeverShowTheSecret(@TempDir Path dir) throws Exception {
    WatermarkKey key = WatermarkKey.generate();
    byte[] secret = key.secretBytes();
    String hex = HexFormat.of().formatHex(secret);
    String b64 = Base64.getEncoder().encodeToString(secret);
    assertThat(key.toString()).contains(key.keyId()).doesNotContain(hex).doesNotContain(b64);
    Path file = dir.resolve("key.json");
    key.writeFile(file);
    // corrupt the recorded id so reading fails: the message must not echo the secret
    String text = Files.readString(file).replace(key.keyId(), "0000000000000000");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, text);
    assertThatThrownBy(() -> WatermarkKey.readFile(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key_id")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(hex).doesNotContain(b64));
  }

  @Test
  void keyFileRoundTripsWithOwnerOnlyPermissions(@TempDir Path dir) throws Exception {
    WatermarkKey key = WatermarkKey.generate().withTenants(5);
    Path file = dir.resolve("sub/key.json");
    key.writeFile(file);
    WatermarkKey read = WatermarkKey.readFile(file);
    assertThat(read).isEqualTo(key);
    assertThat(read.tenants()).isEqualTo(5);
    assertThat(read.created()).isEqualTo(key.created());
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      assertThat(Files.getPosixFilePermissions(file))
          .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }
    assertThatThrownBy(() -> key.writeFile(file)).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
  }

  @Test
  void malformedKeyFilesGiveClearErrors(@TempDir Path dir) throws Exception {
    Path notJson = dir.resolve("a.json");
    Files.writeString(notJson, "hello");
    assertThatThrownBy(() -> WatermarkKey.readFile(notJson)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a.json").hasMessageContaining("not a tracemark key file");
    Path wrongFormat = dir.resolve("b.json");
    Files.writeString(wrongFormat, "{\"format\": \"other\", \"version\": 1}");
    assertThatThrownBy(() -> WatermarkKey.readFile(wrongFormat)).hasMessageContaining("format");
    Path shortSecret = dir.resolve("c.json");
    Files.writeString(shortSecret, "{\"format\": \"tracemark-watermark-key\", \"version\": 1, \"secret\": \""
        + Base64.getEncoder().encodeToString(new byte[16]) + "\"}");
    assertThatThrownBy(() -> WatermarkKey.readFile(shortSecret)).hasMessageContaining("32 bytes, was 16");
    Path badBase64 = dir.resolve("d.json");
    Files.writeString(badBase64, "{\"format\": \"tracemark-watermark-key\", \"version\": 1, \"secret\": \"%%%\"}",
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> WatermarkKey.readFile(badBase64)).hasMessageContaining("base64");
  }

  @Test
  void fromBytesRejectsWrongLength() {
    assertThatThrownBy(() -> WatermarkKey.fromBytes(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("secret must be 32 bytes, was 31 bytes");
  }
}
