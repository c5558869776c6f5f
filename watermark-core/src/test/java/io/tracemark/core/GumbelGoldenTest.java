package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tracemark.api.DedupMode;
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
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden vectors of the {@code gumbel} family, format v1 ({@code golden/v1/gumbel-detect.csv}),
 * computed by {@code src/test/python/generate_gumbel_vectors.py} from the definition with the
 * independent PRF of docs/reference/prf_v1.py: every PRF word and uniform exactly, every unit score,
 * the deduplication, the sum and the log10 p-value (Poisson sums in Python) agree.
 */
class GumbelGoldenTest {
  static Stream<Arguments> rows() {
    InputStream in = GumbelGoldenTest.class.getResourceAsStream("/golden/v1/gumbel-detect.csv");
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
    assertThat(rows).hasSize(42);
    return rows.stream();
  }

  static String[] words(String field) {
    return field.isEmpty() ? new String[0] : field.split(" ");
  }

  @ParameterizedTest
  @MethodSource("rows")
  void everyWordScoreAndDetectionMatchesTheIndependentImplementation(String[] r) {
    GumbelWatermark wm = (GumbelWatermark) Watermarks.create(GoldenVectors.keys().get(r[0]), SchemeSpec.parse(r[1]),
        50_257);
    DedupMode dedup = DedupMode.parse(r[2]);
    int[] tokens = GoldenVectors.split(r[3]);
    int h = wm.spec().contextWidth();
    String[] words = words(r[4]);
    String[] uniforms = words(r[5]);
    String[] scores = words(r[6]);
    assertThat(words).hasSize(Math.max(0, tokens.length - h));
    int k = 0;
    for (int i = h; i < tokens.length; i++) {
      if (words[i - h].equals("-")) {
        continue;
      }
      String[] ab = words[i - h].split("/");
      long wordA = wm.word(false, wm.seed(false, tokens, i - h), tokens[i]);
      assertThat(GoldenVectors.hex(wordA)).as("position %d", i).isEqualTo(ab[0]);
      if (wm.spec().dual()) {
        assertThat(GoldenVectors.hex(wm.word(true, wm.seed(true, tokens, i - h), tokens[i]))).isEqualTo(ab[1]);
      }
      assertThat(GumbelWatermark.uniform(wordA)).isEqualTo(Double.parseDouble(uniforms[k]));
      double expected = Double.parseDouble(scores[k]);
      assertThat(wm.scorer().score(tokens, i)).as("score at %d", i).isCloseTo(expected, within(1e-13 * (1 + expected)));
      k++;
    }
    assertThat(k).isEqualTo(scores.length);
    Detection d = wm.detector(dedup).detect(tokens);
    assertThat(d.tuplesScored()).isEqualTo(Long.parseLong(r[7]));
    if (wm.spec().score() == io.tracemark.api.GumbelSpec.Score.SUM) {
      assertThat(d.score()).isCloseTo(Double.parseDouble(r[8]), within(1e-12 * (1 + Double.parseDouble(r[8]))));
    }
    double expected = Double.parseDouble(r[9]);
    assertThat(d.log10PValue()).as("log10 p").isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
    assertThat(d.mask().toString().chars().filter(c -> c == 'd').count())
        .isEqualTo(Stream.of(words).filter("-"::equals).count());
  }
}
