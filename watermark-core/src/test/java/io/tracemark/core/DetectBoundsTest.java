package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.DedupMode;
import io.tracemark.api.Detector;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every {@code detect(tokens, offset, length)} refuses a range whose end overflows an int with an
 * {@link IllegalArgumentException} naming offset and length, before it allocates or reads anything.
 */
class DetectBoundsTest {
  static final int[] TOKENS = {1, 2, 3, 4, 5, 6, 7, 8};

  /** offset + length wraps around to a negative int, which an unguarded {@code offset + length <= n} accepts. */
  static List<int[]> overflowingRanges() {
    List<int[]> out = new ArrayList<>();
    out.add(new int[] {1, Integer.MAX_VALUE});
    out.add(new int[] {Integer.MAX_VALUE, 2});
    out.add(new int[] {TOKENS.length, Integer.MAX_VALUE});
    out.add(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE});
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"kgw:gamma=0.25,h=1", "kgw:gamma=0.25,h=3,seeding=self"})
  void greenListDetectionRefusesRangesWhoseEndOverflows(String spec) {
    WatermarkKey key = WatermarkKey.fromBytes(new byte[32]);
    for (DedupMode mode : DedupMode.values()) {
      Detector d = new KgwWatermark(key, KgwSpec.parse(spec), 100).detector(mode);
      for (int[] r : overflowingRanges()) {
        assertThatThrownBy(() -> d.detect(TOKENS, r[0], r[1])).as("%s offset=%d length=%d", mode, r[0], r[1])
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("offset=" + r[0]).hasMessageContaining("length=" + r[1]);
      }
      // the edges of the valid range still work
      assertThat(d.detect(TOKENS, TOKENS.length, 0).tokensRead()).isZero();
      assertThat(d.detect(TOKENS, 0, TOKENS.length).tokensRead()).isEqualTo(TOKENS.length);
      assertThatThrownBy(() -> d.detect(TOKENS, 1, TOKENS.length)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> d.detect(TOKENS, -1, 2)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lmw:seeding=lefthash,gamma=0.25,vocab=100", "lmw:seeding=selfhash,vocab=100",
      "hf:seeding=lefthash,vocab=100,bos-token-id=1", "vllm:algorithm=gumbel,key=42,vocab=100",
      "vllm:algorithm=dual_key_gumbel,key=42,vocab=100"})
  void everyInteropWatermarkRefusesRangesWhoseEndOverflows(String spec) {
    Watermark p = Watermarks.create((InteropSpec) SchemeSpec.parse(spec));
    for (int[] r : overflowingRanges()) {
      assertThatThrownBy(() -> p.detector().detect(TOKENS, r[0], r[1])).as("offset=%d length=%d", r[0], r[1])
          .isInstanceOf(IllegalArgumentException.class);
      for (DedupMode mode : DedupMode.values()) {
        Detector d = p.detector(mode).withParallelism(2);
        assertThatThrownBy(() -> d.detect(TOKENS, r[0], r[1])).isInstanceOf(IllegalArgumentException.class);
      }
    }
    assertThat(p.detector().detect(TOKENS, TOKENS.length, 0).tokensRead()).isZero();
  }
}
