package dev.idtoken.validator;

import java.util.List;
import java.util.Objects;

/**
 * Thrown by {@link IdTokenValidator#validateOrThrow} when a token is not accepted. Carries the same
 * typed outcome as {@link IdTokenValidator#validate}; its message is safe to show to the caller.
 */
public final class IdTokenValidationException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient ValidationResult result;

  IdTokenValidationException(ValidationResult result) {
    super(messageOf(result), null, false, false);
    this.result = Objects.requireNonNull(result);
  }

  private static String messageOf(ValidationResult result) {
    return errorsOf(result).get(0).message();
  }

  private static List<ValidationError> errorsOf(ValidationResult result) {
    if (result instanceof ValidationResult.Invalid) {
      return ((ValidationResult.Invalid) result).errors();
    }
    if (result instanceof ValidationResult.Unavailable) {
      return List.of(((ValidationResult.Unavailable) result).error());
    }
    if (result instanceof ValidationResult.Failed) {
      return List.of(((ValidationResult.Failed) result).error());
    }
    throw new IllegalArgumentException("a valid result is no failure");
  }

  /**
   * The outcome: {@link ValidationResult.Invalid}, {@link ValidationResult.Unavailable} or
   * {@link ValidationResult.Failed}.
   */
  public ValidationResult result() {
    return result;
  }

  /** Every error (one for {@link ValidationResult.Unavailable} and {@link ValidationResult.Failed}). */
  public List<ValidationError> errors() {
    return errorsOf(result);
  }

  /** The first error's code. */
  public ErrorCode code() {
    return errors().get(0).code();
  }

  /** True when the keys or the replay store could not be reached (answer 503). */
  public boolean isUnavailable() {
    return result instanceof ValidationResult.Unavailable;
  }

  /** True when the check failed unexpectedly (answer 500); false for a bad token or an outage. */
  public boolean isInternalFailure() {
    return result instanceof ValidationResult.Failed;
  }
}
