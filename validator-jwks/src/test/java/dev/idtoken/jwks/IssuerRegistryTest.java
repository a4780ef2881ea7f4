package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.MultiIssuerValidator;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IssuerRegistryTest extends SourceTestSupport {

  private IssuerRegistry registry() {
    // Loopback allowed (the fake provider lives there), so these run through the address-checked
    // client; everything else stays refused.
    return track(IssuerRegistry.builder()
        .addressPolicy(AddressPolicy.allowing(AddressPolicy.Category.LOOPBACK))
        .keySourceDefaults(keys -> testDefaults(keys))
        .build());
  }

  /** Keys load at registration, as a lone key source's do. */
  private IssuerRegistry eagerRegistry() {
    return track(IssuerRegistry.builder()
        .addressPolicy(AddressPolicy.allowing(AddressPolicy.Category.LOOPBACK))
        .keySourceDefaults(keys -> testDefaults(keys))
        .loadKeysEagerly()
        .build());
  }

  @Test
  void validate_oneIssuerDiscoveryFails_othersUnaffectedAndItRecoversAfterBackoff() throws Exception {
    try (FakeProvider other = FakeProvider.start()) {
      other.failDiscovery(1, 503);
      IssuerRegistry registry = eagerRegistry();
      registry.register(provider.issuerUrl(), CLIENT_ID);
      registry.register(other.issuerUrl(), CLIENT_ID);
      MultiIssuerValidator validator = MultiIssuerValidator.of(registry);
      listener.awaitCompletions(2);

      assertValid(validator.validate(token()));
      assertUnavailable(validator.validate(other.issuer().token().sign()));
      assertEquals(KeySourceHealth.Status.UNAVAILABLE, registry.health(other.issuerUrl()).orElseThrow().status());
      assertEquals(KeySourceHealth.Status.FRESH, registry.health(provider.issuerUrl()).orElseThrow().status());

      ticker.advance(RemoteKeySource.DEFAULT_RETRY_BACKOFF);
      assertValid(validator.validate(other.issuer().token().sign()));
      assertValid(validator.validate(token()));
      // Keys are per issuer: a token naming one issuer but signed with the other's key is refused.
      String crossed = other.issuer().token().issuer(provider.issuerUrl()).sign();
      assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(crossed));
    }
  }

  @Test
  void remove_issuer_itsTokensBecomeUntrustedAndItsSourceIsClosed() throws Exception {
    IssuerRegistry registry = registry();
    IdTokenValidator registered = registry.register(provider.issuerUrl(), CLIENT_ID);
    MultiIssuerValidator validator = MultiIssuerValidator.of(registry);
    assertValid(validator.validate(token()));
    assertSame(registered, registry.validatorFor(provider.issuerUrl()).orElseThrow());

    assertTrue(registry.remove(provider.issuerUrl()));
    assertFalse(registry.remove(provider.issuerUrl()));
    assertInvalid(ErrorCode.UNTRUSTED_ISSUER, validator.validate(token()));
    assertTrue(registry.validatorFor(provider.issuerUrl()).isEmpty());
    assertTrue(registry.issuers().isEmpty());
    assertUnavailable(registered.validate(token()));
  }

  @Test
  void register_sameIssuerAgain_replacesTheRegistration() throws Exception {
    IssuerRegistry registry = registry();
    IdTokenValidator first = registry.register(provider.issuerUrl(), CLIENT_ID);
    IdTokenValidator second = registry.register(provider.issuerUrl(), "client-2",
        v -> v.allowedAlgorithms(JwsAlgorithm.RS256, JwsAlgorithm.ES256), k -> k.maxStale(Duration.ofHours(1)));
    assertNotSame(first, second);
    assertEquals("client-2", registry.validatorFor(provider.issuerUrl()).orElseThrow().clientId());
    assertEquals(Set.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256), second.allowedAlgorithms());
    assertUnavailable(first.validate(token()));
    assertEquals(Set.of(provider.issuerUrl()), registry.issuers());
  }

  @Test
  void register_badSettings_refusedWithoutFetching() {
    IssuerRegistry registry = registry();
    assertThrows(IllegalArgumentException.class, () -> registry.register("http://idp.example.com", "c"));
    assertThrows(IllegalStateException.class, () -> registry.register(provider.issuerUrl(), "c",
        v -> v.allowedAlgorithms(JwsAlgorithm.HS256), k -> {}));
    assertTrue(registry.issuers().isEmpty());
    assertEquals(0, provider.discoveryRequests());
  }

  @Test
  void close_registry_refusesNewIssuersAndForgetsOld() {
    IssuerRegistry registry = registry();
    registry.register(provider.issuerUrl(), CLIENT_ID);
    registry.close();
    assertTrue(registry.validatorFor(provider.issuerUrl()).isEmpty());
    assertThrows(IllegalStateException.class, () -> registry.register(provider.issuerUrl(), CLIENT_ID));
  }

  /** Issuers with the same connect timeout share one HTTP client; closing releases every client. */
  @Test
  void close_registry_releasesTheSharedHttpClients() {
    IssuerRegistry registry = registry();
    registry.register("https://a.example", CLIENT_ID, v -> {}, k -> k.jwksUri(provider.jwksUri()));
    registry.register("https://b.example", CLIENT_ID, v -> {}, k -> k.jwksUri(provider.jwksUri()));
    assertEquals(1, registry.sharedHttpClients());
    registry.register("https://c.example", CLIENT_ID, v -> {},
        k -> k.jwksUri(provider.jwksUri()).connectTimeout(Duration.ofSeconds(1)));
    assertEquals(2, registry.sharedHttpClients());

    registry.close();

    assertEquals(0, registry.sharedHttpClients());
    assertTrue(registry.issuers().isEmpty());
  }

  @Test
  void register_explicitJwksUri_skipsDiscovery() throws Exception {
    IssuerRegistry registry = registry();
    String issuer = "https://no-discovery.example";
    registry.register(issuer, CLIENT_ID, v -> {}, k -> k.jwksUri(provider.jwksUri()));
    assertValid(MultiIssuerValidator.of(registry).validate(issuer().token().issuer(issuer).sign()));
    assertEquals(0, provider.discoveryRequests());
  }
}
