package io.tracemark.examples.cli;

/** Bad input (a file that cannot be read or parsed, a value out of range): one line, exit code 3. */
public final class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error whose message names the file, line and value. */
  public InputException(String message) {
    super(message);
  }
}
