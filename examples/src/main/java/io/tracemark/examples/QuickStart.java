package io.tracemark.examples;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Detection;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.LogitsProcessor;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.TokenSampler;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.keys.Keys;
import io.tracemark.core.sampling.Samplers;
import io.tracemark.examples.lm.BrownTokens;
import io.tracemark.examples.lm.NGramModel;
import io.tracemark.verifier.text.Tokenizers;
import io.tracemark.verifier.report.Numbers;
import io.tracemark.verifier.text.TextTokenizer;
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

  /** The scheme of the example. */
  static final String SCHEME = "kgw:gamma=0.25,delta=2,h=1";
  /** The significance level of its verdicts. */
  static final double ALPHA = 1e-6;

  public static void main(String[] args) {
    run(new PrintWriter(System.out, true));
  }

  /** Trains the embedded model on Brown, writes one watermarked and one plain text, detects both. */
  public static void run(PrintWriter out) {
    // 1. A model that returns next-token logits over the whole vocabulary (here the embedded
    //    n-gram model; with llama3.java, Jlama or DJL it is the forward pass).
    TextTokenizer tok = Tokenizers.jtokkit("cl100k_base");
    int vocab = tok.vocabularySize();
    List<int[]> docs = new ArrayList<>();
    for (BrownTokens.Doc d : BrownTokens.documents(tok)) {
      docs.add(d.tokens());
    }
    NGramModel model = NGramModel.train(docs, 4, vocab, tok.name());

    // 2. A secret key and a scheme: one immutable, thread-safe object for every sequence.
    WatermarkKey key = Keys.generate();
    Watermark watermark = Watermarks.create(key, KgwSpec.parse(SCHEME), vocab);

    int[] prompt = tok.encode("The committee said that");
    int[] marked = generate(model, watermark, prompt, 200, 1);
    int[] plain = generate(model, null, prompt, 200, 1);

    out.printf(Locale.ROOT, "Two texts from the same model, prompt and random seed; only the first was generated with "
        + "the watermark%n(%s, key id %s; the key's bytes are never printed). Detection scores the generated "
        + "tokens only,%nnot the prompt.%n%n", SCHEME, key.keyId());
    String[] labels = {"[1] WATERMARKED (generated with the key)", "[2] NOT watermarked (same model, no key)"};
    int[][] texts = {marked, plain};
    for (int i = 0; i < texts.length; i++) {
      int[] tokens = texts[i];
      // 3. Detection needs only the key and the tokens.
      Detection r = watermark.detector().detect(tokens, prompt.length, tokens.length - prompt.length);
      out.printf(Locale.ROOT, "%s:%n%s ...%n  -> %s tuples scored, green rate %s (gamma %s), log10 p = %s, z = %s: %s%n%n",
          labels[i], tok.decode(Arrays.copyOf(tokens, Math.min(tokens.length, prompt.length + 40))),
          Numbers.count(r.tuplesScored()), Numbers.fixed(r.greenFraction(), 2), Numbers.exact(((NullDistribution.Binomial) r.nullDistribution()).gamma()),
          Numbers.fixed(r.log10PValue(), 1), Numbers.fixed(r.z(), 1),
          r.significantAt(ALPHA) ? "watermark DETECTED at alpha " + Numbers.exact(ALPHA)
              : "not detected at alpha " + Numbers.exact(ALPHA));
    }
    for (String line : legend()) {
      out.println(line);
    }
  }

  /** What the numbers under each text mean. */
  static List<String> legend() {
    return List.of(
        "How to read it:",
        "  tuple       a (previous token, token) pair of the generated text; each distinct one is scored once",
        "  green rate  share of scored tuples whose token the key puts on the green list of the previous token;",
        "              gamma = 0.25 is the rate expected of any text written without the key",
        "  log10 p     exact log10 of the chance of a green rate this high without the key: -20 means 1 in 10^20",
        "  z           the same excess in standard deviations, for familiarity");
  }

  /** The sampling loop: logits, the engine's processors, the watermark last, then the draw. */
  static int[] generate(NGramModel model, Watermark watermark, int[] prompt, int newTokens, long seed) {
    int[] tokens = Arrays.copyOf(prompt, prompt.length + newTokens);
    float[] logits = new float[model.vocabularySize()];
    LogitsProcessor topK = Samplers.topK(50);
    TokenSampler draw = Samplers.multinomial(new SplittableRandom(seed));
    BiasScheme bias = watermark == null ? null : watermark.bias().orElseThrow();
    for (int n = prompt.length; n < tokens.length; n++) {
      model.nextTokenLogits(tokens, n, logits);
      topK.process(logits);
      if (bias != null) {
        bias.apply(tokens, n, logits);
      }
      tokens[n] = draw.sample(logits);
    }
    return tokens;
  }
}
