package io.tracemark.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.api.InteropSpec;
import io.tracemark.api.SchemeSpec;
import io.tracemark.api.TokenScorer;
import io.tracemark.core.Watermarks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify --weights field:NAME}: per-token weights from a JSONL field, end to end, and its bad input. */
class FieldWeightsCliTest {
  static final String SPEC = InteropCliTest.SPEC;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /**
   * Records independent of the key, except that a share {@code inherited} of their positions is
   * resampled until green (what a student that learned the owner's watermark there would do); the
   * field {@code w} holds 1 at those positions and {@code other} elsewhere (the owner knows where
   * its signal should be, the weights do not look at the key).
   */
  private Path corpus(String name, int records, double inherited, double other, long seed) throws Exception {
    TokenScorer scorer = Watermarks.create((InteropSpec) SchemeSpec.parse(SPEC)).scorer();
    SplittableRandom random = new SplittableRandom(seed);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      int[] t = InteropCliTest.generate(null, 150, seed * 1000 + i);
      StringBuilder w = new StringBuilder();
      for (int pos = 0; pos < t.length; pos++) {
        boolean marked = pos > 0 && random.nextDouble() < inherited;
        if (marked) {
          while (scorer.score(t, pos) == 0) {
            t[pos] = random.nextInt(4000);
          }
        }
        w.append(pos == 0 ? "" : ",").append(marked ? "1" : String.format(Locale.ROOT, "%s", other));
      }
      lines.add("{\"id\":\"" + name + i + "\",\"tokens\":[" + InteropCliTest.ids(t) + "],\"w\":[" + w + "]}");
    }
    Path p = dir.resolve(name + ".jsonl");
    Files.write(p, lines);
    return p;
  }

  private JsonNode verify(Path suspect, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("verify", "--scheme", SPEC, "--suspect", suspect.toString(),
        "--control-keys", "0", "--json", "--out", dir.resolve("r" + System.nanoTime()).toString()));
    args.addAll(List.of(extra));
    CliRun r = CliRun.run(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void fieldWeightsThatMarkTheInheritedTokensBeatTheUnweightedCount() throws Exception {
    Path suspect = corpus("suspect", 12, 0.08, 0.1, 1);
    JsonNode unweighted = verify(suspect);
    JsonNode weighted = verify(suspect, "--weights", "field:w");
    assertThat(unweighted.get("log10_p").asDouble()).isLessThan(-2);
    assertThat(weighted.get("log10_p").asDouble()).isLessThan(2 * unweighted.get("log10_p").asDouble());
    JsonNode st = weighted.get("statistic");
    assertThat(st.get("name").asText()).isEqualTo("weighted_binomial");
    assertThat(st.get("weights").asText()).startsWith("field:w: per-token weights").contains("top level = weight 1.0")
        .contains("none was");
    assertThat(st.get("quantization").asText()).contains("0..64").contains("scale 0.015625");
    // weight 0.1 is level round(6.4) = 6, weight 1 the top level 64: nothing else is used
    JsonNode levels = st.get("tuples_per_level");
    long total = 0;
    for (int l = 0; l < levels.size(); l++) {
      if (l != 6 && l != 64) {
        assertThat(levels.get(l).asLong()).as("level %d", l).isZero();
      }
      total += levels.get(l).asLong();
    }
    assertThat(total).isEqualTo(weighted.get("tuples_scored").asLong());

    // the same records without inheritance: the weights alone do not make them look guilty
    JsonNode innocent = verify(corpus("innocent", 12, 0.0, 0.1, 2), "--weights", "field:w:0.5");
    assertThat(innocent.get("verdict").asText()).isEqualTo("not_detected");
    assertThat(innocent.get("statistic").get("weights").asText()).contains("top level = weight 0.5");
  }

  @Test
  void weightsAboveTheTopAreClampedAndCounted() throws Exception {
    Path suspect = corpus("clamp", 2, 0.1, 0.2, 3);
    JsonNode r = verify(suspect, "--weights", "field:w:0.5");
    assertThat(r.get("statistic").get("weights").asText()).containsPattern("clamped to it: [0-9,]+ positions");
    JsonNode levels = r.get("statistic").get("tuples_per_level");
    assertThat(levels.get(64).asLong()).isPositive(); // weight 1 > 0.5 took the top level
  }

  @Test
  void badWeightsAreBadRecordsNamingFileAndLine() throws Exception {
    String ok = "{\"tokens\":[1,2,3],\"w\":[0,0.5,1]}";
    String[][] cases = {
        {"{\"tokens\":[1,2,3]}", "record has no \"w\" (the per-token weights)"},
        {"{\"tokens\":[1,2,3],\"w\":[0.5,1]}", "field \"w\": 2 weights for 3 answer tokens"},
        {"{\"tokens\":[1,2,3],\"w\":[0.5,-1,1]}", "field \"w\"[1] must be a finite number >= 0, was -1"},
        {"{\"tokens\":[1,2,3],\"w\":[0.5,1e999,1]}", "field \"w\"[1] must be a finite number >= 0, was 1e999"},
        {"{\"tokens\":[1,2,3],\"w\":[0.5,\"NaN\",1]}", "field \"w\"[1] must be a number, was string"},
        {"{\"tokens\":[1,2,3],\"w\":[0.5,NaN,1]}", "malformed JSON"},
        {"{\"tokens\":[1,2,3],\"w\":[0.5,true,1]}", "field \"w\"[1] must be a number, was boolean"},
        {"{\"tokens\":[1,2,3],\"w\":0.5}", "field \"w\" must be an array of numbers, was number"},
    };
    for (int c = 0; c < cases.length; c++) {
      Path f = dir.resolve("bad" + c + ".jsonl");
      Files.write(f, List.of(ok, cases[c][0]));
      CliRun r = CliRun.run("verify", "--scheme", SPEC, "--suspect", f.toString(), "--weights", "field:w",
          "--control-keys", "0", "--out", dir.resolve("o" + c).toString());
      assertThat(r.code()).as(r.err()).isEqualTo(3);
      assertThat(r.err()).as(cases[c][0]).contains(f + ":2").contains(cases[c][1]);
      // under --on-bad-record=skip the record is counted and listed, the good one scored
      CliRun s = CliRun.run("verify", "--scheme", SPEC, "--suspect", f.toString(), "--weights", "field:w",
          "--control-keys", "0", "--on-bad-record", "skip", "--json", "--out", dir.resolve("s" + c).toString());
      assertThat(s.code()).as(s.err()).isZero();
      JsonNode n = JSON.readTree(s.out());
      assertThat(n.get("skipped").asLong()).isEqualTo(1);
      assertThat(n.get("tokens_read").asLong()).isEqualTo(3);
    }
  }

  @Test
  void theOwnerCorpusNeedsNoWeightsAndBadOptionsAreUsageErrors() throws Exception {
    Path suspect = corpus("s", 2, 0.1, 0.2, 4);
    Path owner = dir.resolve("owner.jsonl");
    Files.write(owner, List.of("{\"tokens\":[" + InteropCliTest.ids(InteropCliTest.generate(null, 100, 9)) + "]}"));
    // the filter corpus is read without the weights field
    verify(suspect, "--weights", "field:w", "--filter", owner.toString());
    String[][] bad = {{"field:", "needs the name of the JSONL field"}, {"field:w:0", "a plain decimal > 0, was \"0\""},
        {"field:w:x", "a plain decimal > 0, was \"x\""},
        {"entropy", "--weights must be reference, reference:N, field:NAME or field:NAME:MAX, was \"entropy\""}};
    for (String[] b : bad) {
      CliRun r = CliRun.run("verify", "--scheme", SPEC, "--suspect", suspect.toString(), "--weights", b[0], "--out",
          dir.resolve("u").toString());
      assertThat(r.code()).as(b[0]).isEqualTo(2);
      assertThat(r.err()).contains(b[1]);
    }
  }
}
