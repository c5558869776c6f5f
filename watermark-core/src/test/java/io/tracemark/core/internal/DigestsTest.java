package io.tracemark.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.WatermarkKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class DigestsTest {
  static byte[] bytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  @Test
  void sha256OfATagAndPartsIsTheJdkDigestOfTheirConcatenation() throws Exception {
    SplittableRandom r = new SplittableRandom(8);
    for (int i = 0; i < 100; i++) {
      byte[] a = bytes(r, r.nextInt(100));
      byte[] b = bytes(r, r.nextInt(100));
      MessageDigest jdk = MessageDigest.getInstance("SHA-256");
      jdk.update("tracemark/test/v1\0".getBytes(StandardCharsets.US_ASCII));
      jdk.update(a);
      jdk.update(b);
      assertThat(Digests.sha256("tracemark/test/v1\0", a, b)).isEqualTo(jdk.digest());
    }
    // FIPS 180-2 example: SHA-256("abc")
    assertThat(HexFormat.of().formatHex(Digests.sha256("abc")))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void hmacIsTheJdkHmac() throws Exception {
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 50; i++) {
      byte[] key = bytes(r, 1 + r.nextInt(80));
      byte[] data = bytes(r, r.nextInt(200));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update("domain\0".getBytes(StandardCharsets.US_ASCII));
      assertThat(Digests.hmacSha256(key, "domain\0", data)).isEqualTo(mac.doFinal(data));
    }
  }

  /** The api computes a key's id and commitment with the JDK; they are these tagged digests. */
  @Test
  void theApisKeyIdAndCommitmentAreTaggedDigests() {
    byte[] secret = bytes(new SplittableRandom(10), 32);
    WatermarkKey key = WatermarkKey.fromBytes(secret);
    assertThat(key.keyId()).isEqualTo(HexFormat.of().formatHex(Digests.sha256("tracemark/key-id/v1\0", secret), 0, 8));
    assertThat(key.commitment())
        .isEqualTo(HexFormat.of().formatHex(Digests.sha256("tracemark/key-commitment/v1\0", secret)));
  }
}
