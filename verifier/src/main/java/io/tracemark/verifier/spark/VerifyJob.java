package io.tracemark.verifier.spark;

import io.tracemark.core.internal.LongHashSet;
import io.tracemark.core.internal.Mix;
import io.tracemark.verifier.DistributedPass;
import io.tracemark.verifier.InheritanceResult;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.Verification;
import io.tracemark.verifier.cli.Tracemark;
import io.tracemark.verifier.input.InputException;
import io.tracemark.verifier.input.InputFile;
import io.tracemark.verifier.input.Inputs;
import io.tracemark.verifier.input.JsonlRecordParser;
import io.tracemark.verifier.input.LineSplitter;
import io.tracemark.verifier.input.SourceListing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.input.PortableDataStream;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The closed-model inheritance test ({@code tracemark verify}) on Apache Spark, for a suspect corpus of any size,
 * with the single-machine statistics bit for bit (counts, green counts and score sums, log10 p, the report).
 *
 * <p>The job reads the suspect files on the executors (JSONL lines by Hadoop's line reader split at {@code \n} only,
 * placed in input order by their file and byte offset; a text file as one record), parses and checks each record
 * with the single-machine parser and checks, and scans it with the single-machine position filter (prompt-window
 * exclusion, owner filter, two-level dedup); each candidate position becomes its dedup unit with the record's place
 * in input order and its tuple. A map task sends only the first occurrence of each unit it meets (its records are in
 * input order); the global dedup is the shuffle of those units by unit, after which each reduce task keeps each
 * unit's earliest occurrence in input order, the occurrence the single-machine tape scores, and scores those tuples
 * under every key (real, tenant and control keys) into tallies. Each map task also sends its records' outcomes
 * (admitted or bad, id, length), its counts of what it did not score and its count of lines: the driver numbers the
 * lines of a file split into several partitions from those counts (for the names of records and bad lines, without
 * a pass of its own), applies the outcomes in input order with the single-machine bad-record policy and hands
 * everything to the single-machine assembly ({@link DistributedPass}). Each file's SHA-256 is computed by an
 * executor.
 *
 * <p>Keys: the key material reaches the executors in one broadcast variable ({@link DistributedPass.Plan}, as bytes, so
 * that Java and Kryo serialization alike carry it), which
 * Spark neither logs nor writes to its event log; no key is put in a configuration, a job description or a message.
 *
 * <p>From the command line ({@link #main}): the options of {@code tracemark verify}, under {@code spark-submit}
 * (docs/spark.md). As a library: {@link #run(SparkSession, Verification)}, then {@code EvidenceReport.of(result,
 * verification.reportInputs())} and {@code ReportWriter.write} as the command line does.
 */
public final class VerifyJob {
  /**
   * A record's order is its file's index, then its byte offset in the file in this many bits (a file of up to 1 TiB):
   * increasing in input order, as {@link DistributedPass} requires.
   */
  private static final int OFFSET_BITS = 40;

  /** Reduce partitions per input partition (an input split, or a text file). */
  private static final int REDUCE_PARTITIONS_PER_SPLIT = 4;

  private VerifyJob() {}

  /**
   * {@code tracemark verify} with the corpus read and scored by Spark: the same options (see {@code tracemark help
   * verify}), report and exit codes. The session is the one {@code spark-submit} configures.
   */
  public static void main(String[] args) {
    SparkSession.Builder builder = SparkSession.builder().appName("tracemark verify");
    SparkConf given = new SparkConf();
    if (!given.contains("spark.serializer")) {
      // the shuffle carries one small long[] per unit: Kryo writes it in a fraction of Java serialization's time
      builder.config("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    }
    if (!given.contains("spark.kryo.referenceTracking")) {
      // the shuffle's objects (Long, Integer, long[], byte[]) share nothing: tracking references only costs time
      builder.config("spark.kryo.referenceTracking", "false");
    }
    SparkSession spark = builder.getOrCreate();
    int code;
    try {
      code = verify(spark, System.out, System.err, args);
    } finally {
      spark.stop();
    }
    System.exit(code);
  }

  /** The command line of {@link #main} on {@code spark}, printing to {@code out} and {@code err}; the exit code. */
  static int verify(SparkSession spark, PrintStream out, PrintStream err, String... args) {
    return Tracemark.verify(new Job(spark, null), out, err, args);
  }

  /**
   * Runs {@code verification} (built as for {@link Verification#run()}, from suspect files) on {@code spark}: the
   * result is the single-machine result on the same input. Single use, like the verification.
   *
   * @throws IllegalArgumentException for an option the distributed run does not support (see {@link
   *     Verification#run(DistributedPass.Runner)}), or a file Hadoop would read otherwise than tracemark does
   * @throws InputException for bad input, as {@link Verification#run()}
   */
  public static InheritanceResult run(SparkSession spark, Verification verification) {
    return run(spark, verification, null);
  }

  /** The test seam: {@code fault} runs at the start of each scoring task (null in every other path). */
  static InheritanceResult run(SparkSession spark, Verification verification, TaskFault fault) {
    return verification.run(new Job(spark, fault));
  }

  /**
   * The suspect inputs for {@link Verification.Builder#suspect(SourceListing)}: paths on the driver's file system as
   * {@code tracemark verify} lists them ({@link SourceListing}); when any input is a URI with a scheme ({@code
   * hdfs://}, {@code s3a://}, {@code abfs://}, {@code file:}, any scheme with a Hadoop file system in the session's
   * Hadoop configuration), all of them listed through Hadoop with the same rules and order, named by their URIs.
   *
   * @throws InputException naming a missing or unreadable path, a report among the inputs, or inputs without a file
   */
  public static SourceListing list(SparkSession spark, List<String> inputs) {
    if (inputs.stream().noneMatch(HadoopListing::isUri)) {
      return new SourceListing(inputs.stream().map(Path::of).toList());
    }
    return HadoopListing.list(spark.sparkContext().hadoopConfiguration(), inputs);
  }

  /** The job as the command line runs it: lists the inputs ({@link #list}) and runs the pass on the session. */
  private record Job(SparkSession spark, TaskFault fault) implements DistributedPass.Runner {
    @Override
    public DistributedPass.Outcome run(DistributedPass pass) {
      return execute(spark, pass, fault);
    }

    @Override
    public SourceListing list(List<String> roots) {
      return VerifyJob.list(spark, roots);
    }
  }

  /** Runs at the start of each scoring task; a test makes a task fail to check that Spark's retry changes nothing. */
  interface TaskFault extends Serializable {
    /** Called with the task's partition and attempt number. */
    void beforeScoring(int partition, int attempt);
  }

  /** One raw record: a JSONL line (or a whole text file), its file and its byte offset in the file (0 for a text file). */
  private record Item(int file, long offset, byte[] bytes) {}

  private static DistributedPass.Outcome execute(SparkSession spark, DistributedPass pass, TaskFault fault) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Path> files = pass.files();
    String[] names = pass.fileNames().toArray(new String[0]);
    // where the executors read each file: a local path as its file: URI, a file listed through Hadoop by its URI
    String[] locations = new String[files.size()];
    boolean[] jsonl = new boolean[files.size()];
    List<JavaRDD<Item>> raws = new ArrayList<>();
    List<Integer> fileOfPartition = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      boolean uri = HadoopListing.isUri(names[i]);
      locations[i] = uri ? names[i] : f.toUri().toString();
      jsonl[i] = SourceListing.isJsonl(f);
      checkReadable(f, names[i], uri ? jsc.hadoopConfiguration() : null);
      JavaRDD<Item> raw = jsonl[i] ? lines(jsc, i, locations[i])
          : wholeFile(jsc, i, locations[i], pass.plan().maxRecordBytes(), names[i]);
      for (int p = 0; p < raw.getNumPartitions(); p++) {
        fileOfPartition.add(i);
      }
      raws.add(raw);
    }
    JavaRDD<Item> items = raws.get(0);
    for (int i = 1; i < raws.size(); i++) {
      items = items.union(raws.get(i)); // partitions in file order
    }
    int[] fileOf = fileOfPartition.stream().mapToInt(Integer::intValue).toArray();
    // a partition that starts its file numbers its lines from 1; the others number them from 1 too, and the driver
    // shifts those numbers by the lines of the file's earlier partitions, which every map task counts
    boolean[] startsFile = new boolean[fileOf.length];
    for (int p = 0; p < fileOf.length; p++) {
      startsFile[p] = p == 0 || fileOf[p] != fileOf[p - 1];
    }
    Broadcast<byte[]> plan = jsc.broadcast(bytes(pass.plan()));
    // one pass: each map task parses, checks and scans its records (in input order) and sends the first occurrence
    // of each unit it meets, keyed by the unit (a Long), through the shuffle, then its records' outcomes keyed by its
    // partition number (an Integer, never equal to a Long); each reduce task keeps each unit's earliest occurrence
    // among those it receives, scores those units under every key and passes the outcomes on
    // a reduce task holds its share of the distinct units in memory (about 50 bytes each): four reduce partitions
    // per input split keep a share at a quarter of what one split's map task sends at most
    int partitions = Math.max(jsc.defaultParallelism(), REDUCE_PARTITIONS_PER_SPLIT * items.getNumPartitions());
    JavaPairRDD<Object, Object> shuffled = items.mapPartitionsWithIndex((p, it) -> new Emitter(
        object(plan.value(), DistributedPass.Plan.class), p, !startsFile[p], names, jsonl, it), true)
        .mapToPair(t -> t).partitionBy(new HashPartitioner(partitions));
    List<byte[]> results = shuffled.mapPartitions(it -> {
      if (fault != null) {
        TaskContext tc = TaskContext.get();
        fault.beforeScoring(tc.partitionId(), tc.attemptNumber());
      }
      DistributedPass.Task task = object(plan.value(), DistributedPass.Plan.class).task();
      Earliest earliest = new Earliest(task.contextWidth() + 1);
      List<Summary> summaries = new ArrayList<>();
      while (it.hasNext()) {
        Tuple2<Object, Object> e = it.next();
        if (e._1() instanceof Integer) {
          summaries.add(object((byte[]) e._2(), Summary.class));
        } else {
          earliest.offer((Long) e._1(), (long[]) e._2());
        }
      }
      earliest.score(task);
      return Collections.singletonList(bytes(new Result(task.tally(), summaries))).iterator();
    }).collect();

    Summary[] byPartition = new Summary[fileOf.length];
    DistributedPass.Tally tally = null;
    for (byte[] bytes : results) {
      Result r = object(bytes, Result.class);
      tally = tally == null ? r.tally() : tally.merge(r.tally());
      for (Summary s : r.summaries()) {
        byPartition[s.partition()] = s;
      }
    }
    List<DistributedPass.RecordOutcome> outcomes = new ArrayList<>();
    long[] counts = new long[5];
    long[] recordsPerFile = new long[files.size()];
    long firstLine = 0;
    for (int p = 0; p < byPartition.length; p++) {
      Summary s = byPartition[p];
      if (s == null) {
        throw new IllegalStateException("no summary from the map task of partition " + p);
      }
      firstLine = startsFile[p] ? 0 : firstLine + byPartition[p - 1].lines();
      for (int j = 0; j < counts.length; j++) {
        counts[j] += s.counts()[j];
      }
      for (int j = 0; j < s.outcomes().size(); j++) {
        DistributedPass.RecordOutcome o = s.outcomes().get(j);
        if (firstLine > 0) {
          o = renumbered(o, names[o.file()], s.localLines()[j], firstLine, s.defaultIds()[j]);
        }
        outcomes.add(o);
        recordsPerFile[o.file()]++;
      }
    }
    plan.destroy();
    return new DistributedPass.Outcome(outcomes, counts, tally, digests(jsc, locations, names, recordsPerFile));
  }

  /**
   * {@code o}, found at line {@code local} of a partition that does not start its file and named by that number, with
   * the file's line number instead ({@code first} lines precede the partition): in its {@code where} ("FILE:LINE",
   * then a space and the id, or a colon and the message of an error), and as its id when the id is the default one.
   */
  private static DistributedPass.RecordOutcome renumbered(DistributedPass.RecordOutcome o, String name, long local,
      long first, boolean defaultId) {
    String was = name + ":" + local;
    String is = name + ":" + (first + local);
    String where = o.where() != null && o.where().startsWith(was) ? is + o.where().substring(was.length()) : o.where();
    return new DistributedPass.RecordOutcome(o.order(), o.file(), where, defaultId ? is : o.id(), o.length(),
        o.problem(), o.kind());
  }

  /**
   * The earliest occurrence (by record order, then position) of each unit a reduce task receives, with its tuple, in
   * primitive arrays under an open-addressing table of the units (linear probing, load at most 1/2): a map of boxed
   * units and arrays would take several times the memory and time per unit. Not thread-safe.
   */
  private static final class Earliest {
    private final int width;
    private long[] keys = new long[1 << 12];
    private int[] slots = new int[1 << 12];
    private long[] orders = new long[1 << 11];
    private int[] positions = new int[1 << 11];
    private int[] tuples;
    private int size;

    Earliest(int width) {
      this.width = width;
      this.tuples = new int[(1 << 11) * width];
    }

    /** An occurrence of {@code unit}: {@code v} is its record order, its position, then its tuple. */
    void offer(long unit, long[] v) {
      int mask = keys.length - 1;
      int i = (int) (Mix.fmix64(unit) & mask);
      while (slots[i] != 0) {
        if (keys[i] == unit) {
          int s = slots[i] - 1;
          if (v[0] < orders[s] || (v[0] == orders[s] && v[1] < positions[s])) {
            set(s, v);
          }
          return;
        }
        i = (i + 1) & mask;
      }
      if (size == orders.length) {
        orders = Arrays.copyOf(orders, size * 2);
        positions = Arrays.copyOf(positions, size * 2);
        tuples = Arrays.copyOf(tuples, size * 2 * width);
      }
      keys[i] = unit;
      slots[i] = size + 1;
      set(size++, v);
      if (size * 2 > keys.length) {
        rehash();
      }
    }

    private void set(int s, long[] v) {
      orders[s] = v[0];
      positions[s] = (int) v[1];
      for (int j = 0; j < width; j++) {
        tuples[s * width + j] = (int) v[2 + j];
      }
    }

    private void rehash() {
      long[] oldKeys = keys;
      int[] oldSlots = slots;
      keys = new long[oldKeys.length * 2];
      slots = new int[oldSlots.length * 2];
      int mask = keys.length - 1;
      for (int k = 0; k < oldKeys.length; k++) {
        if (oldSlots[k] != 0) {
          int i = (int) (Mix.fmix64(oldKeys[k]) & mask);
          while (slots[i] != 0) {
            i = (i + 1) & mask;
          }
          keys[i] = oldKeys[k];
          slots[i] = oldSlots[k];
        }
      }
    }

    /** Scores every unit's earliest occurrence under every key. */
    void score(DistributedPass.Task task) {
      int[] tuple = new int[width];
      for (int s = 0; s < size; s++) {
        System.arraycopy(tuples, s * width, tuple, 0, width);
        task.score(tuple, orders[s]);
      }
    }
  }

  /**
   * A file Hadoop would skip (hidden) or decompress otherwise than tracemark (gzip by magic bytes) is refused. {@code
   * hadoop} is the configuration to open a file named by a URI with, null for a local path.
   */
  private static void checkReadable(Path f, String name, Configuration hadoop) {
    String file = f.getFileName().toString();
    if (file.startsWith("_") || file.startsWith(".")) {
      throw new IllegalArgumentException(name + ": Hadoop's input formats skip a file whose name starts with '_' or "
          + "'.'; rename it to read it with the Spark job");
    }
    boolean gz = file.toLowerCase(Locale.ROOT).endsWith(".gz");
    boolean gzip;
    try (InputStream in = Inputs.decompressed(hadoop == null ? Files.newInputStream(f)
        : new org.apache.hadoop.fs.Path(name).getFileSystem(hadoop).open(new org.apache.hadoop.fs.Path(name)))) {
      gzip = Inputs.isGzip(in);
    } catch (IOException e) {
      throw Inputs.readError(name, e, false);
    }
    if (gz != gzip && SourceListing.isJsonl(f)) {
      throw new IllegalArgumentException(name + ": " + (gzip ? "gzip-compressed without a .gz name" : "named .gz but "
          + "not gzip-compressed") + "; Hadoop decompresses by the name, so name it after its content");
    }
  }

  /** The lines of a JSONL file, split at {@code \n} only (as the single-machine reader splits them). */
  private static JavaRDD<Item> lines(JavaSparkContext jsc, int file, String location) {
    Configuration conf = new Configuration(jsc.hadoopConfiguration());
    conf.set("textinputformat.record.delimiter", "\n");
    return jsc.newAPIHadoopFile(location, TextInputFormat.class, LongWritable.class, Text.class, conf)
        .map(t -> new Item(file, t._1().get(), t._2().copyBytes()));
  }

  /** A text file as one record, decompressed, or null for a record over the size limit. */
  private static JavaRDD<Item> wholeFile(JavaSparkContext jsc, int file, String location, long maxRecordBytes,
      String name) {
    return jsc.binaryFiles(location, 1).map(t -> {
      try (InputStream in = Inputs.decompressed(t._2().open())) {
        return new Item(file, 0, Inputs.readRecord(in, maxRecordBytes, name));
      } catch (InputException e) {
        return new Item(file, 0, null); // over the limit: the outcome says so, in input order
      }
    });
  }

  /**
   * What the map task of {@code partition} found: its records' outcomes and its counts of what is not scored, the
   * lines it read, and, when the partition does not start its file, each outcome's line number in the partition
   * (from 1, as it names the record) and whether the record's id is the default one (its name). It goes through the
   * shuffle as bytes (Java serialization), so that any serializer the job uses carries it (Kryo cannot make a record).
   */
  private record Summary(int partition, List<DistributedPass.RecordOutcome> outcomes, long[] counts, long lines,
      long[] localLines, boolean[] defaultIds) implements Serializable {
    private static final long serialVersionUID = 2L;
  }

  /** Java serialization of {@code o}: what travels as bytes through any serializer the job uses. */
  private static byte[] bytes(Serializable o) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream s = new ObjectOutputStream(out)) {
      s.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The object of {@link #bytes}. */
  private static <T> T object(byte[] bytes, Class<T> type) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return type.cast(in.readObject());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("a class of the job is missing on this worker", e);
    }
  }

  /** Reads items into outcomes and scans the admitted records. */
  private static final class Reader {
    private final DistributedPass.Task task;
    private final String[] names;
    private final boolean[] jsonl;
    private final long maxRecordBytes;

    Reader(DistributedPass.Task task, String[] names, boolean[] jsonl, long maxRecordBytes) {
      this.task = task;
      this.names = names;
      this.jsonl = jsonl;
      this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Reads the item at {@code line} of its partition (its file's line when the partition starts the file); returns
     * its name ({@code FILE:LINE}, or the file for a text file).
     */
    String read(Item item, long line, List<DistributedPass.RecordOutcome> out, DistributedPass.Candidates candidates) {
      int file = item.file();
      long order = order(item);
      boolean lines = jsonl[file];
      String where = lines ? names[file] + ":" + line : names[file];
      byte[] bytes = item.bytes();
      if (bytes == null || bytes.length > maxRecordBytes) {
        long read = bytes == null ? maxRecordBytes + 1 : bytes.length;
        out.add(new DistributedPass.RecordOutcome(order, file, Inputs.recordTooLarge(where, maxRecordBytes, read)
            .getMessage(), null, 0, null, DistributedPass.FATAL));
        return where;
      }
      if (lines) {
        bytes = LineSplitter.record(bytes);
        if (bytes == null) {
          return where; // a blank line is not a record
        }
      }
      JsonlRecordParser.Parsed parsed = task.parse(where, bytes, lines);
      SuspectRecord r = parsed.record();
      if (r == null) {
        out.add(new DistributedPass.RecordOutcome(order, file, parsed.where(), null, 0, parsed.reason(),
            DistributedPass.BAD_INPUT));
        return where;
      }
      String problem = task.check(r);
      if (problem != null) {
        out.add(new DistributedPass.RecordOutcome(order, file, null, r.id(), 0, problem,
            DistributedPass.BAD_RECORD));
        return where;
      }
      out.add(new DistributedPass.RecordOutcome(order, file, null, r.id(), r.length(), null,
          DistributedPass.ADMITTED));
      task.scan(r, candidates);
      return where;
    }
  }

  /** The place of {@code item} in input order: its file, then its byte offset. */
  private static long order(Item item) {
    if (item.offset() >= 1L << OFFSET_BITS) {
      throw new IllegalArgumentException("a file over 1 TiB is not read by the Spark job; split it");
    }
    return ((long) item.file() << OFFSET_BITS) | item.offset();
  }

  /**
   * What a scoring task returns (as bytes, like {@link Summary}): its tally and the summaries of the map tasks whose
   * outcomes it received.
   */
  private record Result(DistributedPass.Tally tally, List<Summary> summaries) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * The map side of the pass over one partition's items, record by record: (unit, {order, position, tuple...}) for
   * each unit the partition has not met before (the first occurrence in this partition, which is in input order), and
   * at the end (partition, {@link Summary}). Under dedup none every candidate is sent, under a key of its own.
   */
  private static final class Emitter implements Iterator<Tuple2<Object, Object>> {
    private final DistributedPass.Task task;
    private final int partition;
    private final Iterator<Item> items;
    private final Reader reader;
    private final int h;
    private final LongHashSet seen;
    private final ArrayDeque<Tuple2<Object, Object>> ready = new ArrayDeque<>();
    private final List<DistributedPass.RecordOutcome> outcomes = new ArrayList<>();
    private final boolean renumbered;
    private final List<Long> localLines = new ArrayList<>();
    private final List<Boolean> defaultIds = new ArrayList<>();
    private long order;
    private long line;
    private long sent;
    private boolean summarized;

    /** {@code renumbered}: the partition does not start its file, so the driver renumbers its lines. */
    Emitter(DistributedPass.Plan plan, int partition, boolean renumbered, String[] names, boolean[] jsonl,
        Iterator<Item> items) {
      this.task = plan.task();
      this.partition = partition;
      this.renumbered = renumbered;
      this.items = items;
      this.reader = new Reader(task, names, jsonl, plan.maxRecordBytes());
      this.h = task.contextWidth();
      this.seen = plan.deduplicates() ? new LongHashSet(1 << 16) : null;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && items.hasNext()) {
        Item item = items.next();
        order = order(item);
        int before = outcomes.size();
        String where = reader.read(item, ++line, outcomes, (unit, seq, pos) -> {
          if (seen != null && !seen.add(unit)) {
            return; // a later occurrence in this partition: never the first in input order
          }
          long[] v = new long[3 + h];
          v[0] = order;
          v[1] = pos;
          for (int j = 0; j <= h; j++) {
            v[2 + j] = seq[pos - h + j];
          }
          ready.add(new Tuple2<>(seen != null ? unit : ((long) partition << OFFSET_BITS) | sent++, v));
        });
        if (renumbered && outcomes.size() > before) {
          localLines.add(line);
          // the parser names a record without an id by where it is
          defaultIds.add(where.equals(outcomes.get(before).id()));
        }
      }
      if (ready.isEmpty() && !summarized) {
        summarized = true;
        long[] lines = renumbered ? localLines.stream().mapToLong(Long::longValue).toArray() : null;
        boolean[] ids = null;
        if (renumbered) {
          ids = new boolean[defaultIds.size()];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = defaultIds.get(i);
          }
        }
        ready.add(new Tuple2<>(partition, bytes(new Summary(partition, outcomes, task.counts(), line, lines, ids))));
      }
      return !ready.isEmpty();
    }

    @Override
    public Tuple2<Object, Object> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }
  }

  /** Each file's SHA-256 and size (of the bytes as stored), computed by the executors, in file order. */
  private static List<InputFile> digests(JavaSparkContext jsc, String[] locations, String[] names, long[] records) {
    JavaPairRDD<Integer, Tuple2<String, Long>> all = null;
    for (int i = 0; i < locations.length; i++) {
      int file = i;
      JavaPairRDD<Integer, Tuple2<String, Long>> one = jsc.binaryFiles(locations[i], 1)
          .mapToPair(t -> new Tuple2<>(file, sha256(t._2())));
      all = all == null ? one : all.union(one);
    }
    List<InputFile> out = new ArrayList<>();
    for (Tuple2<Integer, Tuple2<String, Long>> d : all.sortByKey().collect()) {
      int i = d._1();
      out.add(new InputFile(names[i], d._2()._1(), d._2()._2(), records[i]));
    }
    return out;
  }

  private static Tuple2<String, Long> sha256(PortableDataStream data) {
    try (InputStream in = data.open()) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      long size = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
        size += n;
      }
      return new Tuple2<>(HexFormat.of().formatHex(md.digest()), size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
