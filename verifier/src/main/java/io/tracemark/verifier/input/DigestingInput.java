package io.tracemark.verifier.input;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * One input file opened for reading: the raw bytes pass through a SHA-256 digest and a byte
 * counter (for progress) on their way to the reader, gzip is detected by its magic bytes and
 * undone; {@link #finish} reads what the reader left so that the digest covers the whole file and
 * returns the file's {@link InputFile} entry. Used by one thread.
 */
final class DigestingInput {
  private final Path path;
  private final String name;
  private final MessageDigest digest;
  private final InputStream raw;
  private final InputStream in;
  private final boolean gzip;

  /**
   * Opens the file.
   *
   * @param bytesRead told the number of raw bytes of every read
   * @throws InputException naming the file when it cannot be opened
   */
  DigestingInput(Path path, LongConsumer bytesRead) {
    this.path = path;
    this.name = path.toString();
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
    try {
      this.raw = new DigestInputStream(new FilterInputStream(Files.newInputStream(path)) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            bytesRead.accept(1);
          }
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n > 0) {
            bytesRead.accept(n);
          }
          return n;
        }
      }, digest);
      this.in = Inputs.decompressed(raw);
      this.gzip = Inputs.isGzip(in);
    } catch (IOException e) {
      throw Inputs.readError(name, e, false);
    }
  }

  /** The decompressed content. */
  InputStream in() {
    return in;
  }

  /** Whether the file is gzip-compressed. */
  boolean gzip() {
    return gzip;
  }

  /** The file's name in messages and reports. */
  String name() {
    return name;
  }

  /** Reads the rest of the file into the digest, closes it, and returns its entry with {@code records}. */
  InputFile finish(long records) {
    try {
      byte[] sink = new byte[1 << 16];
      while (raw.read(sink) != -1) {
        // digest only
      }
      in.close();
      return new InputFile(name, HexFormat.of().formatHex(digest.digest()), Files.size(path), records);
    } catch (IOException e) {
      throw Inputs.readError(name, e, gzip);
    }
  }

  /** Closes the file without an entry (the read was abandoned or failed). */
  void abandon() {
    try {
      in.close();
    } catch (IOException e) {
      // nothing to report: the read already ended
    }
  }
}
