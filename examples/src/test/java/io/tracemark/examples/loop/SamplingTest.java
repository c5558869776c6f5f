package io.tracemark.examples.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracemark.api.Detection;
import io.tracemark.api.Watermark;
import io.tracemark.examples.TestModels;
import io.tracemark.examples.lm.NGramModel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplingTest {

  @Test
  void generationWithTheKeyIsDetectedAndWithoutItIsNot() {
    NGramModel model = TestModels.small();
    Watermark wm = TestModels.watermark(3);
    int[] prompt = TestModels.prompt("It was the first time that");
    SamplingLoop plainLoop = SamplingLoop.of(model).withTopK(100);
    SamplingLoop markedLoop = plainLoop.withWatermark(wm.bias().orElseThrow());
    for (long seed = 1; seed <= 3; seed++) {
      int[] marked = markedLoop.generate(prompt, 300, new SplittableRandom(seed));
      int[] plain = plainLoop.generate(prompt, 300, new SplittableRandom(seed));
      assertThat(marked).startsWith(prompt).hasSize(prompt.length + 300);
      Detection m = wm.detector().detect(marked, prompt.length, 300);
      Detection p = wm.detector().detect(plain, prompt.length, 300);
      assertThat(m.log10PValue()).as("watermarked, seed %d", seed).isLessThan(-8);
      assertThat(p.log10PValue()).as("plain, seed %d", seed).isGreaterThan(-3);
      assertThat(m.greenFraction()).isGreaterThan(0.4);
    }
    // nucleus sampling too
    SamplingLoop nucleus = SamplingLoop.of(model).withTopP(0.9).withWatermark(wm.bias().orElseThrow());
    assertThat(wm.detector().detect(nucleus.generate(prompt, 150, new SplittableRandom(5)), prompt.length, 150)
        .log10PValue()).isLessThan(-4);
  }

  @Test
  void topOneIsGreedyAndLowTemperatureConcentrates() {
    NGramModel model = TestModels.small();
    int[] prompt = TestModels.prompt("The man");
    int[] greedy = java.util.Arrays.copyOf(prompt, prompt.length + 50);
    float[] logits = new float[model.vocabularySize()];
    for (int n = prompt.length; n < greedy.length; n++) {
      model.nextTokenLogits(greedy, n, logits);
      greedy[n] = io.tracemark.core.sampling.Samplers.greedy().sample(logits);
    }
    assertThat(SamplingLoop.of(model).withTopK(1).generate(prompt, 50, new SplittableRandom(1))).containsExactly(greedy);
    // at temperature 0.2 most steps pick the greedy token; at temperature 1 far fewer do
    int[] cold = SamplingLoop.of(model).withTemperature(0.2).generate(prompt, 50, new SplittableRandom(2));
    int[] warm = SamplingLoop.of(model).generate(prompt, 50, new SplittableRandom(2));
    assertThat(agreeWithGreedy(model, cold, prompt.length)).isGreaterThan(agreeWithGreedy(model, warm, prompt.length));
  }

  private static int agreeWithGreedy(NGramModel model, int[] tokens, int from) {
    float[] logits = new float[model.vocabularySize()];
    int agree = 0;
    for (int n = from; n < tokens.length; n++) {
      model.nextTokenLogits(tokens, n, logits);
      agree += io.tracemark.core.sampling.Samplers.greedy().sample(logits) == tokens[n] ? 1 : 0;
    }
    return agree;
  }
}
