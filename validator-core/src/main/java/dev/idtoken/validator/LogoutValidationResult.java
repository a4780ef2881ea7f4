package dev.idtoken.validator;

import java.util.Objects;

/**
 * The outcome of validating a back-channel logout token: {@link Valid}, or {@link Refused} with the
 * reason as a {@link ValidationResult} that is never {@link ValidationResult.Valid}.
 *
 * <p>Immutable and thread-safe. OpenID Connect Back-Channel Logout 1.0 §2.8 asks the logout endpoint
 * to answer 200 for a valid token and 400 for a bad one ({@link ValidationResult.Invalid}); {@link
 * ValidationResult.Unavailable} means the keys could not be obtained (answer 503 so the provider may
 * retry), {@link ValidationResult.Failed} an internal defect (500):
 *
 * <pre>{@code
 * LogoutValidationResult result = logoutValidator.validate(logoutToken);
 * if (result instanceof LogoutValidationResult.Valid valid) {
 *   sessions.end(valid.token().issuer(), valid.token().subject(), valid.token().sessionId());
 *   response.setStatus(200);
 * } else if (((LogoutValidationResult.Refused) result).reason() instanceof ValidationResult.Invalid) {
 *   response.setStatus(400);
 * } else if (((LogoutValidationResult.Refused) result).reason() instanceof ValidationResult.Unavailable) {
 *   response.setStatus(503);
 * } else {
 *   response.setStatus(500);
 * }
 * }</pre>
 */
public sealed interface LogoutValidationResult
    permits LogoutValidationResult.Valid, LogoutValidationResult.Refused {

  /** True only for {@link Valid}. */
  default boolean isValid() {
    return this instanceof Valid;
  }

  /** The token passed every check of §2.6. */
  record Valid(VerifiedLogoutToken token) implements LogoutValidationResult {
    /** Checks the token is present. */
    public Valid {
      Objects.requireNonNull(token, "token");
    }
  }

  /**
   * The token was not accepted.
   *
   * @param reason why: {@link ValidationResult.Invalid} when the token is bad, with the same typed
   *     errors an ID token gets (plus {@link ErrorCode#NOT_A_LOGOUT_TOKEN}); {@link
   *     ValidationResult.Unavailable} or {@link ValidationResult.Failed} when it could not be checked
   */
  record Refused(ValidationResult reason) implements LogoutValidationResult {
    /** Checks the reason is present and is not a valid result. */
    public Refused {
      Objects.requireNonNull(reason, "reason");
      if (reason.isValid()) {
        throw new IllegalArgumentException("a valid result is no refusal");
      }
    }
  }
}
