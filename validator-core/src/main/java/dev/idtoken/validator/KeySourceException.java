package dev.idtoken.validator;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown by a {@link KeySource} that could not obtain keys: the provider is down, slow, or served
 * something unusable, and no cached keys may be used any more.
 *
 * <p>This is "we could not check the token", not "the token is bad": the validator turns it into
 * {@link ValidationResult.Unavailable}, which callers answer with 503 rather than 401. The message
 * must be safe to log (no token, no key material). A key source that knows when it will next try
 * to fetch passes that delay as {@link #retryAfter()}, which reaches callers as
 * {@link ValidationResult.Unavailable#retryAfter()} (an HTTP {@code Retry-After}).
 */
public class KeySourceException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter; // null when unknown

  /** Creates the exception with a message that is safe to log. */
  public KeySourceException(String message) {
    super(message);
    this.retryAfter = null;
  }

  /** Creates the exception with a message that is safe to log and the underlying cause. */
  public KeySourceException(String message, Throwable cause) {
    super(message, cause);
    this.retryAfter = null;
  }

  /**
   * Creates the exception with a message that is safe to log and a hint of when to retry.
   *
   * @param retryAfter how long until the key source will next try to obtain keys; not negative
   * @throws IllegalArgumentException if {@code retryAfter} is negative
   */
  public KeySourceException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = checkRetryAfter(retryAfter);
  }

  /**
   * Creates the exception with a message that is safe to log, the underlying cause and a hint of
   * when to retry.
   *
   * @throws IllegalArgumentException if {@code retryAfter} is negative
   */
  public KeySourceException(String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.retryAfter = checkRetryAfter(retryAfter);
  }

  /** How long until the key source will next try to obtain keys, when it knows. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  private static Duration checkRetryAfter(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative");
    }
    return retryAfter;
  }
}
