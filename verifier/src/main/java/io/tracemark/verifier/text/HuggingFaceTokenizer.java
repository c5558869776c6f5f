package io.tracemark.verifier.text;

import java.nio.file.Path;
import java.util.Locale;

/** Hugging Face {@code tokenizer.json} loading (byte-level BPE). */
final class HuggingFaceTokenizer {
  private HuggingFaceTokenizer() {}

  static TextTokenizer load(Path path) {
    throw new IllegalArgumentException(String.format(Locale.ROOT,
        "%s: Hugging Face tokenizer.json files are not supported by this build yet", path));
  }
}
