package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.LogitsModel;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Reading mode over a suspect with another tokenizer: with the watermark's own tokenizer it gives
 * the single-tokenizer result; with o200k_base on known text it aligns, maps and counts as an
 * independent computation over the UTF-8 bytes says; and under H0 with the real key it stays
 * calibrated.
 */
class CrossTokenizerReadingTest {
  static final TextTokenizer CL100K = Tokenizers.jtokkit("cl100k_base");
  static final TextTokenizer O200K = Tokenizers.jtokkit("o200k_base");
  static final KgwSpec SPEC = KgwSpec.parse("kgw:gamma=0.25,delta=2,h=1");
  static final WatermarkKey KEY = WatermarkKey.fromBytes(InheritanceVerifierTest.bytes(23));

  static final String[] SENTENCES = {
      "The committee said that the proposal was approved by the board of the city.",
      "It was the first time in the history of the state that a woman had been elected.",
      "He said that the report would be sent to the members of the council in the morning.",
      "The results of the study show that the number of students in the schools is growing.",
      "She was born in the small town and she lived there for most of her life.",
      "In the end the court found that the law had not been broken by the company.",
  };

  static InheritanceVerifier.Builder verifier(int vocabulary) {
    return InheritanceVerifier.greenList(KEY, SPEC, vocabulary).controlKeys(0);
  }

  /**
   * A suspect over a vocabulary of {@code vocabulary} ids whose logits favour a few word tokens,
   * in an order that depends on the last token of the context; every other id is far below.
   */
  static LogitsModel wordModel(int vocabulary, int[] words) {
    return new LogitsModel() {
      @Override
      public int vocabularySize() {
        return vocabulary;
      }

      @Override
      public void nextTokenLogits(int[] tokens, int length, float[] logits) {
        Arrays.fill(logits, -30f);
        int last = length == 0 ? 0 : tokens[length - 1];
        SplittableRandom r = new SplittableRandom(last * 31L + length % 3);
        for (int w : words) {
          logits[w] = (float) r.nextGaussian();
        }
      }
    };
  }

  /** A fixed owner model over cl100k_base for R*'s weights: a few word tokens in a context-dependent order. */
  static OwnerModelWeights ownerWeights(int[] words, List<int[]> texts) {
    LogitsModel owner = new LogitsModel() {
      @Override
      public int vocabularySize() {
        return CL100K.vocabularySize();
      }

      @Override
      public void nextTokenLogits(int[] tokens, int length, float[] logits) {
        Arrays.fill(logits, -8f);
        int last = length == 0 ? 0 : tokens[length - 1];
        SplittableRandom r = new SplittableRandom(last * 17L + 5);
        for (int w : words) {
          logits[w] = (float) (r.nextGaussian() - 1);
        }
      }
    };
    return OwnerModelWeights.of(owner, 0.25, 2.0, 10, 1.0, ContextCountWeights.of(1, texts), 5, 16);
  }

  static int[] singleTokens(TextTokenizer t, String... words) {
    int[] out = new int[words.length];
    for (int i = 0; i < words.length; i++) {
      int[] ids = t.encode(words[i]);
      assertThat(ids).as(words[i]).hasSize(1);
      out[i] = ids[0];
    }
    return out;
  }

  static List<int[]> encoded(TextTokenizer t) {
    List<int[]> out = new ArrayList<>();
    for (String s : SENTENCES) {
      out.add(t.encode(s));
    }
    return out;
  }

