package io.tracemark.verifier;

import io.tracemark.api.LogitsModel;
import io.tracemark.verifier.text.TextTokenizer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reading mode's question to a suspect model over another tokenizer than the watermark's. The
 * owner's text (watermark token ids) is decoded to characters and re-tokenized with the suspect's
 * tokenizer; a position p of the owner's text is <em>aligned</em> when the character offset where
 * its token starts is also a token boundary of the suspect's tokenization. There the suspect is
 * asked for its next-token predictions after the suspect-tokenized prefix, and each prediction is
 * mapped to text: a prediction whose text is exactly one token of the watermark vocabulary becomes
 * that watermark token, scored with the owner's h watermark tokens before p as its window; every
 * other prediction (text of several watermark tokens, or no whole character: a suspect token holding
 * part of a UTF-8 sequence, an id the suspect's tokenizer cannot decode) is skipped and counted.
 *
 * <p>The scored unit stays (watermark window, watermark token), deduplicated as in the
 * single-tokenizer reading mode, and whether it is green does not depend on the suspect's
 * tokenizer: the null is that of reading mode.
 *
 * <p>Holds per-text buffers and the id map: used by one thread.
 */
final class CrossTokenizerProbe {
  private static final int UNKNOWN = -3;
  private static final int NOT_TEXT = -2;
  private static final int NOT_ONE_TOKEN = -1;

  private final ModelProbe probe;
  private final TextTokenizer watermark;
  private final TextTokenizer suspect;
  private final int watermarkVocabulary;
  private final int[] toWatermark;
  private int[] suspectTokens = new int[0];
  private int[] suspectPrefix = new int[0];

  long positions;
  long aligned;
  long predictions;
  long oneToken;
  long notOneToken;
  long notText;

  CrossTokenizerProbe(LogitsModel model, int candidates, TextTokenizer watermark, TextTokenizer suspect,
      int watermarkVocabulary) {
    this.probe = new ModelProbe(model, candidates);
    this.watermark = Objects.requireNonNull(watermark, "watermark tokenizer");
    this.suspect = Objects.requireNonNull(suspect, "suspect tokenizer");
    this.watermarkVocabulary = watermarkVocabulary;
    this.toWatermark = new int[model.vocabularySize()];
    Arrays.fill(toWatermark, UNKNOWN);
  }

  /**
   * Aligns the owner's text {@code text} (watermark token ids) with the suspect's tokenization of
   * the same characters.
   */
  void beginText(int[] text) {
    String s = watermark.decode(text);
    int[] wOffsets = boundaries(watermark, text, s);
    suspectTokens = suspect.encode(s);
    int[] sOffsets = boundaries(suspect, suspectTokens, s);
    int[] suspectAt = new int[s.length() + 1];
    Arrays.fill(suspectAt, -1);
    for (int j = 0; j < sOffsets.length; j++) {
      if (sOffsets[j] >= 0) {
        suspectAt[sOffsets[j]] = j;
      }
    }
    suspectPrefix = new int[text.length];
    for (int p = 0; p < text.length; p++) {
      suspectPrefix[p] = wOffsets[p] < 0 ? -1 : suspectAt[wOffsets[p]];
    }
  }

  /**
   * The suspect's predictions before position {@code pos} of the current text as watermark ids
   * into {@code ys} (−1 for a prediction that is skipped), best first, with the suspect's
   * log-probabilities into {@code logQ} when {@code withLogQ}; the number of predictions, or −1
   * when the position is not aligned (the model is not asked).
   */
  int predict(int pos, int[] ys, double[] logQ, boolean withLogQ) {
    positions++;
    int j = suspectPrefix[pos];
    if (j < 0) {
      return -1;
    }
    aligned++;
    int[] top = probe.predict(suspectTokens, j);
    for (int r = 0; r < top.length; r++) {
      predictions++;
      int y = watermarkToken(top[r]);
      if (y >= 0) {
        oneToken++;
      } else if (y == NOT_ONE_TOKEN) {
        notOneToken++;
      } else {
        notText++;
      }
      ys[r] = y >= 0 ? y : -1;
      if (withLogQ) {
        logQ[r] = probe.logProbability(r);
      }
    }
    return top.length;
  }

  /** The counts so far, for the result. */
  InheritanceResult.Alignment alignment() {
    return new InheritanceResult.Alignment(suspect.name(), positions, aligned, predictions, oneToken, notOneToken,
        notText);
  }

  /** The watermark token whose text is that of suspect token {@code id}, or {@link #NOT_ONE_TOKEN}/{@link #NOT_TEXT}. */
  private int watermarkToken(int id) {
    int y = toWatermark[id];
    if (y != UNKNOWN) {
      return y;
    }
    String t;
    try {
      t = suspect.decode(new int[] {id});
    } catch (RuntimeException e) {
      t = null; // an id the suspect's tokenizer has no text for (unassigned, or beyond its vocabulary)
    }
    if (t == null || t.isEmpty() || t.indexOf('\uFFFD') >= 0) {
      y = NOT_TEXT;
    } else {
      int[] w = watermark.encode(t);
      y = w.length == 1 && w[0] >= 0 && w[0] < watermarkVocabulary ? w[0] : NOT_ONE_TOKEN;
    }
    toWatermark[id] = y;
    return y;
  }

  /**
   * The character offset in {@code s} where each token of {@code tokens} starts (index n: the end),
   * or −1 where a token starts inside a character (a token that holds part of a UTF-8 sequence).
   * Tokens are decoded in chunks from the last boundary: a chunk that ends inside a character
   * decodes to a replacement character that {@code s} does not have there.
   */
  static int[] boundaries(TextTokenizer tokenizer, int[] tokens, String s) {
    int n = tokens.length;
    int[] at = new int[n + 1];
    Arrays.fill(at, -1);
    at[0] = 0;
    int start = 0;
    int offset = 0;
    for (int k = 1; k <= n; k++) {
      String chunk = tokenizer.decode(Arrays.copyOfRange(tokens, start, k));
      if (s.startsWith(chunk, offset)) {
        offset += chunk.length();
        at[k] = offset;
        start = k;
      }
    }
    return at;
  }
}
