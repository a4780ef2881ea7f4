package dev.idtoken.validator;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of validating an ID token: {@link Valid}, {@link Invalid} (the token is bad: answer
 * 401), {@link Unavailable} (the keys or the replay store could not be reached: answer 503 and let
 * the client retry) or {@link Failed} (an unexpected internal failure, such as a defective key source
 * or a JCA provider that throws: answer 500, never 401). {@code validate} never throws for any token.
 *
 * <p>Immutable and thread-safe. Typical use:
 *
 * <pre>{@code
 * ValidationResult result = validator.validate(token, expectations);
 * if (result instanceof ValidationResult.Valid valid) {
 *   VerifiedIdToken id = valid.token();
 * } else if (result instanceof ValidationResult.Invalid invalid) {
 *   response.setHeader("WWW-Authenticate", invalid.wwwAuthenticate());
 *   response.sendError(401);
 * } else if (result instanceof ValidationResult.Unavailable unavailable) {
 *   unavailable.retryAfter().ifPresent(d -> response.setHeader("Retry-After", seconds(d)));
 *   response.sendError(503);
 * } else {
 *   response.sendError(500);
 * }
 * }</pre>
 */
public sealed interface ValidationResult
    permits ValidationResult.Valid, ValidationResult.Invalid, ValidationResult.Unavailable,
        ValidationResult.Failed {

  /** True only for {@link Valid}. */
  default boolean isValid() {
    return this instanceof Valid;
  }

  /** The token passed every check. */
  record Valid(VerifiedIdToken token) implements ValidationResult {
    /** Checks the token is present. */
    public Valid {
      Objects.requireNonNull(token, "token");
    }
  }

  /**
   * The token is bad. Structural and signature failures stop at the first error; the claim checks
   * after a good signature report every failed claim.
   *
   * @param errors at least one error, in the order of OpenID Connect Core §3.1.3.7
   */
  record Invalid(List<ValidationError> errors) implements ValidationResult {
    /** Copies the errors and checks there is at least one. */
    public Invalid {
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("an invalid result needs at least one error");
      }
    }

    /** The first error's code: the one to log or count. */
    public ErrorCode code() {
      return errors.get(0).code();
    }

    /** Whether any error has this code. */
    public boolean has(ErrorCode code) {
      for (ValidationError error : errors) {
        if (error.code() == code) {
          return true;
        }
      }
      return false;
    }

    /** The RFC 6750 §3.1 error code for a {@code WWW-Authenticate} header: always {@code invalid_token}. */
    public String bearerError() {
      return "invalid_token";
    }

    /**
     * A ready {@code WWW-Authenticate} header value (RFC 6750 §3), for example
     * {@code Bearer error="invalid_token", error_description="The token has expired."}. The
     * description is the first error's fixed message, which quotes nothing from the token.
     */
    public String wwwAuthenticate() {
      return "Bearer error=\"" + bearerError() + "\", error_description=\""
          + errors.get(0).code().message() + "\"";
    }
  }

  /**
   * The token could not be checked because no usable keys could be obtained (the provider is down,
   * slow or broken and the cached keys are too old), or because the {@link ReplayGuard} could not
   * answer. Not the token's fault: answer 503.
   *
   * @param error {@link ErrorCode#KEYS_UNAVAILABLE} or {@link ErrorCode#REPLAY_CHECK_UNAVAILABLE}
   * @param retryAfter when known, how long until the key source will next try to obtain keys: the
   *     value for an HTTP {@code Retry-After} header (round up to whole seconds)
   */
  record Unavailable(ValidationError error, Optional<Duration> retryAfter) implements ValidationResult {
    /** Checks the error's code is an availability code ({@link ErrorCode#isUnavailable()}) and the hint is not negative. */
    public Unavailable {
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (!error.code().isUnavailable()) {
        throw new IllegalArgumentException("not an availability error: " + error.code());
      }
      if (retryAfter.isPresent() && retryAfter.get().isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative");
      }
    }

    /** An outage with no retry hint. */
    public Unavailable(ValidationError error) {
      this(error, Optional.empty());
    }
  }

  /**
   * The token could not be checked because of an unexpected internal failure: a defective
   * {@link KeySource} or trusted-issuer lookup, a JCA provider that throws, a missing class at run
   * time. Neither the token's fault nor a passing outage: answer 500, never 401, and look at the
   * application's logs (one ERROR line names the exception's type, never its message).
   *
   * @param error always {@link ErrorCode#INTERNAL_ERROR}
   */
  record Failed(ValidationError error) implements ValidationResult {
    /** Checks the error is an {@link ErrorCode#INTERNAL_ERROR}. */
    public Failed {
      Objects.requireNonNull(error, "error");
      if (error.code() != ErrorCode.INTERNAL_ERROR) {
        throw new IllegalArgumentException("not an internal error: " + error.code());
      }
    }
  }
}