  @Test
  void theWatermarksOwnTokenizerGivesTheSingleTokenizerResult() {
    int[] words = singleTokens(CL100K, " the", " of", " that", " was", " in", " and", " a", " to", " board",
        " city", " law", " said", " is");
    LogitsModel suspect = wordModel(CL100K.vocabularySize(), words);
    List<int[]> texts = encoded(CL100K);
    int v = CL100K.vocabularySize();
    for (boolean twoLevel : new boolean[] {true, false}) {
      InheritanceResult today = verifier(v).firstWindowPerText(twoLevel).build().readingMode(suspect, texts);
      InheritanceResult aligned = verifier(v).firstWindowPerText(twoLevel).build().readingMode(suspect, texts,
          CL100K, CL100K);
      assertThat(aligned.tuplesScored()).isEqualTo(today.tuplesScored()).isGreaterThan(20);
      assertThat(aligned.score()).isEqualTo(today.score());
      assertThat(aligned.log10P()).isEqualTo(today.log10P());
      assertThat(aligned.tokensRead()).isEqualTo(today.tokensRead());
      assertThat(aligned.counts().duplicates()).isEqualTo(today.counts().duplicates());
      assertThat(today.counts().alignment()).isNull();
      InheritanceResult.Alignment a = aligned.counts().alignment();
      assertThat(a.suspectTokenizer()).isEqualTo("cl100k_base");
      assertThat(a.unaligned()).isZero();
      assertThat(a.oneToken()).isEqualTo(a.predictions()).isEqualTo(a.positions());
      assertThat(a.positions()).isGreaterThanOrEqualTo(today.tuplesScored());
    }
    // R*: the suspect's top-2 with its log-probabilities, weighted by the owner's model
    ReadingWeights star = ReadingWeights.of(ownerWeights(words, texts));
    InheritanceResult today = verifier(v).weights(star).build().readingMode(suspect, texts);
    InheritanceResult aligned = verifier(v).weights(star).build().readingMode(suspect, texts, CL100K, CL100K);
    assertThat(today.tuplesScored()).isGreaterThan(10);
    assertThat(aligned.tuplesScored()).isEqualTo(today.tuplesScored());
    assertThat(aligned.score()).isEqualTo(today.score());
    assertThat(aligned.log10P()).isEqualTo(today.log10P());
    assertThat(aligned.weighting().tuplesPerLevel()).isEqualTo(today.weighting().tuplesPerLevel());
    assertThat(aligned.counts().alignment().predictions()).isEqualTo(2 * aligned.counts().alignment().aligned());
  }

  /** Character offsets where each token starts (n + 1 entries, −1 inside a character), from the UTF-8 bytes. */
  static int[] offsetsFromBytes(Encoding e, int[] tokens, String s) {
    byte[] all = s.getBytes(StandardCharsets.UTF_8);
    int[] out = new int[tokens.length + 1];
    int bytes = 0;
    for (int k = 0; k <= tokens.length; k++) {
      boolean charStart = bytes == all.length || (all[bytes] & 0xC0) != 0x80;
      out[k] = charStart ? new String(all, 0, bytes, StandardCharsets.UTF_8).length() : -1;
      if (k < tokens.length) {
        IntArrayList one = new IntArrayList();
        one.add(tokens[k]);
        bytes += e.decodeBytes(one).length;
      }
    }
    return out;
  }

