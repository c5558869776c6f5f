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
  void idAndCommitmentAreDeterministicDistinctAndPublicLength() {
    WatermarkKey a = WatermarkKey.fromBytes(counting());
    WatermarkKey b = WatermarkKey.fromBytes(counting());
    assertThat(a.keyId()).isEqualTo(b.keyId()).hasSize(16);
    assertThat(a.commitment()).isEqualTo(b.commitment()).hasSize(64);
    assertThat(a.commitment()).doesNotStartWith(a.keyId());
    assertThat(a).isEqualTo(b);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    WatermarkKey other = WatermarkKey.fromBytes(random);
    assertThat(other.keyId()).isNotEqualTo(a.keyId());
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
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    WatermarkKey key = WatermarkKey.fromBytes(secret);
    String hex = HexFormat.of().formatHex(secret);
    String b64 = Base64.getEncoder().encodeToString(secret);
    assertThat(key.toString()).contains(key.keyId()).doesNotContain(hex).doesNotContain(b64);
  }

  @Test
  void createdTenantsAndUseAreRecordedWithoutChangingTheKey() {
    WatermarkKey key = WatermarkKey.fromBytes(counting());
    java.time.Instant when = java.time.Instant.parse("2026-01-02T03:04:05Z");
    KeyUse use = new KeyUse(null, "cl100k_base", 100_277);
    WatermarkKey dated = key.withCreated(when).withTenants(3).withUse(use);
    assertThat(dated).isEqualTo(key);
    assertThat(dated.use()).isEqualTo(use);
    assertThat(key.use()).isEqualTo(KeyUse.ANY);
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
