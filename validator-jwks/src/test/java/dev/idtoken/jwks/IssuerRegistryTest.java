package dev.idtoken.jwks;

import static dev.idtoken.jwks.Tokens.A;
import static dev.idtoken.jwks.Tokens.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.MultiIssuerValidator;
import java.time.Duration;
import java.util.Set;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

class IssuerRegistryTest extends SourceTestSupport {

  private IssuerRegistry registry() {
    return track(IssuerRegistry.builder()
        .keySourceDefaults(keys -> keys.allowInsecureLoopbackHttp().ticker(ticker).executor(Runnable::run)
            .listener(listener).readTimeout(Duration.ofMillis(500)))
        .build());
  }

  @Test
  void validate_oneIssuerDiscoveryFails_othersUnaffectedAndItRecoversAfterBackoff() throws Exception {
    try (TestProvider other = new TestProvider()) {
      provider.jwks(Tokens.jwks(A));
      other.jwks(Tokens.jwks(B)).discovery(r -> new MockResponse.Builder().code(503).build());
      IssuerRegistry registry = registry();
      registry.register(provider.issuer(), Tokens.CLIENT_ID);
      registry.register(other.issuer(), Tokens.CLIENT_ID);
      MultiIssuerValidator validator = MultiIssuerValidator.of(registry);
      listener.awaitCompletions(2);

      assertValid(validator.validate(Tokens.token(A, provider.issuer())));
      assertUnavailable(validator.validate(Tokens.token(B, other.issuer())));
      assertEquals(KeySourceHealth.Status.UNAVAILABLE, registry.health(other.issuer()).orElseThrow().status());
      assertEquals(KeySourceHealth.Status.FRESH, registry.health(provider.issuer()).orElseThrow().status());

      other.discovery(null);
      ticker.advance(RemoteKeySource.DEFAULT_RETRY_BACKOFF);
      assertValid(validator.validate(Tokens.token(B, other.issuer())));
      assertValid(validator.validate(Tokens.token(A, provider.issuer())));
      // Keys are per issuer: a token from one issuer signed with the other's key is refused.
      assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(Tokens.token(B, provider.issuer())));
    }
  }

  @Test
  void remove_issuer_itsTokensBecomeUntrustedAndItsSourceIsClosed() throws Exception {
    provider.jwks(Tokens.jwks(A));
    IssuerRegistry registry = registry();
    IdTokenValidator registered = registry.register(provider.issuer(), Tokens.CLIENT_ID);
    MultiIssuerValidator validator = MultiIssuerValidator.of(registry);
    assertValid(validator.validate(Tokens.token(A, provider.issuer())));
    assertSame(registered, registry.validatorFor(provider.issuer()).orElseThrow());

    assertTrue(registry.remove(provider.issuer()));
    assertFalse(registry.remove(provider.issuer()));
    assertInvalid(ErrorCode.UNTRUSTED_ISSUER, validator.validate(Tokens.token(A, provider.issuer())));
    assertTrue(registry.validatorFor(provider.issuer()).isEmpty());
    assertTrue(registry.issuers().isEmpty());
    assertUnavailable(registered.validate(Tokens.token(A, provider.issuer())));
  }

  @Test
  void register_sameIssuerAgain_replacesTheRegistration() throws Exception {
    provider.jwks(Tokens.jwks(A));
    IssuerRegistry registry = registry();
    IdTokenValidator first = registry.register(provider.issuer(), Tokens.CLIENT_ID);
    IdTokenValidator second = registry.register(provider.issuer(), "client-2",
        v -> v.allowedAlgorithms(JwsAlgorithm.RS256, JwsAlgorithm.ES256), k -> k.maxStale(Duration.ofHours(1)));
    assertNotSame(first, second);
    assertEquals("client-2", registry.validatorFor(provider.issuer()).orElseThrow().clientId());
    assertEquals(Set.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256), second.allowedAlgorithms());
    assertUnavailable(first.validate(Tokens.token(A, provider.issuer())));
    assertEquals(Set.of(provider.issuer()), registry.issuers());
  }

  @Test
  void register_badSettings_refusedWithoutFetching() {
    IssuerRegistry registry = registry();
    assertThrows(IllegalArgumentException.class, () -> registry.register("http://idp.example.com", "c"));
    assertThrows(IllegalStateException.class, () -> registry.register(provider.issuer(), "c",
        v -> v.allowedAlgorithms(JwsAlgorithm.HS256), k -> {}));
    assertTrue(registry.issuers().isEmpty());
    assertEquals(0, provider.discoveryRequests());
  }

  @Test
  void close_registry_refusesNewIssuersAndForgetsOld() {
    provider.jwks(Tokens.jwks(A));
    IssuerRegistry registry = registry();
    registry.register(provider.issuer(), Tokens.CLIENT_ID);
    registry.close();
    assertTrue(registry.validatorFor(provider.issuer()).isEmpty());
    assertThrows(IllegalStateException.class, () -> registry.register(provider.issuer(), Tokens.CLIENT_ID));
  }

  @Test
  void register_explicitJwksUri_skipsDiscovery() throws Exception {
    provider.jwks(Tokens.jwks(A));
    IssuerRegistry registry = registry();
    String issuer = "https://no-discovery.example";
    registry.register(issuer, Tokens.CLIENT_ID, v -> {}, k -> k.jwksUri(provider.jwksUri()));
    assertValid(MultiIssuerValidator.of(registry).validate(Tokens.token(A, issuer)));
    assertEquals(0, provider.discoveryRequests());
  }
}
