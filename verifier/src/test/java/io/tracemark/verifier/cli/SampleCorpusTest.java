package io.tracemark.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's sample run: the bundled suspect corpus is flagged, the innocent one is not. */
class SampleCorpusTest {
  static final Path SAMPLE = Path.of("..", "docs", "sample");

  @TempDir
  Path out;

  JsonNode verify(String file) throws Exception {
    CliRun r = CliRun.run("verify", "--key", SAMPLE.resolve("DEMO-KEY-public-do-not-use.json").toString(),
        "--scheme", "kgw:gamma=0.25,delta=2,h=1", "--suspect", SAMPLE.resolve(file).toString(), "--out",
        out.resolve(file).toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void suspectSampleIsDetectedAndInnocentSampleIsNot() throws Exception {
    JsonNode suspect = verify("suspect.jsonl");
    assertThat(suspect.get("verdict").asText()).isEqualTo("detected");
    assertThat(suspect.get("log10_p").asDouble()).isLessThan(-100);
    assertThat(suspect.get("controls").get("best_key_rank").asInt()).isEqualTo(1);
    JsonNode innocent = verify("innocent.jsonl");
    assertThat(innocent.get("verdict").asText()).isEqualTo("not_detected");
  }
}
