package io.tracemark.verifier.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * The one path from input to token ids, taken by every command that reads text ({@code detect
 * --text}, the text files and text fields that {@code verify} reads) and by the generation-side
 * check ({@link #firstDisagreement}): strict UTF-8 decoding of a document (one leading byte-order
 * mark dropped, nothing else), unpaired surrogates refused (a JSON string can carry one as an
 * escape such as {@code \ud800}, which no UTF-8 byte sequence can), the {@link Normalization},
 * then the tokenizer. Text that is blank after normalisation has no tokens. Immutable and
 * thread-safe.
 */
public final class TextPipeline {
  private static final char BOM = '\uFEFF';

  private final TextTokenizer tokenizer;
  private final Normalization normalization;

  /**
   * @param tokenizer turns text into token ids
   * @param normalization applied before tokenizing ({@link Normalization#NONE} for none)
   */
  public TextPipeline(TextTokenizer tokenizer, Normalization normalization) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.normalization = Objects.requireNonNull(normalization, "normalization");
  }

  /** The tokenizer. */
  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /** The normalisation applied before tokenizing. */
  public Normalization normalization() {
    return normalization;
  }

  /** The token ids of a UTF-8 document (a text file, stdin): {@link #decodeDocument} then {@link #encode(String)}. */
  public int[] encodeDocument(byte[] utf8) {
    return encode(decodeDocument(utf8));
  }

  /**
   * The token ids of {@code text}: checked for unpaired surrogates, normalised if asked, tokenized;
   * empty when the text is blank after normalisation.
   *
   * @throws InvalidTextException for an unpaired surrogate
   */
  public int[] encode(String text) {
    String t = normalization.apply(text);
    return t.isBlank() ? new int[0] : tokenizer.encode(t);
  }

  /**
   * The token ids detection scores for text generated as {@code generated}: the tokens decoded to
   * text, normalised and tokenized again, as {@link #encode(String)} does with the text a verifier
   * reads. A sampling loop calls this (or {@link #firstDisagreement}) on its output to learn
   * whether detection under this pipeline sees the tokens it generated.
   */
  public int[] detectionTokens(int[] generated) {
    return encode(tokenizer.decode(generated));
  }

  /**
   * The generation-side check: the index of the first token where {@link #detectionTokens} differs
   * from {@code generated}, or -1 when detection sees exactly the generated tokens. A normaliser
   * that changes the generated text itself (NFKC folding a "²", skeleton folding a Greek letter,
   * whitespace collapsing an indentation) shows here before any text is published.
   */
  public int firstDisagreement(int[] generated) {
    int[] seen = detectionTokens(generated);
    int n = Math.min(seen.length, generated.length);
    for (int i = 0; i < n; i++) {
      if (seen[i] != generated[i]) {
        return i;
      }
    }
    return seen.length == generated.length ? -1 : n;
  }

  /**
   * Decodes a whole document: strict UTF-8, and one leading byte-order mark (U+FEFF) dropped, as
   * editors write it; a BOM anywhere else is text (which {@link TextNormalizer#INVISIBLE} removes).
   *
   * @throws InvalidTextException naming the byte offset of the first invalid sequence
   */
  public static String decodeDocument(byte[] utf8) {
    String s = decode(utf8);
    return !s.isEmpty() && s.charAt(0) == BOM ? s.substring(1) : s;
  }

  /** Whether {@code bytes[0, length)} starts with the UTF-8 byte-order mark EF BB BF. */
  public static boolean startsWithBom(byte[] bytes, int length) {
    return length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF;
  }

  /**
   * Strict UTF-8 decoding: a malformed or unmappable sequence (overlong forms, encoded surrogates,
   * truncated sequences) is an error, never a replacement character.
   *
   * @throws InvalidTextException naming the byte offset of the first invalid sequence
   */
  public static String decode(byte[] utf8) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(utf8);
    CharBuffer out = CharBuffer.allocate(utf8.length); // UTF-8 never gives more chars than bytes
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      throw new InvalidTextException(String.format(Locale.ROOT, "invalid UTF-8 at byte %d", in.position()));
    }
    out.flip();
    return out.toString();
  }

  /**
   * Refuses a string holding an unpaired surrogate: it is not Unicode text, and a tokenizer would
   * silently turn it into a replacement character.
   *
   * @throws InvalidTextException naming the surrogate and its character index
   */
  public static void checkText(String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new InvalidTextException(String.format(Locale.ROOT,
            "invalid Unicode: unpaired surrogate \\u%04X at character %d", (int) c, i));
      }
    }
  }

  /** Text that is not valid UTF-8 or not valid Unicode; the message is the reason, without a location. */
  public static final class InvalidTextException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidTextException(String reason) {
      super(reason);
    }
  }
}
