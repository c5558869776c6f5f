package io.tracemark.examples.demo;

import io.tracemark.api.KgwSpec;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.ContextCountWeights;
import io.tracemark.verifier.OwnerModelWeights;
import io.tracemark.verifier.ReadingTexts;
import io.tracemark.verifier.ReadingWeights;
import java.util.List;

/**
 * The demo's weights for the closed-model test (C*): the owner's posterior green uplift of each
 * answer token under its own unwatermarked teacher, at the demo's top-k and temperature, times a
 * saturating count of the token's 3-token context in the owner's watermarked answers. The
 * students are order-4 models, so 3 tokens are the context they condition on. Reading mode's R*
 * scores the student's top-2 predictions on the same weights times the student's log-ratio to the
 * teacher ({@link ReadingWeights}), over the owner answers whose 3-token contexts are most shared
 * with the others ({@link ReadingTexts}). Everything here is known to the owner before any student
 * is read, and nothing depends on the key.
 */
public final class OwnerWeights {
  /** The context counted: the order-4 students condition on 3 tokens. */
  static final int CONTEXT = 3;
  /** The context count at which the factor saturates. */
  static final int SATURATION = 20;
  /** Levels of the grid over [0, 1]. */
  static final int LEVELS = 16;

  private OwnerWeights() {}

  /**
   * The owner's weights and texts, fixed before any student is read.
   *
   * @param closed C*'s weights
   * @param reading R*'s weights, with the teacher's side along {@code readingTexts} computed once
   * @param readingTexts R*'s owner texts: the {@code readingTexts} answers with the most shared contexts
   */
  public record Fixed(OwnerModelWeights closed, ReadingWeights reading, List<int[]> readingTexts) {}

  /**
   * The weights and texts of the owner's {@code teacher} and its watermarked {@code teacherAnswers}.
   *
   * @throws ClassCastException if the configuration's scheme is not the green list ({@link DemoConfig#greenList()})
   */
  public static Fixed of(NGramModel teacher, List<int[]> teacherAnswers, DemoConfig c) {
    ContextCountWeights contexts = ContextCountWeights.of(CONTEXT, teacherAnswers);
    KgwSpec spec = (KgwSpec) c.spec();
    OwnerModelWeights closed = OwnerModelWeights.of(teacher, spec.gamma(), spec.delta(),
        c.topK() > 0 ? c.topK() : teacher.vocabularySize(), c.temperature(), contexts, SATURATION, LEVELS);
    List<int[]> texts = List.copyOf(ReadingTexts.bySharedContexts(teacherAnswers, contexts,
        ReadingTexts.DEFAULT_MIN_COUNT, c.readingTexts()));
    // the teacher's side of R* along these texts does not depend on the student: computed once for all of them
    return new Fixed(closed, ReadingWeights.of(closed).precomputedFor(texts), texts);
  }
}
