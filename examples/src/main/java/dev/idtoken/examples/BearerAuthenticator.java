package dev.idtoken.examples;

import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.ValidationResult;
import dev.idtoken.validator.VerifiedIdToken;
import java.util.Objects;
import java.util.Optional;

/**
 * What a servlet filter in front of an API does, without the servlet API so that the example stays
 * small: take the {@code Authorization} header, validate the ID token, and answer with the user or
 * with the status and {@code WWW-Authenticate} header to send.
 *
 * <p>Thread-safe: share one instance.
 */
public final class BearerAuthenticator {
  private final IdTokenValidator validator;

  /** Authenticates with the given validator. */
  public BearerAuthenticator(IdTokenValidator validator) {
    this.validator = Objects.requireNonNull(validator, "validator");
  }

  /**
   * The outcome for one request.
   *
   * @param status 200 when authenticated, 401 when the token is missing or bad, 503 when it could not
   *     be checked right now
   * @param user the local user key ({@code iss} and {@code sub} together), when authenticated
   * @param wwwAuthenticate the header to send with a 401
   */
  public record Outcome(int status, Optional<String> user, Optional<String> wwwAuthenticate) {}

  /** Authenticates the request that carried this {@code Authorization} header (or null). */
  public Outcome authenticate(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Outcome(401, Optional.empty(), Optional.of("Bearer"));
    }
    ValidationResult result = validator.validate(authorizationHeader.substring(7).trim());
    if (result instanceof ValidationResult.Valid valid) {
      VerifiedIdToken id = valid.token();
      // sub is unique only within its issuer, so the local key is the pair.
      return new Outcome(200, Optional.of(id.issuer() + "|" + id.subject()), Optional.empty());
    }
    if (result instanceof ValidationResult.Invalid invalid) {
      return new Outcome(401, Optional.empty(), Optional.of(invalid.wwwAuthenticate()));
    }
    return new Outcome(503, Optional.empty(), Optional.empty());
  }
}
