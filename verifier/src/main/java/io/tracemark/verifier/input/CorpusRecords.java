package io.tracemark.verifier.input;

import io.tracemark.verifier.BadRecordPolicy;
import io.tracemark.verifier.BadRecords;
import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.internal.OrderedParallelMap;
import io.tracemark.verifier.text.Normalization;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Streams {@link SuspectRecord}s from JSONL files, plain-text files, or directories of them, each
 * optionally gzip-compressed (detected by its magic bytes), through the one text pipeline that
 * {@code detect --text} uses too. {@code .jsonl}, {@code .ndjson} and {@code .json} files (with or
 * without {@code .gz}) are JSONL, read line by line ({@code LineSplitter}) and parsed by the {@link
 * JsonlRecordParser}; anything else is plain text, one record per file. The files are fixed, and
 * checked, when the reader is made ({@link SourceListing}); each is digested as it is read ({@code
 * DigestingInput}).
 *
 * <p>The calling thread reads raw lines (or whole text files) in order, which keeps the digests and
 * line numbers; parsing and tokenizing, the expensive part, run on {@link #parallelism} threads in
 * batches whose results come back in input order ({@link OrderedParallelMap}), so records, skips
 * and the first failure come out exactly as with one thread.
 *
 * <p>Bad records go to the one bad-record policy ({@link BadRecords}): under {@link
 * BadRecordPolicy#FAIL} an {@link InputException} names file, line and reason; under {@link
 * BadRecordPolicy#SKIP} they are counted and listed. An unreadable file, a record larger than
 * {@link #maxRecordBytes} (after gzip) and an input without a single usable record always stop the
 * read.
 *
 * <p>Single use and not thread-safe: iterate once, then read {@link #inputs()} (each file's
 * SHA-256, size and record count) and {@link #skipped()}. The parsing threads are stopped and
 * awaited when the iteration ends, fails, or is abandoned and the reader {@linkplain #close()
 * closed}.
 */
public final class CorpusRecords implements Iterable<SuspectRecord>, AutoCloseable {
  private static final int BATCH = 256;
  /** Raw bytes per parsing batch: with 2 batches per thread in flight, this bounds the memory read ahead. */
  private static final int BATCH_BYTES = 4 << 20;

  private final SourceListing listing;
  private final List<Path> files;
  private final Fields fields;
  private final TextPipeline text;
  private final int vocabularySize;
  private final BadRecords bad;
  private int parallelism = 1;
  private long maxRecordBytes = Inputs.DEFAULT_MAX_RECORD_BYTES;
  private String vocabularySource;
  private final List<InputFile> inputs = new ArrayList<>();
  private long recordsProduced;
  private long tokensSeen;
  private volatile long bytesRead;
  private boolean used;
  private RecordIterator active;

  /**
   * Checks the paths ({@link SourceListing}) and lists the files to read.
   *
   * @param roots files or directories
   * @param fields JSONL field names
   * @param tokenizer for text fields and text files; null when the input is token ids only
   * @param vocabularySize token ids must lie in [0, vocabularySize)
   * @param normalization applied to text before tokenizing
   * @param onBadRecord fail or skip
   * @throws InputException naming a path that is missing, unreadable, not a file or directory, or
   *     a tracemark report
   */
  public CorpusRecords(List<Path> roots, Fields fields, TextTokenizer tokenizer, int vocabularySize,
      Normalization normalization, BadRecordPolicy onBadRecord) {
    this(new SourceListing(roots), fields, tokenizer, vocabularySize, normalization, onBadRecord);
  }

  /**
   * Reads the files of {@code listing} (listed by {@link SourceListing}, or elsewhere with its rules); the other
   * parameters are those of {@link #CorpusRecords(List, Fields, TextTokenizer, int, Normalization, BadRecordPolicy)}.
   */
  public CorpusRecords(SourceListing listing, Fields fields, TextTokenizer tokenizer, int vocabularySize,
      Normalization normalization, BadRecordPolicy onBadRecord) {
    this.fields = Objects.requireNonNull(fields, "fields");
    this.text = tokenizer == null ? null : new TextPipeline(tokenizer, normalization);
    this.vocabularySize = vocabularySize;
    this.bad = new BadRecords(onBadRecord, InputException::new);
    this.listing = Objects.requireNonNull(listing, "listing");
    this.files = listing.files();
  }

  /**
   * Parses and tokenizes on {@code threads} threads (default 1); records, skips and errors come
   * out in input order whatever the number. Call before iterating.
   */
  public CorpusRecords parallelism(int threads) {
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
  public CorpusRecords maxRecordBytes(long bytes) {
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
  public CorpusRecords vocabularySource(String description) {
    this.vocabularySource = description;
    return this;
  }

  /** The files that will be read, in order (fixed when the reader is made). */
  public List<Path> files() {
    return files;
  }

  /** The files as messages and reports name them, in the order of {@link #files()}. */
  public List<String> fileNames() {
    return listing.names();
  }

  /** Directory entries that are not read, with the reason, in path order; at most 1000 are listed. */
  public List<SkippedRecord> notRead() {
    return listing.notRead();
  }

  /** The files read so far with their digests (complete after iteration). */
  public List<InputFile> inputs() {
    return List.copyOf(inputs);
  }

  /** Skipped records (at most 1000 listed; {@link #skippedCount()} has the total). */
  public List<SkippedRecord> skipped() {
    return bad.listed();
  }

  /** Number of skipped records. */
  public long skippedCount() {
    return bad.count();
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
    return listing.totalBytes();
  }

  @Override
  public Iterator<SuspectRecord> iterator() {
    if (used) {
      throw new IllegalStateException("a CorpusRecords can be iterated only once");
    }
    used = true;
    active = new RecordIterator(parser());
    return active;
  }

  /** Stops and awaits the parsing threads and closes the open file if the records were not read to the end (idempotent). */
  @Override
  public void close() {
    if (active != null) {
      active.shutdown();
    }
  }

  /** One unit of raw input: a JSONL line or a whole text file. */
  private record Raw(String where, byte[] bytes, boolean jsonl) {}

  private final class RecordIterator implements Iterator<SuspectRecord> {
    private final JsonlRecordParser parser;
    private final OrderedParallelMap<List<Raw>, List<JsonlRecordParser.Parsed>> map;
    private int fileIndex = -1;
    private OpenFile current;
    private Iterator<JsonlRecordParser.Parsed> ready = Collections.emptyIterator();
    private SuspectRecord next;
    private boolean rawDone;
    private boolean finished;

    RecordIterator(JsonlRecordParser parser) {
      this.parser = parser;
      this.map = new OrderedParallelMap<>(parallelism, null, "tracemark-read", this::parseAll);
    }

    private List<JsonlRecordParser.Parsed> parseAll(List<Raw> batch) {
      List<JsonlRecordParser.Parsed> out = new ArrayList<>(batch.size());
      for (Raw raw : batch) {
        out.add(raw.jsonl() ? parser.parseLine(raw.where(), raw.bytes()) : parser.parseText(raw.where(), raw.bytes()));
      }
      return out;
    }

    @Override
    public boolean hasNext() {
      if (finished) {
        return false;
      }
      try {
        while (next == null) {
          if (ready.hasNext()) {
            JsonlRecordParser.Parsed p = ready.next();
            if (p.record() != null) {
              tokensSeen += p.record().length();
              recordsProduced++;
              next = p.record();
            } else {
              bad.bad(p.where(), p.reason());
            }
            continue;
          }
          fill();
          if (map.inFlight() == 0) {
            shutdown();
            finished = true;
            requireRecords();
            return false;
          }
          ready = map.next().iterator();
        }
        return true;
      } catch (RuntimeException | Error e) {
        shutdown();
        finished = true;
        throw e;
      }
    }

    /** Stops the parsing threads and waits for them (they finish the batch at hand), and closes the open file. */
    void shutdown() {
      if (current != null) {
        current.input.abandon();
        current = null;
      }
      map.close();
    }

    /** Reads raw batches until enough are in flight (or the input ends). */
    private void fill() {
      int target = parallelism <= 1 ? 1 : 2 * parallelism;
      while (!rawDone && map.inFlight() < target) {
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
            inputs.add(current.input.finish(current.records));
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
          map.submit(batch);
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
    requireRecords(recordsProduced, bad);
  }

  /**
   * The same rule for these files read elsewhere (a distributed reader that applies this reader's
   * parser and bad-record policy): no error when {@code produced} records were usable, else an
   * {@link InputException} saying that every record was skipped (the first of {@code bad}), or that
   * there were none.
   */
  public void requireRecords(long produced, BadRecords bad) {
    if (produced > 0) {
      return;
    }
    String where = listing.where();
    if (bad.count() > 0) {
      SkippedRecord first = bad.listed().get(0);
      throw new InputException(String.format(Locale.ROOT, "%s: no usable records: all %,d were skipped as bad "
          + "(first: %s: %s)", where, bad.count(), first.id(), first.reason()));
    }
    throw new InputException(where + ": no records (the input is empty or holds only blank lines)");
  }

  /**
   * The parser this reader applies to each JSONL line and text file (its fields, tokenizer,
   * normalisation, vocabulary and record limit), for a reader that splits the files elsewhere.
   */
  public JsonlRecordParser parser() {
    return new JsonlRecordParser(fields, text, vocabularySize, vocabularySource, maxRecordBytes);
  }

  /** The largest record in bytes ({@link #maxRecordBytes(long)}). */
  public long maxRecordBytes() {
    return maxRecordBytes;
  }

  /** The bad-record policy of this reader, as a new, empty ledger that fails with {@link InputException}. */
  public BadRecords newBadRecords() {
    return new BadRecords(bad.policy(), InputException::new);
  }

  /** One open file: its digesting input and, for JSONL, its lines. Used by the calling thread only. */
  private final class OpenFile {
    final DigestingInput input;
    final boolean jsonl;
    final LineSplitter lines;
    long records;
    boolean textDone;

    OpenFile(Path path) {
      this.input = new DigestingInput(path, n -> bytesRead += n);
      this.jsonl = SourceListing.isJsonl(path);
      this.lines = new LineSplitter(input.in(), input.name(), maxRecordBytes);
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
          return new Raw(input.name(), Inputs.readRecord(input.in(), maxRecordBytes, input.name()), false);
        }
        byte[] bytes = lines.nextRecord();
        if (bytes == null) {
          return null;
        }
        records++;
        return new Raw(input.name() + ":" + lines.line(), bytes, true);
      } catch (IOException e) {
        throw Inputs.readError(input.name(), e, input.gzip());
      }
    }
  }
}
