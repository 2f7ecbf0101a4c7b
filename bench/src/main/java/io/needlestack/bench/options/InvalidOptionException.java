package io.needlestack.bench.options;

/** A command line the tool cannot run: the message says which option and why. */
public final class InvalidOptionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An invalid option, described by {@code message}. */
  public InvalidOptionException(String message) {
    super(message);
  }
}
