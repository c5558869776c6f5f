package io.tracemark.examples;

import com.knuddels.jtokkit.api.Encoding;
import io.tracemark.api.DetectionResult;
import io.tracemark.api.GreenListSpec;
import io.tracemark.api.GreenListWatermark;
import io.tracemark.api.LogitsProcessor;
import io.tracemark.api.Sampler;
import io.tracemark.api.Samplers;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.examples.lm.Tokenizers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The smallest complete example: a model, a key, a watermarked sampling loop, and detection.
 * Run it with {@code java -cp examples/target/tracemark-examples.jar io.tracemark.examples.QuickStart}
 * or {@code java -jar examples/target/tracemark-examples.jar quickstart}.
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) {
    run(new PrintWriter(System.out, true));
  }

  /** Trains the embedded model on Brown, writes one watermarked and one plain text, detects both. */
  public static void run(PrintWriter out) {
    // 1. A model that returns next-token logits over the whole vocabulary (here the embedded
    //    n-gram model; with llama3.java, Jlama or DJL it is the forward pass).
    Encoding enc = Tokenizers.encoding("cl100k_base");
    int vocab = Tokenizers.vocabularySize("cl100k_base");
    List<int[]> docs = new ArrayList<>();
    for (BrownTokens.Doc d : BrownTokens.documents(enc)) {
      docs.add(d.tokens());
    }
    NGramModel model = NGramModel.train(docs, 4, vocab, "cl100k_base");

    // 2. A secret key and a scheme: one immutable, thread-safe object for every sequence.
    WatermarkKey key = WatermarkKey.generate();
    GreenListWatermark watermark = Watermarks.greenList(key, GreenListSpec.parse("kgw:gamma=0.25,delta=2,h=1"), vocab);

    int[] prompt = Tokenizers.encode(enc, "The committee said that");
    int[] marked = generate(model, watermark, prompt, 200, 1);
    int[] plain = generate(model, null, prompt, 200, 1);

    // 3. Detection needs only the key and the tokens.
    for (int[] tokens : new int[][] {marked, plain}) {
      DetectionResult r = watermark.detector().detect(tokens, prompt.length, tokens.length - prompt.length);
      out.printf(Locale.ROOT, "%s%n  -> %d tuples scored, green rate %.2f (gamma %.2f), log10 p = %.1f, z = %.1f%n%n",
          Tokenizers.decode(enc, tokens, 0, Math.min(tokens.length, prompt.length + 40)) + " ...",
          r.tuplesScored(), r.greenFraction(), r.gamma(), r.log10PValue(), r.z());
    }
    out.printf(Locale.ROOT, "key id %s (the key's bytes are never printed)%n", key.keyId());
  }

  /** The sampling loop: logits, the engine's processors, the watermark last, then the draw. */
  static int[] generate(NGramModel model, GreenListWatermark watermark, int[] prompt, int newTokens, long seed) {
    int[] tokens = Arrays.copyOf(prompt, prompt.length + newTokens);
    float[] logits = new float[model.vocabularySize()];
    LogitsProcessor topK = Samplers.topK(50);
    Sampler draw = Samplers.multinomial(new SplittableRandom(seed));
    for (int n = prompt.length; n < tokens.length; n++) {
      model.nextTokenLogits(tokens, n, logits);
      topK.process(logits);
      if (watermark != null) {
        watermark.apply(tokens, n, logits);
      }
      tokens[n] = draw.sample(logits);
    }
    return tokens;
  }
}
