package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.NOW;
import static dev.idtoken.validator.Fixtures.assertInvalid;
import static dev.idtoken.validator.Fixtures.assertValid;
import static dev.idtoken.validator.Fixtures.validatorFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import dev.idtoken.testkit.TokenBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OpenID Connect Back-Channel Logout 1.0 §2.6, one test per rule; and the other direction: an ID
 * token validator never accepts a logout token.
 */
class LogoutTokenValidatorTest {
  private static final String EVENT = TokenBuilder.BACKCHANNEL_LOGOUT_EVENT;

  private final TestIssuer issuer = Fixtures.issuer();
  private final IdTokenValidator idTokens = validatorFor(issuer).build();
  private final LogoutTokenValidator logout = LogoutTokenValidator.of(idTokens);

  private VerifiedLogoutToken assertLoggedOut(LogoutValidationResult result) {
    return assertInstanceOf(LogoutValidationResult.Valid.class, result, () -> "not valid: " + result)
        .token();
  }

  private void assertRefused(LogoutValidationResult result, ErrorCode... codes) {
    LogoutValidationResult.Refused refused =
        assertInstanceOf(LogoutValidationResult.Refused.class, result, () -> "not refused: " + result);
    assertInvalid(refused.reason(), codes);
  }

  @Test
  void validate_validLogoutToken_returnsSubjectSessionAndJti() {
    String token = issuer.logoutToken().claim("jti", "jti-1").sign();
    VerifiedLogoutToken verified = assertLoggedOut(logout.validate(token));
    assertEquals(Fixtures.ISSUER, verified.issuer());
    assertEquals(Optional.of(TokenBuilder.DEFAULT_SUBJECT), verified.subject());
    assertEquals(Optional.of(TokenBuilder.DEFAULT_SESSION_ID), verified.sessionId());
    assertEquals("jti-1", verified.jwtId());
    assertEquals(List.of(Fixtures.CLIENT_ID), verified.audiences());
    assertEquals(NOW, verified.issuedAt());
    assertEquals(NOW.plus(Duration.ofMinutes(2)), verified.expiresAt());
    assertFalse(verified.toString().contains(TokenBuilder.DEFAULT_SUBJECT));
    assertFalse(verified.toString().contains(TokenBuilder.DEFAULT_SESSION_ID));
  }

  @Test
  void validate_subOnly_returnsSubjectWithoutSession() {
    VerifiedLogoutToken verified = assertLoggedOut(logout.validate(issuer.logoutToken().removeClaim("sid").sign()));
    assertEquals(Optional.empty(), verified.sessionId());
    assertTrue(verified.subject().isPresent());
  }

  @Test
  void validate_sidOnly_returnsSessionWithoutSubject() {
    VerifiedLogoutToken verified = assertLoggedOut(logout.validate(issuer.logoutToken().removeClaim("sub").sign()));
    assertEquals(Optional.empty(), verified.subject());
    assertTrue(verified.sessionId().isPresent());
  }

  @Test
  void validate_neitherSubNorSid_returnsMissingClaim() {
    assertRefused(logout.validate(issuer.logoutToken().removeClaim("sub").removeClaim("sid").sign()),
        ErrorCode.MISSING_CLAIM);
  }

  @Test
  void validate_noEvents_returnsNotALogoutToken() {
    assertRefused(logout.validate(issuer.logoutToken().removeClaim("events").sign()),
        ErrorCode.NOT_A_LOGOUT_TOKEN);
  }

  @Test
  void validate_otherEventOnly_returnsNotALogoutToken() {
    String token = issuer.logoutToken()
        .claim("events", Map.of("http://schemas.openid.net/event/foobar", Map.of())).sign();
    assertRefused(logout.validate(token), ErrorCode.NOT_A_LOGOUT_TOKEN);
  }

  @Test
  void validate_eventValueNotAnObject_returnsNotALogoutToken() {
    assertRefused(logout.validate(issuer.logoutToken().claim("events", Map.of(EVENT, "yes")).sign()),
        ErrorCode.NOT_A_LOGOUT_TOKEN);
    assertRefused(logout.validate(issuer.logoutToken().claim("events", List.of(EVENT)).sign()),
        ErrorCode.NOT_A_LOGOUT_TOKEN);
  }

  @Test
  void validate_eventAmongOthers_isValid() {
    String token = issuer.logoutToken()
        .claim("events", Map.of(EVENT, Map.of(), "https://example.com/other", Map.of("x", 1))).sign();
    assertLoggedOut(logout.validate(token));
  }

  @Test
  void validate_withNonce_returnsNotALogoutToken() {
    LogoutValidationResult result = logout.validate(issuer.logoutToken().nonce("n-1").sign());
    assertRefused(result, ErrorCode.NOT_A_LOGOUT_TOKEN);
    ValidationResult.Invalid invalid = (ValidationResult.Invalid) ((LogoutValidationResult.Refused) result).reason();
    assertEquals("nonce", invalid.errors().get(0).claim());
  }

  @Test
  void validate_noJti_returnsMissingClaim() {
    assertRefused(logout.validate(issuer.logoutToken().removeClaim("jti").sign()), ErrorCode.MISSING_CLAIM);
  }

  @Test
  void validate_wrongIssuer_returnsIssuerMismatch() {
    assertRefused(logout.validate(issuer.logoutToken().issuer(TestIssuer.WRONG_ISSUER).sign()),
        ErrorCode.ISSUER_MISMATCH);
  }

  @Test
  void validate_wrongAudience_returnsAudienceMismatch() {
    assertRefused(logout.validate(issuer.logoutToken().audience(TestIssuer.OTHER_AUDIENCE).sign()),
        ErrorCode.AUDIENCE_MISMATCH);
  }

