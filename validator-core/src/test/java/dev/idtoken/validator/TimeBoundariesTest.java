package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.NOW;
import static dev.idtoken.validator.Fixtures.assertInvalid;
import static dev.idtoken.validator.Fixtures.assertValid;
import static dev.idtoken.validator.Fixtures.validatorFor;

import dev.idtoken.testkit.TestIssuer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Time checks pinned with a fixed clock at exactly, one second inside and one outside the skew. */
class TimeBoundariesTest {
  private static final long SKEW = IdTokenValidator.DEFAULT_CLOCK_SKEW.getSeconds();

  private final TestIssuer issuer = Fixtures.issuer();
  private final IdTokenValidator validator = validatorFor(issuer).build();
  private final IdTokenValidator noSkew = validatorFor(issuer).clockSkew(Duration.ZERO).build();

  private String expiringAt(long secondsFromNow) {
    return issuer.token().issuedAt(NOW.minusSeconds(600)).expiresAt(NOW.plusSeconds(secondsFromNow)).sign();
  }

  @Test
  void validate_tokenThatExpiresNow_withoutSkew_returnsExpired() {
    assertInvalid(noSkew.validate(expiringAt(0)), ErrorCode.EXPIRED);
  }

  @Test
  void validate_tokenThatExpiresInOneSecond_withoutSkew_isValid() {
    assertValid(noSkew.validate(expiringAt(1)));
  }

  @Test
  void validate_expiredExactlyBySkew_returnsExpired() {
    assertInvalid(validator.validate(expiringAt(-SKEW)), ErrorCode.EXPIRED);
  }

  @Test
  void validate_expiredOneSecondInsideSkew_isValid() {
    assertValid(validator.validate(expiringAt(-SKEW + 1)));
  }

  @Test
  void validate_expiredOneSecondBeyondSkew_returnsExpired() {
    assertInvalid(validator.validate(expiringAt(-SKEW - 1)), ErrorCode.EXPIRED);
  }

  @Test
  void validate_notBeforeAtSkew_isValid() {
    assertValid(validator.validate(issuer.token().notBefore(NOW.plusSeconds(SKEW)).sign()));
  }

  @Test
  void validate_notBeforeOneSecondBeyondSkew_returnsNotYetValid() {
    assertInvalid(validator.validate(issuer.token().notBefore(NOW.plusSeconds(SKEW + 1)).sign()),
        ErrorCode.NOT_YET_VALID);
  }

  @Test
  void validate_issuedAtSkewInFuture_isValid() {
    String token = issuer.token().issuedAt(NOW.plusSeconds(SKEW)).expiresAt(NOW.plusSeconds(600)).sign();
    assertValid(validator.validate(token));
  }

  @Test
  void validate_issuedOneSecondBeyondSkewInFuture_returnsIssuedInFuture() {
    String token = issuer.token().issuedAt(NOW.plusSeconds(SKEW + 1)).expiresAt(NOW.plusSeconds(600)).sign();
    assertInvalid(validator.validate(token), ErrorCode.ISSUED_IN_FUTURE);
  }

  @Test
  void validate_authTimeAtMaxAgePlusSkew_isValid() {
    Duration maxAge = Duration.ofMinutes(10);
    String token = issuer.token().authTime(NOW.minus(maxAge).minusSeconds(SKEW)).sign();
    assertValid(validator.validate(token, Expectations.builder().maxAge(maxAge).build()));
  }

  @Test
  void validate_authTimeOneSecondBeyondMaxAgePlusSkew_returnsAuthenticationTooOld() {
    Duration maxAge = Duration.ofMinutes(10);
    String token = issuer.token().authTime(NOW.minus(maxAge).minusSeconds(SKEW + 1)).sign();
    assertInvalid(validator.validate(token, Expectations.builder().maxAge(maxAge).build()),
        ErrorCode.AUTHENTICATION_TOO_OLD);
  }

  @Test
  void validate_maxTokenAgeBoundary_pinned() {
    IdTokenValidator maxAge = validatorFor(issuer).maxTokenAge(Duration.ofMinutes(30)).build();
    String atLimit = issuer.token().issuedAt(NOW.minus(Duration.ofMinutes(30)).minusSeconds(SKEW)).sign();
    String beyond = issuer.token().issuedAt(NOW.minus(Duration.ofMinutes(30)).minusSeconds(SKEW + 1)).sign();
    assertValid(maxAge.validate(atLimit));
    assertInvalid(maxAge.validate(beyond), ErrorCode.TOKEN_TOO_OLD);
  }
}
