package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The verifier's jar carries code and small resources only: no data set (the Brown corpus belongs
 * to the examples), nothing over 256 KB among the compiled main classes and resources.
 */
class LeanJarTest {
  @Test
  void mainOutputHoldsNoDataSet() throws IOException {
    Path classes = Path.of("target", "classes");
    assertThat(classes).isDirectory();
    List<String> large;
    try (Stream<Path> files = Files.walk(classes)) {
      large = files.filter(Files::isRegularFile).filter(p -> p.toFile().length() > 256 << 10)
          .map(p -> classes.relativize(p) + " (" + p.toFile().length() + " bytes)").collect(Collectors.toList());
    }
    assertThat(large).isEmpty();
    assertThat(LeanJarTest.class.getResource("/io/tracemark/verifier/corpus/brown.txt.gz")).isNull();
  }
}
