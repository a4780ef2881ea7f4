package dev.idtoken.spring;

import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.ValidationError;
import java.util.List;
import org.springframework.security.oauth2.jwt.BadJwtException;

/**
 * The ID token is bad: Spring Security answers 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token", error_description="..."} (RFC 6750 §3.1).
 *
 * <p>Immutable. The message, which becomes the {@code error_description}, is the first error's fixed
 * text ({@link ErrorCode#message()}): it quotes nothing from the token.
 */
public final class InvalidIdTokenException extends BadJwtException {
  private static final long serialVersionUID = 1L;

  private final transient List<ValidationError> errors;

  InvalidIdTokenException(List<ValidationError> errors) {
    super(errors.get(0).code().message());
    this.errors = List.copyOf(errors);
  }

  /** The first error's code: the one to log or count. */
  public ErrorCode code() {
    return errors.get(0).code();
  }

  /** Every error found, in the order of OpenID Connect Core §3.1.3.7. */
  public List<ValidationError> errors() {
    return errors;
  }
}
