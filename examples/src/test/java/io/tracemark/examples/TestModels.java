package io.tracemark.examples;

import io.tracemark.api.KgwSpec;
import io.tracemark.api.Watermark;
import io.tracemark.core.Watermarks;
import io.tracemark.examples.demo.Seeds;
import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.text.Tokenizers;
import io.tracemark.verifier.text.TextTokenizer;
import java.util.ArrayList;
import java.util.List;

/** Shared, lazily built test fixtures (one tokenization of Brown per test JVM). */
public final class TestModels {
  private TestModels() {}

  public static final int VOCAB = Tokenizers.jtokkit("cl100k_base").vocabularySize();
  public static final KgwSpec SPEC = KgwSpec.parse("kgw:gamma=0.25,delta=2,h=1");
  private static List<BrownTokens.Doc> docs;
  private static NGramModel small;

  public static TextTokenizer encoding() {
    return Tokenizers.jtokkit("cl100k_base");
  }

  public static synchronized List<BrownTokens.Doc> brown() {
    if (docs == null) {
      docs = BrownTokens.documents(encoding());
    }
    return docs;
  }

  /** An order-4 model of the first 100 Brown documents (about 250k tokens). */
  public static synchronized NGramModel small() {
    if (small == null) {
      List<int[]> d = new ArrayList<>();
      for (BrownTokens.Doc doc : brown().subList(0, 100)) {
        d.add(doc.tokens());
      }
      small = NGramModel.train(d, 4, VOCAB, "cl100k_base");
    }
    return small;
  }

  /** The green-list watermark of the demo key of {@code seed}. */
  public static Watermark watermark(long seed) {
    return Watermarks.create(Seeds.demoKey(seed), SPEC, VOCAB);
  }

  public static int[] prompt(String text) {
    return encoding().encode(text);
  }
}
