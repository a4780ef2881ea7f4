package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
  void validate_discovery_findsJwksUriAndValidates() throws Exception {
    RemoteKeySource source = discoverySource(provider.issuerUrl(),
        b -> b.expectedAlgorithms(Set.of(JwsAlgorithm.RS256)));
    assertValid(validator(source).validate(token()));
    assertEquals(1, provider.discoveryRequests());
    assertEquals(1, provider.jwksRequests());
    assertEquals(provider.jwksUri(), source.health().source());
    assertTrue(listener.events.contains("discovered " + provider.jwksUri()), listener.events::toString);
  }

  @Test
  void validate_providerSignsWithAlgorithmsNotAllowed_stillLoadsKeys() throws Exception {
    // Only a warning is logged: the validator's allow-list decides what is accepted.
    provider.idTokenSigningAlgValuesSupported(List.of("ES256"));
    RemoteKeySource source = discoverySource(provider.issuerUrl(),
        b -> b.expectedAlgorithms(Set.of(JwsAlgorithm.RS256)));
    assertValid(validator(source).validate(token()));
  }

  @Test
  void validate_issuerWithTrailingSlash_discoveryPathDropsTheSlashAndIssuerMatchesExactly() throws Exception {
    TestProvider raw = track(new TestProvider()).issuerPath("/tenant/");
    String issuer = raw.base() + "/tenant/";
    TestIssuer keys = TestIssuer.create(issuer, CLIENT_ID);
    raw.jwks(keys.jwksJson()).discovery(r -> TestProvider.json(raw.discoveryDocument(issuer)));
    RemoteKeySource source = discoverySource(issuer, b -> {});

    assertValid(validator(source, issuer).validate(keys.token().sign()));
    assertEquals("/tenant/.well-known/openid-configuration", raw.discoveryLog.get(0).getUrl().encodedPath());
  }

  @Test
  void validate_discoveryNamesAnotherIssuer_rejectedAsUnavailable() throws Exception {
    provider.discoveryIssuer("https://impostor.example");
    RemoteKeySource source = discoverySource(provider.issuerUrl(), b -> {});

    assertUnavailable(validator(source).validate(token()));
    assertEquals(0, provider.jwksRequests(), "keys are never fetched from an unverified jwks_uri");
    assertTrue(source.health().lastError().orElseThrow().contains("issuer mismatch"), source.health()::toString);
  }

  @Test
  void validate_discoveryIssuerDiffersOnlyByTrailingSlash_rejected() throws Exception {
    provider.discoveryIssuer(provider.issuerUrl() + "/");
    RemoteKeySource source = discoverySource(provider.issuerUrl(), b -> {});
    assertUnavailable(validator(source).validate(token()));
    assertTrue(source.health().lastError().orElseThrow().contains("issuer mismatch"));
  }

  @Test
  void validate_discoveryFailsThenRecovers_retriedWithBackoffAndThenValid() throws Exception {
    provider.failDiscovery(1, 503);
    RemoteKeySource source = discoverySource(provider.issuerUrl(), b -> {});
    IdTokenValidator validator = validator(source);
    listener.awaitCompletions(1);

    assertUnavailable(validator.validate(token()));
    assertEquals(1, provider.discoveryRequests(), "no retry within the backoff");
    assertEquals("discovery: HTTP 503", source.health().lastError().orElseThrow());

    ticker.advance(RemoteKeySource.DEFAULT_RETRY_BACKOFF);
    assertValid(validator.validate(token()));
    assertEquals(2, provider.discoveryRequests());
    assertEquals(KeySourceHealth.Status.FRESH, source.health().status());
  }

  @Test
  void validate_discoveryKeepsFailing_backoffDoublesUpToItsCap() throws Exception {
    provider.failDiscovery(100, 500);
    RemoteKeySource source = discoverySource(provider.issuerUrl(),
        b -> b.retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4)));
    IdTokenValidator validator = validator(source);
    listener.awaitCompletions(1);
    String token = token();
    // First failure at t=0; retries allowed after 1 s, then 2 s, then 4 s, then 4 s (the cap).
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
  void fetch_rediscoveryFailsAfter24Hours_knownJwksUriKeptAndDiscoveryRetriedPerBackoffNotPerFetch()
      throws Exception {
    RemoteKeySource source = discoverySource(provider.issuerUrl(), b -> {});
    IdTokenValidator validator = validator(source);
    listener.awaitCompletions(1);
    assertEquals(1, provider.discoveryRequests());

    provider.failDiscovery(2, 503);
    ticker.advance(RemoteKeySource.DISCOVERY_MAX_AGE); // the jwks_uri is due to be looked up again
    assertEquals(KeySourceHealth.Status.FRESH, refresh(source)); // discovery fails: the known jwks_uri serves
    assertEquals(2, provider.discoveryRequests());
    assertEquals(2, provider.jwksRequests());

    // Within the discovery backoff, fetches go straight to the JWKS: a rotated key is picked up.
    issuer().rotate();
    assertValid(validator.validate(token()));
    refresh(source);
    assertEquals(2, provider.discoveryRequests());
    assertEquals(4, provider.jwksRequests());

    ticker.advance(RemoteKeySource.DEFAULT_RETRY_BACKOFF); // retry due; it fails: next in 2 s
    refresh(source);
    assertEquals(3, provider.discoveryRequests());
    ticker.advance(RemoteKeySource.DEFAULT_RETRY_BACKOFF);
    refresh(source);
    assertEquals(3, provider.discoveryRequests(), "the backoff doubled");
    ticker.advance(RemoteKeySource.DEFAULT_RETRY_BACKOFF);
    refresh(source);
    assertEquals(4, provider.discoveryRequests(), "retried, and it succeeded");
    ticker.advance(Duration.ofHours(1));
    refresh(source);
    assertEquals(4, provider.discoveryRequests(), "looked up again only after another 24 hours");
    assertEquals(8, provider.jwksRequests());
  }

  private static KeySourceHealth.Status refresh(RemoteKeySource source) throws Exception {
    return source.refresh().get(10, TimeUnit.SECONDS).status();
  }

  @Test
  void validate_jwksUriNotHttps_refused() throws Exception {
    TestProvider raw = track(new TestProvider());
    raw.discovery(r -> TestProvider.json("{\"issuer\":\"" + raw.issuer() + "\",\"jwks_uri\":\"http://keys.example.com/jwks\"}"));
    RemoteKeySource source = discoverySource(raw.issuer(), b -> {});
    assertUnavailable(validator(source, raw.issuer()).validate(token()));
    assertTrue(source.health().lastError().orElseThrow().contains("jwks_uri must use https"), source.health()::toString);
    assertEquals(0, raw.jwksRequests());
  }

  @Test
  void validate_malformedDiscoveryDocuments_refused() throws Exception {
    TestProvider raw = track(new TestProvider());
    String issuer = raw.issuer();
    String[] documents = {"not json", "[]", "{\"issuer\":\"" + issuer + "\"}",
        "{\"issuer\":\"" + issuer + "\",\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + raw.jwksUri() + "\"}",
        "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + raw.jwksUri() + "\"} trailing"};
    for (String document : documents) {
      raw.discovery(r -> TestProvider.json(document));
      RemoteKeySource source = discoverySource(issuer, b -> {});
      assertUnavailable(validator(source, issuer).validate(token()));
      assertTrue(source.health().lastError().orElseThrow().startsWith("discovery"), document);
    }
    assertEquals(0, raw.jwksRequests());
  }

  @Test
  void build_issuerNotHttpsOrWithQuery_refused() {
    RemoteKeySource.Builder plain = RemoteKeySource.builder().discovery("http://login.example.com");
    assertThrows(IllegalArgumentException.class, plain::build);
    RemoteKeySource.Builder withQuery = RemoteKeySource.builder().discovery("https://login.example.com/?tenant=1");
    assertThrows(IllegalArgumentException.class, withQuery::build);
  }
}
