package dev.idtoken.spring;

import org.springframework.security.oauth2.jwt.JwtException;

/**
 * The token could not be checked because validation failed internally (a defective key source, a
 * JCA provider that throws): neither the token's fault nor a passing outage. The starter's filter
 * answers it 500, never 401.
 *
 * <p>Immutable. The message is generic; the validator logged the failure's type.
 */
public final class IdTokenInternalErrorException extends JwtException {
  private static final long serialVersionUID = 1L;

  IdTokenInternalErrorException(String message) {
    super(message);
  }
}
