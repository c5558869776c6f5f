package io.tracemark.examples.lm;

import io.tracemark.examples.corpus.BrownCorpus;
import io.tracemark.verifier.text.TextTokenizer;
import java.util.ArrayList;
import java.util.List;

/** The bundled Brown corpus, tokenized: one token array per document, paragraphs joined by newlines. */
public final class BrownTokens {
  private BrownTokens() {}

  /**
   * One tokenized Brown document.
   *
   * @param id the Brown sample id, e.g. {@code ca01}
   * @param category the Brown category
   * @param paragraphs the paragraphs' text
   * @param tokens the token ids of the paragraphs joined by newlines
   */
  public record Doc(String id, String category, List<String> paragraphs, int[] tokens) {}

  /** Tokenizes all 500 documents with the given tokenizer. */
  public static List<Doc> documents(TextTokenizer tokenizer) {
    List<BrownCorpus.Document> docs = BrownCorpus.documents();
    List<Doc> out = new ArrayList<>(docs.size());
    for (BrownCorpus.Document d : docs) {
      out.add(new Doc(d.id(), d.category(), d.paragraphs(), tokenizer.encode(d.text())));
    }
    return List.copyOf(out);
  }
}
