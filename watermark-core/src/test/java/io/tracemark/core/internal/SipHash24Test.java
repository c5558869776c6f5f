package io.tracemark.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SipHash24Test {
  private static final long K0 = 0x0706050403020100L;
  private static final long K1 = 0x0f0e0d0c0b0a0908L;

  @Test
  void matchesTheReferenceVectorOfThePaper() {
    // SipHash paper, Appendix A: key 00..0f, message 00..0e (15 bytes)
    byte[] msg = new byte[15];
    for (int i = 0; i < msg.length; i++) {
      msg[i] = (byte) i;
    }
    assertThat(SipHash24.hashBytes(K0, K1, msg)).isEqualTo(0xa129ca6149be45e5L);
    // and the empty message of the reference vectors.h: 31 0e 0e dd 47 db 6f 72 (little endian)
    assertThat(SipHash24.hashBytes(K0, K1, new byte[0])).isEqualTo(0x726fdb47dd0e0e31L);
  }

  @Test
  void matchesGuavaOnRandomMessages() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 2000; i++) {
      long k0 = r.nextLong();
      long k1 = r.nextLong();
      byte[] msg = new byte[r.nextInt(64)];
      for (int j = 0; j < msg.length; j++) {
        msg[j] = (byte) r.nextInt();
      }
      assertThat(SipHash24.hashBytes(k0, k1, msg)).isEqualTo(Hashing.sipHash24(k0, k1).hashBytes(msg).asLong());
    }
  }

  @Test
  void specialisedShapesEqualTheByteForm() {
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 2000; i++) {
      long k0 = r.nextLong();
      long k1 = r.nextLong();
      int h = r.nextInt(9);
      int[] ints = new int[h + 3];
      for (int j = 0; j < ints.length; j++) {
        ints[j] = r.nextInt();
      }
      long header = r.nextLong();
      ByteBuffer b = ByteBuffer.allocate(8 + 4 * h).order(ByteOrder.LITTLE_ENDIAN);
      b.putLong(header);
      for (int j = 0; j < h; j++) {
        b.putInt(ints[2 + j]);
      }
      assertThat(SipHash24.hashHeaderAndInts(k0, k1, header, ints, 2, h))
          .isEqualTo(Hashing.sipHash24(k0, k1).hashBytes(b.array()).asLong());
      long w1 = r.nextLong();
      ByteBuffer c = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(header).putLong(w1).putInt(ints[0]);
      assertThat(SipHash24.hashThreeWords(k0, k1, header, w1, ints[0]))
          .isEqualTo(Hashing.sipHash24(k0, k1).hashBytes(c.array()).asLong());
    }
  }
}
