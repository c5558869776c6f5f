package io.tracemark.examples.demo;

import io.tracemark.verifier.InheritanceResult;
import java.nio.file.Path;
import java.util.List;

/**
 * What a demo run found.
 *
 * @param keyId the demo key's public id
 * @param teacherCheck the closed-model test of the teacher's own answers (sanity check)
 * @param rows one per ρ, in the order configured
 * @param timings the printed phase lines (name and seconds)
 * @param reportDir the directory of the evidence report, or null
 */
public record DemoResult(String keyId, InheritanceResult teacherCheck, List<StudentResult> rows, List<String> timings,
    Path reportDir) {
  /** Copies. */
  public DemoResult {
    rows = List.copyOf(rows);
    timings = List.copyOf(timings);
  }
}
