package io.tracemark.verifier;

/**
 * A verification stopped before it outgrew one of its memory bounds (the owner filter's windows,
 * per-key dedup tapes). The message names the bound, the option that sets it and how far the run
 * got; the CLI exits with the input-error code.
 */
public class MemoryBoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With the message shown to the user. */
  public MemoryBoundException(String message) {
    super(message);
  }
}
