package io.tracemark.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracemark.api.DedupMode;
import io.tracemark.api.KgwSpec;
import io.tracemark.api.NullDistribution;
import io.tracemark.api.TokenScorer;
import io.tracemark.api.Watermark;
import io.tracemark.api.WatermarkKey;
import io.tracemark.core.Watermarks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker threads and spill files do not outlive a verification, however it ends: normally, on a
 * bad record, on a failure inside a worker, or on an interrupt of the calling thread.
 */
class VerifierCleanupTest {
  static final int VOCAB = 4000;
  static final KgwSpec SPEC = KgwSpec.parse("kgw:gamma=0.25,h=1");
  static final Watermark WM = Watermarks.create(WatermarkKey.fromBytes(new byte[32]), SPEC, VOCAB);

  @TempDir
  Path spill;

  /** {@code count} records of random tokens: nearly every tuple distinct, so a 32 KB tape spills early. */
  static Iterable<SuspectRecord> records(int count, Runnable atRecord500) {
    return () -> new Iterator<>() {
      final SplittableRandom r = new SplittableRandom(11);
      int i;

      @Override
      public boolean hasNext() {
        return i < count;
      }

      @Override
      public SuspectRecord next() {
        if (i == 500 && atRecord500 != null) {
          atRecord500.run();
        }
        return new SuspectRecord("r" + i++, r.ints(200, 0, VOCAB).toArray());
      }
    };
  }

  /** The key's scorer, failing after {@code limit} fingerprints (taken for every position as it is read). */
  static TokenScorer failingAfter(long limit) {
    AtomicLong calls = new AtomicLong();
    TokenScorer key = WM.scorer();
    return new TokenScorer() {
      @Override
      public int contextWidth() {
        return key.contextWidth();
      }

      @Override
      public int vocabularySize() {
        return key.vocabularySize();
      }

      @Override
      public NullDistribution nullDistribution() {
        return key.nullDistribution();
      }

      @Override
      public double score(int[] tokens, int position) {
        return key.score(tokens, position);
      }

      @Override
      public long unitFingerprint(int[] tokens, int position, DedupMode mode) {
        if (calls.incrementAndGet() > limit) {
          throw new IllegalStateException("scorer failed on purpose");
        }
        return key.unitFingerprint(tokens, position, mode);
      }

      @Override
      public boolean keyDependentUnits() {
        return key.keyDependentUnits();
      }
    };
  }

  static Set<Thread> workers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("tracemark-")).collect(Collectors.toSet());
  }

  List<Path> spillFiles() throws IOException {
    try (Stream<Path> s = Files.walk(spill)) {
      return s.filter(p -> !p.equals(spill)).collect(Collectors.toList());
    }
  }

  InheritanceVerifier.Builder spilling(TokenScorer scorer) {
    return InheritanceVerifier.builder().scorer("k", scorer).threads(2).tapeMemoryBudget(32 * 1024)
        .spillDirectory(spill);
  }

  @Test
  void aFailureInAWorkerStopsTheRunAndLeavesNoThreadsOrSpillFiles() throws IOException {
    Set<Thread> before = workers();
    // a worker fails halfway through the records, long after its tape has spilled
    InheritanceVerifier v = spilling(failingAfter(200_000)).build();
    assertThatThrownBy(() -> v.closedModel(records(4000, null))).isInstanceOf(IllegalStateException.class)
        .hasMessage("scorer failed on purpose");
    Set<Thread> after = workers();
    after.removeAll(before);
    assertThat(after).extracting(Thread::getName).isEmpty();
    assertThat(spillFiles()).isEmpty();
  }

  @Test
  void anInterruptStopsTheRunAndLeavesNoThreadsOrSpillFiles() throws IOException {
    Set<Thread> before = workers();
    InheritanceVerifier v = spilling(WM.scorer()).build();
    assertThatThrownBy(() -> v.closedModel(records(4000, () -> Thread.currentThread().interrupt())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("interrupted");
    assertThat(Thread.interrupted()).as("the interrupt status is kept").isTrue();
    Set<Thread> after = workers();
    after.removeAll(before);
    assertThat(after).extracting(Thread::getName).isEmpty();
    assertThat(spillFiles()).isEmpty();
  }

  @Test
  void aBadRecordStopsTheRunAndLeavesNoThreadsOrSpillFiles() throws IOException {
    Set<Thread> before = workers();
    InheritanceVerifier v = spilling(WM.scorer()).build();
    Iterable<SuspectRecord> withBad = () -> new Iterator<>() {
      final Iterator<SuspectRecord> it = records(4000, null).iterator();
      int i;

      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public SuspectRecord next() {
        SuspectRecord r = it.next();
        return ++i == 3000 ? new SuspectRecord("bad", new int[] {1, VOCAB}) : r;
      }
    };
    assertThatThrownBy(() -> v.closedModel(withBad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("record bad: token id at index 1");
    Set<Thread> after = workers();
    after.removeAll(before);
    assertThat(after).extracting(Thread::getName).isEmpty();
    assertThat(spillFiles()).isEmpty();
    // and a run that ends normally spills, completes and cleans up too
    InheritanceResult ok = spilling(WM.scorer()).build().closedModel(records(4000, null));
    assertThat(ok.tuplesScored()).isGreaterThan(700_000);
    assertThat(spillFiles()).isEmpty();
  }

  @Test
  void spillFilesAreOwnerOnlyAndNeverWrittenThroughALink() throws IOException {
    Path target = Files.writeString(spill.resolve("victim.txt"), "untouched");
    try (SpillTape tape = new SpillTape(spill, 1)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tape.directory()))).isEqualTo("rwx------");
      long unit = 0x1234_5678_9abc_def0L;
      int p = SpillTape.partition(unit);
      // a link planted where the partition's file will be created
      Files.createSymbolicLink(tape.directory().resolve("part-" + p), target);
      assertThatThrownBy(() -> tape.append(unit, 0, new int[] {1, 2}, 1, 1)).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(tape.directory().toString());
      assertThat(Files.readString(target)).isEqualTo("untouched");
      long other = unit ^ (1L << 8); // another partition
      tape.append(other, 0, new int[] {1, 2}, 1, 1);
      Path file = tape.directory().resolve("part-" + SpillTape.partition(other));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      Files.delete(tape.directory().resolve("part-" + p));
    }
    assertThat(spillFiles()).containsExactly(target);
  }
}
