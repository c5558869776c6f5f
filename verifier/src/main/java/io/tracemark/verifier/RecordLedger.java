package io.tracemark.verifier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * What the reading thread knows about the records of one run: each record read is checked (not
 * empty, every token id inside the vocabulary, per-token weights when the test reads them) and either admitted, with an index, its id and its
 * length, or handed to the {@link BadRecords} policy. Reports progress in tokens. Not thread-safe.
 */
final class RecordLedger {
  private static final int PROGRESS_STEP = 1 << 16;

  private final int vocabularySize;
  private final LongConsumer progress;
  private final boolean weightsRequired;
  final BadRecords bad;
  long recordsRead;
  long tokensRead;
  final List<String> ids = new ArrayList<>();
  long[] tokens = new long[256];
  private long nextProgress = PROGRESS_STEP;

  /** With {@code weightsRequired}, a record without per-token weights is bad (the weights come with the records). */
  RecordLedger(int vocabularySize, BadRecordPolicy policy, LongConsumer progress, boolean weightsRequired) {
    this.vocabularySize = vocabularySize;
    this.weightsRequired = weightsRequired;
    this.progress = progress;
    this.bad = new BadRecords(policy, message -> new IllegalArgumentException("record " + message));
  }

  /** Counts and checks a record: its index, or -1 when it is skipped as bad. */
  int accept(SuspectRecord record) {
    recordsRead++;
    String problem = problem(record);
    if (problem != null) {
      bad.bad(record.id(), problem);
      return -1;
    }
    return add(record.id(), record.length());
  }

  /** Counts and checks an owner text of reading mode: its index, or -1 when it is skipped as bad. */
  int acceptText(String id, int[] text) {
    recordsRead++;
    String problem = text.length == 0 ? "empty record" : outOfRange(text, "token");
    if (problem != null) {
      bad.bad(id, problem);
      return -1;
    }
    return add(id, text.length);
  }

  /** Counts a record found bad elsewhere by {@link #problem} (a pass run elsewhere), under the policy. */
  void rejected(String id, String problem) {
    recordsRead++;
    bad.bad(id, problem);
  }

  /** Counts a record found good elsewhere by {@link #problem} (a pass run elsewhere): its index. */
  int admitted(String id, long length) {
    recordsRead++;
    return add(id, length);
  }

  private int add(String id, long length) {
    int index = ids.size();
    ids.add(id);
    if (index == tokens.length) {
      tokens = Arrays.copyOf(tokens, index * 2);
    }
    tokens[index] = length;
    tokensRead += length;
    if (progress != null && tokensRead >= nextProgress) {
      progress.accept(tokensRead);
      nextProgress = tokensRead + PROGRESS_STEP;
    }
    return index;
  }

  /** Tells the progress listener the final count. */
  void finish() {
    if (progress != null) {
      progress.accept(tokensRead);
    }
  }

  /** Records admitted. */
  int size() {
    return ids.size();
  }

  /** Why the record is bad (empty, an id outside the vocabulary, weights missing), or null when it is good. */
  String problem(SuspectRecord record) {
    if (record.length() == 0) {
      return "empty record";
    }
    if (weightsRequired && record.weightsUnsafe() == null) {
      return "no per-token weights (the weighted test reads one weight per answer token from each record)";
    }
    String answer = outOfRange(record.answerUnsafe(), "token");
    return answer != null ? answer : outOfRange(record.promptUnsafe(), "prompt token");
  }

  private String outOfRange(int[] ids, String what) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocabularySize) {
        return String.format(Locale.ROOT, "%s id at index %d must be between 0 and %d, was %d", what, i,
            vocabularySize - 1, ids[i]);
      }
    }
    return null;
  }
}
