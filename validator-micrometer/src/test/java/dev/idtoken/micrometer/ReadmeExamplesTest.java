package dev.idtoken.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.ValidationResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Keeps the root README's metrics snippet compiling, and runs the same steps against the fake provider. */
class ReadmeExamplesTest {

  /** The README snippet, verbatim: compiled, never run (it names a real host; tests reach loopback only). */
  @SuppressWarnings("unused")
  private static ValidationResult snippet(MeterRegistry registry, String token) {
    KeySourceMetrics events = new KeySourceMetrics(registry, "https://login.example.com");
    RemoteKeySource keys = RemoteKeySource.builder()
        .discovery("https://login.example.com")
        .listener(events)                                   // fetches, key changes, stale, unknown kids
        .build();
    new KeySourceHealthMetrics(keys::health, "https://login.example.com").bindTo(registry);
    IdTokenValidator validator = IdTokenValidator.builder()
        .issuer("https://login.example.com")
        .clientId("my-client")
        .keySource(keys)
        .build();
    ValidationMetrics outcomes = ValidationMetrics.forValidator(registry, validator);

    ValidationResult result = outcomes.record(validator.validate(token));  // counts, returns it
    return result;
  }

  /** The same steps, with the issuer as a parameter so that the test can point it at loopback. */
  private static ValidationResult readme(MeterRegistry registry, String issuer, String token, boolean loopback) {
    KeySourceMetrics events = new KeySourceMetrics(registry, issuer);
    RemoteKeySource.Builder builder = RemoteKeySource.builder()
        .discovery(issuer)
        .listener(events);                                  // fetches, key changes, stale, unknown kids
    if (loopback) {
      builder.allowInsecureLoopbackHttp();
    }
    RemoteKeySource keys = builder.build();
    new KeySourceHealthMetrics(keys::health, issuer).bindTo(registry);
    IdTokenValidator validator = IdTokenValidator.builder()
        .issuer(issuer)
        .clientId(FakeProvider.DEFAULT_CLIENT_ID)
        .keySource(keys)
        .build();
    ValidationMetrics outcomes = ValidationMetrics.forValidator(registry, validator);

    ValidationResult result = outcomes.record(validator.validate(token));  // counts, returns it
    keys.close();
    return result;
  }

  @Test
  void readmeSnippet_againstAProvider_countsTheValidation() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FakeProvider provider = FakeProvider.start()) {
      ValidationResult result = readme(registry, provider.issuerUrl(), provider.issuer().token().sign(), true);

      assertEquals(true, result.isValid(), result::toString);
      assertEquals(1.0, registry.get("idtoken.validations").tag("result", "valid").counter().count());
      assertEquals(1.0, registry.get("idtoken.jwks.fetches").tag("outcome", "success").counter().count());
    }
  }
}