  @Test
  void o200kIsAlignedOnCharacterBoundariesAndOnlyOneTokenPredictionsAreScored() {
    String s = "Antidisestablishmentarianism, naïve café façades and the 🙂 emoji: "
        + "the committee's unbelievably counterintuitive reorganization of übermäßig long words.";
    int[] text = CL100K.encode(s);
    int[] suspectTokens = O200K.encode(s);
    Encoding cl = Encodings.newDefaultEncodingRegistry().getEncoding("cl100k_base").orElseThrow();
    Encoding o2 = Encodings.newDefaultEncodingRegistry().getEncoding("o200k_base").orElseThrow();
    int[] wOff = offsetsFromBytes(cl, text, s);
    int[] sOff = offsetsFromBytes(o2, suspectTokens, s);
    assertThat(CrossTokenizerProbe.boundaries(CL100K, text, s)).containsExactly(wOff);
    assertThat(CrossTokenizerProbe.boundaries(O200K, suspectTokens, s)).containsExactly(sOff);

    // predictions by the suspect's context length: one cl100k token, several, part of a character
    int one = O200K.encode(" the")[0];
    int theInCl100k = CL100K.encode(" the")[0];
    int several = -1;
    for (int id = 1000; several < 0; id++) {
      String t = O200K.decode(new int[] {id});
      if (!t.contains("\uFFFD") && CL100K.encode(t).length >= 2) {
        several = id;
      }
    }
    int partial = -1;
    for (int id = 0; partial < 0; id++) {
      if (O200K.decode(new int[] {id}).contains("\uFFFD")) {
        partial = id;
      }
    }
    int[] byLength = {one, several, partial};
    LogitsModel suspect = new LogitsModel() {
      @Override
      public int vocabularySize() {
        return O200K.vocabularySize();
      }

      @Override
      public void nextTokenLogits(int[] tokens, int length, float[] logits) {
        assertThat(Arrays.copyOf(tokens, length)).containsExactly(Arrays.copyOf(suspectTokens, length));
        Arrays.fill(logits, -10f);
        logits[byLength[length % 3]] = 5f;
      }
    };

    // the expected counts, from the byte offsets: positions p >= h = 1 whose offset starts a suspect token
    long aligned = 0;
    long[] byReason = new long[3];
    Set<List<Integer>> tuples = new HashSet<>();
    long green = 0;
    TokenScorer scorer = Watermarks.create(KEY, SPEC, CL100K.vocabularySize()).scorer();
    for (int p = 1; p < text.length; p++) {
      int j = -1;
      for (int k = 0; k < sOff.length; k++) {
        if (wOff[p] >= 0 && sOff[k] == wOff[p]) {
          j = k;
        }
      }
      if (j < 0) {
        continue;
      }
      aligned++;
      byReason[j % 3]++;
      if (j % 3 == 0 && tuples.add(List.of(text[p - 1], theInCl100k))) {
        green += scorer.score(new int[] {text[p - 1], theInCl100k}, 1) > 0 ? 1 : 0;
      }
    }
    assertThat(aligned).isLessThan(text.length - 1).isGreaterThan(text.length / 2);

    InheritanceResult r = verifier(CL100K.vocabularySize()).firstWindowPerText(false).build()
        .readingMode(suspect, List.of(text), CL100K, O200K);
    InheritanceResult.Alignment a = r.counts().alignment();
    assertThat(a.suspectTokenizer()).isEqualTo("o200k_base");
    assertThat(a.positions()).isEqualTo(text.length - 1);
    assertThat(a.aligned()).isEqualTo(aligned);
    assertThat(a.unaligned()).isEqualTo(text.length - 1 - aligned).isPositive();
    assertThat(a.predictions()).isEqualTo(aligned);
    assertThat(a.oneToken()).isEqualTo(byReason[0]).isPositive();
    assertThat(a.notOneToken()).isEqualTo(byReason[1]).isPositive();
    assertThat(a.notText()).isEqualTo(byReason[2]).isPositive();
    // the scored unit is (the watermark token before p, the prediction as a watermark token)
    assertThat(r.tuplesScored()).isEqualTo(tuples.size());
    assertThat(r.score()).isEqualTo(green);
  }

  @Test
  void aSuspectTokenizerNeedsTheWatermarksTokenizer() {
    Verification v = Verification.builder().scheme(SPEC).key(KEY).vocabularySize(CL100K.vocabularySize())
        .records(List.of()).build();
    assertThatThrownBy(() -> v.readingMode(wordModel(10, new int[] {1}), List.of(), O200K))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("set tokenizer(...)");
  }

  // ------------------------------------------------------------------ the null, on small tokenizers

  /** Greedy longest-match tokenizer over a small list of strings (every single letter included). */
  record Toy(String name, List<String> vocabulary) implements TextTokenizer {
    @Override
    public int vocabularySize() {
      return vocabulary.size();
    }

