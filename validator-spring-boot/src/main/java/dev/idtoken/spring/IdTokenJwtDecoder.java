package dev.idtoken.spring;

import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.MultiIssuerValidator;
import dev.idtoken.validator.ValidationResult;
import dev.idtoken.validator.VerifiedIdToken;
import java.util.Objects;
import java.util.function.Function;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * A Spring Security {@link JwtDecoder} that validates ID tokens with an {@link IdTokenValidator} or a
 * {@link MultiIssuerValidator}, for {@code http.oauth2ResourceServer(rs -> rs.jwt(...))}.
 *
 * <p>Thread-safe and immutable. Each outcome of the validator has its own exception, and so its own
 * HTTP answer:
 *
 * <ul>
 *   <li>valid: a {@link Jwt} with the checked header ({@code alg}, {@code kid}, {@code typ}) and every
 *       claim, times as {@link java.time.Instant};
 *   <li>invalid: {@link InvalidIdTokenException}, a {@code BadJwtException} whose message is the fixed
 *       description of the first error; Spring Security answers 401 with
 *       {@code WWW-Authenticate: Bearer error="invalid_token", error_description="..."};
 *   <li>keys unavailable: {@link IdTokenKeysUnavailableException}, which the starter's filter answers
 *       503 with {@code Retry-After} (without that filter Spring Security would answer 500);
 *   <li>internal failure (a defective key source, a throwing JCA provider): a plain
 *       {@link JwtException}, which Spring Security rethrows, so the answer is 500, never 401.
 * </ul>
 *
 * <p>The auto-configuration declares one when {@code idtoken.*} is set (or an {@code IdTokenValidator}
 * bean exists) and no other {@code JwtDecoder} is declared; Spring Boot's resource-server
 * configuration, or the application's own {@code oauth2ResourceServer(rs -> rs.jwt(withDefaults()))},
 * then uses it. No per-request expectations are checked ({@code nonce} belongs to the sign-in, not to
 * each API call).
 */
public final class IdTokenJwtDecoder implements JwtDecoder {
  /** The message of the exception for an internal failure: generic, safe to show. */
  static final String INTERNAL_ERROR_MESSAGE = "The token could not be checked because of an internal error.";

  private final Function<String, ValidationResult> validator;

  /**
   * A decoder for one issuer.
   *
   * @throws NullPointerException if {@code validator} is null
   */
  public IdTokenJwtDecoder(IdTokenValidator validator) {
    Objects.requireNonNull(validator, "validator");
    this.validator = validator::validate;
  }

  /**
   * A decoder for several issuers, each chosen by the token's {@code iss}.
   *
   * @throws NullPointerException if {@code validator} is null
   */
  public IdTokenJwtDecoder(MultiIssuerValidator validator) {
    Objects.requireNonNull(validator, "validator");
    this.validator = validator::validate;
  }

  /**
   * Validates the token.
   *
   * @throws InvalidIdTokenException if the token is bad (401)
   * @throws IdTokenKeysUnavailableException if the keys could not be obtained (503)
   * @throws IdTokenInternalErrorException on an internal failure (500)
   */
  @Override
  public Jwt decode(String token) throws JwtException {
    ValidationResult result = validator.apply(token);
    if (result instanceof ValidationResult.Valid valid) {
      return toJwt(token, valid.token());
    }
    if (result instanceof ValidationResult.Invalid invalid) {
      throw new InvalidIdTokenException(invalid.errors());
    }
    if (result instanceof ValidationResult.Unavailable unavailable) {
      throw new IdTokenKeysUnavailableException(unavailable.error().code().message(),
          unavailable.retryAfter().orElse(null));
    }
    throw new IdTokenInternalErrorException(INTERNAL_ERROR_MESSAGE);
  }

  private static Jwt toJwt(String token, VerifiedIdToken verified) {
    return Jwt.withTokenValue(token)
        .headers(headers -> headers.putAll(verified.header()))
        .claims(claims -> claims.putAll(verified.claimsWithInstants()))
        .build();
  }

  @Override
  public String toString() {
    return "IdTokenJwtDecoder";
  }
}
