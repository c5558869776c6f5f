package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.Detection;
import io.tracemark.api.SchemeSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden vectors of the {@code synthid} tournament, format v1
 * ({@code golden/v1/synthid-detect.csv}), computed by {@code src/test/python/generate_synthid_native_vectors.py}
 * from the definition with the independent PRF of docs/reference/prf_v1.py: every PRF word, the
 * deduplication, the statistic, and the exact p-value (integer convolution in Python) agree.
 */
class TournamentGoldenTest {
  static Stream<Arguments> rows() {
    InputStream in = TournamentGoldenTest.class.getResourceAsStream("/golden/v1/synthid-detect.csv");
    List<Arguments> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      boolean header = true;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        if (header) {
          header = false;
          continue;
        }
        rows.add(Arguments.of((Object) line.split(";", -1)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(rows).hasSize(36);
    return rows.stream();
  }

  @ParameterizedTest
  @MethodSource("rows")
  void everyWordAndDetectionMatchesTheIndependentImplementation(String[] r) {
    TournamentWatermark wm = (TournamentWatermark) Watermarks.create(GoldenVectors.keys().get(r[0]),
        SchemeSpec.parse(r[1]), 50_257);
    int[] tokens = GoldenVectors.split(r[2]);
    int h = wm.spec().contextWidth();
    String[] words = r[3].isEmpty() ? new String[0] : r[3].split(" ");
    assertThat(words).hasSize(tokens.length - h);
    for (int i = h; i < tokens.length; i++) {
      if (!words[i - h].equals("-")) {
        assertThat(GoldenVectors.hex(wm.word(wm.seed(tokens, i - h), tokens[i]))).as("position %d", i)
            .isEqualTo(words[i - h]);
      }
    }
    Detection d = wm.detector().detect(tokens);
    assertThat(d.tuplesScored()).isEqualTo(Long.parseLong(r[4]));
    assertThat(d.score()).isEqualTo(Double.parseDouble(r[5]));
    double expected = Double.parseDouble(r[6]);
    assertThat(d.log10PValue()).as("log10 p").isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
    assertThat(String.format(Locale.ROOT, "%s", d.mask()).chars().filter(c -> c == 'd').count())
        .isEqualTo(Stream.of(words).filter("-"::equals).count());
  }
}
