package io.tracemark.examples.lm;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import io.tracemark.examples.Checks;
import java.util.Locale;

/**
 * The JTokkit encodings the embedded model can use, with their vocabulary sizes.
 *
 * <p>The vocabulary is the encoding's ordinary (BPE) tokens, ids {@code 0 … V − 1}: text is
 * encoded with {@code encodeOrdinary}, so special tokens never occur. JTokkit does not expose the
 * size, so it is recorded here (and checked by a test: id V − 1 decodes, id V does not). One
 * number is used everywhere — model, watermark scheme and detector — because a green list is a
 * function of the vocabulary size.
 */
public final class Tokenizers {
  private Tokenizers() {}

  /** The default encoding. */
  public static final String DEFAULT = "cl100k_base";

  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

  /** The number of ordinary token ids of the named encoding. */
  public static int vocabularySize(String name) {
    switch (normalize(name)) {
      case "r50k_base":
        return 50_257;
      case "p50k_base":
      case "p50k_edit":
        return 50_281;
      case "cl100k_base":
        return 100_256;
      case "o200k_base":
        return 199_998;
      default:
        throw unknown(name);
    }
  }

  /** The JTokkit encoding of that name. */
  public static Encoding encoding(String name) {
    String n = normalize(name);
    vocabularySize(n);
    return REGISTRY.getEncoding(EncodingType.fromName(n).orElseThrow(() -> unknown(name)));
  }

  /** Encodes {@code text} without special tokens. */
  public static int[] encode(Encoding encoding, String text) {
    return encoding.encodeOrdinary(text).toArray();
  }

  /** Decodes {@code tokens[from, to)}. */
  public static String decode(Encoding encoding, int[] tokens, int from, int to) {
    IntArrayList list = new IntArrayList(Math.max(1, to - from));
    for (int i = from; i < to; i++) {
      list.add(tokens[i]);
    }
    return encoding.decode(list);
  }

  private static String normalize(String name) {
    if (name == null) {
      throw new NullPointerException("tokenizer");
    }
    return name.trim().toLowerCase(Locale.ROOT);
  }

  private static IllegalArgumentException unknown(String name) {
    return Checks.illegal("tokenizer must be one of r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base, was \"%s\"",
        name);
  }
}
