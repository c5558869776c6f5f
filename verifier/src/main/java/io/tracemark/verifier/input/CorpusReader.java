package io.tracemark.verifier.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.text.TextNormalizer;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Streams {@link SuspectRecord}s from JSONL files, plain-text files, or directories of them, each
 * optionally gzip-compressed (detected by its magic bytes). JSONL files are read line by line and
 * never loaded whole; a plain-text file is one record. Files of a directory are read in sorted
 * path order, hidden files skipped; {@code .jsonl}, {@code .ndjson} and {@code .json} files (with
 * or without {@code .gz}) are JSONL, anything else is plain text.
 *
 * <p>Bad records (a malformed line, invalid UTF-8, a field of the wrong type, a token id outside
 * the vocabulary, an empty record) stop the read with an {@link InputException} naming file, line
 * and reason under {@link BadRecordPolicy#FAIL}, or are counted and listed under
 * {@link BadRecordPolicy#SKIP}. An unreadable file always stops the read.
 *
 * <p>Single use and not thread-safe: iterate once, then read {@link #inputs()} (each file's
 * SHA-256, size and record count) and {@link #skipped()}.
 */
public final class CorpusReader implements Iterable<SuspectRecord> {
  private static final int MAX_LISTED_SKIPS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Path> roots;
  private final Fields fields;
  private final TextTokenizer tokenizer;
  private final int vocabularySize;
  private final boolean normalize;
  private final BadRecordPolicy onBadRecord;
  private final List<InputFile> inputs = new ArrayList<>();
  private final List<SkippedRecord> skipped = new ArrayList<>();
  private long skippedCount;
  private long tokensSeen;
  private volatile long bytesRead;
  private boolean used;

  /**
   * @param roots files or directories
   * @param fields JSONL field names
   * @param tokenizer for text fields and text files; null when the input is token ids only
   * @param vocabularySize token ids must lie in [0, vocabularySize)
   * @param normalize apply {@link TextNormalizer} before tokenizing
   * @param onBadRecord fail or skip
   */
  public CorpusReader(List<Path> roots, Fields fields, TextTokenizer tokenizer, int vocabularySize, boolean normalize,
      BadRecordPolicy onBadRecord) {
    this.roots = List.copyOf(roots);
    this.fields = Objects.requireNonNull(fields, "fields");
    this.tokenizer = tokenizer;
    this.vocabularySize = vocabularySize;
    this.normalize = normalize;
    this.onBadRecord = Objects.requireNonNull(onBadRecord, "onBadRecord");
    if (this.roots.isEmpty()) {
      throw new IllegalArgumentException("at least one input path is required");
    }
  }

  /** The files read so far with their digests (complete after iteration). */
  public List<InputFile> inputs() {
    return List.copyOf(inputs);
  }

  /** Skipped records (at most 1000 listed; {@link #skippedCount()} has the total). */
  public List<SkippedRecord> skipped() {
    return List.copyOf(skipped);
  }

  /** Number of skipped records. */
  public long skippedCount() {
    return skippedCount;
  }

  /** Answer tokens produced so far (for progress). */
  public long tokensSeen() {
    return tokensSeen;
  }

  /** Bytes read from the input files so far (for progress). */
  public long bytesRead() {
    return bytesRead;
  }

  /** Total size of the input files in bytes. */
  public long totalBytes() {
    long total = 0;
    for (Path p : expand(roots)) {
      try {
        total += Files.size(p);
      } catch (IOException e) {
        // reported when the file is read
      }
    }
    return total;
  }

  /** Every regular file under the roots, in order (directories sorted, hidden files skipped). */
  public static List<Path> expand(List<Path> roots) {
    List<Path> files = new ArrayList<>();
    for (Path root : roots) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> walk = Files.walk(root)) {
          walk.filter(Files::isRegularFile)
              .filter(p -> !root.relativize(p).toString().startsWith(".") && !p.getFileName().toString().startsWith("."))
              .sorted()
              .forEach(files::add);
        } catch (IOException | UncheckedIOException e) {
          throw new InputException(String.format(Locale.ROOT, "%s: cannot read directory: %s", root, message(e)), e);
        }
      } else if (Files.isRegularFile(root)) {
        files.add(root);
      } else if (Files.exists(root)) {
        throw new InputException(String.format(Locale.ROOT, "%s: not a regular file or directory", root));
      } else {
        throw new InputException(String.format(Locale.ROOT, "%s: no such file or directory", root));
      }
    }
    return files;
  }

  static boolean isJsonl(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz")) {
      n = n.substring(0, n.length() - 3);
    }
    return n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json");
  }

  static String message(Exception e) {
    String m = e.getMessage();
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  @Override
  public Iterator<SuspectRecord> iterator() {
    if (used) {
      throw new IllegalStateException("a CorpusReader can be iterated only once");
    }
    used = true;
    return new RecordIterator(expand(roots));
  }

  // ------------------------------------------------------------------ iteration

  private final class RecordIterator implements Iterator<SuspectRecord> {
    private final List<Path> files;
    private int fileIndex = -1;
    private OpenFile current;
    private SuspectRecord next;

    RecordIterator(List<Path> files) {
      this.files = files;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (current == null) {
          if (++fileIndex >= files.size()) {
            return false;
          }
          current = new OpenFile(files.get(fileIndex));
        }
        next = current.nextRecord();
        if (next == null) {
          current.close();
          current = null;
        }
      }
      return true;
    }

    @Override
    public SuspectRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      SuspectRecord r = next;
      next = null;
      return r;
    }
  }

  /** One open file: digest, decompression, line splitting. */
  private final class OpenFile {
    private final Path path;
    private final String name;
    private final boolean jsonl;
    private final MessageDigest digest;
    private final InputStream raw;
    private final InputStream in;
    private long line;
    private long records;
    private boolean textDone;

    OpenFile(Path path) {
      this.path = path;
      this.name = path.toString();
      this.jsonl = isJsonl(path);
      try {
        this.digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 unavailable", e);
      }
      try {
        this.raw = new DigestInputStream(new java.io.FilterInputStream(Files.newInputStream(path)) {
          @Override
          public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
              bytesRead++;
            }
            return b;
          }

          @Override
          public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
              bytesRead += n;
            }
            return n;
          }
        }, digest);
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        this.in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16)
            : buffered;
      } catch (IOException e) {
        throw new InputException(String.format(Locale.ROOT, "%s: cannot read: %s", name, message(e)), e);
      }
    }

    /** The next good record, or null at the end of the file. */
    SuspectRecord nextRecord() {
      try {
        return jsonl ? nextJsonl() : nextText();
      } catch (IOException e) {
        throw new InputException(String.format(Locale.ROOT, "%s: cannot read: %s", name, message(e)), e);
      }
    }

    private SuspectRecord nextText() throws IOException {
      if (textDone) {
        return null;
      }
      textDone = true;
      records++;
      byte[] bytes = in.readAllBytes();
      String id = name;
      String text;
      try {
        text = decode(bytes);
      } catch (CharacterCodingException e) {
        bad(id, "invalid UTF-8");
        return null;
      }
      if (text.isBlank()) {
        bad(id, "empty record");
        return null;
      }
      int[] tokens = tokenize(text);
      if (tokens.length == 0) {
        bad(id, "empty record");
        return null;
      }
      tokensSeen += tokens.length;
      return new SuspectRecord(id, tokens);
    }

    private SuspectRecord nextJsonl() throws IOException {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
      while (true) {
        buffer.reset();
        int b;
        boolean any = false;
        while ((b = in.read()) != -1) {
          any = true;
          if (b == '\n') {
            break;
          }
          buffer.write(b);
        }
        if (!any) {
          return null;
        }
        line++;
        byte[] bytes = buffer.toByteArray();
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') {
          len--;
        }
        String where = name + ":" + line;
        String text;
        try {
          text = decode(ByteBuffer.wrap(bytes, 0, len));
        } catch (CharacterCodingException e) {
          records++;
          bad(where, "invalid UTF-8");
          continue;
        }
        if (text.isBlank()) {
          continue; // blank lines are not records
        }
        records++;
        SuspectRecord r = parse(where, text);
        if (r != null) {
          return r;
        }
      }
    }

    private SuspectRecord parse(String where, String line) {
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        bad(where, "malformed JSON: " + e.getOriginalMessage().replace('\n', ' '));
        return null;
      }
      if (node == null || !node.isObject()) {
        bad(where, "a record must be a JSON object");
        return null;
      }
      String id = where;
      JsonNode idNode = node.get(fields.id());
      if (idNode != null && !idNode.isNull()) {
        if (!idNode.isTextual() && !idNode.isIntegralNumber()) {
          bad(where, String.format(Locale.ROOT, "field \"%s\" must be a string or an integer, was %s", fields.id(),
              type(idNode)));
          return null;
        }
        id = idNode.asText();
      }
      String label = id.equals(where) ? where : where + " (" + id + ")";
      int[] answer = tokensOf(node, fields.text(), fields.tokens(), label, true);
      if (answer == null) {
        return null;
      }
      int[] prompt = tokensOf(node, fields.prompt(), fields.promptTokens(), label, false);
      if (prompt == null) {
        return null;
      }
      tokensSeen += answer.length;
      return new SuspectRecord(id.equals(where) ? where : id, answer, prompt);
    }

    /** Token ids from the text field or the token field; null after reporting a bad record. */
    private int[] tokensOf(JsonNode node, String textField, String tokenField, String where, boolean required) {
      JsonNode text = node.get(textField);
      JsonNode ids = node.get(tokenField);
      if (text != null && !text.isNull()) {
        if (!text.isTextual()) {
          bad(where, String.format(Locale.ROOT, "field \"%s\" must be a string, was %s", textField, type(text)));
          return null;
        }
        if (text.asText().isEmpty() && required) {
          bad(where, "empty record");
          return null;
        }
        int[] t = tokenize(text.asText());
        if (t.length == 0 && required) {
          bad(where, "empty record");
          return null;
        }
        return t;
      }
      if (ids != null && !ids.isNull()) {
        if (!ids.isArray()) {
          bad(where, String.format(Locale.ROOT, "field \"%s\" must be an array of integers, was %s", tokenField,
              type(ids)));
          return null;
        }
        int[] t = new int[ids.size()];
        for (int i = 0; i < t.length; i++) {
          JsonNode v = ids.get(i);
          if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            bad(where, String.format(Locale.ROOT, "field \"%s\"[%d] must be an integer, was %s", tokenField, i,
                v.isNumber() ? v.asText() : type(v)));
            return null;
          }
          t[i] = v.intValue();
          if (t[i] < 0 || t[i] >= vocabularySize) {
            bad(where, String.format(Locale.ROOT, "field \"%s\"[%d]: token id must be between 0 and %d, was %d",
                tokenField, i, vocabularySize - 1, t[i]));
            return null;
          }
        }
        if (t.length == 0 && required) {
          bad(where, "empty record");
          return null;
        }
        return t;
      }
      if (required) {
        bad(where, String.format(Locale.ROOT, "record has neither \"%s\" nor \"%s\"", textField, tokenField));
        return null;
      }
      return new int[0];
    }

    private int[] tokenize(String text) {
      if (tokenizer == null) {
        throw new InputException(name + ": text input needs a tokenizer");
      }
      return tokenizer.encode(normalize ? TextNormalizer.normalize(text) : text);
    }

    private void bad(String where, String reason) {
      if (onBadRecord == BadRecordPolicy.FAIL) {
        throw new InputException(where + ": " + reason);
      }
      skippedCount++;
      if (skipped.size() < MAX_LISTED_SKIPS) {
        skipped.add(new SkippedRecord(where, reason));
      }
    }

    void close() {
      try {
        // drain so that the digest covers the whole file
        byte[] sink = new byte[1 << 16];
        while (raw.read(sink) != -1) {
          // digest only
        }
        in.close();
        long size = Files.size(path);
        inputs.add(new InputFile(name, HexFormat.of().formatHex(digest.digest()), size, records));
      } catch (IOException e) {
        throw new InputException(String.format(Locale.ROOT, "%s: cannot read: %s", name, message(e)), e);
      }
    }
  }

  private static String type(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String decode(byte[] bytes) throws CharacterCodingException {
    return decode(ByteBuffer.wrap(bytes));
  }

  private static String decode(ByteBuffer bytes) throws CharacterCodingException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer chars = decoder.decode(bytes);
    String s = chars.toString();
    return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
  }
}
