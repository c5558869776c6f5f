package io.tracemark.verifier;

import io.tracemark.verifier.internal.TaskGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One pass over the suspect records, split by unit fingerprint over partitions: the calling
 * thread reads the records in order, admits each through the record ledger, and hands typed
 * batches to every partition; each partition runs as one task (on the caller's {@link Executor},
 * or a thread of its own) and sees every record in order, scoring only the units it owns. With
 * one partition everything runs on the calling thread.
 *
 * <p>However the pass ends — the end of the input, an exception from the records, a partition or
 * a bound, an interrupt — every partition has been {@linkplain Partition#close() closed} and every
 * task has ended when {@link #run} returns; an interrupt ends it with an {@link
 * IllegalStateException} and leaves the thread's interrupt status set.
 */
final class PartitionedPass {
  /** Tokens per batch handed to the partitions. */
  static final int BATCH_TOKENS = 1 << 16;
  private static final Batch END = new Batch(new SuspectRecord[0], new int[0], 0);

  private PartitionedPass() {}

  /** What one partition does with the records handed to it; called by one task only. */
  interface Partition {
    /** Scores the units of the record that this partition owns. */
    void score(SuspectRecord record, int index);

    /** After the last record: finishes pending work (the spilled tape). */
    void finish();

    /** Releases what the partition holds (spill files), however the pass ended. */
    void close();
  }

  /** Admits a record: its index in the record ledger, or -1 when it is skipped as bad. */
  @FunctionalInterface
  interface Admission {
    int admit(SuspectRecord record);
  }

  /** Records with their ledger indexes, in input order; {@code size} of the arrays are used. */
  record Batch(SuspectRecord[] records, int[] indexes, int size) {
    static Batch ofCapacity(int n) {
      return new Batch(new SuspectRecord[n], new int[n], 0);
    }

    Batch plus(SuspectRecord r, int index) {
      SuspectRecord[] rs = records;
      int[] is = indexes;
      if (size == rs.length) {
        rs = Arrays.copyOf(rs, Math.max(16, size * 2));
        is = Arrays.copyOf(is, rs.length);
      }
      rs[size] = r;
      is[size] = index;
      return new Batch(rs, is, size + 1);
    }
  }

  /** Runs the pass; see the class comment. */
  static void run(Iterable<SuspectRecord> records, Admission admission, List<? extends Partition> parts,
      Executor executor) {
    Objects.requireNonNull(records, "records");
    if (parts.size() == 1) {
      Partition p = parts.get(0);
      try {
        for (SuspectRecord record : records) {
          Objects.requireNonNull(record, "record");
          int index = admission.admit(record);
          if (index >= 0) {
            p.score(record, index);
          }
        }
        p.finish();
      } finally {
        p.close();
      }
      return;
    }
    List<BlockingQueue<Batch>> queues = new ArrayList<>();
    TaskGroup group = new TaskGroup(executor, "tracemark-verify");
    try {
      for (Partition p : parts) {
        BlockingQueue<Batch> q = new ArrayBlockingQueue<>(4);
        queues.add(q);
        group.start(() -> {
          try {
            while (!group.cancelled()) {
              Batch batch = q.poll(100, TimeUnit.MILLISECONDS);
              if (batch == null) {
                continue;
              }
              if (batch == END) {
                p.finish();
                return;
              }
              for (int i = 0; i < batch.size() && !group.cancelled(); i++) {
                p.score(batch.records()[i], batch.indexes()[i]);
              }
            }
          } finally {
            q.clear();
            p.close();
          }
        });
      }
      try {
        Batch batch = Batch.ofCapacity(64);
        long batchTokens = 0;
        for (SuspectRecord record : records) {
          if (group.cancelled()) {
            break; // a partition failed: stop reading, report its failure
          }
          Objects.requireNonNull(record, "record");
          int index = admission.admit(record);
          if (index < 0) {
            continue;
          }
          batch = batch.plus(record, index);
          batchTokens += record.length() + record.promptLength();
          if (batchTokens >= BATCH_TOKENS) {
            hand(queues, batch, group);
            batch = Batch.ofCapacity(64);
            batchTokens = 0;
          }
        }
        if (!group.cancelled()) {
          if (batch.size() > 0) {
            hand(queues, batch, group);
          }
          hand(queues, END, group);
          group.await();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while verifying", e);
      }
    } finally {
      group.close(); // every partition has ended before the failure is looked at
    }
    group.rethrow("a verification worker");
  }

  private static void hand(List<BlockingQueue<Batch>> queues, Batch batch, TaskGroup group)
      throws InterruptedException {
    for (BlockingQueue<Batch> q : queues) {
      while (!q.offer(batch, 100, TimeUnit.MILLISECONDS)) {
        if (group.cancelled()) {
          return;
        }
      }
    }
  }
}
