package io.tracemark.verifier.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.TokenSampler;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.core.sampling.Samplers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A watermarked text whose letters are partly replaced by Cyrillic and Greek look-alikes: the
 * skeleton normaliser restores the generated tokens and the detection; without it the substituted
 * words split into other tokens and the signal is lost. The texts come from a KGW sampling loop
 * over the cl100k_base tokens that are one lowercase word with a leading space (uniform logits, so
 * the watermark is the only signal), which decode to text and tokenize back to the same ids.
 */
class HomoglyphDetectionTest {
  static final TextTokenizer CL100K = Tokenizers.jtokkit("cl100k_base");
  static final KgwSpec SPEC = KgwSpec.parse("kgw:gamma=0.25,delta=1.5,h=1");
  static final int TEXTS = 40;
  static final int LENGTH = 120;
  static final double LOG10_ALPHA = -3;

  /** Latin letter → its Cyrillic or Greek look-alike. */
  static final Map<Character, Character> HOMOGLYPHS = Map.ofEntries(
      Map.entry('a', '\u0430'), Map.entry('c', '\u0441'), Map.entry('e', '\u0435'), Map.entry('o', '\u043E'),
      Map.entry('p', '\u0440'), Map.entry('x', '\u0445'), Map.entry('y', '\u0443'), Map.entry('i', '\u0456'),
      Map.entry('s', '\u0455'), Map.entry('j', '\u0458'), Map.entry('v', '\u03BD'));

  static int[] words;

  @BeforeAll
  static void wordTokens() {
    List<Integer> ids = new ArrayList<>();
    for (int id = 0; id < 100_256; id++) {
      String s = CL100K.decode(new int[] {id});
      if (s.matches(" [a-z]{3,9}") && Arrays.equals(CL100K.encode(s), new int[] {id})) {
        ids.add(id);
      }
    }
    words = ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /** {@code LENGTH} tokens from the watermarked loop, seeded. */
  static int[] generate(Watermark wm, long seed) {
    BiasScheme bias = wm.bias().orElseThrow();
    TokenSampler sampler = Samplers.multinomial(new SplittableRandom(seed));
    float[] logits = new float[CL100K.vocabularySize()];
    int[] tokens = new int[LENGTH];
    for (int n = 0; n < LENGTH; n++) {
      Arrays.fill(logits, Float.NEGATIVE_INFINITY);
      for (int w : words) {
        logits[w] = 0f;
      }
      bias.apply(tokens, n, logits);
      tokens[n] = sampler.sample(logits);
    }
    return tokens;
  }

  /** {@code text} with a tenth of its letters (rounded) replaced by look-alikes, at seeded positions. */
  static String substitute(String text, long seed) {
    List<Integer> letters = new ArrayList<>();
    List<Integer> replaceable = new ArrayList<>();
    for (int i = 0; i < text.length(); i++) {
      if (Character.isLetter(text.charAt(i))) {
        letters.add(i);
        if (HOMOGLYPHS.containsKey(text.charAt(i))) {
          replaceable.add(i);
        }
      }
    }
    int count = Math.round(letters.size() / 10f);
    assertThat(replaceable.size()).isGreaterThanOrEqualTo(count);
    SplittableRandom rng = new SplittableRandom(seed);
    char[] out = text.toCharArray();
    for (int k = 0; k < count; k++) { // partial Fisher-Yates: count distinct positions
      int j = k + rng.nextInt(replaceable.size() - k);
      int pos = replaceable.get(j);
      replaceable.set(j, replaceable.get(k));
      out[pos] = HOMOGLYPHS.get(out[pos]);
    }
    return new String(out);
  }

  @Test
  void tenPercentHomoglyphsAreDetectedWithTheSkeletonNormaliserAndNotWithout() {
    Watermark wm = Watermarks.create(WatermarkKey.fromBytes(new byte[32]), SPEC, CL100K.vocabularySize());
    TextPipeline none = new TextPipeline(CL100K, Normalization.NONE);
    TextPipeline skeleton = new TextPipeline(CL100K, Normalization.of(TextNormalizer.SKELETON));
    int detectedWithout = 0;
    int detectedWith = 0;
    double[] without = new double[TEXTS];
    double[] with = new double[TEXTS];
    for (int i = 0; i < TEXTS; i++) {
      int[] generated = generate(wm, 1000 + i);
      // the generation-side check: detection under either pipeline sees the generated tokens
      assertThat(none.firstDisagreement(generated)).isEqualTo(-1);
      assertThat(skeleton.firstDisagreement(generated)).isEqualTo(-1);
      String clean = CL100K.decode(generated);
      String attacked = substitute(clean, 2000 + i);
      assertThat(attacked).isNotEqualTo(clean);
      assertThat(skeleton.encode(attacked)).isEqualTo(generated);
      without[i] = wm.detector().detect(none.encode(attacked)).log10PValue();
      with[i] = wm.detector().detect(skeleton.encode(attacked)).log10PValue();
      assertThat(with[i]).isLessThan(without[i]);
      detectedWithout += without[i] <= LOG10_ALPHA ? 1 : 0;
      detectedWith += with[i] <= LOG10_ALPHA ? 1 : 0;
    }
    // measured with this seed: all 40 at log10 p <= -6.8 with the normaliser; 3 of 40 at <= -3 without
    // (median -1.3): a substituted word splits into other tokens and changes the next token's context
    assertThat(detectedWith).isEqualTo(TEXTS);
    assertThat(detectedWithout).isLessThanOrEqualTo(TEXTS / 5);
    Arrays.sort(without);
    assertThat(without[TEXTS / 2]).isGreaterThan(-2.5);
  }
}
