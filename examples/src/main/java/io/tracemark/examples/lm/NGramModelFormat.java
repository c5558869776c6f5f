package io.tracemark.examples.lm;

import io.tracemark.core.internal.SafeFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The binary model file, version 1. All multi-byte header fields are little-endian; the payload
 * uses unsigned LEB128 varints.
 *
 * <pre>
 * magic        8 bytes  "TMNGRAM" 0x00
 * version      4 bytes  1
 * payloadSize  8 bytes
 * payload      payloadSize bytes:
 *   tokenizer  varint length, UTF-8 bytes
 *   order, vocabularySize, trainingTokens   varints
 *   unigrams   varint count of non-zero entries, then (token delta, count) pairs
 *   levels k = 2 … order:
 *     prefixes, entries                      varints
 *     for each prefix: number of continuations
 *     for each entry: token (delta from the previous entry of the same prefix), count
 * crc32        4 bytes  CRC-32 of magic … payload
 * </pre>
 *
 * <p>Only counts are stored; discounts and probabilities are recomputed on load, so a file and
 * the model trained in memory give identical logits. A model of Brown (order 4) takes about
 * 10 MB. Reading checks the magic, the version, the size (truncation), the checksum (corruption)
 * and every structural invariant, and names the file and the byte offset in its error.
 */
final class NGramModelFormat {
  private NGramModelFormat() {}

  static final byte[] MAGIC = {'T', 'M', 'N', 'G', 'R', 'A', 'M', 0};
  static final int VERSION = 1;
  static final int HEADER = 8 + 4 + 8;

