package dev.idtoken.spring;

import java.time.Duration;
import java.util.Optional;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * The token could not be checked because the provider's keys could not be obtained: not the token's
 * fault. The starter's {@code IdTokenUnavailableFilter} answers it 503 with {@code Retry-After}.
 *
 * <p>Immutable. Deliberately not a {@link org.springframework.security.oauth2.jwt.BadJwtException}:
 * Spring Security would answer that 401 and the client would drop a good token.
 */
public final class IdTokenKeysUnavailableException extends JwtException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  IdTokenKeysUnavailableException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  /** When the keys may be fetched again, if the key source said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
