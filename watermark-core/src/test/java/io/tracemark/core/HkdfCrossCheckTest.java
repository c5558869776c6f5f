package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.WatermarkKey;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

/** The API's JDK-based HKDF agrees with Bouncy Castle's. */
class HkdfCrossCheckTest {
  @Test
  void deriveEqualsBouncyCastleHkdf() {
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 50; i++) {
      byte[] secret = new byte[32];
      for (int j = 0; j < 32; j++) {
        secret[j] = (byte) r.nextInt();
      }
      String purpose = "tracemark/test/" + i;
      int length = 1 + r.nextInt(100);
      HKDFBytesGenerator bc = new HKDFBytesGenerator(new SHA256Digest());
      bc.init(new HKDFParameters(secret, "tracemark/hkdf-salt/v1".getBytes(StandardCharsets.US_ASCII),
          purpose.getBytes(StandardCharsets.UTF_8)));
      byte[] expected = new byte[length];
      bc.generateBytes(expected, 0, length);
      assertThat(WatermarkKey.fromBytes(secret).derive(purpose, length)).isEqualTo(expected);
    }
  }
}
