package io.tracemark.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

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
  void toStringNeverShowsTheSecret() {
    WatermarkKey key = WatermarkKey.generate();
    byte[] secret = key.secretBytes();
    String hex = HexFormat.of().formatHex(secret);
    String b64 = Base64.getEncoder().encodeToString(secret);
    assertThat(key.toString()).contains(key.keyId()).doesNotContain(hex).doesNotContain(b64);
  }

  @Test
  void createdAndTenantsAreRecordedWithoutChangingTheKey() {
    WatermarkKey key = WatermarkKey.fromBytes(counting());
    java.time.Instant when = java.time.Instant.parse("2026-01-02T03:04:05Z");
    WatermarkKey dated = key.withCreated(when).withTenants(3);
    assertThat(dated).isEqualTo(key);
    assertThat(dated.keyId()).isEqualTo(key.keyId());
    assertThat(dated.created()).contains(when);
    assertThat(dated.tenants()).isEqualTo(3);
    assertThatThrownBy(() -> key.withTenants(WatermarkKey.MAX_TENANTS + 1)).hasMessageContaining("tenants");
  }

  @Test
  void fromBytesRejectsWrongLength() {
    assertThatThrownBy(() -> WatermarkKey.fromBytes(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("secret must be 32 bytes, was 31 bytes");
  }
}
