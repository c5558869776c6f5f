package io.tracemark.examples.engines.djl;

/** The search step: picks the next token of sequence {@code b} from its (hooked) logits. */
@FunctionalInterface
public interface SearchStep {
  /** The chosen token of sequence {@code b}. */
  int next(int b, float[] logits);
}
