package io.tracemark.verifier.input;

import io.tracemark.verifier.text.TextPipeline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into the lines of a JSONL file, each a record: a line ends at {@code \n}; a
 * final {@code \r} and a leading byte-order mark are removed (a BOM opens a document, here each
 * line, so that concatenated files read too); blank lines are not records. A line longer than the
 * record limit stops the read with an error naming the file, the line and the limit, before more
 * than the limit is held. Scans a buffer, no per-byte calls. Used by one thread. Public for the
 * other JSONL readers of the verifier (the owner's API log in query planning and in usage monitoring).
 */
public final class LineSplitter {
  private final InputStream in;
  private final String name;
  private final long maxRecordBytes;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private boolean eof;
  private long line;

  /**
   * A splitter over {@code in} (already decompressed).
   *
   * @param name the file, for messages
   * @param maxRecordBytes the longest line accepted
   */
  public LineSplitter(InputStream in, String name, long maxRecordBytes) {
    this.in = in;
    this.name = name;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** The number of the line last returned (1-based). */
  public long line() {
    return line;
  }

  /** The next record line (see the class comment), or null at the end of the stream. */
  public byte[] nextRecord() throws IOException {
    while (true) {
      byte[] bytes = readLine();
      if (bytes == null) {
        return null;
      }
      line++;
      byte[] record = record(bytes);
      if (record != null) {
        return record;
      }
    }
  }

  /**
   * One line (without its {@code \n}) as a record: a leading byte-order mark and a final {@code \r}
   * removed; null for a blank line (spaces, tabs and carriage returns only), which is not a record.
   * The same rule for every reader of JSONL lines, including one that splits the lines itself.
   */
  public static byte[] record(byte[] line) {
    byte[] bytes = line;
    int len = bytes.length;
    if (TextPipeline.startsWithBom(bytes, len)) {
      bytes = Arrays.copyOfRange(bytes, 3, len);
      len -= 3;
    }
    if (len > 0 && bytes[len - 1] == '\r') {
      bytes = Arrays.copyOf(bytes, --len);
    }
    for (int i = 0; i < len; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return bytes;
      }
    }
    return null;
  }

  /** The next line without its '\n', or null at the end. */
  private byte[] readLine() throws IOException {
    ByteArrayOutputStream spill = null;
    while (true) {
      if (pos == limit) {
        if (eof) {
          return spill == null ? null : spill.toByteArray();
        }
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          eof = true;
          continue;
        }
        pos = 0;
        limit = n;
      }
      int start = pos;
      while (pos < limit && buf[pos] != '\n') {
        pos++;
      }
      long length = (spill == null ? 0 : spill.size()) + (long) (pos - start);
      if (length > maxRecordBytes) {
        throw Inputs.recordTooLarge(name + ":" + (line + 1), maxRecordBytes, length);
      }
      if (pos < limit) { // found the end of the line
        byte[] part = Arrays.copyOfRange(buf, start, pos);
        pos++;
        if (spill == null) {
          return part;
        }
        spill.write(part, 0, part.length);
        return spill.toByteArray();
      }
      if (spill == null) {
        spill = new ByteArrayOutputStream(Math.max(256, 2 * (limit - start)));
      }
      spill.write(buf, start, limit - start);
    }
  }
}
