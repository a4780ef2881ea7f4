package dev.idtoken.jwks;

import static dev.idtoken.jwks.Tokens.A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

/** OpenID Connect Discovery 1.0 §4. */
class DiscoveryTest extends SourceTestSupport {

  private RemoteKeySource discoverySource(String issuer, Consumer<RemoteKeySource.Builder> options) {
    return source(b -> {
      b.discovery(issuer);
      options.accept(b);
    });
  }

  @Test
  void validate_issuerWithTrailingSlash_discoveryPathDropsTheSlashAndIssuerMatchesExactly() throws Exception {
    provider.jwks(Tokens.jwks(A)).issuerPath("/tenant/");
    String issuer = provider.base() + "/tenant/";
    provider.discovery(r -> TestProvider.json(provider.discoveryDocument(issuer)));
    RemoteKeySource source = discoverySource(issuer, b -> b.expectedAlgorithms(Set.of(JwsAlgorithm.RS256)));
    IdTokenValidator validator = validator(source, issuer);

    assertValid(validator.validate(Tokens.token(A, issuer)));
    assertEquals("/tenant/.well-known/openid-configuration", provider.discoveryLog.get(0).getUrl().encodedPath());
    assertEquals(1, provider.discoveryRequests());
    assertEquals(1, provider.jwksRequests());
    assertEquals(provider.jwksUri(), source.health().source());
    assertTrue(listener.events.contains("discovered " + provider.jwksUri()), listener.events::toString);
  }

  @Test
  void validate_discoveryNamesAnotherIssuer_rejectedAsUnavailable() throws Exception {
    provider.jwks(Tokens.jwks(A));
    String issuer = provider.issuer();
    provider.discovery(r -> TestProvider.json(provider.discoveryDocument("https://impostor.example")));
    RemoteKeySource source = discoverySource(issuer, b -> {});
    IdTokenValidator validator = validator(source, issuer);

    assertUnavailable(validator.validate(Tokens.token(A, issuer)));
    assertEquals(0, provider.jwksRequests(), "keys are never fetched from an unverified jwks_uri");
    assertTrue(source.health().lastError().orElseThrow().contains("issuer mismatch"), source.health()::toString);
  }

  @Test
  void validate_discoveryDiffersOnlyByTrailingSlash_rejected() throws Exception {
    provider.jwks(Tokens.jwks(A));
    String issuer = provider.issuer();
    provider.discovery(r -> TestProvider.json(provider.discoveryDocument(issuer + "/")));
    RemoteKeySource source = discoverySource(issuer, b -> {});
    assertUnavailable(validator(source, issuer).validate(Tokens.token(A, issuer)));
    assertTrue(source.health().lastError().orElseThrow().contains("issuer mismatch"));
  }

  @Test
  void validate_discoveryFailsThenRecovers_retriedWithBackoffAndThenValid() throws Exception {
    provider.jwks(Tokens.jwks(A));
    String issuer = provider.issuer();
    provider.discovery(r -> new MockResponse.Builder().code(503).build());
    RemoteKeySource source = discoverySource(issuer, b -> {});
    IdTokenValidator validator = validator(source, issuer);
    listener.awaitCompletions(1);

    assertUnavailable(validator.validate(Tokens.token(A, issuer)));
    assertEquals(1, provider.discoveryRequests(), "no retry within the backoff");
    assertEquals("discovery: HTTP 503", source.health().lastError().orElseThrow());

    provider.discovery(null);
    ticker.advance(RemoteKeySource.DEFAULT_RETRY_BACKOFF);
    assertValid(validator.validate(Tokens.token(A, issuer)));
    assertEquals(2, provider.discoveryRequests());
    assertEquals(KeySourceHealth.Status.FRESH, source.health().status());
  }

  @Test
  void validate_backoffGrowsExponentiallyAndIsCapped() throws Exception {
    String issuer = provider.issuer();
    provider.discovery(r -> new MockResponse.Builder().code(500).build());
    RemoteKeySource source = discoverySource(issuer, b -> b.retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4)));
    IdTokenValidator validator = validator(source, issuer);
    listener.awaitCompletions(1);
    String token = Tokens.token(A, issuer);
    // Failures at t=0; retries allowed after 1 s, then 2 s, then 4 s, then 4 s (the cap).
    long[] waits = {1, 2, 4, 4};
    for (int i = 0; i < waits.length; i++) {
      ticker.advance(Duration.ofSeconds(waits[i]).minusMillis(1));
      assertUnavailable(validator.validate(token));
      assertEquals(i + 1, provider.discoveryRequests(), "too early for retry " + (i + 1));
      ticker.advance(Duration.ofMillis(1));
      assertUnavailable(validator.validate(token));
      assertEquals(i + 2, provider.discoveryRequests(), "retry " + (i + 1));
    }
  }

  @Test
  void validate_jwksUriNotHttps_refused() throws Exception {
    String issuer = provider.issuer();
    provider.discovery(r -> TestProvider.json("{\"issuer\":\"" + issuer
        + "\",\"jwks_uri\":\"http://keys.example.com/jwks\"}"));
    RemoteKeySource source = discoverySource(issuer, b -> {});
    assertUnavailable(validator(source, issuer).validate(Tokens.token(A, issuer)));
    assertTrue(source.health().lastError().orElseThrow().contains("jwks_uri must use https"),
        source.health()::toString);
  }

  @Test
  void validate_malformedDiscoveryDocuments_refused() throws Exception {
    String issuer = provider.issuer();
    String[] documents = {"not json", "[]", "{\"issuer\":\"" + issuer + "\"}",
        "{\"issuer\":\"" + issuer + "\",\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + provider.jwksUri() + "\"}",
        "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + provider.jwksUri() + "\"} trailing"};
    for (String document : documents) {
      provider.discovery(r -> TestProvider.json(document));
      RemoteKeySource source = discoverySource(issuer, b -> {});
      assertUnavailable(validator(source, issuer).validate(Tokens.token(A, issuer)));
      assertTrue(source.health().lastError().orElseThrow().startsWith("discovery"), document);
    }
    assertEquals(0, provider.jwksRequests());
  }

  @Test
  void build_issuerNotHttps_refused() {
    RemoteKeySource.Builder builder = RemoteKeySource.builder().discovery("http://login.example.com");
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, builder::build);
    RemoteKeySource.Builder withQuery = RemoteKeySource.builder().discovery("https://login.example.com/?tenant=1");
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, withQuery::build);
  }
}
