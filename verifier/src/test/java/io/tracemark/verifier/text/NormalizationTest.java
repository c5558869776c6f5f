package io.tracemark.verifier.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class NormalizationTest {
  static final TextTokenizer CL100K = Tokenizers.jtokkit("cl100k_base");

  @Test
  void aListIsAppliedInTheFixedOrderAndNamedByIt() {
    Normalization n = Normalization.parse(" whitespace, SKELETON,nfkc ,invisible");
    assertThat(n.names()).containsExactly("invisible", "nfkc", "skeleton", "whitespace");
    assertThat(n.label()).isEqualTo("invisible+nfkc+skeleton+whitespace");
    assertThat(n).isEqualTo(Normalization.parse("invisible,nfkc,skeleton,whitespace"));
    assertThat(Normalization.parse("none")).isSameAs(Normalization.NONE);
    assertThat(Normalization.NONE.label()).isEqualTo("none");
    assertThat(Normalization.DEFAULT.label()).isEqualTo("invisible+nfc");
    // the order matters: invisible characters go before NFC composes what they separated
    assertThat(Normalization.DEFAULT.apply("e\u200B\u0301")).isEqualTo("\u00e9");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "nfkc,nfd|normaliser must be one of invisible, nfc, nfkc, skeleton, whitespace, was \"nfd\"",
      "nfkc,,skeleton|was \"\"",
      "skeleton,skeleton|normaliser \"skeleton\" is named twice in \"skeleton,skeleton\"",
      "nfc,nfkc|nfc and nfkc exclude each other",
      "' '|the list is empty"})
  void aBadListIsRefusedNamingWhatIsWrong(String list, String message) {
    assertThatThrownBy(() -> Normalization.parse(list)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void invisibleRemovesZeroWidthAndBidiControls() {
    assertThat(TextNormalizer.INVISIBLE.apply("wa\u200Bter\u200Dmark\u00AD\u202Eevil\u202C\u2066x\u2069\uFEFF"
        + "\u2060y\u061C\uFE0F\uDB40\uDC41"))
        .isEqualTo("watermarkevilxy");
    String plain = "plain text stays the same object";
    assertThat(TextNormalizer.INVISIBLE.apply(plain)).isSameAs(plain);
  }

  @Test
  void hidingCharactersChangeTokensUnlessNormalized() {
    String clean = "The watermark survives normalisation.";
    String hidden = "The water\u200Bmark sur\u200Dvives normal\u00ADisation.";
    assertThat(CL100K.encode(hidden)).isNotEqualTo(CL100K.encode(clean));
    assertThat(new TextPipeline(CL100K, Normalization.DEFAULT).encode(hidden)).isEqualTo(CL100K.encode(clean));
  }

  @Test
  void nfcComposesAndNfkcAlsoFoldsCompatibilityForms() {
    assertThat(TextNormalizer.NFC.apply("cafe\u0301")).isEqualTo("caf\u00e9");
    assertThat(TextNormalizer.NFC.apply("\uFF34\uFF45\uFF58\uFF54")).isEqualTo("\uFF34\uFF45\uFF58\uFF54");
    assertThat(TextNormalizer.NFKC.apply("\uFF34\uFF45\uFF58\uFF54 \uFB01le\u00A0x\u00B2")).isEqualTo("Text file x2");
  }

  @Test
  void skeletonFoldsCyrillicGreekFullwidthAndStyledLookAlikesToAscii() {
    // Cyrillic а с е о р х у і ѕ ј А В Е Н К М О Р С Т Х, Greek ο ν Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Χ, fullwidth,
    // mathematical bold
    assertThat(TextNormalizer.SKELETON.apply("\u0430\u0441\u0435\u043E\u0440\u0445\u0443\u0456\u0455\u0458"))
        .isEqualTo("acеopxyisj".replace('\u0435', 'e'));
    assertThat(TextNormalizer.SKELETON.apply("\u0410\u0412\u0415\u041D\u041A\u041C\u041E\u0420\u0421\u0422\u0425"))
        .isEqualTo("ABEHKMOPCTX");
    assertThat(TextNormalizer.SKELETON.apply("\u03BF\u03BD\u0391\u0392\u0395\u0396\u0397\u0399\u039A\u039C\u039D"
        + "\u039F\u03A1\u03A4\u03A7")).isEqualTo("ovABEZHIKMNOPTX");
    assertThat(TextNormalizer.SKELETON.apply("\uFF34\uFF45\uFF58\uFF54 \uD835\uDC1A\uD835\uDC1B"))
        .isEqualTo("Text ab");
  }

  @Test
  void skeletonLeavesAsciiAccentsAndUnconfusableScriptsAlone() {
    // the skeleton of the whole string would rewrite these (m -> rn, l/I/1 together, 0 -> O)
    String ascii = "mall Ill 101 rn 0O |l| The quick brown fox jumps over the lazy dog.";
    assertThat(TextNormalizer.SKELETON.apply(ascii)).isSameAs(ascii);
    assertThat(TextNormalizer.SKELETON.apply("caf\u00e9 na\u00efve \u00e0 \u4e2d\u6587")).isEqualTo(
        "caf\u00e9 na\u00efve \u00e0 \u4e2d\u6587");
  }

  @Test
  void skeletonFoldsLookAlikeLettersOfGreekAndCyrillicTextToo() {
    // why it is not for Greek or Cyrillic text: their own letters that look Latin fold
    assertThat(TextNormalizer.SKELETON.apply("\u03BA\u03CC\u03C3\u03BC\u03BF\u03C2")) // κόσμος
        .contains("o").isNotEqualTo("\u03BA\u03CC\u03C3\u03BC\u03BF\u03C2");
    assertThat(TextNormalizer.SKELETON.apply("\u0441\u043B\u043E\u0432\u043E")) // слово
        .isEqualTo("c\u043Bo\u0432o");
  }

  @Test
  void whitespaceCanonicalisesLineEndingsSpacesAndBlankLines() {
    assertThat(TextNormalizer.WHITESPACE.apply("a\r\nb\rc\u2028d\u0085e")).isEqualTo("a\nb\nc\nd\ne");
    assertThat(TextNormalizer.WHITESPACE.apply("a \t\u00A0\u2009 b\u3000c")).isEqualTo("a b c");
    assertThat(TextNormalizer.WHITESPACE.apply("  x  \n   \n\n\n  y  \n")).isEqualTo("x\n\ny");
    String plain = "one two\nthree\n\nfour";
    assertThat(TextNormalizer.WHITESPACE.apply(plain)).isSameAs(plain);
  }

  @ParameterizedTest
  @EnumSource(TextNormalizer.class)
  void everyNormalizerKeepsEmptyTextEmptyAndRefusesAnUnpairedSurrogate(TextNormalizer n) {
    assertThat(n.apply("")).isEmpty();
    assertThatThrownBy(() -> n.apply("ab\uD800c")).isInstanceOf(TextPipeline.InvalidTextException.class)
        .hasMessage("invalid Unicode: unpaired surrogate \\uD800 at character 2");
    assertThatThrownBy(() -> Normalization.of(n).apply("\uDC00")).isInstanceOf(TextPipeline.InvalidTextException.class)
        .hasMessageContaining("unpaired surrogate \\uDC00 at character 0");
  }

  @Test
  void textBlankAfterNormalisationHasNoTokens() {
    assertThat(new TextPipeline(CL100K, Normalization.DEFAULT).encode("\u200B\u200D\uFEFF")).isEmpty();
    assertThat(new TextPipeline(CL100K, Normalization.NONE).encode("")).isEmpty();
  }

  @Test
  void theGenerationSideCheckFindsTheFirstTokenDetectionWouldNotSee() {
    int[] generated = CL100K.encode("The \uFB01rst answer is x\u00B2 plus one.");
    TextPipeline plain = new TextPipeline(CL100K, Normalization.parse("invisible,nfc,skeleton,whitespace"));
    assertThat(plain.firstDisagreement(generated)).isEqualTo(-1);
    assertThat(plain.detectionTokens(generated)).isEqualTo(generated);
    TextPipeline nfkc = new TextPipeline(CL100K, Normalization.parse("nfkc"));
    int first = nfkc.firstDisagreement(generated);
    assertThat(first).isEqualTo(CL100K.encode("The").length);
    assertThat(nfkc.detectionTokens(generated)).isEqualTo(CL100K.encode("The first answer is x2 plus one."));
  }
}
