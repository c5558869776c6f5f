package io.tracemark.verifier.text;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The factory for tokenizers: every JTokkit encoding by name, and Hugging Face
 * {@code tokenizer.json} files (byte-level BPE) by path. Nothing is downloaded.
 */
public final class Tokenizers {
  private Tokenizers() {}

  /**
   * Vocabulary sizes (one past the largest id, special tokens included) of the JTokkit encodings;
   * JTokkit does not expose them.
   */
  private static final Map<String, Integer> VOCABULARY = Map.of(
      "r50k_base", 50_257,
      "p50k_base", 50_281,
      "p50k_edit", 50_284,
      "cl100k_base", 100_277,
      "o200k_base", 200_019);

  private static volatile EncodingRegistry registry;

  /** The JTokkit encoding names. */
  public static List<String> encodingNames() {
    return List.of("r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base");
  }

  /**
   * A JTokkit encoding by name ({@code cl100k_base} …) or a Hugging Face {@code tokenizer.json}
   * by path.
   *
   * @throws IllegalArgumentException naming the value when it is neither
   */
  public static TextTokenizer byNameOrPath(String nameOrPath) {
    Objects.requireNonNull(nameOrPath, "tokenizer");
    String name = nameOrPath.trim().toLowerCase(Locale.ROOT);
    if (VOCABULARY.containsKey(name)) {
      return jtokkit(name);
    }
    Path path = Path.of(nameOrPath);
    if (Files.isRegularFile(path)) {
      return HuggingFaceTokenizer.load(path);
    }
    throw new IllegalArgumentException(String.format(Locale.ROOT,
        "tokenizer must be one of %s or the path of a tokenizer.json file, was \"%s\"", encodingNames(), nameOrPath));
  }

  /** A JTokkit encoding by name. */
  public static TextTokenizer jtokkit(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    Integer vocab = VOCABULARY.get(n);
    if (vocab == null) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "tokenizer must be one of %s, was \"%s\"",
          encodingNames(), name));
    }
    EncodingType type = EncodingType.fromName(n).orElseThrow();
    return new JTokkitTokenizer(n, registry().getEncoding(type), vocab);
  }

  private static EncodingRegistry registry() {
    EncodingRegistry r = registry;
    if (r == null) {
      synchronized (Tokenizers.class) {
        r = registry;
        if (r == null) {
          r = Encodings.newLazyEncodingRegistry();
          registry = r;
        }
      }
    }
    return r;
  }
}
