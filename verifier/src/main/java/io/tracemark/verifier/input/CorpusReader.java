package io.tracemark.verifier.input;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 * SHA-256, size and record count) and {@link #skipped()}; {@link #close()} stops the parsing
 * threads when the iteration is abandoned.
 */
public final class CorpusReader implements Iterable<SuspectRecord>, AutoCloseable {
  private static final int MAX_LISTED_SKIPS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Path> roots;
  private final Fields fields;
  private final TextTokenizer tokenizer;
  private final int vocabularySize;
  private final boolean normalize;
  private final BadRecordPolicy onBadRecord;
  private int parallelism = 1;
  private final List<InputFile> inputs = new ArrayList<>();
  private final List<SkippedRecord> skipped = new ArrayList<>();
  private long skippedCount;
  private long tokensSeen;
  private volatile long bytesRead;
  private boolean used;
  private RecordIterator active;

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

  /**
   * Parses and tokenizes on {@code threads} threads (default 1); records, skips and errors come
   * out in input order whatever the number. Call before iterating.
   */
  public CorpusReader parallelism(int threads) {
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "parallelism must be between 1 and 256, was %d",
          threads));
    }
    this.parallelism = threads;
    return this;
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
    active = new RecordIterator(expand(roots));
    return active;
  }

  /** Stops the parsing threads if the records were not read to the end (idempotent). */
  @Override
  public void close() {
    if (active != null) {
      active.shutdown();
    }
  }

  // ------------------------------------------------------------------ iteration
  //
  // The calling thread reads raw lines (or whole text files) in order, which keeps the digests and
  // line numbers; parsing and tokenizing, the expensive part, run on `parallelism` threads in
  // batches whose results are consumed in submission order, so records, skips and the first
  // failure come out exactly as with one thread.

  /** One unit of raw input: a JSONL line or a whole text file. */
  private record Raw(String where, byte[] bytes, boolean jsonl) {}

  /** The outcome of parsing one raw item: a record, or a bad record's reason. */
  private record Parsed(SuspectRecord record, String where, String reason) {}

  private static final int BATCH = 256;

  private final class RecordIterator implements Iterator<SuspectRecord> {
    private final List<Path> files;
    private int fileIndex = -1;
    private OpenFile current;
    private final java.util.ArrayDeque<java.util.concurrent.Future<List<Parsed>>> inFlight =
        new java.util.ArrayDeque<>();
    private final java.util.concurrent.ExecutorService pool;
    private Iterator<Parsed> ready = java.util.Collections.emptyIterator();
    private SuspectRecord next;
    private boolean rawDone;

    RecordIterator(List<Path> files) {
      this.files = files;
      this.pool = parallelism <= 1 ? null : java.util.concurrent.Executors.newFixedThreadPool(parallelism, r -> {
        Thread t = new Thread(r, "tracemark-read");
        t.setDaemon(true);
        return t;
      });
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (ready.hasNext()) {
          Parsed p = ready.next();
          if (p.record() != null) {
            tokensSeen += p.record().length();
            next = p.record();
          } else {
            bad(p.where(), p.reason());
          }
          continue;
        }
        fill();
        if (inFlight.isEmpty()) {
          if (pool != null) {
            pool.shutdown();
          }
          return false;
        }
        try {
          ready = inFlight.removeFirst().get().iterator();
        } catch (java.util.concurrent.ExecutionException e) {
          shutdown();
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
          }
          throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          shutdown();
          throw new IllegalStateException("interrupted while reading", e);
        }
      }
      return true;
    }

    void shutdown() {
      if (pool != null) {
        pool.shutdownNow();
      }
    }

    /** Reads raw batches until enough are in flight (or the input ends). */
    private void fill() {
      int target = pool == null ? 1 : 2 * parallelism;
      try {
        while (!rawDone && inFlight.size() < target) {
          List<Raw> batch = new ArrayList<>(BATCH);
          while (batch.size() < BATCH) {
            if (current == null) {
              if (++fileIndex >= files.size()) {
                rawDone = true;
                break;
              }
              current = new OpenFile(files.get(fileIndex));
            }
            Raw raw = current.nextRaw();
            if (raw == null) {
              current.close();
              current = null;
              if (batch.size() >= BATCH / 4) {
                break; // keep batches from spanning many small files
              }
            } else {
              batch.add(raw);
            }
          }
          if (!batch.isEmpty()) {
            java.util.concurrent.Callable<List<Parsed>> task = () -> parseAll(batch);
            inFlight.addLast(pool == null ? java.util.concurrent.CompletableFuture.completedFuture(task.call())
                : pool.submit(task));
          }
        }
      } catch (RuntimeException e) {
        shutdown();
        throw e;
      } catch (Exception e) {
        shutdown();
        throw new IllegalStateException(e);
      }
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

  private List<Parsed> parseAll(List<Raw> batch) {
    List<Parsed> out = new ArrayList<>(batch.size());
    for (Raw raw : batch) {
      out.add(raw.jsonl() ? parseLine(raw) : parseText(raw));
    }
    return out;
  }

  private static Parsed badParsed(String where, String reason) {
    return new Parsed(null, where, reason);
  }

  private Parsed parseText(Raw raw) {
    String text;
    try {
      text = decode(raw.bytes());
    } catch (CharacterCodingException e) {
      return badParsed(raw.where(), "invalid UTF-8");
    }
    if (text.isBlank()) {
      return badParsed(raw.where(), "empty record");
    }
    int[] tokens = tokenize(raw.where(), text);
    if (tokens.length == 0) {
      return badParsed(raw.where(), "empty record");
    }
    return new Parsed(new SuspectRecord(raw.where(), tokens), null, null);
  }

  /** A field value collected by the streaming parser: text, token ids, or why it is unusable. */
  private static final class Value {
    String text;
    int[] ids;
    String problem;
    boolean present;
  }

  private static final com.fasterxml.jackson.core.JsonFactory FACTORY = JSON.getFactory();

  private static String kind(com.fasterxml.jackson.core.JsonToken t) {
    switch (t) {
      case START_OBJECT:
        return "object";
      case START_ARRAY:
        return "array";
      case VALUE_STRING:
        return "string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "boolean";
      default:
        return "null";
    }
  }

  /**
   * Parses one JSONL line with Jackson's streaming parser (no tree: token arrays go straight into
   * an int array), then applies the same rules as for any record: the text field wins over the
   * token field, the prompt is optional.
   */
  private Parsed parseLine(Raw raw) {
    String where = raw.where();
    byte[] bytes = raw.bytes();
    boolean ascii = true;
    for (byte b : bytes) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    String line = null;
    if (!ascii) {
      try {
        line = decode(bytes);
      } catch (CharacterCodingException e) {
        return badParsed(where, "invalid UTF-8");
      }
    }
    String id = null;
    String idProblem = null;
    Value text = new Value();
    Value ids = new Value();
    Value prompt = new Value();
    Value promptIds = new Value();
    // pure ASCII (token-id records) is parsed from the bytes, skipping the String
    try (com.fasterxml.jackson.core.JsonParser p = line == null ? FACTORY.createParser(bytes)
        : FACTORY.createParser(line)) {
      com.fasterxml.jackson.core.JsonToken t = p.nextToken();
      if (t != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        if (t == null) {
          return badParsed(where, "malformed JSON: no content");
        }
        p.skipChildren();
        if (p.nextToken() != null) {
          return badParsed(where, "malformed JSON: trailing content after the value");
        }
        return badParsed(where, "a record must be a JSON object");
      }
      while ((t = p.nextToken()) == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        t = p.nextToken();
        if (name.equals(fields.id())) {
          idProblem = null;
          id = null;
          if (t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING
              || t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT) {
            id = p.getText();
          } else if (t != com.fasterxml.jackson.core.JsonToken.VALUE_NULL) {
            idProblem = String.format(Locale.ROOT, "field \"%s\" must be a string or an integer, was %s", fields.id(),
                kind(t));
            p.skipChildren();
          }
        } else if (name.equals(fields.text()) || name.equals(fields.prompt())) {
          Value v = name.equals(fields.text()) ? text : prompt;
          v.present = t != com.fasterxml.jackson.core.JsonToken.VALUE_NULL;
          v.text = null;
          v.problem = null;
          if (t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
            v.text = p.getText();
          } else if (v.present) {
            v.problem = String.format(Locale.ROOT, "field \"%s\" must be a string, was %s", name, kind(t));
            p.skipChildren();
          }
        } else if (name.equals(fields.tokens()) || name.equals(fields.promptTokens())) {
          Value v = name.equals(fields.tokens()) ? ids : promptIds;
          v.present = t != com.fasterxml.jackson.core.JsonToken.VALUE_NULL;
          v.ids = null;
          v.problem = null;
          if (t == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
            v.ids = readIds(p, name, v);
          } else if (v.present) {
            v.problem = String.format(Locale.ROOT, "field \"%s\" must be an array of integers, was %s", name,
                kind(t));
            p.skipChildren();
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        return badParsed(where, "malformed JSON: trailing content after the object");
      }
    } catch (JsonProcessingException e) {
      return badParsed(where, "malformed JSON: " + e.getOriginalMessage().replace('\n', ' '));
    } catch (IOException e) {
      return badParsed(where, "malformed JSON: " + e.getMessage());
    }
    if (idProblem != null) {
      return badParsed(where, idProblem);
    }
    String recordId = id == null ? where : id;
    String label = recordId.equals(where) ? where : where + " (" + recordId + ")";
    String[] problem = new String[1];
    int[] answer = resolve(text, ids, fields.text(), fields.tokens(), true, problem, where);
    if (answer == null) {
      return badParsed(label, problem[0]);
    }
    int[] promptTokens = resolve(prompt, promptIds, fields.prompt(), fields.promptTokens(), false, problem, where);
    if (promptTokens == null) {
      return badParsed(label, problem[0]);
    }
    return new Parsed(new SuspectRecord(recordId, answer, promptTokens), null, null);
  }

  /** Reads an array of token ids; on the first bad element records the problem and skips the rest. */
  private int[] readIds(com.fasterxml.jackson.core.JsonParser p, String field, Value v) throws IOException {
    int[] out = new int[64];
    int n = 0;
    com.fasterxml.jackson.core.JsonToken t;
    while ((t = p.nextToken()) != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
      if (t == null) {
        throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected end of input in an array");
      }
      if (v.problem != null) {
        p.skipChildren();
        continue;
      }
      if (t != com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT
          || p.getNumberType() != com.fasterxml.jackson.core.JsonParser.NumberType.INT) {
        v.problem = String.format(Locale.ROOT, "field \"%s\"[%d] must be an integer, was %s", field, n,
            t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT
                || t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_FLOAT ? p.getText() : kind(t));
        p.skipChildren();
        continue;
      }
      int id = p.getIntValue();
      if (id < 0 || id >= vocabularySize) {
        v.problem = String.format(Locale.ROOT, "field \"%s\"[%d]: token id must be between 0 and %d, was %d", field,
            n, vocabularySize - 1, id);
        continue;
      }
      if (n == out.length) {
        out = java.util.Arrays.copyOf(out, n * 2);
      }
      out[n++] = id;
    }
    return v.problem != null ? null : java.util.Arrays.copyOf(out, n);
  }

  /** The token ids of a text/ids field pair; null with {@code problem[0]} set when bad. */
  private int[] resolve(Value text, Value ids, String textField, String tokenField, boolean required,
      String[] problem, String where) {
    if (text.present) {
      if (text.problem != null) {
        problem[0] = text.problem;
        return null;
      }
      int[] t = text.text.isEmpty() ? new int[0] : tokenize(where, text.text);
      if (t.length == 0 && required) {
        problem[0] = "empty record";
        return null;
      }
      return t;
    }
    if (ids.present) {
      if (ids.problem != null) {
        problem[0] = ids.problem;
        return null;
      }
      if (ids.ids.length == 0 && required) {
        problem[0] = "empty record";
        return null;
      }
      return ids.ids;
    }
    if (required) {
      problem[0] = String.format(Locale.ROOT, "record has neither \"%s\" nor \"%s\"", textField, tokenField);
      return null;
    }
    return new int[0];
  }

  private int[] tokenize(String where, String text) {
    if (tokenizer == null) {
      throw new InputException(where + ": text input needs a tokenizer");
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

  /** One open file: digest, decompression, line splitting. Used by the calling thread only. */
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
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;

    /** The next line without its '\n', or null at the end; scans a buffer, no per-byte calls. */
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
        if (pos < limit) { // found the end of the line
          byte[] part = java.util.Arrays.copyOfRange(buf, start, pos);
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

    /** The next raw item, or null at the end of the file. */
    Raw nextRaw() {
      try {
        if (!jsonl) {
          if (textDone) {
            return null;
          }
          textDone = true;
          records++;
          return new Raw(name, in.readAllBytes(), false);
        }
        while (true) {
          byte[] bytes = readLine();
          if (bytes == null) {
            return null;
          }
          line++;
          int len = bytes.length;
          if (len > 0 && bytes[len - 1] == '\r') {
            bytes = java.util.Arrays.copyOf(bytes, --len);
          }
          boolean blank = true;
          for (int i = 0; i < len && blank; i++) {
            byte b = bytes[i];
            blank = b == ' ' || b == '\t' || b == '\r';
          }
          if (blank) {
            continue; // blank lines are not records
          }
          records++;
          return new Raw(name + ":" + line, bytes, true);
        }
      } catch (IOException e) {
        throw new InputException(String.format(Locale.ROOT, "%s: cannot read: %s", name, message(e)), e);
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
