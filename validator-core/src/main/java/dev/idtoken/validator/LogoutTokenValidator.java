package dev.idtoken.validator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates OpenID Connect Back-Channel Logout 1.0 logout tokens (§2.6) for the provider and client
 * of an {@link IdTokenValidator}, with the same keys, algorithms, issuer, client id, audiences, clock
 * skew and clock.
 *
 * <p>Immutable and thread-safe: create one next to the ID token validator and share it. The checks,
 * in the order of §2.6: the signature exactly as for an ID token ({@code none} impossible, the
 * algorithm from the allow-list and the key); the header {@code typ}, which may be absent, {@code JWT}
 * or {@code logout+jwt} (absent is accepted because §2.4 only recommends explicit typing and the
 * OpenID conformance suite's own logout tokens carry none); {@code iss}, {@code aud}, {@code iat} and
 * {@code exp} as for an ID token (all four required); a {@code sub}, a {@code sid} or both; an {@code
 * events} object whose {@code http://schemas.openid.net/event/backchannel-logout} member is a JSON
 * object; no {@code nonce}; and a {@code jti}. Replay detection of {@code jti} is left to the caller
 * (step 7 is optional). Rejections are logged at debug level with the reason code only.
 *
 * <pre>{@code
 * LogoutTokenValidator logout = LogoutTokenValidator.of(idTokenValidator);
 * LogoutValidationResult result = logout.validate(request.getParameter("logout_token"));
 * }</pre>
 *
 * <p>An {@link IdTokenValidator} refuses every logout token ({@link ErrorCode#LOGOUT_TOKEN}), and this
 * validator refuses every ID token ({@link ErrorCode#NOT_A_LOGOUT_TOKEN}: it has no logout event).
 */
public final class LogoutTokenValidator {
  private static final Logger log = LoggerFactory.getLogger(LogoutTokenValidator.class);

  private final IdTokenValidator idTokens;
  private final JwsVerifier jwsVerifier;

  private LogoutTokenValidator(IdTokenValidator idTokens) {
    this.idTokens = idTokens;
    this.jwsVerifier = new JwsVerifier(idTokens.allowedAlgorithms(), idTokens.keySource,
        idTokens.clientSecret, JwsVerifier.TypeRule.LOGOUT_TOKEN, idTokens.signatures);
  }

  /**
   * A logout token validator sharing the ID token validator's issuer, client id, key source,
   * algorithms, trusted audiences, clock skew, maximum token age and size, and clock.
   *
   * @throws NullPointerException if {@code idTokenValidator} is null
   */
  public static LogoutTokenValidator of(IdTokenValidator idTokenValidator) {
    return new LogoutTokenValidator(Objects.requireNonNull(idTokenValidator, "idTokenValidator"));
  }

  /** The issuer whose logout tokens this validator accepts. */
  public String issuer() {
    return idTokens.issuer();
  }

  /** The client id that must be an audience. */
  public String clientId() {
    return idTokens.clientId();
  }

  /**
   * Validates a logout token. Never throws for any token: an unexpected internal failure is refused
   * with {@link ValidationResult.Failed} as its reason.
   *
   * @param token the compact serialised logout token (the {@code logout_token} form parameter); null
   *     is reported as {@link ErrorCode#MALFORMED_TOKEN}
   */
  public LogoutValidationResult validate(String token) {
    LogoutValidationResult result;
    try {
      result = doValidate(token);
    } catch (Rejection rejection) {
      result = new LogoutValidationResult.Refused(rejection.result);
    } catch (RuntimeException | LinkageError e) {
      result = new LogoutValidationResult.Refused(Failures.internal(e)); // as IdTokenValidator does
    }
    if (result instanceof LogoutValidationResult.Refused && log.isDebugEnabled()) {
      log.debug("Logout token not accepted: {}",
          IdTokenValidator.describe(((LogoutValidationResult.Refused) result).reason()));
    }
    return result;
  }

  private LogoutValidationResult doValidate(String token) throws Rejection {
    if (token == null || token.isEmpty()) {
      throw Rejection.invalid(ErrorCode.MALFORMED_TOKEN);
    }
    if (token.length() > idTokens.maxTokenSize()) {
      throw Rejection.invalid(ErrorCode.TOKEN_TOO_LARGE);
    }
    // §2.6 step 2: the signature, as for an ID token (Core §3.1.3.7 steps 6-8).
    JwsVerifier.Verified jws = jwsVerifier.verify(token);
    Json.Claims claims = Json.parseClaims(jws.payload);
    if (claims == null) {
      throw Rejection.invalid(ErrorCode.MALFORMED_TOKEN, "payload");
    }
    List<ValidationError> errors = new ArrayList<>(0);
    VerifiedLogoutToken verified = idTokens.claimChecks().checkLogout(claims, jws.algorithm,
        idTokens.clock().instant(), errors);
    if (verified == null) {
      return new LogoutValidationResult.Refused(new ValidationResult.Invalid(errors));
    }
    return new LogoutValidationResult.Valid(verified);
  }

  @Override
  public String toString() {
    return "LogoutTokenValidator[issuer=" + idTokens.issuer() + ", clientId=" + idTokens.clientId() + "]";
  }
}
