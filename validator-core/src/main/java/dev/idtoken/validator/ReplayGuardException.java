package dev.idtoken.validator;

/**
 * Thrown by a {@link ReplayGuard} whose store could not answer: unreachable, too slow, or full.
 *
 * <p>This is "we could not check the token", not "the token is bad": the validator turns it into
 * {@link ValidationResult.Unavailable} with {@link ErrorCode#REPLAY_CHECK_UNAVAILABLE} (answer 503),
 * and never accepts the token on that call. The message must be safe to log (no token, no key).
 */
public class ReplayGuardException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that is safe to log. */
  public ReplayGuardException(String message) {
    super(message);
  }

  /** Creates the exception with a message that is safe to log and the underlying cause. */
  public ReplayGuardException(String message, Throwable cause) {
    super(message, cause);
  }
}
