package io.tracemark.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ChecksTest {
  @Test
  void quoteEscapesWhatATerminalActsOnAndCapsTheLength() {
    assertThat(Checks.quote("r1")).isEqualTo("\"r1\"");
    assertThat(Checks.quote("a\u001b[31mred\rb\n\t\"q\"\\")).isEqualTo("\"a\\u001b[31mred\\rb\\n\\t\\\"q\\\"\\\\\"");
    assertThat(Checks.quote("bidi \u202e override, zero width \u200b, C1 \u0085, lone \ud800"))
        .isEqualTo("\"bidi \\u202e override, zero width \\u200b, C1 \\u0085, lone \\ud800\"");
    assertThat(Checks.quote("caf\u00e9 \ud83d\ude00")).isEqualTo("\"caf\u00e9 \ud83d\ude00\"");
    String longId = "x".repeat(1000);
    assertThat(Checks.quote(longId)).isEqualTo("\"" + "x".repeat(80) + "\"… (1000 characters)");
    // a surrogate pair is not cut in two
    String pairAtCut = "x".repeat(79) + "\ud83d\ude00" + "tail";
    assertThat(Checks.quote(pairAtCut)).startsWith("\"" + "x".repeat(79) + "\"…");
    assertThat(Checks.quote(null)).isEqualTo("null");
  }

  @Test
  void escapeControlsLeavesQuotesAndLengthAlone() {
    String line = "f.jsonl:3 (\"id\u001b]0;owned\u0007\"): bad " + "y".repeat(200);
    assertThat(Checks.escapeControls(line)).isEqualTo("f.jsonl:3 (\"id\\u001b]0;owned\\u0007\"): bad " + "y".repeat(200));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.25", "2", "+1", "-0.5", ".5", "2.", "007", "123456789012345678901234567890"})
  void plainDecimals(String s) {
    assertThat(Checks.isPlainDecimal(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "+", "0.25f", "0.25d", "0x1p-2", "1e-1", "1E3", "NaN", "Infinity", "-Infinity",
      "1.2.3", " 1", "1 ", "\u0661", "1_000", "--1"})
  void notPlainDecimals(String s) {
    assertThat(Checks.isPlainDecimal(s)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"1,true", "+1,true", "-42,true", "0.0,false", "1e3,false", "'',false", "-,false", "0x10,false",
      "\u0661\u0662,false"})
  void plainIntegers(String s, boolean plain) {
    assertThat(Checks.isPlainInteger(s)).isEqualTo(plain);
  }
}
