package io.tracemark.verifier.report;

import io.tracemark.verifier.InheritanceResult.SkippedRecord;
import io.tracemark.verifier.input.InputFile;
import java.util.List;
import java.util.Objects;

/**
 * Everything an evidence report says besides the {@link io.tracemark.verifier.InheritanceResult}:
 * the scheme, the key's public identity, the options and the inputs read. {@link
 * EvidenceReport#of} assembles the report from a result and these inputs alone; nothing is added
 * to a report after it is built. {@link io.tracemark.verifier.Verification#reportInputs()} gives
 * the inputs of a run. An immutable value; nothing in it is secret.
 *
 * @param created when the report was made (ISO-8601, seconds), or null to omit the field
 * @param scheme the scheme block
 * @param key the key block
 * @param options the options block
 * @param corpus the files read and the records skipped
 */
public record ReportInputs(String created, Scheme scheme, Key key, Options options, Corpus corpus) {
  /** Checks that every block is given. */
  public ReportInputs {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(corpus, "corpus");
  }

  /**
   * The scheme block of the report.
   *
   * @param spec the canonical specification, with an interop key redacted
   * @param formatVersion the PRF format version ({@code v1}) or {@code interop}
   * @param vocabularySize the vocabulary size token ids are checked against
   * @param caveat for an interop scheme, what its reproduction does not cover; null otherwise
   */
  public record Scheme(String spec, String formatVersion, int vocabularySize, String caveat) {
    /** Checks the spec and version are given. */
    public Scheme {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(formatVersion, "formatVersion");
    }
  }

  /**
   * The key block: the public identity of the key, never the key.
   *
   * @param keyId the public key id (for an interop scheme, a sentence saying the key is in the spec)
   * @param commitment the public commitment (or why there is none)
   * @param created when the key was made, or null
   * @param tenantsTested tenant keys tested besides the master (0: only the key)
   * @param commitmentSalt hex salt of an interop commitment, or null
   * @param warning how guessable an interop scheme's key is, or null for tracemark keys
   */
  public record Key(String keyId, String commitment, String created, int tenantsTested, String commitmentSalt,
      String warning) {
    /** Checks the id and commitment are given. */
    public Key {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(commitment, "commitment");
    }
  }

  /**
   * The options block.
   *
   * @param tokenizer the tokenizer's name (with a vocabulary override noted), or {@code none (token ids)}
   * @param normalization {@code none} or the normaliser's name
   * @param dedup the dedup mode's label
   * @param promptExclusion whether prompt windows were excluded
   * @param ownerFilter the owner filter's description (report field {@code filter}), or null
   * @param onBadRecord {@code fail} or {@code skip}
   */
  public record Options(String tokenizer, String normalization, String dedup, boolean promptExclusion,
      String ownerFilter, String onBadRecord) {
    /** Checks the labels are given. */
    public Options {
      Objects.requireNonNull(tokenizer, "tokenizer");
      Objects.requireNonNull(normalization, "normalization");
      Objects.requireNonNull(dedup, "dedup");
      Objects.requireNonNull(onBadRecord, "onBadRecord");
    }
  }

  /**
   * What was read.
   *
   * @param files the suspect corpus files, with digests (report field {@code inputs.files})
   * @param ownerFilterFiles the owner's corpus files of the owner filter ({@code inputs.filter_files})
   * @param skipped records the reader skipped (malformed lines …), listed
   * @param skippedCount their total count
   * @param notRead directory entries that were not read, with the reason ({@code inputs.not_read})
   */
  public record Corpus(List<InputFile> files, List<InputFile> ownerFilterFiles, List<SkippedRecord> skipped,
      long skippedCount, List<NotRead> notRead) {
    /** Copies the lists. */
    public Corpus {
      files = List.copyOf(files);
      ownerFilterFiles = List.copyOf(ownerFilterFiles);
      skipped = List.copyOf(skipped);
      notRead = List.copyOf(notRead);
    }

    /** Records handed over in memory: no files, nothing skipped by a reader. */
    public static Corpus inMemory() {
      return new Corpus(List.of(), List.of(), List.of(), 0, List.of());
    }
  }

  /**
   * A directory entry that was not read.
   *
   * @param path the entry
   * @param input {@code suspect} or {@code filter} (the owner's corpus)
   * @param reason why (hidden, a symbolic link, not a regular file)
   */
  public record NotRead(String path, String input, String reason) {}
}
