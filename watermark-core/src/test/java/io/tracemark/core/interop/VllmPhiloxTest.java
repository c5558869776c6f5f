package io.tracemark.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.tracemark.api.Detection;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Known answers from vLLM's own tests of its Philox watermark PRF. */
class VllmPhiloxTest {
  static final int[] GOLDEN_TOKENS = Arrays.stream(("46,24,45,80,14,26,22,124,21,45,16,30,5,89,0,10,27,70,80,62,1,11,"
      + "117,53,10,45,94,37,43,22,78,49,119,9,22,118,82,75,32,24,84,27,122,66,78,64,124,17,91,12,51,15,75,64,127,"
      + "45,112,15,83,114,121,109,24,77").split(",")).mapToInt(Integer::parseInt).toArray();

  @Test
  void rawWordsOfPhiloxPrf42() {
    PhiloxPrf prf = new PhiloxPrf(42);
    int[][] contexts = {{1, 2, 3, 4}, {4, 5, 6, 7}};
    int[] tokens = {7, 8};
    long[][] expected = {{425429266L, 2706218805L}, {2494036831L, 3424185538L}};
    int[] state = new int[4];
    int[] out = new int[4];
    for (int c = 0; c < 2; c++) {
      prf.contextState(contexts[c], 0, 4, state);
      for (int t = 0; t < 2; t++) {
        assertThat(prf.word(state, tokens[t], out) & 0xFFFFFFFFL).as("context %d token %d", c, tokens[t])
            .isEqualTo(expected[c][t]);
      }
    }
  }

  @Test
  void derivedKeys() {
    assertThat(PhiloxPrf.deriveKey(42, "key_a")).isEqualTo(37150756557148556L);
    assertThat(Long.toUnsignedString(PhiloxPrf.deriveKey(42, "key_b"))).isEqualTo("15826636237805488045");
  }

  @Test
  void gumbelGoldenKey42() {
    Detection r = GoldenVectors.watermark("vllm:algorithm=gumbel,key=42,context-width=4").detector().detect(GOLDEN_TOKENS);
    assertThat(r.score()).isCloseTo(296.27295787856264, withinPercentage(1e-7));
    assertThat(r.referencePValue().getAsDouble()).isCloseTo(7.128196280874065e-61, withinPercentage(1e-7));
    assertThat(r.tuplesScored()).isEqualTo(64);
    // the exact gamma tail of the same sum agrees with vLLM's integer-shape survival
    assertThat(r.log10PValue()).isCloseTo(Math.log10(7.128196280874065e-61), within(1e-9));
  }

  @Test
  void gumbelGoldenKey43() {
    Detection r = GoldenVectors.watermark("vllm:algorithm=gumbel,key=43,context-width=4").detector().detect(GOLDEN_TOKENS);
    assertThat(r.score()).isCloseTo(63.25096716585621, withinPercentage(1e-7));
    assertThat(r.referencePValue().getAsDouble()).isCloseTo(0.5208447936891313, withinPercentage(1e-7));
  }
}
