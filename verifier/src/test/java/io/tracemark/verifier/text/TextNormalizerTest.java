package io.tracemark.verifier.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {
  @Test
  void composesToNfcAndStripsInvisibleAndBidiControls() {
    String decomposed = "cafe\u0301"; // e + combining acute
    assertThat(TextNormalizer.normalize(decomposed)).isEqualTo("caf\u00e9");
    assertThat(TextNormalizer.normalize("wa\u200Bter\u200Dmark\u00AD\u202Eevil\u202C\u2066x\u2069\uFEFF"))
        .isEqualTo("watermarkevilx");
    String plain = "plain text stays the same object";
    assertThat(TextNormalizer.normalize(plain)).isSameAs(plain);
  }

  @Test
  void hidingCharactersChangeTokensUnlessNormalized() {
    TextTokenizer t = Tokenizers.jtokkit("cl100k_base");
    String clean = "The watermark survives normalisation.";
    String hidden = "The water\u200Bmark sur\u200Dvives normal\u00ADisation.";
    assertThat(t.encode(hidden)).isNotEqualTo(t.encode(clean));
    assertThat(t.encode(TextNormalizer.normalize(hidden))).isEqualTo(t.encode(clean));
  }
}
