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
 * @param weighted the weighted closed-model test C* of each row's answers, in row order
 * @param readingTwoLevel each row's reading-mode test with two-level dedup, in row order
 * @param readingStar each row's reading-mode test R*, in row order
 * @param tenantClosed for a payload scheme, the closed-model test of the tenant's one message (the inheritance
 *     test), in row order; empty otherwise
 * @param tenantReading for a payload scheme, the reading-mode test of the tenant's one message, in row order;
 *     empty otherwise
 */
public record DemoResult(String keyId, InheritanceResult teacherCheck, List<StudentResult> rows, List<String> timings,
    Path reportDir, List<InheritanceResult> weighted, List<InheritanceResult> readingTwoLevel,
    List<InheritanceResult> readingStar, List<InheritanceResult> tenantClosed,
    List<InheritanceResult> tenantReading) {
  /** Copies. */
  public DemoResult {
    rows = List.copyOf(rows);
    timings = List.copyOf(timings);
    weighted = List.copyOf(weighted);
    readingTwoLevel = List.copyOf(readingTwoLevel);
    readingStar = List.copyOf(readingStar);
    tenantClosed = List.copyOf(tenantClosed);
    tenantReading = List.copyOf(tenantReading);
  }
}
