package dev.idtoken.validator;

/**
 * Thrown by a {@link KeySource} that could not obtain keys: the provider is down, slow, or served
 * something unusable, and no cached keys may be used any more.
 *
 * <p>This is "we could not check the token", not "the token is bad": the validator turns it into
 * {@link ValidationResult.Unavailable}, which callers answer with 503 rather than 401. The message
 * must be safe to log (no token, no key material).
 */
public class KeySourceException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that is safe to log. */
  public KeySourceException(String message) {
    super(message);
  }

  /** Creates the exception with a message that is safe to log and the underlying cause. */
  public KeySourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
