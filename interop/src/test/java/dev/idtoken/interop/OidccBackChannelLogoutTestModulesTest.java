package dev.idtoken.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import dev.idtoken.testkit.TokenBuilder;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.LogoutTokenValidator;
import dev.idtoken.validator.LogoutValidationResult;
import dev.idtoken.validator.ValidationError;
import dev.idtoken.validator.ValidationResult;
import dev.idtoken.validator.VerifiedLogoutToken;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite's back-channel logout modules ({@code
 * oidcc-client-test-rp-backchannel-rpinitlogout*}), one test each, named in {@link DisplayName}.
 * Each module sends the relying party's back-channel logout URI one logout token, good or broken in
 * one way, and expects 200 for the good one and 400 for the others (Back-Channel Logout 1.0 §2.8);
 * here the token goes to {@link LogoutTokenValidator}, with keys from discovery. The tokens are made
 * as the suite makes them: {@code iss}, {@code sub}, {@code aud}, {@code jti}, {@code sid}, the
 * event, {@code iat}, {@code exp} two minutes on, an extra claim to ignore, no {@code typ} but
 * {@code JWT}.
 */
class OidccBackChannelLogoutTestModulesTest {
  private FakeProvider provider;
  private RemoteKeySource keys;
  private IdTokenValidator idTokens;
  private LogoutTokenValidator logout;

  @BeforeEach
  void start() {
    provider = FakeProvider.start();
    keys = RemoteKeySource.builder().discovery(provider.issuerUrl()).allowInsecureLoopbackHttp().build();
    idTokens = IdTokenValidator.builder().issuer(provider.issuerUrl())
        .clientId(FakeProvider.DEFAULT_CLIENT_ID).keySource(keys).build();
    logout = LogoutTokenValidator.of(idTokens);
  }

  @AfterEach
  void stop() {
    keys.close();
    provider.close();
  }

  private TokenBuilder suiteLogoutToken() {
    return provider.issuer().logoutToken().type("JWT")
        .claim("ignored_claim", "Logout Tokens MAY contain other Claims; those not understood are ignored.");
  }

  private static void assertRefused(ErrorCode code, String claim, LogoutValidationResult result) {
    LogoutValidationResult.Refused refused =
        assertInstanceOf(LogoutValidationResult.Refused.class, result, () -> "not refused: " + result);
    ValidationResult.Invalid invalid = assertInstanceOf(ValidationResult.Invalid.class, refused.reason());
    assertEquals(new ValidationError(code, claim), invalid.errors().get(0), invalid.errors()::toString);
  }

  @Test
  @DisplayName("oidcc-client-test-rp-backchannel-rpinitlogout")
  void validate_suiteLogoutToken_isValidWithSubjectAndSession() {
    VerifiedLogoutToken token = assertInstanceOf(LogoutValidationResult.Valid.class,
        logout.validate(suiteLogoutToken().sign())).token();
    assertEquals(Optional.of(TokenBuilder.DEFAULT_SUBJECT), token.subject());
    assertEquals(Optional.of(TokenBuilder.DEFAULT_SESSION_ID), token.sessionId());
    assertEquals(provider.issuerUrl(), token.issuer());
  }

  @Test
  @DisplayName("oidcc-client-test-rp-backchannel-rpinitlogout-alg-none")
  void validate_unsignedLogoutToken_refusedAlgorithmNotAllowed() {
    assertRefused(ErrorCode.ALGORITHM_NOT_ALLOWED, "alg", logout.validate(suiteLogoutToken().algorithm("none").sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-rp-backchannel-rpinitlogout-no-event")
  void validate_logoutTokenWithoutEvents_refusedNotALogoutToken() {
    assertRefused(ErrorCode.NOT_A_LOGOUT_TOKEN, "events", logout.validate(suiteLogoutToken().removeClaim("events").sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-rp-backchannel-rpinitlogout-with-nonce")
  void validate_logoutTokenWithNonce_refusedNotALogoutToken() {
    assertRefused(ErrorCode.NOT_A_LOGOUT_TOKEN, "nonce", logout.validate(suiteLogoutToken().nonce("n-1").sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-rp-backchannel-rpinitlogout-wrong-alg")
  void validate_logoutTokenSignedWithAnotherAlgorithm_refusedAlgorithmNotAllowed() {
    // The suite signs with ES256 when the client expects RS256.
    TestKey ec = TestKey.ec("P-256");
    provider.issuer().addKey(ec);
    assertRefused(ErrorCode.ALGORITHM_NOT_ALLOWED, "alg", logout.validate(suiteLogoutToken().signWith(ec).sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-rp-backchannel-rpinitlogout-wrong-aud")
  void validate_logoutTokenForAnotherClient_refusedAudienceMismatch() {
    assertRefused(ErrorCode.AUDIENCE_MISMATCH, "aud",
        logout.validate(suiteLogoutToken().audience(TestIssuer.OTHER_AUDIENCE).sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-rp-backchannel-rpinitlogout-wrong-event")
  void validate_logoutTokenWithAnotherEvent_refusedNotALogoutToken() {
    String token = suiteLogoutToken()
        .claim("events", Map.of("http://schemas.openid.net/event/foobar", Map.of())).sign();
    assertRefused(ErrorCode.NOT_A_LOGOUT_TOKEN, "events", logout.validate(token));
  }

  @Test
  @DisplayName("oidcc-client-test-rp-backchannel-rpinitlogout-wrong-iss")
  void validate_logoutTokenFromAnotherIssuer_refusedIssuerMismatch() {
    assertRefused(ErrorCode.ISSUER_MISMATCH, "iss",
        logout.validate(suiteLogoutToken().issuer(TestIssuer.WRONG_ISSUER).sign()));
  }

  @Test
  @DisplayName("Back-Channel Logout 1.0 §2.4: the suite's logout token is never an ID token")
  void idTokenValidate_suiteLogoutToken_refusedLogoutToken() {
    ValidationResult result = idTokens.validate(suiteLogoutToken().sign());
    ValidationResult.Invalid invalid = assertInstanceOf(ValidationResult.Invalid.class, result);
    assertEquals(ErrorCode.LOGOUT_TOKEN, invalid.code());
  }
}
