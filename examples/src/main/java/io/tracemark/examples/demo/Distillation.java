package io.tracemark.examples.demo;

import io.tracemark.api.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The student's training mix: human documents plus enough teacher answers to make up a fraction ρ of its tokens. */
public final class Distillation {
  private Distillation() {}

  /**
   * A training mix.
   *
   * @param documents the human documents followed by the teacher answers used
   * @param humanTokens tokens of human text
   * @param teacherTokens tokens of teacher answers
   */
  public record Mix(List<int[]> documents, long humanTokens, long teacherTokens) {
    /** The achieved fraction of teacher tokens. */
    public double rho() {
      long total = humanTokens + teacherTokens;
      return total == 0 ? 0 : (double) teacherTokens / total;
    }
  }

  /**
   * All of {@code human} plus the first T tokens of {@code teacher} (answers in the given order, the
   * last one cut), T = round(ρ / (1 − ρ) · human tokens); for ρ = 1, the teacher answers alone.
   *
   * @param source names the teacher answers in the error raised when they are too few
   * @throws IllegalArgumentException if ρ is outside [0, 1] or the teacher answers are too few
   */
  public static Mix mix(List<int[]> human, List<int[]> teacher, double rho, String source) {
    Checks.require(rho >= 0 && rho <= 1, "rho must be in [0, 1], was %s", rho);
    long available = 0;
    for (int[] a : teacher) {
      available += a.length;
    }
    List<int[]> docs = new ArrayList<>();
    long humanTokens = 0;
    long wanted;
    if (rho >= 1) {
      wanted = available;
    } else {
      for (int[] d : human) {
        docs.add(d);
        humanTokens += d.length;
      }
      wanted = Math.round(rho / (1 - rho) * humanTokens);
      Checks.require(wanted <= available,
          "rho=%s needs %d teacher tokens (%d human tokens) but %s has %d: generate more teacher outputs", rho,
          wanted, humanTokens, source, available);
    }
    Checks.require(humanTokens + wanted > 0, "the training mix is empty (rho=%s, %d human tokens)", rho, humanTokens);
    long taken = 0;
    for (int[] a : teacher) {
      if (taken >= wanted) {
        break;
      }
      int n = (int) Math.min(a.length, wanted - taken);
      docs.add(n == a.length ? a : Arrays.copyOf(a, n));
      taken += n;
    }
    return new Mix(docs, humanTokens, taken);
  }
}
