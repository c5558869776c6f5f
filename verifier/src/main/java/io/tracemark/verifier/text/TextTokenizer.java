package io.tracemark.verifier.text;

/**
 * Turns text into the token ids a watermark was embedded on. Implementations are immutable and
 * thread-safe.
 */
public interface TextTokenizer {
  /** The name recorded in reports, e.g. {@code cl100k_base} or {@code hf:tokenizer.json}. */
  String name();

  /** Token ids lie in {@code [0, vocabularySize())}. */
  int vocabularySize();

  /** The token ids of {@code text}; special-token strings in the text are encoded as ordinary text. */
  int[] encode(String text);

  /** The text of {@code tokens} (invalid UTF-8 sequences become U+FFFD). */
  String decode(int[] tokens);
}
