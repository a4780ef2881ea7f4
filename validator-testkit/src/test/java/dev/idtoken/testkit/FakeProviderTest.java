package dev.idtoken.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FakeProviderTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static HttpResponse<String> get(URI uri, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @SuppressWarnings("unchecked")
  private static List<String> kids(String jwks) {
    return ((List<Map<String, Object>>) Jwts.json(jwks).get("keys"))
        .stream().map(k -> (String) k.get("kid")).collect(Collectors.toList());
  }

  private static void assertServesNormalJwks(FakeProvider provider) throws Exception {
    HttpResponse<String> response = get(provider.jwksUri());
    assertEquals(200, response.statusCode());
    assertEquals(provider.issuer().jwksJson(), response.body());
  }

  @Test
  void startHttps_servesTlsTrustedOnlyThroughItsSslContext() throws Exception {
    try (FakeProvider provider = FakeProvider.startHttps("spa")) {
      assertTrue(provider.isHttps());
      assertTrue(provider.issuerUrl().matches("https://127\\.0\\.0\\.1:\\d+"), provider.issuerUrl());
      assertEquals(provider.issuerUrl(), provider.issuer().issuer());
      assertEquals("spa", provider.issuer().clientId());
      HttpClient trusting = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .sslContext(provider.sslContext())
          .build();
      HttpResponse<String> jwks = trusting.send(HttpRequest.newBuilder(provider.jwksUri()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, jwks.statusCode());
      assertEquals(provider.issuer().jwksJson(), jwks.body());
      HttpResponse<String> discovery = trusting.send(HttpRequest.newBuilder(provider.discoveryUri()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(discovery.body().contains("\"jwks_uri\":\"" + provider.issuerUrl() + "/jwks\""), discovery.body());
      // The JDK's default trust store does not know the self-signed certificate.
      assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> get(provider.jwksUri()));
      assertEquals(1, provider.jwksRequests()); // the refused handshake never reached the dispatcher
    }
  }

  @Test
  void sslContext_plainHttpProvider_throwsIllegalState() {
    try (FakeProvider provider = FakeProvider.start()) {
      assertFalse(provider.isHttps());
      assertThrows(IllegalStateException.class, provider::sslContext);
    }
  }

  @Test
  void start_listensOnLoopbackWithIssuerUrlAndClientId() {
    try (FakeProvider provider = FakeProvider.start()) {
      assertTrue(provider.issuerUrl().matches("http://127\\.0\\.0\\.1:\\d+"));
      assertEquals(provider.issuerUrl(), provider.issuer().issuer());
      assertEquals("test-client", provider.issuer().clientId());
      assertEquals(URI.create(provider.issuerUrl() + "/.well-known/openid-configuration"), provider.discoveryUri());
      assertEquals(URI.create(provider.issuerUrl() + "/jwks"), provider.jwksUri());
    }
    try (FakeProvider provider = FakeProvider.start("other")) {
      assertEquals("other", provider.issuer().clientId());
    }
  }

  @Test
  void discovery_servesTheOpenIdConfiguration() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      provider.issuer().addKey(TestKey.ec("P-256")).addKey(TestKey.ec("P-256"));
      provider.issuer().addKey(TestKey.rsa(2048).withJwkAlgorithm("PS256"));

      HttpResponse<String> response = get(provider.discoveryUri());

      assertEquals(200, response.statusCode());
      assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
      Map<String, Object> document = Jwts.json(response.body());
      String issuer = provider.issuerUrl();
      assertEquals(issuer, document.get("issuer"));
      assertEquals(issuer + "/jwks", document.get("jwks_uri"));
      assertEquals(issuer + "/authorize", document.get("authorization_endpoint"));
      assertEquals(issuer + "/token", document.get("token_endpoint"));
      assertEquals(List.of("public"), document.get("subject_types_supported"));
      assertTrue(((List<?>) document.get("response_types_supported")).contains("code"));
      assertEquals(List.of("RS256", "ES256", "PS256"), document.get("id_token_signing_alg_values_supported"));
      assertEquals(1, provider.discoveryRequests());
      assertEquals(0, provider.jwksRequests());
    }
  }

  @Test
  void discovery_overriddenIssuerAndAlgorithms() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      provider.discoveryIssuer("https://evil.example").idTokenSigningAlgValuesSupported(List.of("none"));
      Map<String, Object> document = Jwts.json(get(provider.discoveryUri()).body());
      assertEquals("https://evil.example", document.get("issuer"));
      assertEquals(List.of("none"), document.get("id_token_signing_alg_values_supported"));

      provider.discoveryIssuer(null).idTokenSigningAlgValuesSupported(null);
      document = Jwts.json(get(provider.discoveryUri()).body());
      assertEquals(provider.issuerUrl(), document.get("issuer"));
      assertEquals(List.of("RS256"), document.get("id_token_signing_alg_values_supported"));
    }
  }

  @Test
  void jwks_servesPublishedKeysAndShowsRotation() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      TestKey first = provider.issuer().signingKey();
      assertEquals(List.of(first.kid()), kids(get(provider.jwksUri()).body()));

      TestKey second = provider.issuer().rotate();
      assertEquals(List.of(first.kid(), second.kid()), kids(get(provider.jwksUri()).body()));

      provider.issuer().removeKey(first.kid());
      HttpResponse<String> response = get(provider.jwksUri());
      assertEquals(List.of(second.kid()), kids(response.body()));
      assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
      assertFalse(response.headers().firstValue("Cache-Control").isPresent());
      assertFalse(response.headers().firstValue("ETag").isPresent());
      assertEquals(3, provider.jwksRequests());
      assertEquals(404, get(URI.create(provider.issuerUrl() + "/other")).statusCode());
    }
  }

  @Test
  void failJwks_failsNextRequestsThenRecovers() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      provider.failJwks(2, 500);

      assertEquals(500, get(provider.jwksUri()).statusCode());
      assertEquals(500, get(provider.jwksUri()).statusCode());
      assertServesNormalJwks(provider);
      assertEquals(3, provider.jwksRequests());
      assertEquals(200, get(provider.discoveryUri()).statusCode());
    }
  }

  @Test
  void failDiscovery_failsNextRequestsThenRecovers() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      provider.failDiscovery(1, 404);

      assertEquals(404, get(provider.discoveryUri()).statusCode());
      assertEquals(200, get(provider.discoveryUri()).statusCode());
      assertServesNormalJwks(provider);
      assertEquals(2, provider.discoveryRequests());
    }
  }

  @Test
  void faults_queueInCallOrder() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      provider.failJwks(1, 503).malformedJwks(1).emptyJwks(1).oversizedJwks(1, 100_000);

      assertEquals(503, get(provider.jwksUri()).statusCode());

      HttpResponse<String> malformed = get(provider.jwksUri());
      assertEquals(200, malformed.statusCode());
      assertThrows(RuntimeException.class, () -> Jwts.json(malformed.body()));

      HttpResponse<String> empty = get(provider.jwksUri());
      assertEquals(200, empty.statusCode());
      assertEquals(Map.of("keys", List.of()), Jwts.json(empty.body()));

      HttpResponse<String> oversized = get(provider.jwksUri());
      assertEquals(200, oversized.statusCode());
      assertEquals(100_000, oversized.body().getBytes(StandardCharsets.UTF_8).length);
      assertEquals(List.of(provider.issuer().signingKey().kid()), kids(oversized.body()));

      assertServesNormalJwks(provider);
      assertEquals(5, provider.jwksRequests());
    }
  }

  @Test
  void delayJwks_delaysHeadersThenRecovers() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      provider.delayJwks(1, Duration.ofMillis(300));

      long start = System.nanoTime();
      HttpResponse<String> delayed = get(provider.jwksUri());
      long elapsed = System.nanoTime() - start;

      assertEquals(provider.issuer().jwksJson(), delayed.body());
      assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(300), "elapsed " + elapsed);
      assertServesNormalJwks(provider);
    }
  }

  @Test
  void delayJwks_clientTimesOut_andCloseDoesNotWaitForTheDelay() throws Exception {
    FakeProvider provider = FakeProvider.start();
    provider.delayJwks(1, Duration.ofMinutes(5));
    HttpRequest request =
        HttpRequest.newBuilder(provider.jwksUri()).timeout(Duration.ofMillis(200)).build();

    assertThrows(HttpTimeoutException.class, () -> HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    assertServesNormalJwks(provider);

    long start = System.nanoTime();
    provider.close();
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "close waited for the delay");
  }

  @Test
  void slowDripJwks_throttlesBodyThenRecovers() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      provider.issuer().useSigningKey(TestKey.ed25519()).removeKey(provider.issuer().publishedKeys().get(0).kid());
      int chunks = (provider.issuer().jwksJson().length() + FakeProvider.SLOW_DRIP_CHUNK_BYTES - 1)
          / FakeProvider.SLOW_DRIP_CHUNK_BYTES;
      provider.slowDripJwks(1, Duration.ofMillis(20));

      long start = System.nanoTime();
      HttpResponse<String> slow = get(provider.jwksUri());
      long elapsed = System.nanoTime() - start;

      assertEquals(provider.issuer().jwksJson(), slow.body());
      assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(20L * (chunks - 1)), "elapsed " + elapsed);
      assertServesNormalJwks(provider);
    }
  }

  @Test
  void cacheHeaders_sentOnLaterJwksResponses() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      provider.jwksCacheControl("public, max-age=300").jwksAge("42");

      HttpResponse<String> response = get(provider.jwksUri());
      assertEquals("public, max-age=300", response.headers().firstValue("Cache-Control").orElseThrow());
      assertEquals("42", response.headers().firstValue("Age").orElseThrow());
      provider.emptyJwks(1);
      assertEquals("42", get(provider.jwksUri()).headers().firstValue("Age").orElseThrow());
      assertFalse(get(provider.discoveryUri()).headers().firstValue("Cache-Control").isPresent());

      provider.jwksCacheControl(null).jwksAge(null);
      response = get(provider.jwksUri());
      assertFalse(response.headers().firstValue("Cache-Control").isPresent());
      assertFalse(response.headers().firstValue("Age").isPresent());
    }
  }

  @Test
  void etag_answers304WhenIfNoneMatchMatches() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      provider.jwksEtag(true).jwksCacheControl("max-age=60");

      HttpResponse<String> first = get(provider.jwksUri());
      String etag = first.headers().firstValue("ETag").orElseThrow();
      assertTrue(etag.startsWith("\"") && etag.endsWith("\""));

      HttpResponse<String> notModified = get(provider.jwksUri(), "If-None-Match", etag);
      assertEquals(304, notModified.statusCode());
      assertEquals("", notModified.body());
      assertEquals(etag, notModified.headers().firstValue("ETag").orElseThrow());
      assertEquals("max-age=60", notModified.headers().firstValue("Cache-Control").orElseThrow());
      assertEquals(304, get(provider.jwksUri(), "If-None-Match", "W/" + etag).statusCode());

      provider.issuer().rotate();
      HttpResponse<String> changed = get(provider.jwksUri(), "If-None-Match", etag);
      assertEquals(200, changed.statusCode());
      assertEquals(provider.issuer().jwksJson(), changed.body());
      assertFalse(etag.equals(changed.headers().firstValue("ETag").orElseThrow()));

      assertEquals(4, provider.jwksRequests());
      assertEquals(3, provider.conditionalJwksRequests());

      provider.jwksEtag(false);
      HttpResponse<String> plain = get(provider.jwksUri(), "If-None-Match", etag);
      assertEquals(200, plain.statusCode());
      assertFalse(plain.headers().firstValue("ETag").isPresent());
      assertEquals(4, provider.conditionalJwksRequests());
    }
  }

  @Test
  void down_failsEverythingUntilUp() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      provider.failJwks(1, 500).down();

      assertEquals(503, get(provider.jwksUri()).statusCode());
      assertEquals(503, get(provider.discoveryUri()).statusCode());
      assertEquals(503, get(provider.jwksUri()).statusCode());

      provider.up();
      assertEquals(500, get(provider.jwksUri()).statusCode()); // the queued fault waited
      assertServesNormalJwks(provider);
      assertEquals(4, provider.jwksRequests());
      assertEquals(1, provider.discoveryRequests());
    }
  }

  @Test
  void close_stopsTheServer() throws Exception {
    FakeProvider provider = FakeProvider.start();
    URI jwks = provider.jwksUri();
    assertEquals(200, get(jwks).statusCode());

    provider.close();
    provider.close();

    try (Socket socket = new Socket()) {
      assertThrows(IOException.class, () -> socket.connect(new InetSocketAddress("127.0.0.1", jwks.getPort()), 2000));
    }
  }

  @Test
  void jwks_concurrentRequests_allServedAndCounted() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (FakeProvider provider = FakeProvider.start()) {
      provider.failJwks(threads / 2, 500);
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return get(provider.jwksUri()).statusCode();
                }));
      }
      assertTrue(ready.await(10, TimeUnit.SECONDS));
      go.countDown();
      int failed = 0;
      for (Future<Integer> result : results) {
        if (result.get(10, TimeUnit.SECONDS) == 500) {
          failed++;
        }
      }
      assertEquals(threads / 2, failed);
      assertEquals(threads, provider.jwksRequests());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void faults_rejectNonPositiveTimes() {
    try (FakeProvider provider = FakeProvider.start()) {
      assertThrows(IllegalArgumentException.class, () -> provider.failJwks(0, 500));
      assertThrows(IllegalArgumentException.class, () -> provider.emptyJwks(-1));
    }
  }
}
