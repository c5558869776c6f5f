package io.tracemark.examples.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.BiasScheme;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.LogitsModel;
import io.tracemark.api.SchemeSpec;
import io.tracemark.verifier.text.TextTokenizer;
import io.tracemark.verifier.text.Tokenizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The exact effect of every attack, seeded, and the errors on empty, short and invalid input. */
class AttacksTest {
  static final TextTokenizer CL100K = Tokenizers.jtokkit("cl100k_base");

  /** 0, 1, …, n − 1 shifted by {@code base}: every token says where it came from. */
  static int[] ramp(int base, int n) {
    return IntStream.range(0, n).map(i -> base + i).toArray();
  }

  @Test
  void copyPasteKeepsTheHostLengthAndPastesKConsecutivePiecesInOrder() {
    int[] wm = ramp(100_000, 600);
    int[] human = ramp(0, 600);
    for (int k : new int[] {1, 3, 5}) {
      for (double x : new double[] {0.05, 0.10, 0.25, 0.50}) {
        for (long seed = 0; seed < 20; seed++) {
          int[] out = new CopyPaste(x, k).apply(wm, human, new SplittableRandom(seed));
          assertThat(out).hasSize(600);
          int m = (int) Math.round(x * 600);
          // the watermarked tokens are the first m, in order; the human ones all the others, in order
          assertThat(Arrays.stream(out).filter(t -> t >= 100_000).toArray()).isEqualTo(ramp(100_000, m));
          assertThat(Arrays.stream(out).filter(t -> t < 100_000).toArray()).isEqualTo(
              Arrays.copyOfRange(human, 0, 600 - m));
          // in at most k runs (adjacent pieces may touch), each piece of near-equal length
          int runs = 0;
          for (int i = 0; i < out.length; i++) {
            if (out[i] >= 100_000 && (i == 0 || out[i - 1] < 100_000)) {
              runs++;
            }
          }
          assertThat(runs).isBetween(1, k);
        }
      }
    }
  }

  @Test
  void copyPastePlacesSegmentsAtSeededRandomPositions() {
    int[] wm = ramp(100_000, 600);
    int[] human = ramp(0, 600);
    CopyPaste a = new CopyPaste(0.10, 1);
    assertThat(a.apply(wm, human, new SplittableRandom(7))).isEqualTo(a.apply(wm, human, new SplittableRandom(7)));
    Set<Integer> starts = new HashSet<>();
    for (long seed = 0; seed < 200; seed++) {
      int[] out = a.apply(wm, human, new SplittableRandom(seed));
      starts.add(IntStream.range(0, 600).filter(i -> out[i] >= 100_000).findFirst().orElseThrow());
    }
    // 541 possible starts, uniform: 200 draws give about 165 distinct; far more than a biased placement
    assertThat(starts.size()).isGreaterThan(120);
    assertThat(a.label()).isEqualTo("copy-paste:x=10%,k=1");
  }

  @Test
  void deletionInsertionAndSubstitutionTouchExactlyTheRateOfTokens() {
    int[] wm = ramp(100_000, 600);
    int[] human = ramp(0, 50);
    for (double rate : new double[] {0.10, 0.25, 0.40}) {
      int edits = (int) Math.round(rate * 600);
      int[] del = new TokenEdit(TokenEdit.Kind.DELETE, rate).apply(wm, human, new SplittableRandom(1));
      assertThat(del).hasSize(600 - edits).isSorted();
      assertThat(Arrays.stream(del).allMatch(t -> t >= 100_000)).isTrue();

      int[] ins = new TokenEdit(TokenEdit.Kind.INSERT, rate).apply(wm, human, new SplittableRandom(1));
      assertThat(ins).hasSize(600 + edits);
      assertThat(Arrays.stream(ins).filter(t -> t >= 100_000).toArray()).isEqualTo(wm);
      assertThat(Arrays.stream(ins).filter(t -> t < 50).count()).isEqualTo(edits);

      int[] sub = new TokenEdit(TokenEdit.Kind.SUBSTITUTE, rate).apply(wm, human, new SplittableRandom(1));
      assertThat(sub).hasSize(600);
      assertThat(IntStream.range(0, 600).filter(i -> sub[i] != wm[i]).count()).isEqualTo(edits);
      assertThat(IntStream.range(0, 600).filter(i -> sub[i] != wm[i]).allMatch(i -> sub[i] < 50)).isTrue();
    }
    TokenEdit d = new TokenEdit(TokenEdit.Kind.DELETE, 0.25);
    assertThat(d.apply(wm, human, new SplittableRandom(3))).isEqualTo(d.apply(wm, human, new SplittableRandom(3)))
        .isNotEqualTo(d.apply(wm, human, new SplittableRandom(4)));
  }

