package io.tracemark.examples.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.Detection;
import io.tracemark.api.Watermark;
import io.tracemark.core.sampling.Samplers;
import io.tracemark.examples.TestModels;
import io.tracemark.examples.engines.djl.DjlStyleGenerator;
import io.tracemark.examples.engines.djl.WatermarkHook;
import io.tracemark.examples.engines.jlama.JlamaStyleModel;
import io.tracemark.examples.engines.jlama.WatermarkedJlamaModel;
import io.tracemark.examples.engines.llama3.ArrayFloatTensor;
import io.tracemark.examples.engines.llama3.FloatTensor;
import io.tracemark.examples.engines.llama3.Llama3Sampler;
import io.tracemark.examples.engines.llama3.WatermarkingSampler;
import io.tracemark.examples.lm.NGramModel;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Every integration, driven by the embedded model. Greedy decoding makes them comparable token
 * for token with a reference loop (logits → bias → argmax), which shows each one tracks the
 * context correctly; sampled runs must be detected with the key, and unwatermarked runs not.
 */
class IntegrationsTest {
  static final int NEW = 200;
  final NGramModel model = TestModels.small();
  final Watermark wm = TestModels.watermark(7);
  final BiasScheme bias = wm.bias().orElseThrow();
  final int[] prompt = TestModels.prompt("The committee said that");

  int[] referenceGreedy(int[] p) {
    int[] tokens = Arrays.copyOf(p, p.length + NEW);
    float[] logits = new float[model.vocabularySize()];
    for (int n = p.length; n < tokens.length; n++) {
      model.nextTokenLogits(tokens, n, logits);
      bias.apply(tokens, n, logits);
      tokens[n] = Samplers.greedy().sample(logits);
    }
    return tokens;
  }

  /** llama3.java's generation loop: forward into state.logits, then sampler.sampleToken. */
  int[] llamaLoop(int[] p, Llama3Sampler sampler, boolean arrayBacked) {
    int[] tokens = Arrays.copyOf(p, p.length + NEW);
    float[] values = new float[model.vocabularySize()];
    FloatTensor logits = arrayBacked ? new ArrayFloatTensor(values) : new FloatTensor() {
      @Override
      public int size() {
        return values.length;
      }

      @Override
      public float getFloat(int i) {
        return values[i];
      }

      @Override
      public void setFloat(int i, float value) {
        values[i] = value;
      }
    };
    for (int n = p.length; n < tokens.length; n++) {
      model.nextTokenLogits(tokens, n, values);
      tokens[n] = sampler.sampleToken(logits);
    }
    return tokens;
  }

  Detection detect(int[] tokens, int promptLength) {
    return wm.detector().detect(tokens, promptLength, tokens.length - promptLength);
  }

  @Test
  void llama3SamplerWrapperTracksTheContext() {
    int[] expected = referenceGreedy(prompt);
    WatermarkingSampler s = WatermarkingSampler.wrap(bias, prompt, Llama3Sampler.ARGMAX);
    assertThat(llamaLoop(prompt, s, true)).containsExactly(expected);
    assertThat(s.context()).containsExactly(expected);
    assertThat(llamaLoop(prompt, WatermarkingSampler.wrap(bias, prompt, Llama3Sampler.ARGMAX), false))
        .containsExactly(expected);
  }

  @Test
  void llama3TemperatureSamplerIsDetectedAndPlainIsNot() {
    int[] marked = llamaLoop(prompt,
        WatermarkingSampler.temperatureThenWatermark(bias, prompt, 1.0, new SplittableRandom(1)), true);
    assertThat(detect(marked, prompt.length).log10PValue()).isLessThan(-6);
    SplittableRandom r = new SplittableRandom(1);
    int[] plain = llamaLoop(prompt, logits -> Samplers.multinomial(r).sample(((ArrayFloatTensor) logits).values()),
        true);
    assertThat(detect(plain, prompt.length).log10PValue()).isGreaterThan(-3);
  }

  @Test
  void jlamaSampleOverride() {
    WatermarkedJlamaModel jlama = new WatermarkedJlamaModel(model, bias);
    assertThat(jlama.generate(prompt, NEW, 0f, new SplittableRandom(2))).containsExactly(referenceGreedy(prompt));
    int[] marked = jlama.generate(prompt, NEW, 1f, new SplittableRandom(3));
    assertThat(detect(marked, prompt.length).log10PValue()).isLessThan(-6);
    int[] plain = new JlamaStyleModel(model).generate(prompt, NEW, 1f, new SplittableRandom(3));
    assertThat(detect(plain, prompt.length).log10PValue()).isGreaterThan(-3);
  }

  @Test
  void djlHookBetweenForwardPassAndSearch() {
    int[][] prompts = {prompt, TestModels.prompt("In the morning the"), TestModels.prompt("He was not")};
    DjlStyleGenerator g = new DjlStyleGenerator((tokens, lengths, logits) -> {
      for (int b = 0; b < tokens.length; b++) {
        model.nextTokenLogits(tokens[b], lengths[b], logits[b]);
      }
    }, model.vocabularySize(), List.of(new WatermarkHook(bias)), (b, logits) -> Samplers.greedy().sample(logits));
    int[][] out = g.generate(prompts, NEW);
    for (int b = 0; b < prompts.length; b++) {
      assertThat(out[b]).as("sequence %d", b).containsExactly(referenceGreedy(prompts[b]));
    }
  }

  @Test
  void batchedLoopOneSchemeOneSessionPerSequence() {
    int[][] prompts = {prompt, TestModels.prompt("In the morning the"), TestModels.prompt("He was not"),
        TestModels.prompt("The jury said")};
    RandomGenerator[] r = new RandomGenerator[prompts.length];
    for (int b = 0; b < r.length; b++) {
      r[b] = new SplittableRandom(100 + b);
    }
    int[][] marked = new BatchedLoop(model, bias).generate(prompts, NEW, r);
    for (int b = 0; b < r.length; b++) {
      r[b] = new SplittableRandom(100 + b);
    }
    int[][] plain = new BatchedLoop(model, null).generate(prompts, NEW, r);
    for (int b = 0; b < prompts.length; b++) {
      assertThat(detect(marked[b], prompts[b].length).log10PValue()).as("marked %d", b).isLessThan(-6);
      assertThat(detect(plain[b], prompts[b].length).log10PValue()).as("plain %d", b).isGreaterThan(-3);
    }
    // a sequence of the batch equals the same sequence generated alone: sessions do not interfere
    int[][] alone = new BatchedLoop(model, bias).generate(new int[][] {prompts[2]}, NEW,
        new RandomGenerator[] {new SplittableRandom(102)});
    assertThat(alone[0]).containsExactly(marked[2]);
  }

  @Test
  void mismatchedVocabularyIsRejected() {
    Watermark other = io.tracemark.core.Watermarks.create(io.tracemark.examples.demo.Seeds.demoKey(1),
        TestModels.SPEC, 1000);
    assertThatThrownBy(() -> new BatchedLoop(model, other.bias().orElseThrow()))
        .hasMessage("scheme vocabulary size 1000 must equal the model's 100277");
    assertThatThrownBy(() -> new WatermarkedJlamaModel(model, other.bias().orElseThrow()))
        .hasMessage("scheme vocabulary size 1000 must equal the model's 100277");
  }
}
