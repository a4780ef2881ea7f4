package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.assertInvalid;
import static dev.idtoken.validator.Fixtures.assertValid;
import static dev.idtoken.validator.Fixtures.validatorFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.idtoken.testkit.TestIssuer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MultiIssuerValidatorTest {
  private final TestIssuer hospitalA = TestIssuer.create("https://ehr.hospital-a.example", "app-a")
      .withClock(Fixtures.CLOCK);
  private final TestIssuer hospitalB = TestIssuer.create("https://login.hospital-b.example/realms/main", "app-b")
      .withClock(Fixtures.CLOCK);
  private final AtomicInteger lookups = new AtomicInteger();

  private IdTokenValidator counted(TestIssuer issuer) {
    KeySource live = Fixtures.liveKeys(issuer);
    return validatorFor(issuer).keySource((kid, alg) -> {
      lookups.incrementAndGet();
      return live.keys(kid, alg);
    }).build();
  }

  private final MultiIssuerValidator validator =
      MultiIssuerValidator.of(TrustedIssuers.of(counted(hospitalA), counted(hospitalB)));

  @Test
  void validate_eachTrustedIssuer_usesItsOwnConfiguration() {
    assertEquals("https://ehr.hospital-a.example", assertValid(validator.validate(hospitalA.token().sign())).issuer());
    assertEquals(java.util.List.of("app-b"), assertValid(validator.validate(hospitalB.token().sign())).audiences());
  }

  @Test
  void validate_untrustedIssuer_rejectedBeforeAnyKeyLookup() {
    TestIssuer stranger = TestIssuer.create("https://stranger.example", "app-a").withClock(Fixtures.CLOCK);
    assertInvalid(validator.validate(stranger.token().sign()), ErrorCode.UNTRUSTED_ISSUER);
    assertEquals(0, lookups.get());
  }

  @Test
  void validate_issuerAClaimSignedByIssuerB_isRejected() {
    String forged = hospitalB.token().issuer(hospitalA.issuer()).audience("app-a").sign();
    assertInvalid(validator.validate(forged), ErrorCode.KEY_NOT_FOUND);
  }

  @Test
  void validate_audienceOfOtherTenant_isRejected() {
    assertInvalid(validator.validate(hospitalA.token().audience("app-b").sign()), ErrorCode.AUDIENCE_MISMATCH);
  }

  @Test
  void validate_malformedOrIssuerless_typedFailures() {
    assertInvalid(validator.validate("garbage"), ErrorCode.MALFORMED_TOKEN);
    assertInvalid(validator.validate(null), ErrorCode.MALFORMED_TOKEN);
    assertInvalid(validator.validate("a.b.c.d.e"), ErrorCode.ENCRYPTED_TOKEN);
    assertInvalid(validator.validate("x".repeat(70_000)), ErrorCode.TOKEN_TOO_LARGE);
    assertInvalid(validator.validate(hospitalA.token().removeClaim("iss").sign()), ErrorCode.MISSING_CLAIM);
    assertInvalid(validator.validate(hospitalA.token().claim("iss", 7).sign()), ErrorCode.MALFORMED_CLAIM);
  }

  @Test
  void validate_supplementaryCharacters_returnsMalformed() {
    for (String token : IdTokenValidatorTest.supplementaryCharacterTokens(hospitalA.token().sign())) {
      assertInvalid(validator.validate(token), ErrorCode.MALFORMED_TOKEN);
    }
  }

  @Test
  void validate_registryFailure_returnsFailed() {
    MultiIssuerValidator broken = MultiIssuerValidator.of(issuer -> {
      throw new IllegalStateException("registry bug");
    });
    ValidationResult.Failed failed =
        assertInstanceOf(ValidationResult.Failed.class, broken.validate(hospitalA.token().sign()));
    assertEquals(ErrorCode.INTERNAL_ERROR, failed.error().code());
  }

  @Test
  void validate_largerSizeCap_letsLargerTokensThrough() {
    IdTokenValidator large = validatorFor(hospitalA).maxTokenSize(64 * 1024).build();
    String token = hospitalA.token().claim("pad", "x".repeat(20_000)).sign();
    assertInvalid(MultiIssuerValidator.of(TrustedIssuers.of(large)).validate(token), ErrorCode.TOKEN_TOO_LARGE);
    assertValid(MultiIssuerValidator.of(TrustedIssuers.of(large), 64 * 1024).validate(token));
    assertThrows(IllegalArgumentException.class, () -> MultiIssuerValidator.of(TrustedIssuers.of(large), 10));
  }

  @Test
  void trustedIssuers_duplicateIssuer_isRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> TrustedIssuers.of(counted(hospitalA), counted(hospitalA)));
  }
}
