package io.tracemark.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PositionMaskTest {
  /** The codes and letters are a published format (golden vectors): frozen, whatever the declaration order. */
  @Test
  void codesAndLettersAreFrozen() {
    assertThat(PositionMask.State.NO_CONTEXT.code()).isEqualTo((byte) 0);
    assertThat(PositionMask.State.DUPLICATE.code()).isEqualTo((byte) 1);
    assertThat(PositionMask.State.EXCLUDED.code()).isEqualTo((byte) 2);
    assertThat(PositionMask.State.GREEN.code()).isEqualTo((byte) 3);
    assertThat(PositionMask.State.RED.code()).isEqualTo((byte) 4);
    PositionMask m = new PositionMask(new byte[] {0, 1, 2, 3, 4});
    assertThat(m).hasToString("cdxGr");
    for (PositionMask.State s : PositionMask.State.values()) {
      assertThat(PositionMask.State.ofCode(s.code())).isSameAs(s);
    }
    assertThat(m.scored(3)).isTrue();
    assertThat(m.scored(2)).isFalse();
    assertThat(m.green(3)).isTrue();
  }

  @Test
  void unknownCodesAreRefusedNamingThePosition() {
    assertThatThrownBy(() -> new PositionMask(new byte[] {3, 5}))
        .hasMessage("state code at position 1 must be between 0 and 4, was 5");
    assertThatThrownBy(() -> PositionMask.State.ofCode(-1)).hasMessageContaining("was -1");
  }
}
