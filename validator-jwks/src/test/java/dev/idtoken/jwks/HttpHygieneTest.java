package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.KeySourceException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpHygieneTest extends SourceTestSupport {

  @Test
  void fetch_sendsLibraryUserAgentAndAcceptsJwkSet() throws Exception {
    TestProvider raw = track(new TestProvider());
    raw.jwks(provider.issuer().jwksJson());
    track(testDefaults(RemoteKeySource.builder().jwksUri(raw.jwksUri())).build());
    listener.awaitCompletions(1);
    String userAgent = raw.jwksLog.get(0).getHeaders().get("User-Agent");
    assertTrue(userAgent.matches("idtoken-validator/\\d+\\.\\d+\\.\\d+.*"), userAgent);
    assertTrue(raw.jwksLog.get(0).getHeaders().get("Accept").startsWith("application/jwk-set+json"));
  }

  @Test
  void build_plainHttp_refusedUnlessLoopbackAndOptedIn() {
    ManualExecutor never = new ManualExecutor();
    assertThrows(IllegalArgumentException.class,
        () -> RemoteKeySource.builder().jwksUri("http://idp.example.com/jwks").allowInsecureLoopbackHttp().build());
    assertThrows(IllegalArgumentException.class,
        () -> RemoteKeySource.builder().jwksUri(provider.jwksUri()).executor(never).build());
    assertThrows(IllegalArgumentException.class,
        () -> RemoteKeySource.builder().jwksUri("ftp://idp.example.com/jwks").build());
    assertThrows(IllegalArgumentException.class,
        () -> RemoteKeySource.builder().jwksUri("https://user:pw@idp.example.com/jwks").build());
    // HTTPS is accepted; the queued first fetch is never run, so nothing leaves this machine.
    track(RemoteKeySource.builder().jwksUri("https://idp.example.com/jwks").executor(never).build());
    track(RemoteKeySource.builder().jwksUri("http://[::1]:1/jwks").allowInsecureLoopbackHttp().executor(never).build());
    track(RemoteKeySource.builder().jwksUri("http://localhost:1/jwks").allowInsecureLoopbackHttp().executor(never).build());
  }

  @Test
  void isLoopback_neverTrustsLookalikes() {
    assertTrue(Urls.isLoopback("127.0.0.1"));
    assertTrue(Urls.isLoopback("127.1.2.3"));
    assertTrue(Urls.isLoopback("[::1]"));
    assertTrue(Urls.isLoopback("LOCALHOST"));
    for (String host : new String[] {"127.0.0.1.evil.example", "localhost.evil.example", "10.0.0.1", "[::2]",
        "128.0.0.1", "[fe80::1]"}) {
      assertEquals(false, Urls.isLoopback(host), host);
    }
    assertEquals(URI.create("https://a.example/t/.well-known/openid-configuration"), Urls.discoveryUri("https://a.example/t/"));
    assertEquals(URI.create("https://a.example/.well-known/openid-configuration"), Urls.discoveryUri("https://a.example"));
  }

  @Test
  void builder_outOfRangeOrIncomplete_failsFastNamingTheOption() {
    RemoteKeySource.Builder builder = RemoteKeySource.builder();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.maxWait(Duration.ofMinutes(5)));
    assertTrue(e.getMessage().contains("maxWait"));
    assertThrows(IllegalArgumentException.class, () -> builder.maxStale(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> builder.unknownKidCooldown(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> builder.refreshAheadRatio(1.5));
    assertThrows(IllegalArgumentException.class, () -> builder.maxResponseSize(10));
    assertThrows(IllegalArgumentException.class, () -> builder.retryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(1)));
    assertThrows(NullPointerException.class, () -> builder.listener(null));
    assertThrows(IllegalStateException.class, builder::build);
    builder.jwksUri("https://idp.example.com/jwks").minCacheTtl(Duration.ofHours(2));
    assertThrows(IllegalStateException.class, builder::build);
  }

  @Test
  void refresh_whenProviderFails_completesExceptionallyWithSafeReason() throws Exception {
    RemoteKeySource source = loadedSource(b -> {});
    assertEquals(KeySourceHealth.Status.FRESH, source.refresh().get(5, TimeUnit.SECONDS).status());
    provider.failJwks(1, 500);
    ExecutionException e = assertThrows(ExecutionException.class, () -> source.refresh().get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof KeySourceException, e.toString());
    assertTrue(e.getCause().getMessage().endsWith("JWKS: HTTP 500"), e.getCause().getMessage());
    // Still serving the good keys.
    assertEquals(1, source.keys(issuer().signingKey().kid(), JwsAlgorithm.RS256).size());
  }

  @Test
  void fetch_deadlinePassed_completionRunsOnTheConfiguredExecutor() throws Exception {
    // Not on the JDK's shared timer thread, where the response deadline fires.
    String name = "jwks-test-executor";
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, name));
    track(executor::shutdownNow);
    List<String> failedOn = new CopyOnWriteArrayList<>();
    KeySourceListener recording = new KeySourceListener() {
      @Override
      public void fetchFailed(URI source, String reason, int consecutiveFailures) {
        failedOn.add(Thread.currentThread().getName());
      }
    };
    provider.delayJwks(1, Duration.ofSeconds(2));
    RemoteKeySource source = source(b -> b.executor(executor).readTimeout(Duration.ofMillis(200)).listener(recording));

    String stageRanOn = source.refresh().handle((health, error) -> Thread.currentThread().getName())
        .get(10, TimeUnit.SECONDS);
    assertEquals(name, stageRanOn);
    assertEquals(List.of(name), failedOn);
  }

  @Test
  void keys_listenerThrows_sourceKeepsWorking() throws Exception {
    KeySourceListener broken = new KeySourceListener() {
      @Override
      public void fetched(URI source, boolean notModified, int keyCount, Duration timeToLive) {
        throw new IllegalStateException("boom");
      }
    };
    RemoteKeySource source = source(b -> b.listener(broken));
    assertEquals(1, source.keys(issuer().signingKey().kid(), JwsAlgorithm.RS256).size());
    assertEquals(1, source.keys(null, JwsAlgorithm.RS256).size());
  }

  @Test
  void health_reportsKidsAgeAndErrorsButNoKeyMaterial() throws Exception {
    RemoteKeySource source = loadedSource(b -> {});
    ticker.advance(Duration.ofMinutes(3));
    KeySourceHealth health = source.health();
    assertEquals(java.util.List.of(issuer().signingKey().kid()), health.kids());
    assertEquals(Duration.ofMinutes(3), health.keyAge().orElseThrow());
    assertTrue(health.lastSuccessfulFetch().isPresent());
    assertTrue(health.lastError().isEmpty());
    assertTrue(health.isServing());
    String text = health.toString() + source.toString();
    String modulus = issuer().signingKey().publicJwk().get("n").toString();
    assertTrue(!text.contains(modulus.substring(0, 20)), text);
  }
}
