package io.tracemark.examples.demo;

import io.tracemark.examples.lm.BrownTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's split of Brown by document: every tenth document is held out for prompts
 * (alternately the owner's and the competitor's); the other 450 alternate between the owner's and
 * the competitor's half. Independent of the seed.
 *
 * @param ownerPromptDocs held-out documents the owner's prompts come from
 * @param competitorPromptDocs held-out documents the competitor's prompts come from
 * @param ownerHuman the teacher's training documents
 * @param competitorHuman the competitor's own human text
 */
public record BrownSplit(List<BrownTokens.Doc> ownerPromptDocs, List<BrownTokens.Doc> competitorPromptDocs,
    List<int[]> ownerHuman, List<int[]> competitorHuman) {
  /** Copies. */
  public BrownSplit {
    ownerPromptDocs = List.copyOf(ownerPromptDocs);
    competitorPromptDocs = List.copyOf(competitorPromptDocs);
    ownerHuman = List.copyOf(ownerHuman);
    competitorHuman = List.copyOf(competitorHuman);
  }

  /** Splits {@code docs} (the 500 Brown documents in corpus order). */
  public static BrownSplit of(List<BrownTokens.Doc> docs) {
    List<BrownTokens.Doc> ownerPromptDocs = new ArrayList<>();
    List<BrownTokens.Doc> competitorPromptDocs = new ArrayList<>();
    List<int[]> ownerHuman = new ArrayList<>();
    List<int[]> competitorHuman = new ArrayList<>();
    int kept = 0;
    for (int i = 0; i < docs.size(); i++) {
      BrownTokens.Doc d = docs.get(i);
      if (i % 10 == 9) {
        ((i / 10) % 2 == 0 ? ownerPromptDocs : competitorPromptDocs).add(d);
      } else {
        (kept++ % 2 == 0 ? ownerHuman : competitorHuman).add(d.tokens());
      }
    }
    return new BrownSplit(ownerPromptDocs, competitorPromptDocs, ownerHuman, competitorHuman);
  }
}
