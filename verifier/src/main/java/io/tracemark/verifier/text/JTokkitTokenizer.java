package io.tracemark.verifier.text;

import com.knuddels.jtokkit.api.Encoding;

/** A JTokkit encoding; special tokens in the text are encoded as ordinary text. */
final class JTokkitTokenizer implements TextTokenizer {
  private final String name;
  private final Encoding encoding;
  private final int vocabularySize;

  JTokkitTokenizer(String name, Encoding encoding, int vocabularySize) {
    this.name = name;
    this.encoding = encoding;
    this.vocabularySize = vocabularySize;
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
    return encoding.encodeOrdinary(text).toArray();
  }

  @Override
  public String decode(int[] tokens) {
    com.knuddels.jtokkit.api.IntArrayList list = new com.knuddels.jtokkit.api.IntArrayList(tokens.length);
    for (int t : tokens) {
      list.add(t);
    }
    return encoding.decode(list);
  }

  @Override
  public String toString() {
    return "TextTokenizer[" + name + ", vocab=" + vocabularySize + "]";
  }
}