    @Override
    public int[] encode(String text) {
      List<Integer> out = new ArrayList<>();
      int i = 0;
      while (i < text.length()) {
        int best = -1;
        for (int id = 0; id < vocabulary.size(); id++) {
          String t = vocabulary.get(id);
          if (text.startsWith(t, i) && (best < 0 || t.length() > vocabulary.get(best).length())) {
            best = id;
          }
        }
        out.add(best);
        i += vocabulary.get(best).length();
      }
      return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] tokens) {
      StringBuilder b = new StringBuilder();
      for (int t : tokens) {
        b.append(vocabulary.get(t));
      }
      return b.toString();
    }
  }

  static final Toy WATERMARK = new Toy("toy-w", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l",
      "ab", "cd", "ef", "gh", "ij", "ka", "ea", "bb", "ac", "ld"));
  static final Toy SUSPECT = new Toy("toy-s", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l",
      "bc", "de", "fg", "hi", "ab", "abc", "jk", "ea", "la"));

  /**
   * H0 with the real key: the owner's texts are watermarked with the key (over the watermark's
   * tokenizer); 10,000 suspect models over the other tokenizer, independent of the key (seeded
   * random logits by their last two tokens), are read through the alignment. An exact test rejects
   * at most α of them: the bound is α·n plus 3.29 binomial standard deviations (a one-sided 99.9 %
   * bound). The lower bounds show that the test is not vacuous: with about 25 tuples a trial the
   * discrete binomial test's size is about 0.3 % at α = 10⁻² (about 30 rejections expected) and
   * about 0.05 % at α = 10⁻³.
   */
  @Test
  void theCrossTokenizerNullIsCalibratedWithTheRealKey() {
    int vw = WATERMARK.vocabularySize();
    Watermark wm = Watermarks.create(KEY, SPEC, vw);
    SplittableRandom random = new SplittableRandom(9);
    List<int[]> owner = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int[] t = new int[40];
      float[] logits = new float[vw];
      for (int p = 0; p < t.length; p++) {
        SplittableRandom base = new SplittableRandom(p == 0 ? 99 : t[p - 1] * 7919L + 3);
        for (int y = 0; y < vw; y++) {
          logits[y] = (float) (1.5 * base.nextGaussian());
        }
        if (p > 0) {
          wm.bias().orElseThrow().apply(t, p, logits);
        }
        t[p] = WeightedVerificationTest.draw(logits, random);
      }
      // the owner's text is the watermark tokenizer's own encoding of its characters
      owner.add(WATERMARK.encode(WATERMARK.decode(t)));
    }
    InheritanceVerifier verifier = verifier(vw).build();
    int vs = SUSPECT.vocabularySize();
    int trials = 10_000;
    int below2 = 0;
    int below3 = 0;
    long tuples = 0;
    long skipped = 0;
    for (int trial = 0; trial < trials; trial++) {
      long seed = 1_000 + trial;
      LogitsModel suspect = new LogitsModel() {
        @Override
        public int vocabularySize() {
          return vs;
        }

        @Override
        public void nextTokenLogits(int[] tokens, int length, float[] logits) {
          int a = length >= 2 ? tokens[length - 2] : vs;
          int b = length >= 1 ? tokens[length - 1] : vs;
          SplittableRandom r = new SplittableRandom(seed * 1_000_003L + a * 1_009L + b);
          for (int y = 0; y < vs; y++) {
            logits[y] = (float) r.nextGaussian();
          }
        }
      };
      List<int[]> read = List.of(owner.get(trial % 40), owner.get((trial * 7 + 1) % 40),
          owner.get((trial * 13 + 5) % 40), owner.get((trial * 17 + 11) % 40));
      InheritanceResult r = verifier.readingMode(suspect, read, WATERMARK, SUSPECT);
      tuples += r.tuplesScored();
      skipped += r.counts().alignment().unaligned() + r.counts().alignment().notOneToken();
      below2 += r.log10P() <= -2 ? 1 : 0;
      below3 += r.log10P() <= -3 ? 1 : 0;
    }
    assertThat(tuples / trials).isGreaterThan(20);
    assertThat(skipped / trials).isGreaterThan(5); // the alignment does skip positions and predictions
    assertThat(below2).isBetween(10, (int) Math.ceil(100 + 3.29 * Math.sqrt(trials * 1e-2 * (1 - 1e-2))));
    assertThat(below3).isBetween(1, (int) Math.ceil(10 + 3.29 * Math.sqrt(trials * 1e-3 * (1 - 1e-3))));
  }
}
