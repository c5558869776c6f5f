package io.tracemark.examples.demo;

import io.tracemark.verifier.InheritanceResult;
import java.util.List;

/**
 * One student of the demo and the two checks of it.
 *
 * @param rho the fraction of its training tokens that came from the teacher
 * @param humanTokens competitor (human) training tokens
 * @param teacherTokens teacher training tokens
 * @param closed the closed-model test of its answers
 * @param open the reading-mode test
 * @param answers the student's answers to the competitor's prompts (what the closed-model test read)
 */
public record StudentResult(double rho, long humanTokens, long teacherTokens, InheritanceResult closed,
    InheritanceResult open, List<int[]> answers) {
  /** Copies. */
  public StudentResult {
    answers = List.copyOf(answers);
  }

  /** Whether the closed-model test detects the watermark. */
  public boolean closedDetected() {
    return closed.verdict() == InheritanceResult.Verdict.DETECTED;
  }

  /** Whether the reading-mode test detects the watermark. */
  public boolean openDetected() {
    return open.verdict() == InheritanceResult.Verdict.DETECTED;
  }
}
