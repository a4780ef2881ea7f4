package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.idtoken.testkit.TestIssuer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Shared set-up: an issuer whose tokens are minted against a fixed clock, and assertions. */
final class Fixtures {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String ISSUER = "https://login.example.com";
  static final String CLIENT_ID = "client-app";

  private Fixtures() {}

  static TestIssuer issuer() {
    return TestIssuer.create(ISSUER, CLIENT_ID).withClock(CLOCK);
  }

  /** A key source that reads the issuer's current JWKS on every call, so rotation is visible. */
  static KeySource liveKeys(TestIssuer issuer) {
    return (kid, alg) -> {
      try {
        return KeySet.parse(issuer.jwksJson()).keys(kid, alg);
      } catch (KeySetException e) {
        throw new KeySourceException("bad test JWKS", e);
      }
    };
  }

  static IdTokenValidator.Builder validatorFor(TestIssuer issuer) {
    return IdTokenValidator.builder()
        .issuer(issuer.issuer())
        .clientId(issuer.clientId())
        .keySource(liveKeys(issuer))
        .clock(CLOCK);
  }

  static VerifiedIdToken assertValid(ValidationResult result) {
    return assertInstanceOf(ValidationResult.Valid.class, result, () -> "not valid: " + result).token();
  }

  /** Asserts the token failed with exactly these codes, in this order. */
  static void assertInvalid(ValidationResult result, ErrorCode... codes) {
    ValidationResult.Invalid invalid =
        assertInstanceOf(ValidationResult.Invalid.class, result, () -> "not invalid: " + result);
    assertEquals(List.of(codes), invalid.errors().stream().map(ValidationError::code).toList(),
        () -> "errors: " + invalid.errors());
  }
}
