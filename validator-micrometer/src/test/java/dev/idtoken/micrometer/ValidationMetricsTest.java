package dev.idtoken.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.KeySource;
import dev.idtoken.validator.KeySourceException;
import dev.idtoken.validator.ValidationResult;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValidationMetricsTest {
  private static final String ISSUER = "https://issuer.example";
  private static final String CLIENT_ID = "client-1";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestIssuer issuer = TestIssuer.create(ISSUER, CLIENT_ID);

  private IdTokenValidator validator(KeySource keys) {
    return IdTokenValidator.builder().issuer(ISSUER).clientId(CLIENT_ID).keySource(keys).build();
  }

  private IdTokenValidator validator() throws Exception {
    return validator(KeySet.parse(issuer.jwksJson()));
  }

  private double count(String issuerTag, String result, String code) {
    return registry.get(MetricNames.VALIDATIONS)
        .tags("issuer", issuerTag, "result", result, "code", code)
        .counter()
        .count();
  }

  @Test
  void record_validToken_countsValidWithNoCode_andReturnsTheResult() throws Exception {
    IdTokenValidator validator = validator();
    ValidationMetrics metrics = ValidationMetrics.forValidator(registry, validator);
    ValidationResult result = validator.validate(issuer.token().sign());

    assertSame(result, metrics.record(result));
    assertEquals(1, count(ISSUER, "valid", "none"));
  }

  @Test
  void record_invalidToken_countsTheFirstErrorCode() throws Exception {
    IdTokenValidator validator = validator();
    ValidationMetrics metrics = ValidationMetrics.forValidator(registry, validator);

    metrics.record(validator.validate(issuer.token().expiresAt(Instant.now().minusSeconds(3600)).sign()));
    metrics.record(validator.validate(issuer.token().audience("someone-else").sign()));
    metrics.record(validator.validate("not a token"));

    assertEquals(1, count(ISSUER, "invalid", ErrorCode.EXPIRED.name()));
    assertEquals(1, count(ISSUER, "invalid", ErrorCode.AUDIENCE_MISMATCH.name()));
    assertEquals(1, count(ISSUER, "invalid", ErrorCode.MALFORMED_TOKEN.name()));
    assertEquals(0, count(ISSUER, "valid", "none"));
  }

  @Test
  void record_keysUnavailable_countsUnavailable() {
    IdTokenValidator validator = validator((kid, alg) -> {
      throw new KeySourceException("provider down");
    });
    ValidationMetrics metrics = ValidationMetrics.forValidator(registry, validator);

    ValidationResult result = metrics.record(validator.validate(issuer.token().sign()));

    assertInstanceOf(ValidationResult.Unavailable.class, result);
    assertEquals(1, count(ISSUER, "unavailable", ErrorCode.KEYS_UNAVAILABLE.name()));
  }

  @Test
  void record_defectiveKeySource_countsFailed() {
    IdTokenValidator validator = validator((kid, alg) -> {
      throw new IllegalStateException("a defect");
    });
    ValidationMetrics metrics = ValidationMetrics.forValidator(registry, validator);

    ValidationResult result = metrics.record(validator.validate(issuer.token().sign()));

    assertInstanceOf(ValidationResult.Failed.class, result);
    assertEquals(1, count(ISSUER, "failed", ErrorCode.INTERNAL_ERROR.name()));
  }

  @Test
  void record_severalIssuers_tagsOnlyConfiguredIssuers() throws Exception {
    IdTokenValidator validator = validator();
    ValidationMetrics metrics = ValidationMetrics.forIssuers(registry, Set.of(ISSUER, "https://other.example"));

    metrics.record(validator.validate(issuer.token().sign()));
    metrics.record(validator.validate(issuer.token().issuer("https://attacker.example/x").sign()));

    assertEquals(1, count(ISSUER, "valid", "none"));
    // A failed token's issuer is unverified, so it is never a tag value.
    assertEquals(1, count("unknown", "invalid", ErrorCode.ISSUER_MISMATCH.name()));
    for (Meter meter : registry.getMeters()) {
      for (Tag tag : meter.getId().getTags()) {
        assertFalse(tag.getValue().contains("attacker"), meter.getId()::toString);
      }
    }
  }

  @Test
  void forIssuers_noIssuer_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> ValidationMetrics.forIssuers(registry, Set.of()));
  }
}