  static void write(NGramModel m, Path path) throws IOException {
    Out out = new Out();
    byte[] name = m.tokenizer.getBytes(StandardCharsets.UTF_8);
    out.varint(name.length);
    out.bytes(name);
    out.varint(m.order);
    out.varint(m.vocabularySize);
    out.varint(m.trainingTokens);
    int nonZero = 0;
    for (int c : m.unigramCounts) {
      nonZero += c > 0 ? 1 : 0;
    }
    out.varint(nonZero);
    int last = 0;
    for (int w = 0; w < m.unigramCounts.length; w++) {
      if (m.unigramCounts[w] > 0) {
        out.varint(w - last);
        out.varint(m.unigramCounts[w]);
        last = w;
      }
    }
    for (NGramModel.Level level : m.levels) {
      out.varint(level.prefixes());
      out.varint(level.entries());
      for (int p = 0; p < level.prefixes(); p++) {
        out.varint(level.start[p + 1] - level.start[p]);
      }
      for (int p = 0; p < level.prefixes(); p++) {
        int prev = 0;
        for (int e = level.start[p]; e < level.start[p + 1]; e++) {
          out.varint(level.word[e] - prev);
          out.varint(level.count[e]);
          prev = level.word[e];
        }
      }
    }
    byte[] payload = out.toByteArray();
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).putInt(VERSION).putLong(payload.length);
    CRC32 crc = new CRC32();
    crc.update(header.array());
    crc.update(payload);
    ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
    // a temporary file beside it, forced and renamed: a crash never leaves a truncated model
    SafeFiles.replace(path, os -> {
      os.write(header.array());
      os.write(payload);
      os.write(trailer.array());
    });
  }

  static NGramModel read(Path path) throws IOException {
    byte[] data;
    try {
      data = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(path.toString(), null, "model file does not exist");
    }
    if (data.length < MAGIC.length || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw bad(path, 0, "not a tracemark n-gram model (bad magic bytes)");
    }
    if (data.length < HEADER + 4) {
      throw bad(path, data.length, "truncated: %d bytes, shorter than the %d-byte header and checksum", data.length,
          HEADER + 4);
    }
    ByteBuffer header = ByteBuffer.wrap(data, 0, HEADER).order(ByteOrder.LITTLE_ENDIAN);
    int version = header.getInt(8);
    if (version != VERSION) {
      throw bad(path, 8, "unsupported model format version %d (this build reads version %d)", version, VERSION);
    }
    long payloadSize = header.getLong(12);
    long expected = HEADER + payloadSize + 4;
    if (payloadSize < 0 || data.length < expected) {
      throw bad(path, data.length, "truncated: %d bytes, the header announces %d", data.length, expected);
    }
    if (data.length > expected) {
      throw bad(path, expected, "%d unexpected bytes after the checksum", data.length - expected);
    }
    CRC32 crc = new CRC32();
    crc.update(data, 0, (int) (HEADER + payloadSize));
    int stored = ByteBuffer.wrap(data, (int) (HEADER + payloadSize), 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != (int) crc.getValue()) {
      throw bad(path, HEADER + payloadSize, "corrupt: CRC-32 mismatch (stored %08x, computed %08x)", stored,
          (int) crc.getValue());
    }
    In in = new In(path, data, HEADER, (int) (HEADER + payloadSize));
    int nameLength = in.intIn(1, 64, "tokenizer name length");
    String tokenizer = new String(in.bytes(nameLength), StandardCharsets.UTF_8);
    int order = in.intIn(1, NGramModel.MAX_ORDER, "order");
    int vocab = in.intIn(2, 1 << 24, "vocabularySize");
    long trainingTokens = in.varlong();
    int[] unigram = new int[vocab];
    int nonZero = in.intIn(1, Math.min(vocab, in.remaining() / 2), "unigram entries");
    int w = 0;
    for (int i = 0; i < nonZero; i++) {
      w += in.intIn(i == 0 ? 0 : 1, vocab - 1 - w, "unigram token delta");
      unigram[w] = in.intIn(1, Integer.MAX_VALUE, "unigram count");
    }
    NGramModel.Level[] levels = new NGramModel.Level[order - 1];
    int expectedPrefixes = vocab;
    for (int k = 2; k <= order; k++) {
      int prefixes = in.intIn(expectedPrefixes, expectedPrefixes, "order-" + k + " prefixes");
      // every prefix takes at least one byte and every entry at least two: bound the arrays by the
      // bytes left, so a corrupt size cannot ask for gigabytes
      if (prefixes > in.remaining()) {
        throw bad(path, in.pos, "order-%d prefixes %d exceed the %d bytes left", k, prefixes, in.remaining());
      }
      int entries = in.intIn(0, Math.max(0, (in.remaining() - prefixes) / 2), "order-" + k + " entries");
      int[] start = new int[prefixes + 1];
      for (int p = 0; p < prefixes; p++) {
        int len = in.intIn(0, entries - start[p], "order-" + k + " continuations");
        start[p + 1] = start[p] + len;
      }
      if (start[prefixes] != entries) {
        throw bad(path, in.pos, "order-%d continuations sum to %d, the header says %d entries", k, start[prefixes],
            entries);
      }
      int[] word = new int[entries];
      int[] count = new int[entries];
      for (int p = 0; p < prefixes; p++) {
        int prev = 0;
        for (int e = start[p]; e < start[p + 1]; e++) {
          int t = prev + in.intIn(e == start[p] ? 0 : 1, vocab - 1 - prev, "order-" + k + " token delta");
          word[e] = t;
          count[e] = in.intIn(1, Integer.MAX_VALUE, "order-" + k + " count");
          prev = t;
        }
      }
      levels[k - 2] = new NGramModel.Level(start, word, count);
      expectedPrefixes = entries;
    }
    if (in.pos != in.end) {
      throw bad(path, in.pos, "%d unread payload bytes", in.end - in.pos);
    }
    try {
      io.tracemark.verifier.text.Tokenizers.jtokkit(tokenizer); // a known encoding
      return new NGramModel(order, vocab, tokenizer, trainingTokens, unigram, levels);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw bad(path, HEADER, "inconsistent model: %s", e.getMessage());
    }
  }

  static IOException bad(Path path, long offset, String format, Object... args) {
    return new IOException(String.format(Locale.ROOT, "%s: byte %d: %s", path, offset,
        String.format(Locale.ROOT, format, args)));
  }

  private static final class Out extends ByteArrayOutputStream {
    Out() {
      super(1 << 20);
    }

    void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      write((int) v);
    }

    void bytes(byte[] b) {
      write(b, 0, b.length);
    }
  }

  private static final class In {
    final Path path;
    final byte[] data;
    final int end;
    int pos;

    In(Path path, byte[] data, int pos, int end) {
      this.path = path;
      this.data = data;
      this.pos = pos;
      this.end = end;
    }

    long varlong() throws IOException {
      long v = 0;
      int at = pos;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw bad(path, at, "payload ends inside a number");
        }
        int b = data[pos++] & 0xFF;
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw bad(path, at, "malformed varint");
    }

    int remaining() {
      return end - pos;
    }

    int intIn(int min, int max, String what) throws IOException {
      int at = pos;
      long v = varlong();
      if (v < min || v > max) {
        throw bad(path, at, "%s must be between %d and %d, was %d", what, min, max, v);
      }
      return (int) v;
    }

    byte[] bytes(int n) throws IOException {
      if (end - pos < n) {
        throw bad(path, pos, "payload ends inside a %d-byte string", n);
      }
      byte[] b = Arrays.copyOfRange(data, pos, pos + n);
      pos += n;
      return b;
    }
  }
}
