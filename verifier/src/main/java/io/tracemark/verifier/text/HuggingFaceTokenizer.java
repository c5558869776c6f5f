package io.tracemark.verifier.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.verifier.input.InputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face {@code tokenizer.json} with a byte-level BPE model (GPT-2, Llama 3 and their
 * relatives), loaded offline. Supported: {@code model.type = BPE} with {@code vocab}, {@code merges}
 * (strings {@code "a b"} or pairs) and {@code ignore_merges}; no normalizer (or NFC); pre-tokenizer
 * {@code ByteLevel} (GPT-2 regex when {@code use_regex}, {@code add_prefix_space}) or a
 * {@code Sequence} of {@code Split} (regex, isolated) and {@code ByteLevel}. Added (special) tokens
 * in the text are encoded as ordinary text, as with the JTokkit encodings. Immutable and
 * thread-safe; serializable, so that a distributed job ships the loaded tokenizer to its workers
 * (its cache of encoded pieces travels with it, bounded).
 */
final class HuggingFaceTokenizer implements TextTokenizer, java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** GPT-2's pre-tokenization regex (the ByteLevel pre-tokenizer's with use_regex). */
  static final String GPT2_PATTERN =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
  private static final char[] BYTE_TO_CHAR = byteToChar();
  private static final int CACHE_LIMIT = 100_000;

  private final String name;
  private final Map<String, Integer> vocab;
  private final Map<String, Integer> mergeRanks;
  private final List<Pattern> splits;
  private final boolean addPrefixSpace;
  private final boolean ignoreMerges;
  private final boolean nfc;
  private final int vocabularySize;
  private final String[] idToToken;
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  private HuggingFaceTokenizer(String name, Map<String, Integer> vocab, Map<String, Integer> mergeRanks,
      List<Pattern> splits, boolean addPrefixSpace, boolean ignoreMerges, boolean nfc, int vocabularySize,
      String[] idToToken) {
    this.name = name;
    this.vocab = vocab;
    this.mergeRanks = mergeRanks;
    this.splits = splits;
    this.addPrefixSpace = addPrefixSpace;
    this.ignoreMerges = ignoreMerges;
    this.nfc = nfc;
    this.vocabularySize = vocabularySize;
    this.idToToken = idToToken;
  }

  /** GPT-2's map from bytes to printable characters. */
  private static char[] byteToChar() {
    char[] map = new char[256];
    boolean[] direct = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      direct[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      direct[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      direct[b] = true;
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      map[b] = direct[b] ? (char) b : (char) (256 + n++);
    }
    return map;
  }

  static TextTokenizer load(Path path) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(path.toFile());
    } catch (IOException e) {
      throw new InputException(String.format(Locale.ROOT, "%s: not a tokenizer.json file (cannot read it as JSON)",
          path), e);
    }
    if (root == null || !root.isObject()) {
      throw fail(path, "not a tokenizer.json file (not a JSON object)");
    }
    JsonNode model = root.path("model");
    if (!"BPE".equals(model.path("type").asText("BPE")) || !model.path("vocab").isObject()) {
      throw fail(path, "only byte-level BPE models are supported (model.type must be BPE with a vocab)");
    }
    Map<String, Integer> vocab = new HashMap<>();
    int max = -1;
    for (Map.Entry<String, JsonNode> e : model.path("vocab").properties()) {
      if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
        throw fail(path, "model.vocab[\"" + e.getKey() + "\"] must be a non-negative integer");
      }
      vocab.put(e.getKey(), e.getValue().asInt());
      max = Math.max(max, e.getValue().asInt());
    }
    for (JsonNode added : root.path("added_tokens")) {
      max = Math.max(max, added.path("id").asInt(-1));
    }
    Map<String, Integer> ranks = new HashMap<>();
    int rank = 0;
    for (JsonNode m : model.path("merges")) {
      String a;
      String b;
      if (m.isTextual()) {
        String s = m.asText();
        int space = s.indexOf(' ', 1);
        if (space < 0) {
          throw fail(path, "model.merges[" + rank + "] must be \"left right\"");
        }
        a = s.substring(0, space);
        b = s.substring(space + 1);
      } else if (m.isArray() && m.size() == 2) {
        a = m.get(0).asText();
        b = m.get(1).asText();
      } else {
        throw fail(path, "model.merges[" + rank + "] must be a string or a pair");
      }
      ranks.putIfAbsent(a + '\u0000' + b, rank++);
    }
    for (char c : BYTE_TO_CHAR) {
      if (!vocab.containsKey(String.valueOf(c))) {
        throw fail(path, "the vocabulary lacks byte-level symbol U+" + String.format(Locale.ROOT, "%04X", (int) c)
            + " (not a byte-level BPE tokenizer)");
      }
    }
    JsonNode normalizer = root.path("normalizer");
    boolean nfc = false;
    if (!normalizer.isMissingNode() && !normalizer.isNull()) {
      if ("NFC".equals(normalizer.path("type").asText())) {
        nfc = true;
      } else {
        throw fail(path, "normalizer " + normalizer.path("type").asText() + " is not supported (none or NFC)");
      }
    }
    List<Pattern> splits = new ArrayList<>();
    boolean[] prefix = {false};
    preTokenizer(path, root.path("pre_tokenizer"), splits, prefix);
    String[] idToToken = new String[max + 1];
    vocab.forEach((k, v) -> idToToken[v] = k);
    for (JsonNode added : root.path("added_tokens")) {
      int id = added.path("id").asInt(-1);
      if (id >= 0 && idToToken[id] == null) {
        idToToken[id] = added.path("content").asText();
      }
    }
    return new HuggingFaceTokenizer("hf:" + path.getFileName(), Map.copyOf(vocab), Map.copyOf(ranks),
        List.copyOf(splits), prefix[0], model.path("ignore_merges").asBoolean(false), nfc, max + 1, idToToken);
  }

  private static void preTokenizer(Path path, JsonNode p, List<Pattern> splits, boolean[] prefix) {
    String type = p.path("type").asText();
    switch (type) {
      case "ByteLevel":
        prefix[0] = p.path("add_prefix_space").asBoolean(false);
        if (p.path("use_regex").asBoolean(true)) {
          splits.add(Pattern.compile(GPT2_PATTERN));
        }
        break;
      case "Split": {
        String regex = p.path("pattern").path("Regex").asText(null);
        if (regex == null || !"Isolated".equals(p.path("behavior").asText("Isolated"))
            || p.path("invert").asBoolean(false)) {
          throw fail(path, "pre_tokenizer Split must have a Regex pattern, behavior Isolated, invert false");
        }
        try {
          splits.add(Pattern.compile(regex));
        } catch (java.util.regex.PatternSyntaxException e) {
          throw fail(path, "pre_tokenizer Split regex does not compile in Java: " + e.getDescription());
        }
        break;
      }
      case "Sequence":
        for (JsonNode child : p.path("pretokenizers")) {
          preTokenizer(path, child, splits, prefix);
        }
        break;
      default:
        throw fail(path, "pre_tokenizer " + (type.isEmpty() ? "(none)" : type) + " is not supported "
            + "(ByteLevel, Split, Sequence)");
    }
  }

  private static InputException fail(Path path, String reason) {
    return new InputException(path + ": " + reason);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  @Override
  public int[] encode(String text) {
    String t = nfc ? java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFC) : text;
    if (addPrefixSpace && !t.isEmpty() && t.charAt(0) != ' ') {
      t = " " + t;
    }
    List<String> pieces = List.of(t);
    for (Pattern split : splits) {
      List<String> next = new ArrayList<>();
      for (String piece : pieces) {
        Matcher m = split.matcher(piece);
        int last = 0;
        while (m.find()) {
          if (m.start() > last) {
            next.add(piece.substring(last, m.start()));
          }
          if (m.end() > m.start()) {
            next.add(m.group());
          }
          last = m.end();
        }
        if (last < piece.length()) {
          next.add(piece.substring(last));
        }
      }
      pieces = next;
    }
    com.knuddels.jtokkit.api.IntArrayList out = new com.knuddels.jtokkit.api.IntArrayList();
    for (String piece : pieces) {
      for (int id : word(piece)) {
        out.add(id);
      }
    }
    return out.toArray();
  }

  /** BPE of one pre-token. */
  private int[] word(String piece) {
    int[] cached = cache.get(piece);
    if (cached != null) {
      return cached;
    }
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    StringBuilder mapped = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      mapped.append(BYTE_TO_CHAR[b & 0xFF]);
    }
    String w = mapped.toString();
    int[] ids;
    Integer whole = ignoreMerges ? vocab.get(w) : null;
    if (whole != null) {
      ids = new int[] {whole};
    } else {
      List<String> symbols = new ArrayList<>(w.length());
      for (int i = 0; i < w.length(); i++) {
        symbols.add(String.valueOf(w.charAt(i)));
      }
      while (symbols.size() > 1) {
        int bestRank = Integer.MAX_VALUE;
        int best = -1;
        for (int i = 0; i + 1 < symbols.size(); i++) {
          Integer r = mergeRanks.get(symbols.get(i) + '\u0000' + symbols.get(i + 1));
          if (r != null && r < bestRank) {
            bestRank = r;
            best = i;
          }
        }
        if (best < 0) {
          break;
        }
        symbols.set(best, symbols.get(best) + symbols.get(best + 1));
        symbols.remove(best + 1);
      }
      ids = new int[symbols.size()];
      for (int i = 0; i < ids.length; i++) {
        Integer id = vocab.get(symbols.get(i));
        if (id == null) {
          throw new IllegalStateException("BPE produced a symbol outside the vocabulary");
        }
        ids[i] = id;
      }
    }
    if (cache.size() < CACHE_LIMIT) {
      cache.put(piece, ids);
    }
    return ids;
  }

  @Override
  public String decode(int[] tokens) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] charToByte = new int[512];
    for (int b = 0; b < 256; b++) {
      charToByte[BYTE_TO_CHAR[b]] = b;
    }
    for (int id : tokens) {
      String s = id >= 0 && id < idToToken.length ? idToToken[id] : null;
      if (s == null) {
        continue;
      }
      if (!vocab.containsKey(s)) { // an added token: its text as is
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        continue;
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        out.write(c < charToByte.length ? charToByte[c] : '?');
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "TextTokenizer[" + name + ", vocab=" + vocabularySize + "]";
  }
}
