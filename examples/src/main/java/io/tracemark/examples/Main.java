package io.tracemark.examples;

import com.knuddels.jtokkit.api.Encoding;
import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.examples.lm.Tokenizers;
import io.tracemark.examples.loop.SamplingLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Entry point of the examples jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    Encoding enc = Tokenizers.encoding("cl100k_base");
    List<BrownTokens.Doc> docs = BrownTokens.documents(enc);
    long t1 = System.nanoTime();
    List<int[]> arrays = new ArrayList<>();
    long n = 0;
    for (BrownTokens.Doc d : docs) { arrays.add(d.tokens()); n += d.tokens().length; }
    System.out.printf("tokenize %d tokens %.2fs%n", n, (t1 - t0) / 1e9);
    NGramModel m = NGramModel.train(arrays, 4, Tokenizers.vocabularySize("cl100k_base"), "cl100k_base");
    long t2 = System.nanoTime();
    System.out.printf("train %.2fs %s%n", (t2 - t1) / 1e9, m);
    for (int k = 1; k <= 4; k++) System.out.printf("k=%d distinct=%d D=%.3f%n", k, m.distinctNGrams(k), m.discount(k));
    SamplingLoop loop = SamplingLoop.of(m);
    int[] prompt = Tokenizers.encode(enc, "The jury said that");
    for (int rep = 0; rep < 3; rep++) {
      long a = System.nanoTime();
      int[] out = loop.generate(prompt, 2000, new SplittableRandom(rep));
      long b = System.nanoTime();
      System.out.printf("gen 2000 tokens %.1f tok/s%n", 2000 / ((b - a) / 1e9));
      if (rep == 2) System.out.println(Tokenizers.decode(enc, out, 0, 200));
    }
  }
}
