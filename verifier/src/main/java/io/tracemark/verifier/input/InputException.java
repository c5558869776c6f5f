package io.tracemark.verifier.input;

/**
 * A problem with the input (unreadable file, malformed record under {@code --on-bad-record=fail},
 * wrong key file…). The message is one line naming the file, the line when there is one, and the
 * reason; it never contains secret material.
 */
public class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An input error with a one-line message. */
  public InputException(String message) {
    super(message);
  }

  /** An input error with a one-line message and its cause (not shown to users). */
  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
