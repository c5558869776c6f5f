package io.tracemark.verifier.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.TextPipeline.InvalidTextException;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams {@link SuspectRecord}s from JSONL files, plain-text files, or directories of them, each
 * optionally gzip-compressed (detected by its magic bytes). JSONL files are read line by line and
 * never loaded whole; a plain-text file is one record. {@code .jsonl}, {@code .ndjson} and
 * {@code .json} files (with or without {@code .gz}) are JSONL, anything else is plain text. Text
 * goes through the one {@link TextPipeline} that {@code detect --text} uses too.
 *
 * <p>The paths are checked when the reader is made, before anything is read: each must exist and
 * be readable; a path given directly must be a regular file or a directory. Directories are walked
 * in sorted path order without following symbolic links; hidden entries (names starting with a
 * dot), symbolic links and entries that are not regular files are not read and are listed with the
 * reason in {@link #notRead()}; a file that is one of tracemark's own reports ({@code report.json},
 * {@code report.html}, {@code report.sig}) is refused, and so are inputs that hold no file to read.
 *
 * <p>Bad records (a malformed line, invalid UTF-8 or Unicode, a field of the wrong type or given
 * twice, a token id outside the vocabulary, an empty record) stop the read with an {@link
 * InputException} naming file, line and reason under {@link BadRecordPolicy#FAIL}, or are counted
 * and listed under {@link BadRecordPolicy#SKIP}. An unreadable file, a record larger than {@link
 * #maxRecordBytes} (after gzip) and an input without a single usable record always stop the read.
 *
 * <p>Single use and not thread-safe: iterate once, then read {@link #inputs()} (each file's
 * SHA-256, size and record count) and {@link #skipped()}. The parsing threads are stopped and
 * joined when the iteration ends, fails, or is abandoned and the reader {@linkplain #close()
 * closed}.
 */
public final class CorpusReader implements Iterable<SuspectRecord>, AutoCloseable {
  private static final int MAX_LISTED_SKIPS = 1000;
  private static final int BATCH = 256;
  /** Raw bytes per parsing batch: with 2 batches per thread in flight, this bounds the memory read ahead. */
  private static final int BATCH_BYTES = 4 << 20;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final List<Path> roots;
  private final List<Path> files = new ArrayList<>();
  private final List<SkippedRecord> notRead = new ArrayList<>();
  private final Fields fields;
  private final TextPipeline text;
  private final int vocabularySize;
  private final BadRecordPolicy onBadRecord;
  private int parallelism = 1;
  private long maxRecordBytes = Inputs.DEFAULT_MAX_RECORD_BYTES;
  private String vocabularySource;
  private JsonFactory json;
  private final List<InputFile> inputs = new ArrayList<>();
  private final List<SkippedRecord> skipped = new ArrayList<>();
  private long skippedCount;
  private long recordsProduced;
  private long tokensSeen;
  private volatile long bytesRead;
  private boolean used;
  private RecordIterator active;

  /**
   * Checks the paths (see the class comment) and lists the files to read.
   *
   * @param roots files or directories
   * @param fields JSONL field names
   * @param tokenizer for text fields and text files; null when the input is token ids only
   * @param vocabularySize token ids must lie in [0, vocabularySize)
   * @param normalize apply {@link io.tracemark.verifier.text.TextNormalizer} before tokenizing
   * @param onBadRecord fail or skip
   * @throws InputException naming a path that is missing, unreadable, not a file or directory, or
   *     a tracemark report
   */
  public CorpusReader(List<Path> roots, Fields fields, TextTokenizer tokenizer, int vocabularySize, boolean normalize,
      BadRecordPolicy onBadRecord) {
    this.roots = List.copyOf(roots);
    this.fields = Objects.requireNonNull(fields, "fields");
    this.text = tokenizer == null ? null : new TextPipeline(tokenizer, normalize);
    this.vocabularySize = vocabularySize;
    this.onBadRecord = Objects.requireNonNull(onBadRecord, "onBadRecord");
    if (this.roots.isEmpty()) {
      throw new IllegalArgumentException("at least one input path is required");
    }
    for (Path root : this.roots) {
      expand(root);
    }
    if (files.isEmpty()) {
      throw new InputException(where() + ": no input files" + (notRead.isEmpty() ? ""
          : String.format(Locale.ROOT, " (%s not read, e.g. %s: %s)", entries(notRead.size()), notRead.get(0).id(),
              notRead.get(0).reason())));
    }
  }

  /** "1 directory entry", "3 directory entries". */
  private static String entries(int n) {
    return n == 1 ? "1 directory entry" : String.format(Locale.ROOT, "%,d directory entries", n);
  }

  /** The inputs as messages name them: the path, or the first of several. */
  private String where() {
    return roots.size() == 1 ? roots.get(0).toString() : roots.size() + " inputs (" + roots.get(0) + ", …)";
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

  /**
   * The largest record, in bytes after gzip: a JSONL line or a whole text file (default {@value
   * Inputs#DEFAULT_MAX_RECORD_BYTES}, 64 MiB). A longer record stops the read with an error naming
   * the limit, whatever the bad-record policy: it bounds the memory a record (or a gzip bomb) can
   * take. Call before iterating.
   */
  public CorpusReader maxRecordBytes(long bytes) {
    if (bytes < Inputs.MIN_RECORD_BYTES_LIMIT || bytes > Inputs.MAX_RECORD_BYTES_LIMIT) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "maxRecordBytes must be between %d and %d, was %d",
          Inputs.MIN_RECORD_BYTES_LIMIT, Inputs.MAX_RECORD_BYTES_LIMIT, bytes));
    }
    this.maxRecordBytes = bytes;
    return this;
  }

  /**
   * Where the vocabulary size comes from, appended in parentheses to every out-of-vocabulary error,
   * e.g. {@code vocabulary of 100,277 of tokenizer cl100k_base, the default; give --tokenizer or
   * --vocab-size} (default: nothing appended).
   */
  public CorpusReader vocabularySource(String description) {
    this.vocabularySource = description;
    return this;
  }

  /** The files that will be read, in order (fixed when the reader is made). */
  public List<Path> files() {
    return List.copyOf(files);
  }

  /**
   * Directory entries that are not read, with the reason (hidden, a symbolic link, not a regular
   * file), in path order; at most 1000 are listed.
   */
  public List<SkippedRecord> notRead() {
    return List.copyOf(notRead);
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
    for (Path p : files) {
      try {
        total += Files.size(p);
      } catch (IOException e) {
        // reported when the file is read
      }
    }
    return total;
  }

  private void expand(Path root) {
    BasicFileAttributes a = Inputs.attributes(root);
    if (a.isRegularFile()) {
      Inputs.requireReadableFile(root);
      if (Inputs.isTracemarkReport(root)) {
        throw Inputs.reportAmongInputs(root);
      }
      files.add(root);
      return;
    }
    if (!a.isDirectory()) {
      throw new InputException(root + ": " + Inputs.notRegular(root) + " or directory");
    }
    List<Path> found = new ArrayList<>();
    List<SkippedRecord> skippedHere = new ArrayList<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (!dir.equals(root) && hidden(dir)) {
            skippedHere.add(new SkippedRecord(dir.toString(), "hidden directory, not read"));
            return FileVisitResult.SKIP_SUBTREE;
          }
          if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw new InputException(dir + ": cannot read directory: permission denied");
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (hidden(file)) {
            skippedHere.add(new SkippedRecord(file.toString(), "hidden file, not read"));
          } else if (attrs.isSymbolicLink()) {
            skippedHere.add(new SkippedRecord(file.toString(), "symbolic link, not followed (name the target "
                + "itself to read it)"));
          } else if (!attrs.isRegularFile()) {
            skippedHere.add(new SkippedRecord(file.toString(),
                Inputs.notRegular(file, LinkOption.NOFOLLOW_LINKS) + ", not read"));
          } else {
            found.add(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          throw e;
        }
      });
    } catch (IOException | UncheckedIOException e) {
      Exception cause = e instanceof UncheckedIOException ? ((UncheckedIOException) e).getCause() : e;
      throw new InputException(String.format(Locale.ROOT, "%s: cannot read directory: %s", root,
          Inputs.message(cause)), e);
    }
    Collections.sort(found);
    skippedHere.sort((x, y) -> x.id().compareTo(y.id()));
    for (Path f : found) {
      if (!Files.isReadable(f)) {
        throw new InputException(f + ": permission denied");
      }
      if (Inputs.isTracemarkReport(f)) {
        throw Inputs.reportAmongInputs(f);
      }
    }
    files.addAll(found);
    for (SkippedRecord s : skippedHere) {
      if (notRead.size() < MAX_LISTED_SKIPS) {
        notRead.add(s);
      }
    }
  }

  private static boolean hidden(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  static boolean isJsonl(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz")) {
      n = n.substring(0, n.length() - 3);
    }
    return n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json");
  }

  @Override
  public Iterator<SuspectRecord> iterator() {
    if (used) {
      throw new IllegalStateException("a CorpusReader can be iterated only once");
    }
    used = true;
    // strings are bounded by the record limit instead of Jackson's default of 20 M characters;
    // a field given twice is an error rather than "the last one wins"
    int maxString = (int) Math.min(maxRecordBytes, Integer.MAX_VALUE);
    json = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxString).build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    active = new RecordIterator();
    return active;
  }

  /** Stops and joins the parsing threads and closes the open file if the records were not read to the end (idempotent). */
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

  private final class RecordIterator implements Iterator<SuspectRecord> {
    private int fileIndex = -1;
    private OpenFile current;
    private final ArrayDeque<Future<List<Parsed>>> inFlight = new ArrayDeque<>();
    private final ExecutorService pool;
    /** The pool's threads, joined by {@link #shutdown()}: a terminated pool may still have threads on their way out. */
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Iterator<Parsed> ready = Collections.emptyIterator();
    private SuspectRecord next;
    private boolean rawDone;
    private boolean finished;

    RecordIterator() {
      if (parallelism <= 1) {
        this.pool = null;
      } else {
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(parallelism, r -> {
          Thread t = new Thread(r, "tracemark-read-" + id + "-" + n.getAndIncrement());
          t.setDaemon(true);
          threads.add(t);
          return t;
        });
      }
    }

    @Override
    public boolean hasNext() {
      if (finished) {
        return false;
      }
      try {
        while (next == null) {
          if (ready.hasNext()) {
            Parsed p = ready.next();
            if (p.record() != null) {
              tokensSeen += p.record().length();
              recordsProduced++;
              next = p.record();
            } else {
              bad(p.where(), p.reason());
            }
            continue;
          }
          fill();
          if (inFlight.isEmpty()) {
            shutdown();
            finished = true;
            requireRecords();
            return false;
          }
          ready = await(inFlight.removeFirst()).iterator();
        }
        return true;
      } catch (RuntimeException | Error e) {
        shutdown();
        finished = true;
        throw e;
      }
    }

    private List<Parsed> await(Future<List<Parsed>> f) {
      try {
        return f.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException) {
          throw (RuntimeException) cause;
        }
        if (cause instanceof Error) {
          throw (Error) cause;
        }
        throw new IllegalStateException(cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading", e);
      }
    }

    /** Stops the parsing threads and waits for them (they finish the batch at hand), and closes the open file. */
    void shutdown() {
      if (current != null) {
        current.abandon();
        current = null;
      }
      inFlight.clear();
      if (pool == null) {
        return;
      }
      pool.shutdownNow();
      boolean interrupted = false;
      while (true) {
        try {
          if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      for (Thread t : threads) {
        while (t.isAlive()) {
          try {
            t.join();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    /** Reads raw batches until enough are in flight (or the input ends). */
    private void fill() {
      int target = pool == null ? 1 : 2 * parallelism;
      while (!rawDone && inFlight.size() < target) {
        List<Raw> batch = new ArrayList<>(BATCH);
        long batchBytes = 0;
        while (batch.size() < BATCH && batchBytes < BATCH_BYTES) {
          if (current == null) {
            if (++fileIndex >= files.size()) {
              rawDone = true;
              break;
            }
            current = new OpenFile(files.get(fileIndex));
          }
          Raw raw = current.nextRaw();
          if (raw == null) {
            current.finish();
            current = null;
            if (batch.size() >= BATCH / 4) {
              break; // keep batches from spanning many small files
            }
          } else {
            batch.add(raw);
            batchBytes += raw.bytes().length;
          }
        }
        if (!batch.isEmpty()) {
          Callable<List<Parsed>> task = () -> parseAll(batch);
          inFlight.addLast(pool == null ? CompletableFuture.completedFuture(parseAll(batch)) : pool.submit(task));
        }
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

  /** An input without a single usable record is an error, not a corpus that shows nothing. */
  private void requireRecords() {
    if (recordsProduced > 0) {
      return;
    }
    String where = where();
    if (skippedCount > 0) {
      throw new InputException(String.format(Locale.ROOT, "%s: no usable records: all %,d were skipped as bad "
          + "(first: %s: %s)", where, skippedCount, skipped.get(0).id(), skipped.get(0).reason()));
    }
    throw new InputException(where + ": no records (the input is empty or holds only blank lines)");
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
    int[] tokens;
    try {
      tokens = tokenize(raw.where(), TextPipeline.decodeDocument(raw.bytes()));
    } catch (InvalidTextException e) {
      return badParsed(raw.where(), e.getMessage());
    }
    if (tokens.length == 0) {
      return badParsed(raw.where(), "empty record");
    }
    String range = outsideVocabulary(tokens, "text");
    if (range != null) {
      return badParsed(raw.where(), range);
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

  private static String kind(JsonToken t) {
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
        line = TextPipeline.decode(bytes);
      } catch (InvalidTextException e) {
        return badParsed(where, e.getMessage());
      }
    }
    String id = null;
    String idProblem = null;
    Value text = new Value();
    Value ids = new Value();
    Value prompt = new Value();
    Value promptIds = new Value();
    // pure ASCII (token-id records) is parsed from the bytes, skipping the String
    try (JsonParser p = line == null ? json.createParser(bytes) : json.createParser(line)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        if (t == null) {
          return badParsed(where, "malformed JSON: no content");
        }
        p.skipChildren();
        if (p.nextToken() != null) {
          return badParsed(where, "malformed JSON: trailing content after the value");
        }
        return badParsed(where, "a record must be a JSON object");
      }
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        t = p.nextToken();
        if (name.equals(fields.id())) {
          if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT) {
            id = p.getText();
          } else if (t != JsonToken.VALUE_NULL) {
            idProblem = String.format(Locale.ROOT, "field \"%s\" must be a string or an integer, was %s", fields.id(),
                kind(t));
            p.skipChildren();
          }
        } else if (name.equals(fields.text()) || name.equals(fields.prompt())) {
          Value v = name.equals(fields.text()) ? text : prompt;
          v.present = t != JsonToken.VALUE_NULL;
          if (t == JsonToken.VALUE_STRING) {
            v.text = p.getText();
          } else if (v.present) {
            v.problem = String.format(Locale.ROOT, "field \"%s\" must be a string, was %s", name, kind(t));
            p.skipChildren();
          }
        } else if (name.equals(fields.tokens()) || name.equals(fields.promptTokens())) {
          Value v = name.equals(fields.tokens()) ? ids : promptIds;
          v.present = t != JsonToken.VALUE_NULL;
          if (t == JsonToken.START_ARRAY) {
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
      return badParsed(where, jsonProblem(e));
    } catch (IOException e) {
      return badParsed(where, "malformed JSON: " + Inputs.message(e));
    }
    if (idProblem != null) {
      return badParsed(where, idProblem);
    }
    if (id != null) {
      try {
        TextPipeline.checkText(id);
      } catch (InvalidTextException e) {
        return badParsed(where, "field \"" + fields.id() + "\": " + e.getMessage());
      }
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

  /** The reason for a JSON syntax error; a field given twice is named as such. */
  private static String jsonProblem(JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    m = m.replace('\n', ' ').replace('\r', ' ');
    if (e instanceof JsonParseException && m.startsWith("Duplicate")) {
      int q = m.indexOf('\'');
      int end = m.lastIndexOf('\'');
      int dq = m.indexOf('"');
      int dend = m.lastIndexOf('"');
      String name = q >= 0 && end > q ? m.substring(q + 1, end) : dq >= 0 && dend > dq ? m.substring(dq + 1, dend)
          : null;
      return name == null ? "a field is given twice (" + m + ")" : "field \"" + name + "\" is given twice";
    }
    return "malformed JSON: " + m;
  }

  /** Reads an array of token ids; on the first bad element records the problem and skips the rest. */
  private int[] readIds(JsonParser p, String field, Value v) throws IOException {
    int[] out = new int[64];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new JsonParseException(p, "unexpected end of input in an array");
      }
      if (v.problem != null) {
        p.skipChildren();
        continue;
      }
      if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
        v.problem = String.format(Locale.ROOT, "field \"%s\"[%d] must be an integer, was %s", field, n,
            t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT ? p.getText() : kind(t));
        p.skipChildren();
        continue;
      }
      int id = p.getIntValue();
      if (id < 0 || id >= vocabularySize) {
        v.problem = String.format(Locale.ROOT, "field \"%s\"[%d]: token id must be between 0 and %d, was %d%s", field,
            n, vocabularySize - 1, id, sourceSuffix());
        continue;
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = id;
    }
    return v.problem != null ? null : Arrays.copyOf(out, n);
  }

  private String sourceSuffix() {
    return vocabularySource == null ? "" : " (" + vocabularySource + ")";
  }

  /** Why token ids from the tokenizer lie outside the vocabulary, or null when they all lie inside. */
  private String outsideVocabulary(int[] tokens, String field) {
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocabularySize) {
        return String.format(Locale.ROOT, "%s: the tokenizer gave token id %d at token %d, outside the vocabulary: "
            + "ids must be between 0 and %d%s", field, tokens[i], i, vocabularySize - 1, sourceSuffix());
      }
    }
    return null;
  }

  /** The token ids of a text/ids field pair; null with {@code problem[0]} set when bad. */
  private int[] resolve(Value textValue, Value ids, String textField, String tokenField, boolean required,
      String[] problem, String where) {
    if (textValue.present) {
      if (textValue.problem != null) {
        problem[0] = textValue.problem;
        return null;
      }
      int[] t;
      try {
        t = tokenize(where, textValue.text);
      } catch (InvalidTextException e) {
        problem[0] = "field \"" + textField + "\": " + e.getMessage();
        return null;
      }
      if (t.length == 0 && required) {
        problem[0] = "empty record";
        return null;
      }
      String range = outsideVocabulary(t, "field \"" + textField + "\"");
      if (range != null) {
        problem[0] = range;
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

  private int[] tokenize(String where, String s) {
    if (text == null) {
      throw new InputException(where + ": text input needs a tokenizer");
    }
    return text.encode(s);
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
    private final boolean gzip;
    private long line;
    private long records;
    private boolean textDone;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;

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
        this.raw = new DigestInputStream(new FilterInputStream(Files.newInputStream(path)) {
          @Override
          public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
              bytesRead++;
            }
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
              bytesRead += n;
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

    /**
     * The next line without its '\n', or null at the end; scans a buffer, no per-byte calls. A
     * line longer than the record limit stops the read.
     */
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

    /** The next raw item, or null at the end of the file. */
    Raw nextRaw() {
      try {
        if (!jsonl) {
          if (textDone) {
            return null;
          }
          textDone = true;
          records++;
          return new Raw(name, Inputs.readRecord(in, maxRecordBytes, name), false);
        }
        while (true) {
          byte[] bytes = readLine();
          if (bytes == null) {
            return null;
          }
          line++;
          int len = bytes.length;
          if (TextPipeline.startsWithBom(bytes, len)) {
            // a byte-order mark opens a document (here each line, so that concatenated files read too), not the record
            bytes = Arrays.copyOfRange(bytes, 3, len);
            len -= 3;
          }
          if (len > 0 && bytes[len - 1] == '\r') {
            bytes = Arrays.copyOf(bytes, --len);
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
        throw Inputs.readError(name, e, gzip);
      }
    }

    /** Reads the rest of the file into the digest and records it in {@link #inputs()}. */
    void finish() {
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
        throw Inputs.readError(name, e, gzip);
      }
    }

    /** Closes the file without recording it (the read was abandoned or failed). */
    void abandon() {
      try {
        in.close();
      } catch (IOException e) {
        // nothing to report: the read already ended
      }
    }
  }
}
