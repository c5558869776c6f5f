package io.tracemark.api;

import java.util.ArrayList;
import java.util.List;

/**
 * What a watermark key was made for: the scheme, the tokenizer and the vocabulary size, each
 * possibly "any" (null, or 0 for the size). Detection with another green list, tokenizer or
 * vocabulary finds nothing even in watermarked text, so the commands refuse a run that contradicts
 * the record instead of reporting "not detected". Immutable.
 *
 * @param scheme the scheme, or null for any; only the parameters that decide which tokens are
 *     green (gamma, h, seeding, payload) are compared, since delta and candidates shape generation only
 * @param tokenizer the tokenizer's name (e.g. {@code cl100k_base}), or null for any
 * @param vocabularySize the vocabulary size, or 0 for any
 */
public record KeyUse(KgwSpec scheme, String tokenizer, int vocabularySize) {
  /** No record: the key may be used with any scheme, tokenizer and vocabulary. */
  public static final KeyUse ANY = new KeyUse(null, null, 0);

  /** The word that stands for "any" in a key file's {@code scheme}, {@code tokenizer} and {@code vocabulary_size}. */
  public static final String ANY_VALUE = "any";

  /** The longest tokenizer name a key file may record. */
  public static final int MAX_TOKENIZER_NAME = 200;

  /** Checks the fields. */
  public KeyUse {
    if (tokenizer != null) {
      Checks.require(!tokenizer.isBlank() && tokenizer.length() <= MAX_TOKENIZER_NAME && !tokenizer.equals(ANY_VALUE)
          && tokenizer.chars().noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT),
          "tokenizer name must be 1 to %d printable characters other than \"%s\"", MAX_TOKENIZER_NAME, ANY_VALUE);
    }
    Checks.require(vocabularySize == 0 || vocabularySize >= 2, "vocabulary size must be >= 2 (or 0 for any), was %d",
        vocabularySize);
  }

  /** Whether nothing is recorded. */
  public boolean isAny() {
    return scheme == null && tokenizer == null && vocabularySize == 0;
  }

  /**
   * What in a run contradicts this record, each item naming a field (and for the scheme, the
   * parameters that differ), never a recorded value: e.g. {@code ["scheme (gamma differs)",
   * "vocabulary size"]}. Empty when the run is consistent with the record.
   *
   * @param runScheme the run's scheme; a scheme of another family than a recorded kgw scheme is
   *     reported as {@code scheme (family differs)}
   * @param runTokenizer the run's tokenizer name, or null when the run reads token ids only
   * @param runVocabularySize the run's vocabulary size
   */
  public List<String> mismatches(SchemeSpec runScheme, String runTokenizer, int runVocabularySize) {
    List<String> out = new ArrayList<>();
    if (scheme != null && !(runScheme instanceof KgwSpec)) {
      out.add("scheme (family differs)");
    } else if (scheme != null) {
      KgwSpec run = (KgwSpec) runScheme;
      List<String> differ = new ArrayList<>();
      if (Double.compare(scheme.gamma(), run.gamma()) != 0) {
        differ.add("gamma");
      }
      if (scheme.contextWidth() != run.contextWidth()) {
        differ.add("h");
      }
      if (scheme.seeding() != run.seeding()) {
        differ.add("seeding");
      }
      if (scheme.payloadBits() != run.payloadBits()) {
        differ.add("payload");
      }
      if (!differ.isEmpty()) {
        out.add("scheme (" + String.join(", ", differ) + (differ.size() == 1 ? " differs)" : " differ)"));
      }
    }
    if (tokenizer != null && runTokenizer != null && !tokenizer.equals(runTokenizer)) {
      out.add("tokenizer");
    }
    if (vocabularySize != 0 && vocabularySize != runVocabularySize) {
      out.add("vocabulary size");
    }
    return out;
  }
}
