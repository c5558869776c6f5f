package io.tracemark.verifier.spark;

import io.tracemark.core.internal.LongHashSet;
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
 * with the single-machine statistics bit for bit (green counts, log10 p, the report).
 *
 * <p>The job reads the suspect files on the executors (JSONL lines by Hadoop's line reader split at {@code \n} only,
 * numbered per file by a first, counting job; a text file as one record), parses and checks each record with the
 * single-machine parser and checks, and scans it with the single-machine position filter (prompt-window exclusion,
 * owner filter, two-level dedup); each candidate position becomes its dedup unit with the record's place in input
 * order and its tuple. A map task sends only the first occurrence of each unit it meets (its records are in input
 * order); the global dedup is the shuffle of those units by unit, which keeps each unit's earliest occurrence in
 * input order, the occurrence the single-machine tape scores. The reduce tasks score the distinct tuples under every
 * key (real, tenant and control keys) into tallies. Each map task also sends its records' outcomes (admitted or bad,
 * id, length) and the counts of what it did not score; the driver applies the outcomes in input order with the
 * single-machine bad-record policy and hands everything to the single-machine assembly ({@link DistributedPass}).
 * Each file's SHA-256 is computed by an executor.
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
  /** Lines of a file are numbered in this many bits of a record's order; the file index takes the bits above. */
  private static final int LINE_BITS = 40;

  private VerifyJob() {}

  /**
   * {@code tracemark verify} with the corpus read and scored by Spark: the same options (see {@code tracemark help
   * verify}), report and exit codes. The session is the one {@code spark-submit} configures.
   */
  public static void main(String[] args) {
    SparkSession.Builder builder = SparkSession.builder().appName("tracemark verify");
    if (!new SparkConf().contains("spark.serializer")) {
      // the shuffle carries one small long[] per unit: Kryo writes it in a fraction of Java serialization's time
      builder.config("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
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

  /** One raw record: a JSONL line (or a whole text file), its file and line (0 for a text file). */
  private record Item(int file, long line, byte[] bytes) {}

  private static DistributedPass.Outcome execute(SparkSession spark, DistributedPass pass, TaskFault fault) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Path> files = pass.files();
    String[] names = pass.fileNames().toArray(new String[0]);
    // where the executors read each file: a local path as its file: URI, a file listed through Hadoop by its URI
    String[] locations = new String[files.size()];
    boolean[] jsonl = new boolean[files.size()];
    List<JavaRDD<byte[]>> raws = new ArrayList<>();
    List<Integer> fileOfPartition = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      boolean uri = HadoopListing.isUri(names[i]);
      locations[i] = uri ? names[i] : f.toUri().toString();
      jsonl[i] = SourceListing.isJsonl(f);
      checkReadable(f, names[i], uri ? jsc.hadoopConfiguration() : null);
      JavaRDD<byte[]> raw = jsonl[i] ? lines(jsc, locations[i])
          : wholeFile(jsc, locations[i], pass.plan().maxRecordBytes(), names[i]);
      for (int p = 0; p < raw.getNumPartitions(); p++) {
        fileOfPartition.add(i);
      }
      raws.add(raw);
    }
    JavaRDD<byte[]> all = raws.get(0);
    for (int i = 1; i < raws.size(); i++) {
      all = all.union(raws.get(i)); // partitions in file order
    }
    // lines are numbered per file: count each partition's lines, then number them from their partition's start
    List<Long> perPartition = all.mapPartitions(it -> {
      long n = 0;
      while (it.hasNext()) {
        it.next();
        n++;
      }
      return Collections.singletonList(n).iterator();
    }).collect();
    long[] firstLine = new long[perPartition.size()];
    int[] fileOf = fileOfPartition.stream().mapToInt(Integer::intValue).toArray();
    for (int p = 1; p < firstLine.length; p++) {
      firstLine[p] = fileOf[p] == fileOf[p - 1] ? firstLine[p - 1] + perPartition.get(p - 1) : 0;
    }
    JavaRDD<Item> items = all.mapPartitionsWithIndex((p, it) -> new Iterator<Item>() {
      long line = firstLine[p];

      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Item next() {
        return new Item(fileOf[p], ++line, it.next());
      }
    }, true);
    Broadcast<byte[]> plan = jsc.broadcast(bytes(pass.plan()));
    // one pass: each map task parses, checks and scans its records (in input order) and sends the first occurrence
    // of each unit it meets, keyed by the unit (a Long), through the shuffle, then its records' outcomes keyed by its
    // partition number (an Integer, never equal to a Long); the shuffle keeps each unit's earliest occurrence, and
    // each reduce task scores its units under every key and passes the outcomes on
    int partitions = Math.max(jsc.defaultParallelism(), items.getNumPartitions());
    JavaPairRDD<Object, Object> shuffled = items.mapPartitionsWithIndex((p, it) -> new Emitter(
        object(plan.value(), DistributedPass.Plan.class), p, names, jsonl, it), true).mapToPair(t -> t)
        .combineByKey(v -> v, VerifyJob::first, VerifyJob::first, new HashPartitioner(partitions), false, null);
    List<byte[]> results = shuffled.mapPartitions(it -> {
      if (fault != null) {
        TaskContext tc = TaskContext.get();
        fault.beforeScoring(tc.partitionId(), tc.attemptNumber());
      }
      DistributedPass.Task task = object(plan.value(), DistributedPass.Plan.class).task();
      int width = task.contextWidth() + 1;
      int[] tuple = new int[width];
      List<Summary> summaries = new ArrayList<>();
      while (it.hasNext()) {
        Tuple2<Object, Object> e = it.next();
        if (e._1() instanceof Integer) {
          summaries.add(object((byte[]) e._2(), Summary.class));
          continue;
        }
        long[] v = (long[]) e._2();
        for (int j = 0; j < width; j++) {
          tuple[j] = (int) v[2 + j];
        }
        task.score(tuple, v[0]);
      }
      return Collections.singletonList(bytes(new Result(task.tally(), summaries))).iterator();
    }).collect();

    List<DistributedPass.RecordOutcome> outcomes = new ArrayList<>();
    long[] counts = new long[5];
    long[] recordsPerFile = new long[files.size()];
    DistributedPass.Tally tally = null;
    for (byte[] bytes : results) {
      Result r = object(bytes, Result.class);
      tally = tally == null ? r.tally() : tally.merge(r.tally());
      for (Summary s : r.summaries()) {
        outcomes.addAll(s.outcomes());
        for (int j = 0; j < counts.length; j++) {
          counts[j] += s.counts()[j];
        }
        for (DistributedPass.RecordOutcome o : s.outcomes()) {
          recordsPerFile[o.file()]++;
        }
      }
    }
    plan.destroy();
    return new DistributedPass.Outcome(outcomes, counts, tally, digests(jsc, locations, names, recordsPerFile));
  }

  /** The earlier of two occurrences of a unit ({@code long[]}: record order, position, tuple): by order, then position. */
  private static Object first(Object x, Object y) {
    long[] a = (long[]) x;
    long[] b = (long[]) y;
    return a[0] < b[0] || (a[0] == b[0] && a[1] <= b[1]) ? a : b;
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
  private static JavaRDD<byte[]> lines(JavaSparkContext jsc, String location) {
    Configuration conf = new Configuration(jsc.hadoopConfiguration());
    conf.set("textinputformat.record.delimiter", "\n");
    return jsc.newAPIHadoopFile(location, TextInputFormat.class, LongWritable.class, Text.class, conf)
        .map(t -> t._2().copyBytes());
  }

  /** A text file as one record, decompressed, or null for a record over the size limit. */
  private static JavaRDD<byte[]> wholeFile(JavaSparkContext jsc, String location, long maxRecordBytes, String name) {
    return jsc.binaryFiles(location, 1).map(t -> {
      try (InputStream in = Inputs.decompressed(t._2().open())) {
        return Inputs.readRecord(in, maxRecordBytes, name);
      } catch (InputException e) {
        return null; // over the limit: the outcome says so, in input order
      }
    });
  }

  /**
   * What a map task found: its records' outcomes and its counts of what is not scored. It goes through the shuffle as
   * bytes (Java serialization), so that any serializer the job uses carries it (Kryo cannot make a record).
   */
  private record Summary(List<DistributedPass.RecordOutcome> outcomes, long[] counts) implements Serializable {
    private static final long serialVersionUID = 1L;

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

    void read(Item item, List<DistributedPass.RecordOutcome> out, DistributedPass.Candidates candidates) {
      int file = item.file();
      long order = ((long) file << LINE_BITS) | item.line();
      boolean lines = jsonl[file];
      String where = lines ? names[file] + ":" + item.line() : names[file];
      byte[] bytes = item.bytes();
      if (bytes == null || bytes.length > maxRecordBytes) {
        long read = bytes == null ? maxRecordBytes + 1 : bytes.length;
        out.add(new DistributedPass.RecordOutcome(order, file, Inputs.recordTooLarge(where, maxRecordBytes, read)
            .getMessage(), null, 0, null, DistributedPass.FATAL));
        return;
      }
      if (lines) {
        bytes = LineSplitter.record(bytes);
        if (bytes == null) {
          return; // a blank line is not a record
        }
      }
      JsonlRecordParser.Parsed parsed = task.parse(where, bytes, lines);
      SuspectRecord r = parsed.record();
      if (r == null) {
        out.add(new DistributedPass.RecordOutcome(order, file, parsed.where(), null, 0, parsed.reason(),
            DistributedPass.BAD_INPUT));
        return;
      }
      String problem = task.check(r);
      if (problem != null) {
        out.add(new DistributedPass.RecordOutcome(order, file, null, r.id(), 0, problem,
            DistributedPass.BAD_RECORD));
        return;
      }
      out.add(new DistributedPass.RecordOutcome(order, file, null, r.id(), r.length(), null,
          DistributedPass.ADMITTED));
      task.scan(r, candidates);
    }
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
    private long order;
    private long sent;
    private boolean summarized;

    Emitter(DistributedPass.Plan plan, int partition, String[] names, boolean[] jsonl, Iterator<Item> items) {
      this.task = plan.task();
      this.partition = partition;
      this.items = items;
      this.reader = new Reader(task, names, jsonl, plan.maxRecordBytes());
      this.h = task.contextWidth();
      this.seen = plan.deduplicates() ? new LongHashSet(1 << 16) : null;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && items.hasNext()) {
        Item item = items.next();
        order = ((long) item.file() << LINE_BITS) | item.line();
        reader.read(item, outcomes, (unit, seq, pos) -> {
          if (seen != null && !seen.add(unit)) {
            return; // a later occurrence in this partition: never the first in input order
          }
          long[] v = new long[3 + h];
          v[0] = order;
          v[1] = pos;
          for (int j = 0; j <= h; j++) {
            v[2 + j] = seq[pos - h + j];
          }
          ready.add(new Tuple2<>(seen != null ? unit : ((long) partition << LINE_BITS) | sent++, v));
        });
      }
      if (ready.isEmpty() && !summarized) {
        summarized = true;
        ready.add(new Tuple2<>(partition, bytes(new Summary(outcomes, task.counts()))));
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
