package io.tracemark.verifier;

/**
 * A verification stopped because its deduplication tapes would outgrow their memory bound. Only
 * schemes whose dedup units depend on the key (self seeding) can raise it: their tapes, one per
 * key, cannot spill to disk. The message says how far the run got and what to change.
 */
public final class TapeMemoryExceededException extends MemoryBoundException {
  private static final long serialVersionUID = 1L;

  /** With the message shown to the user. */
  public TapeMemoryExceededException(String message) {
    super(message);
  }
}
