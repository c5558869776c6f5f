package io.tracemark.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.InteropSpec;
import io.tracemark.api.KeyUse;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.WatermarkKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeysTest {
  static WatermarkKey counting() {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) i;
    }
    return WatermarkKey.fromBytes(b);
  }

  @Test
  void hkdfMatchesRfc5869TestCase1() {
    byte[] ikm = HexFormat.of().parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b0c");
    byte[] info = HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9");
    assertThat(HexFormat.of().formatHex(Keys.hkdfSha256(ikm, salt, info, 42))).isEqualTo(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void hkdfMatchesRfc5869TestCase2WithLongInputs() {
    byte[] ikm = new byte[80];
    byte[] salt = new byte[80];
    byte[] info = new byte[80];
    for (int i = 0; i < 80; i++) {
      ikm[i] = (byte) i;
      salt[i] = (byte) (0x60 + i);
      info[i] = (byte) (0xb0 + i);
    }
    assertThat(HexFormat.of().formatHex(Keys.hkdfSha256(ikm, salt, info, 82))).isEqualTo(
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8"
            + "367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87");
  }

  @Test
  void hkdfMatchesRfc5869TestCase3WithEmptySaltAndInfo() {
    byte[] ikm = HexFormat.of().parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    assertThat(HexFormat.of().formatHex(Keys.hkdfSha256(ikm, new byte[0], new byte[0], 42))).isEqualTo(
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  }

  /** derive is RFC 5869 with tracemark's salt and the purpose as info: checked against a JDK-HMAC HKDF. */
  @Test
  void deriveIsHkdfWithTheTracemarkSaltAndThePurposeAsInfo() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 50; i++) {
      byte[] secret = new byte[32];
      r.nextBytes(secret);
      String purpose = "tracemark/test/" + i;
      int length = 1 + r.nextInt(100);
      byte[] expected = jdkHkdf(secret, "tracemark/hkdf-salt/v1".getBytes(StandardCharsets.US_ASCII),
          purpose.getBytes(StandardCharsets.UTF_8), length);
      assertThat(Keys.derive(WatermarkKey.fromBytes(secret), purpose, length)).isEqualTo(expected);
    }
    assertThatThrownBy(() -> Keys.derive(counting(), "p", 0)).hasMessage("length must be between 1 and 8160, was 0");
  }

  /** RFC 5869 written out with the JDK's HmacSHA256, as an independent implementation. */
  static byte[] jdkHkdf(byte[] ikm, byte[] salt, byte[] info, int length) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    byte[] out = new byte[length];
    byte[] block = new byte[0];
    for (int counter = 1, offset = 0; offset < length; counter++) {
      mac.update(block);
      mac.update(info);
      mac.update((byte) counter);
      block = mac.doFinal();
      int n = Math.min(block.length, length - offset);
      System.arraycopy(block, 0, out, offset, n);
      offset += n;
    }
    return out;
  }

  @Test
  void tenantsAreDistinctDeterministicAndKeepWhatTheMasterRecords() {
    Instant when = Instant.parse("2026-01-02T03:04:05Z");
    KeyUse use = new KeyUse(null, "cl100k_base", 0);
    WatermarkKey master = counting().withCreated(when).withTenants(9).withUse(use);
    assertThat(Keys.tenant(master, 0).keyId()).isEqualTo(Keys.tenant(master, 0).keyId());
    assertThat(Keys.tenant(master, 0).keyId()).isNotEqualTo(Keys.tenant(master, 1).keyId());
    assertThat(Keys.tenant(master, 0).keyId()).isNotEqualTo(master.keyId());
    assertThat(Keys.tenant(master, 3).created()).contains(when);
    assertThat(Keys.tenant(master, 3).use()).isEqualTo(use);
    assertThat(Keys.tenant(master, 3).tenants()).isZero();
    assertThat(Keys.derive(master, "a", 32)).isNotEqualTo(Keys.derive(master, "b", 32));
    assertThatThrownBy(() -> Keys.tenant(master, -1)).hasMessage("tenant index must be >= 0, was -1");
  }

  @Test
  void generatedKeysAreNewAndDated() {
    WatermarkKey a = Keys.generate();
    WatermarkKey b = Keys.generate(new SecureRandom());
    assertThat(a).isNotEqualTo(b);
    assertThat(a.created()).isPresent();
    assertThat(a.use()).isEqualTo(KeyUse.ANY);
  }

  @Test
  void guessableKeysGetNoCommitment() {
    for (String spec : new String[] {"lmw:seeding=lefthash,vocab=50257,hash-key=8675309", "hf:vocab=50257,hash-key=8675309"}) {
      assertThat(Keys.commitment((InteropSpec) SchemeSpec.parse(spec), new byte[32])).as(spec).isEmpty();
    }
  }

  @Test
  void aVllmCommitmentIsSaltedCheckableAndNotTheUnsaltedDigest() throws Exception {
    InteropSpec s = (InteropSpec) SchemeSpec.parse("vllm:algorithm=gumbel,key=8675309");
    byte[] salt = new byte[32];
    new SplittableRandom(3).nextBytes(salt);
    String c = Keys.commitment(s, salt).orElseThrow();
    assertThat(c).hasSize(64).matches("[0-9a-f]+");
    assertThat(Keys.commitment(s, salt)).contains(c);
    byte[] other = salt.clone();
    other[0] ^= 1;
    assertThat(Keys.commitment(s, other).orElseThrow()).isNotEqualTo(c);
    // whoever learns the key and has the salt checks the commitment: HMAC-SHA256(salt, domain || canonical)
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    mac.update("tracemark/interop-commitment/v1\0".getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(mac.doFinal(s.canonical().getBytes(StandardCharsets.UTF_8)))).isEqualTo(c);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update("tracemark/interop-spec-commitment/v1\0".getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(sha.digest(s.canonical().getBytes(StandardCharsets.UTF_8)))).isNotEqualTo(c);
    assertThatThrownBy(() -> Keys.commitment(s, new byte[16])).hasMessage("salt must be 32 bytes, was 16");
  }
}
