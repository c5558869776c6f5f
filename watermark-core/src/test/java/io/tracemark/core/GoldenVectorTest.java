package io.tracemark.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.Detection;
import io.tracemark.api.WatermarkKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Format v1 is frozen by the committed vectors in src/test/resources/golden/v1. */
class GoldenVectorTest {
  /** Reads a CSV whose fields contain no commas except inside double quotes. */
  static List<String[]> csv(String name) throws IOException {
    try (InputStream in = GoldenVectorTest.class.getResourceAsStream("/golden/v1/" + name)) {
      assertThat(in).as("golden/v1/%s", name).isNotNull();
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      List<String[]> rows = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        if (!lines[i].isBlank()) {
          rows.add(split(lines[i]));
        }
      }
      return rows;
    }
  }

  static String[] split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out.toArray(new String[0]);
  }

  @Test
  void keysHaveTheirPublishedIdsCommitmentsAndSubKeys() throws IOException {
    List<String[]> rows = csv("keys.csv");
    assertThat(rows).hasSize(3);
    for (String[] row : rows) {
      WatermarkKey key = GoldenVectors.keys().get(row[0]);
      assertThat(GoldenVectors.keyRow(row[0], key)).isEqualTo(String.join(",", row));
    }
  }

  static Stream<Arguments> seeds() throws IOException {
    return csv("seeds.csv").stream().map(r -> Arguments.of((Object) r));
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void contextSeeds(String[] row) {
    assertThat(GoldenVectors.seed(row)).isEqualTo(row[5]);
  }

  static Stream<Arguments> greenLists() throws IOException {
    return csv("greenlists.csv").stream().map(r -> Arguments.of((Object) r));
  }

  @ParameterizedTest
  @MethodSource("greenLists")
  void wholeVocabularyGreenListFingerprints(String[] row) {
    assertThat(GoldenVectors.greenList(row)).isEqualTo(row[4] + "," + row[5]);
  }

  static Stream<Arguments> detections() throws IOException {
    return csv("detections.csv").stream().map(r -> Arguments.of((Object) r));
  }

  @ParameterizedTest
  @MethodSource("detections")
  void detectionResults(String[] row) {
    Detection r = GoldenVectors.detect(row);
    assertThat(r.tokensRead()).isEqualTo(Long.parseLong(row[5]));
    assertThat(r.tuplesScored()).isEqualTo(Long.parseLong(row[6]));
    assertThat(r.green()).isEqualTo(Long.parseLong(row[7]));
    double expected = Double.parseDouble(row[8]);
    assertThat(Math.abs(r.log10PValue() - expected)).isLessThanOrEqualTo(1e-12 * Math.max(1, Math.abs(expected)));
    assertThat(r.mask().toString()).isEqualTo(row[9]);
  }
}