  @Test
  void paraphraseReplacesChosenTokensByTheModelsBestOtherToken() {
    // a model whose favourite next token is (previous + 1) mod V, then (previous + 2)
    int v = 50;
    LogitsModel model = new LogitsModel() {
      @Override
      public int vocabularySize() {
        return v;
      }

      @Override
      public void nextTokenLogits(int[] tokens, int length, float[] logits) {
        Arrays.fill(logits, 0f);
        int prev = length == 0 ? 0 : tokens[length - 1];
        logits[(prev + 1) % v] = 5f;
        logits[(prev + 2) % v] = 4f;
      }
    };
    int[] wm = new int[200];
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < wm.length; i++) {
      wm[i] = r.nextInt(v);
    }
    int[] out = new ModelSubstitution(model, 0.25).apply(wm, new int[0], new SplittableRandom(2));
    int changed = 0;
    for (int i = 0; i < wm.length; i++) {
      if (out[i] != wm[i]) {
        changed++;
        int prev = i == 0 ? 0 : out[i - 1];
        int favourite = (prev + 1) % v;
        assertThat(out[i]).isEqualTo(wm[i] == favourite ? (prev + 2) % v : favourite);
      }
    }
    // every one of the round(0.25 * 200) chosen positions changes, even when it held the favourite
    assertThat(changed).isEqualTo(50);
  }

  @Test
  void truncationKeepsThePrefixAndRefusesShortText() {
    int[] wm = ramp(5, 300);
    assertThat(new Truncation(200).apply(wm, null, new SplittableRandom(0))).isEqualTo(ramp(5, 200));
    assertThatThrownBy(() -> new Truncation(200).apply(ramp(5, 150), null, new SplittableRandom(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("truncate:tokens=200: the watermarked text must have at least 200 tokens, had 150");
  }

  @Test
  void homoglyphsReplaceTheRateOfEligibleLettersByLookAlikes() {
    String text = "The cat sat on the mat, and a dog slept by the open door of the house.";
    Homoglyphs h = new Homoglyphs(CL100K, 0.5);
    String out = h.attackText(text, new SplittableRandom(4));
    assertThat(out).hasSameSizeAs(text).isNotEqualTo(text);
    long eligible = text.chars().filter(c -> Homoglyphs.lookAlike((char) c) != c).count();
    int replaced = 0;
    for (int i = 0; i < text.length(); i++) {
      if (out.charAt(i) != text.charAt(i)) {
        assertThat(out.charAt(i)).isEqualTo(Homoglyphs.lookAlike(text.charAt(i)));
        assertThat(Character.UnicodeScript.of(out.charAt(i))).isIn(Character.UnicodeScript.CYRILLIC,
            Character.UnicodeScript.GREEK);
        replaced++;
      }
    }
    assertThat(replaced).isEqualTo(Math.round(0.5 * eligible));
    // every look-alike differs from its letter: none of the table's entries is a Latin letter
    for (char c : "aceijopsxyABCEHIJKMNOPSTXYZ".toCharArray()) {
      assertThat(Homoglyphs.lookAlike(c)).isNotEqualTo(c);
      assertThat(Character.UnicodeScript.of(Homoglyphs.lookAlike(c))).isNotEqualTo(Character.UnicodeScript.LATIN);
    }
  }

  @Test
  void zeroWidthInsertsTheRateOfInvisibleSpaces() {
    String text = "A short text with a smile \uD83D\uDE00 in it.";
    String out = new ZeroWidth(CL100K, 0.2).attackText(text, new SplittableRandom(5));
    assertThat(out.replace("\u200B", "")).isEqualTo(text);
    int points = text.codePointCount(0, text.length());
    assertThat(out.chars().filter(c -> c == '\u200B').count()).isEqualTo(Math.round(0.2 * points));
    // never between the two halves of a surrogate pair
    assertThat(out).contains("\uD83D\uDE00");
  }

  @Test
  void caseAndWhitespaceChangesKeepTheWords() {
    String text = "The Jury said\nthat it was fine.";
    assertThat(new CaseChange(CL100K, true).attackText(text, new SplittableRandom(0)))
        .isEqualTo("THE JURY SAID\nTHAT IT WAS FINE.");
    assertThat(new CaseChange(CL100K, false).attackText(text, new SplittableRandom(0)))
        .isEqualTo("the jury said\nthat it was fine.");
    String ws = new Whitespace(CL100K, 0.5).attackText(text, new SplittableRandom(0));
    assertThat(ws.split("\\s+")).isEqualTo(text.split("\\s+"));
    assertThat(ws).doesNotContain("\n\n").doesNotContainPattern("[^\r]\n");
    // 5 spaces, round(2.5) = 3 become line breaks; plus the one line ending already there
    assertThat(ws.chars().filter(c -> c == '\r').count()).isEqualTo(4);
    assertThat(ws.chars().filter(c -> c == ' ').count()).isEqualTo(2);
  }

  @Test
  void retokenizeGivesTheCanonicalEncodingOfTheSameText() {
    int[] canonical = CL100K.encode(" the theatre");
    int[] pieces = new int[] {CL100K.encode(" t")[0], CL100K.encode("he")[0], CL100K.encode(" theatre")[0]};
    assertThat(CL100K.decode(pieces)).isEqualTo(" the theatre");
    for (String via : new String[] {"o200k_base", "r50k_base"}) {
      Retokenize r = new Retokenize(CL100K, Tokenizers.jtokkit(via));
      assertThat(r.apply(pieces, null, new SplittableRandom(0))).isEqualTo(canonical);
      assertThat(r.label()).isEqualTo("retokenize:via=" + via);
    }
  }

  @Test
  void textAttacksRefuseEmptyTextAndInvalidUnicode() {
    List<TextAttack> attacks = new ArrayList<>(List.of(new Homoglyphs(CL100K, 0.1), new ZeroWidth(CL100K, 0.1),
        new CaseChange(CL100K, true), new Whitespace(CL100K, 0.1),
        new Retokenize(CL100K, Tokenizers.jtokkit("o200k_base"))));
    for (TextAttack a : attacks) {
      assertThatThrownBy(() -> a.attackText("", new SplittableRandom(0)))
          .isInstanceOf(IllegalArgumentException.class).hasMessage(a.label() + ": the text is empty");
      assertThatThrownBy(() -> a.attackText("ok \uD800 no", new SplittableRandom(0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(a.label() + ": invalid Unicode: unpaired surrogate \\uD800 at character 3");
      assertThatThrownBy(() -> a.apply(new int[0], null, new SplittableRandom(0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(a.label() + ": the watermarked text must have at least 1 tokens, had 0");
    }
  }

  @Test
  void tokenAttacksRefuseEmptyAndTooShortText() {
    assertThatThrownBy(() -> new TokenEdit(TokenEdit.Kind.DELETE, 0.1).apply(new int[0], null,
        new SplittableRandom(0))).hasMessage("delete:rate=10%: the watermarked text must have at least 1 tokens, had 0");
    assertThatThrownBy(() -> new TokenEdit(TokenEdit.Kind.INSERT, 0.1).apply(ramp(0, 10), new int[0],
        new SplittableRandom(0))).hasMessage("insert:rate=10%: the human text must have at least 1 tokens, had 0");
    assertThatThrownBy(() -> new TokenEdit(TokenEdit.Kind.DELETE, 1.0).apply(ramp(0, 10), null,
        new SplittableRandom(0))).hasMessage("delete:rate=100%: deleting 10 of 10 tokens leaves no text");
    // 50% of a 600-token host needs 300 watermarked tokens
    assertThatThrownBy(() -> new CopyPaste(0.5, 3).apply(ramp(0, 200), ramp(0, 600), new SplittableRandom(0)))
        .hasMessage("copy-paste:x=50%,k=3: the watermarked text must have at least 300 tokens, had 200");
    assertThatThrownBy(() -> new CopyPaste(0.1, 5).apply(ramp(0, 200), ramp(0, 3), new SplittableRandom(0)))
        .hasMessage("copy-paste:x=10%,k=5: the human text must have at least 5 tokens, had 3");
    assertThatThrownBy(() -> new CopyPaste(0, 1)).hasMessage("copy-paste fraction must be in (0, 1], was 0.0");
    assertThatThrownBy(() -> new TokenEdit(TokenEdit.Kind.SUBSTITUTE, 1.5))
        .hasMessage("token edit rate must be in [0, 1], was 1.5");
  }

  @Test
  void parseReadsEveryLabelTheAttacksPrint() {
    LogitsModel model = new LogitsModel() {
      @Override
      public int vocabularySize() {
        return CL100K.vocabularySize();
      }

      @Override
      public void nextTokenLogits(int[] tokens, int length, float[] logits) {
        Arrays.fill(logits, 0f);
      }
    };
    for (Attack a : Attacks.table(600, CL100K, model)) {
      assertThat(Attacks.parse(a.label(), CL100K, model).label()).isEqualTo(a.label());
    }
    assertThat(Attacks.table(600, CL100K, model)).hasSize(12 + 9 + 2 + 7 + 3);
    assertThat(Attacks.table(200, CL100K, model)).hasSize(12 + 9 + 2 + 7 + 2);
    assertThat(Attacks.parse("copy-paste:x=25,k=3", CL100K, null).label()).isEqualTo("copy-paste:x=25%,k=3");
    assertThatThrownBy(() -> Attacks.parse("shuffle", CL100K, null)).hasMessageStartingWith(
        "unknown attack 'shuffle'; one of [copy-paste:x=10%,k=1");
    assertThatThrownBy(() -> Attacks.parse("delete:rate=ten", CL100K, null))
        .hasMessage("attack delete: rate must be a percentage, was 'ten'");
    assertThatThrownBy(() -> Attacks.parse("delete:rate=10,k=2", CL100K, null))
        .hasMessage("attack delete: unknown parameter(s) [k]");
    assertThatThrownBy(() -> Attacks.parse("case", CL100K, null))
        .hasMessage("attack case needs 'upper' or 'lower', was ''");
    assertThatThrownBy(() -> Attacks.parse("paraphrase", CL100K, null))
        .hasMessage("attack paraphrase needs the language model (--model)");
  }

  @Test
  void emojiGenerationSeedsTheWatermarkFromTheContextWithSymbols() {
    int[] symbol = {7, 8};
    EmojiAttack e = new EmojiAttack(symbol);
    List<int[]> seen = new ArrayList<>();
    BiasScheme recorder = new BiasScheme() {
      @Override
      public void apply(int[] tokens, int length, float[] logits) {
        seen.add(Arrays.copyOf(tokens, length));
      }

      @Override
      public int vocabularySize() {
        return 10;
      }

      @Override
      public SchemeSpec spec() {
        return KgwSpec.of(0.25, 2, 1);
      }
    };
    BiasScheme b = e.biasFor(recorder, 2);
    int[] tokens = {1, 2, 3, 4, 5};
    b.apply(tokens, 2, new float[10]);
    b.apply(tokens, 4, new float[10]);
    assertThat(seen.get(0)).containsExactly(1, 2);
    assertThat(seen.get(1)).containsExactly(1, 2, 3, 7, 8, 4, 7, 8);
    assertThat(e.withSymbols(tokens, 5, 2)).containsExactly(1, 2, 3, 7, 8, 4, 7, 8, 5, 7, 8);
    assertThat(b.vocabularySize()).isEqualTo(10);
    assertThatThrownBy(() -> new EmojiAttack(new int[0]))
        .hasMessage("the symbol must have at least one token, had 0");
    assertThatThrownBy(() -> b.apply(tokens, 1, new float[10]))
        .hasMessage("length must be >= the prompt length 2, was 1");
  }
}
