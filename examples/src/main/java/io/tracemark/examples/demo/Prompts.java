package io.tracemark.examples.demo;

import io.tracemark.api.Checks;
import io.tracemark.examples.lm.BrownTokens;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/** Prompts for the demo: the first words of sentences of held-out documents. */
public final class Prompts {
  private Prompts() {}

  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  /**
   * {@code count} distinct sentence starts of {@code words} words, from sentences of at least
   * {@code words + 4} words of the given documents, in a seeded random order.
   *
   * @throws IllegalArgumentException if the documents have fewer suitable sentences
   */
  public static List<String> sentenceStarts(List<BrownTokens.Doc> docs, int count, int words, SplittableRandom random) {
    List<String> starts = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (BrownTokens.Doc d : docs) {
      for (String paragraph : d.paragraphs()) {
        for (String sentence : SENTENCE_END.split(paragraph.trim())) {
          String[] w = SPACES.split(sentence.trim());
          if (w.length >= words + 4) {
            String start = String.join(" ", java.util.Arrays.copyOf(w, words));
            if (seen.add(start)) {
              starts.add(start);
            }
          }
        }
      }
    }
    Checks.require(starts.size() >= count, "prompts: %d requested but the held-out documents have only %d sentences",
        count, starts.size());
    Collections.shuffle(starts, new java.util.Random(random.nextLong()));
    return List.copyOf(starts.subList(0, count));
  }
}
