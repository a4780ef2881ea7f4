package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.idtoken.testkit.TestIssuer;
import java.security.Security;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * "validate never throws": whatever a key source or a JCA provider does, both validators return a
 * typed outcome. A defect is {@link ValidationResult.Failed} ({@link ErrorCode#INTERNAL_ERROR}, an
 * integration answers 500), never an exception and never {@code Invalid} (a 401 would blame the
 * token); an outage the key source reports as such stays {@code Unavailable} (503).
 */
class NeverThrowsTest {
  private static final String SECRET = "never-throws-secret-long-enough-for-hs256-0123456789";

  private final TestIssuer issuer = Fixtures.issuer();

  private static Map<String, KeySource> defectiveKeySources() {
    Map<String, KeySource> sources = new LinkedHashMap<>();
    sources.put("throws IllegalStateException", (kid, alg) -> {
      throw new IllegalStateException("bug");
    });
    sources.put("throws NullPointerException", (kid, alg) -> {
      throw new NullPointerException();
    });
    sources.put("throws NoClassDefFoundError", (kid, alg) -> {
      throw new NoClassDefFoundError("com/fasterxml/jackson/core/StreamReadConstraints");
    });
    sources.put("returns null", (kid, alg) -> null);
    sources.put("returns a null key", (kid, alg) -> Arrays.asList((VerificationKey) null));
    sources.put("returns a list that fails while read", (kid, alg) -> new AbstractList<VerificationKey>() {
      @Override
      public VerificationKey get(int index) {
        throw new ConcurrentModificationException();
      }

      @Override
      public int size() {
        return 1;
      }
    });
    return sources;
  }

  @Test
  void validate_defectiveKeySource_returnsFailedFromBothValidators() {
    String token = issuer.token().sign();
    for (Map.Entry<String, KeySource> source : defectiveKeySources().entrySet()) {
      IdTokenValidator validator = Fixtures.validatorFor(issuer).keySource(source.getValue()).build();
      assertFailed(validator.validate(token), source.getKey());
      assertFailed(MultiIssuerValidator.of(TrustedIssuers.of(validator)).validate(token), source.getKey());
      IdTokenValidationException thrown =
          assertThrows(IdTokenValidationException.class, () -> validator.validateOrThrow(token), source.getKey());
      assertEquals(ErrorCode.INTERNAL_ERROR, thrown.code(), source.getKey());
    }
  }

  @Test
  void validate_keySourceReportsAnOutage_returnsUnavailableNotFailed() {
    IdTokenValidator validator = Fixtures.validatorFor(issuer).keySource((kid, alg) -> {
      throw new KeySourceException("provider down");
    }).build();
    assertInstanceOf(ValidationResult.Unavailable.class, validator.validate(issuer.token().sign()));
  }

  @Test
  void validate_signatureProviderThrows_returnsFailed() {
    IdTokenValidator validator = Fixtures.validatorFor(issuer).build(); // RS256 by default
    String token = issuer.token().sign();
    String wrongLength = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
    Security.insertProviderAt(new ThrowingJcaProvider(), 1);
    try {
      // Verifiers made before the provider was installed may sit in any of the pool's slots (other
      // tests' threads left them); a signature of the wrong length makes the one taken throw, and a
      // verifier that threw is never reused, so once every slot has been emptied this way the next
      // one comes from the throwing provider.
      for (int i = 0; i < SignaturePool.slotCount(); i++) {
        validator.validate(wrongLength);
      }
      assertFailed(validator.validate(token), "RS256");
      assertFailed(MultiIssuerValidator.of(TrustedIssuers.of(validator)).validate(token), "RS256, multi");
    } finally {
      Security.removeProvider(ThrowingJcaProvider.NAME);
    }
    assertInstanceOf(ValidationResult.Valid.class, validator.validate(token), "after the provider is gone");
  }

  @Test
  void validate_macProviderThrows_returnsFailed() {
    IdTokenValidator validator = Fixtures.validatorFor(issuer)
        .allowedAlgorithms(JwsAlgorithm.HS256).clientSecret(SECRET).build();
    String token = issuer.token().algorithm("HS256")
        .hmacSecret(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)).sign();
    assertInstanceOf(ValidationResult.Valid.class, validator.validate(token));
    Security.insertProviderAt(new ThrowingJcaProvider(), 1);
    try {
      assertFailed(validator.validate(token), "HS256");
    } finally {
      Security.removeProvider(ThrowingJcaProvider.NAME);
    }
  }

  private static void assertFailed(ValidationResult result, String what) {
    ValidationResult.Failed failed = assertInstanceOf(ValidationResult.Failed.class, result, what);
    assertEquals(ErrorCode.INTERNAL_ERROR, failed.error().code(), what);
  }

}
