package io.tracemark.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code quickstart} says which text is watermarked, detects it, clears the other and explains its numbers. */
class QuickStartTest {
  @Test
  void theWatermarkedTextIsNamedAndDetectedAndTheNumbersAreExplained() {
    StringWriter text = new StringWriter();
    QuickStart.run(new PrintWriter(text, true));
    List<String> lines = text.toString().lines().toList();
    int marked = lines.indexOf("[1] WATERMARKED (generated with the key):");
    int plain = lines.indexOf("[2] NOT watermarked (same model, no key):");
    assertThat(marked).isNotNegative();
    assertThat(plain).isGreaterThan(marked);
    assertThat(result(lines, marked)).endsWith("watermark DETECTED at alpha 1e-6");
    assertThat(result(lines, plain)).endsWith("not detected at alpha 1e-6");
    assertThat(text.toString()).contains("only the first was generated with the watermark")
        .contains("Detection scores the generated tokens only,");
    assertThat(String.join("\n", lines)).contains(String.join("\n", QuickStart.legend()));
    assertThat(QuickStart.legend()).anyMatch(l -> l.startsWith("  tuple ")).anyMatch(l -> l.startsWith("  green rate "))
        .anyMatch(l -> l.startsWith("  log10 p ")).anyMatch(l -> l.contains("gamma = 0.25"));
  }

  /** The result line of the text whose label is at {@code label} (the text itself may span lines). */
  static String result(List<String> lines, int label) {
    for (int i = label + 1; i < lines.size(); i++) {
      if (lines.get(i).startsWith("  -> ")) {
        return lines.get(i);
      }
    }
    throw new AssertionError("no result line after " + lines.get(label));
  }
}