  @Test
  void validate_missingIatOrExp_returnsMissingClaim() {
    assertRefused(logout.validate(issuer.logoutToken().removeClaim("iat").sign()), ErrorCode.MISSING_CLAIM);
    assertRefused(logout.validate(issuer.logoutToken().removeClaim("exp").sign()), ErrorCode.MISSING_CLAIM);
  }

  @Test
  void validate_expiredBeyondSkew_returnsExpired() {
    String token = issuer.logoutToken().expiresAt(NOW.minus(Duration.ofSeconds(61))).sign();
    assertRefused(logout.validate(token), ErrorCode.EXPIRED);
  }

  @Test
  void validate_issuedInFuture_returnsIssuedInFuture() {
    String token = issuer.logoutToken().issuedAt(NOW.plus(Duration.ofMinutes(2))).sign();
    assertRefused(logout.validate(token), ErrorCode.ISSUED_IN_FUTURE);
  }

  @Test
  void validate_algNone_returnsAlgorithmNotAllowed() {
    assertRefused(logout.validate(issuer.logoutToken().algorithm("none").sign()), ErrorCode.ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void validate_otherKey_returnsSignatureInvalid() {
    TestKey stranger = TestKey.rsa(2048).withKid(issuer.signingKey().kid());
    assertRefused(logout.validate(issuer.logoutToken().signWith(stranger).sign()), ErrorCode.SIGNATURE_INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"logout+jwt", "application/logout+jwt", "Logout+JWT", "JWT"})
  void validate_acceptedType_isValid(String typ) {
    assertLoggedOut(logout.validate(issuer.logoutToken().type(typ).sign()));
  }

  @Test
  void validate_absentType_isValid() {
    assertLoggedOut(logout.validate(issuer.logoutToken().type(null).sign()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"at+jwt", "secevent+jwt", "JOSE"})
  void validate_otherType_returnsWrongTokenType(String typ) {
    assertRefused(logout.validate(issuer.logoutToken().type(typ).sign()), ErrorCode.WRONG_TOKEN_TYPE);
  }

  @Test
  void validate_idToken_returnsNotALogoutToken() {
    assertRefused(logout.validate(issuer.token().claim("jti", "j").sign()), ErrorCode.NOT_A_LOGOUT_TOKEN);
  }

  @Test
  void validate_malformedInput_returnsMalformedNeverThrows() {
    assertRefused(logout.validate(null), ErrorCode.MALFORMED_TOKEN);
    assertRefused(logout.validate(""), ErrorCode.MALFORMED_TOKEN);
    assertRefused(logout.validate("a.b"), ErrorCode.MALFORMED_TOKEN);
  }

  @Test
  void validate_keySourceDown_returnsRefusedNotInvalid() {
    IdTokenValidator down = validatorFor(issuer).keySource((kid, alg) -> {
      throw new KeySourceException("down");
    }).build();
    LogoutValidationResult result = LogoutTokenValidator.of(down).validate(issuer.logoutToken().sign());
    LogoutValidationResult.Refused refused = assertInstanceOf(LogoutValidationResult.Refused.class, result);
    assertInstanceOf(ValidationResult.Unavailable.class, refused.reason());
  }

  @Test
  void validate_keySourceDefect_returnsRefusedFailedNeverThrows() {
    IdTokenValidator broken = validatorFor(issuer).keySource((kid, alg) -> {
      throw new IllegalStateException("defect");
    }).build();
    LogoutValidationResult result = LogoutTokenValidator.of(broken).validate(issuer.logoutToken().sign());
    LogoutValidationResult.Refused refused = assertInstanceOf(LogoutValidationResult.Refused.class, result);
    assertInstanceOf(ValidationResult.Failed.class, refused.reason());
  }

  @Test
  void of_null_throwsNullPointer() {
    assertThrows(NullPointerException.class, () -> LogoutTokenValidator.of(null));
  }

  @Test
  void refused_validReason_throwsIllegalArgument() {
    ValidationResult valid = idTokens.validate(issuer.token().sign());
    assertValid(valid);
    assertThrows(IllegalArgumentException.class, () -> new LogoutValidationResult.Refused(valid));
  }

  // ---- the other direction: Back-Channel Logout 1.0 §2.4, a logout token is never an ID token

  @Test
  void idTokenValidate_logoutToken_returnsLogoutToken() {
    assertInvalid(idTokens.validate(issuer.logoutToken().sign()), ErrorCode.LOGOUT_TOKEN);
  }

  @Test
  void idTokenValidate_eventsClaimWithPlainJwtType_returnsLogoutToken() {
    String token = issuer.token().claim("events", Map.of(EVENT, Map.of())).sign();
    assertInvalid(idTokens.validate(token), ErrorCode.LOGOUT_TOKEN);
  }

  @Test
  void idTokenValidate_anyEventsClaim_returnsLogoutToken() {
    assertInvalid(idTokens.validate(issuer.token().claim("events", "x").sign()), ErrorCode.LOGOUT_TOKEN);
  }

  @Test
  void idTokenValidate_logoutTypeWithoutEvents_returnsLogoutToken() {
    assertInvalid(idTokens.validate(issuer.token().type("logout+jwt").sign()), ErrorCode.LOGOUT_TOKEN);
  }

  @Test
  void idTokenValidate_logoutTypeWhenAnyTypeAccepted_returnsLogoutToken() {
    IdTokenValidator lax = validatorFor(issuer).acceptAnyTokenType().build();
    assertInvalid(lax.validate(issuer.token().type("application/logout+jwt").sign()), ErrorCode.LOGOUT_TOKEN);
    assertValid(lax.validate(issuer.token().type("at+jwt").sign()));
  }
}
