package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.ValidationResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTPS against a provider with a self-signed certificate, trusted through {@code sslContext}. */
class TlsTest {
  private static FakeProvider provider;

  @BeforeAll
  static void startProvider() {
    provider = FakeProvider.startHttps();
  }

  @AfterAll
  static void stopProvider() {
    provider.close();
  }

  private static IdTokenValidator validator(RemoteKeySource keys) {
    return IdTokenValidator.builder()
        .issuer(provider.issuerUrl())
        .clientId(FakeProvider.DEFAULT_CLIENT_ID)
        .keySource(keys)
        .build();
  }

  @Test
  void sslContext_trustingTheProvider_discoversAndLoadsKeysOverHttps() {
    try (RemoteKeySource keys = RemoteKeySource.builder()
        .discovery(provider.issuerUrl())
        .sslContext(provider.sslContext())
        .maxWait(Duration.ofSeconds(15))
        .build()) {
      ValidationResult result = validator(keys).validate(provider.issuer().token().sign());

      assertTrue(result.isValid(), result::toString);
      assertTrue(provider.jwksRequests() >= 1);
    }
  }

  @Test
  void noSslContext_selfSignedProvider_isUnavailableNotInvalid() {
    try (RemoteKeySource keys = RemoteKeySource.builder()
        .jwksUri(provider.jwksUri())
        .maxWait(Duration.ofSeconds(15))
        .build()) {
      ValidationResult result = validator(keys).validate(provider.issuer().token().sign());

      ValidationResult.Unavailable unavailable = assertInstanceOf(ValidationResult.Unavailable.class, result);
      assertEquals(ErrorCode.KEYS_UNAVAILABLE, unavailable.error().code());
    }
  }
}
