package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link OwnerFilter#containsWindow} checks that the window lies within the array, as detection does. */
class OwnerFilterBoundsTest {
  @Test
  void aWindowOutsideTheArrayIsAnArgumentErrorNotAnIndexError() {
    OwnerFilter f = OwnerFilter.all(2, List.of(new int[] {1, 2, 3, 4}));
    int[] tokens = {1, 2, 3};
    assertThat(f.containsWindow(tokens, 0)).isTrue();
    assertThat(f.containsWindow(tokens, 1)).isTrue(); // the last window that fits
    for (int from : new int[] {-1, 2, 3, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      assertThatThrownBy(() -> f.containsWindow(tokens, from)).as("from=%d", from)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must lie within tokens.length=3");
    }
  }
}
