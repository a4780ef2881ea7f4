package dev.idtoken.jwks;

import static dev.idtoken.jwks.Tokens.A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.ValidationResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Provider outages: cached keys keep serving within the stale bound; no caller waits past its bound. */
class OutageTest extends SourceTestSupport {
  private static final Duration MAX_WAIT = Duration.ofMillis(800);
  private static final Duration READ_TIMEOUT = Duration.ofMillis(300);
  private static final Duration MAX_STALE = Duration.ofHours(1);

  static Stream<Arguments> failures() {
    String big = "{\"keys\":[]," + "\"pad\":\"" + "x".repeat(600 * 1024) + "\"}";
    return Stream.of(
        failure("HTTP 500", r -> new MockResponse.Builder().code(500).body("oops").build(), "HTTP 500"),
        failure("HTTP 404", r -> new MockResponse.Builder().code(404).build(), "HTTP 404"),
        failure("redirect", r -> new MockResponse.Builder().code(302).setHeader("Location", "/jwks").build(),
            "redirects are not followed"),
        failure("headers never come", r -> new MockResponse.Builder().code(200)
            .headersDelay(2, TimeUnit.SECONDS).body(Tokens.jwks(A)).build(), "timed out"),
        failure("slow drip", r -> new MockResponse.Builder().code(200).body(Tokens.jwks(A))
            .throttleBody(16, 100, TimeUnit.MILLISECONDS).build(), "timed out"),
        failure("malformed JSON", r -> TestProvider.json("{\"keys\": [ {"), "MALFORMED"),
        failure("not a key set", r -> TestProvider.json("[1,2,3]"), "MALFORMED"),
        failure("oversized body", r -> TestProvider.json(big), "larger than"),
        failure("oversized chunked body", r -> new MockResponse.Builder().code(200)
            .chunkedBody(big, 8192).build(), "larger than"),
        failure("no usable signing key", r -> TestProvider.json(
            Tokens.jwks(A).replace("\"use\":\"sig\"", "\"use\":\"enc\"")), "no usable signing key"),
        failure("private key material", r -> TestProvider.json("{\"keys\":[" + A.toJson(
            org.jose4j.jwk.JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE) + "]}"), "SECRET_KEY_MATERIAL"),
        failure("too many keys", r -> TestProvider.json("{\"keys\":[" + "{},".repeat(100) + "{}]}"),
            "TOO_MANY_KEYS"));
  }

  private static Arguments failure(String name, Function<RecordedRequest, MockResponse> response, String reason) {
    return Arguments.of(name, response, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void validate_providerFailsAfterLoad_servesCacheWithinStaleBoundThenUnavailable(
      String name, Function<RecordedRequest, MockResponse> failure, String reason) throws Exception {
    provider.jwks(Tokens.jwks(A));
    RemoteKeySource source = loadedSource(b -> b.maxWait(MAX_WAIT).readTimeout(READ_TIMEOUT).maxStale(MAX_STALE));
    IdTokenValidator validator = validator(source);
    String tokenA = token(A);
    provider.failJwks(failure);

    ticker.advance(Duration.ofMinutes(16)); // past the 15-minute TTL
    assertServedQuickly(validator, tokenA); // starts the refresh, does not wait for it
    listener.awaitCompletions(2);
    KeySourceHealth health = source.health();
    assertEquals(KeySourceHealth.Status.STALE, health.status());
    assertTrue(health.lastError().orElseThrow().contains(reason), health::toString);
    assertEquals(1, health.consecutiveFailures());
    assertEquals(1, health.keyCount(), "a bad response never replaces good keys");

    ticker.advance(Duration.ofMinutes(30)); // still within the stale bound
    assertServedQuickly(validator, tokenA);
    listener.awaitCompletions(3);
    assertEquals(2, listener.count("failed"));

    ticker.advance(MAX_STALE); // past the stale bound
    long start = System.nanoTime();
    ValidationResult result = validator.validate(tokenA);
    long waited = System.nanoTime() - start;
    assertUnavailable(result);
    assertTrue(waited < MAX_WAIT.toNanos() + 400_000_000L, "waited " + waited / 1_000_000 + " ms");
    assertEquals(KeySourceHealth.Status.UNAVAILABLE, source.health().status());

    provider.failJwks(null);
    ticker.advance(RemoteKeySource.DEFAULT_MAX_RETRY_BACKOFF); // past any backoff
    assertValid(validator.validate(tokenA));
    assertEquals(KeySourceHealth.Status.FRESH, source.health().status());
  }

  private void assertServedQuickly(IdTokenValidator validator, String token) {
    long start = System.nanoTime();
    ValidationResult result = validator.validate(token);
    long took = System.nanoTime() - start;
    assertValid(result);
    assertTrue(took < MAX_WAIT.toNanos(), "took " + took / 1_000_000 + " ms");
  }

  @Test
  void validate_firstLoadFails_unavailableThenRecoversAfterBackoff() throws Exception {
    provider.jwks(Tokens.jwks(A)).failJwks(r -> new MockResponse.Builder().code(503).build());
    RemoteKeySource source = source(b -> {});
    IdTokenValidator validator = validator(source);
    listener.awaitCompletions(1);

    assertUnavailable(validator.validate(token(A)));
    assertEquals(1, provider.jwksRequests(), "within the backoff no new fetch is made");
    KeySourceHealth health = source.health();
    assertEquals(KeySourceHealth.Status.UNAVAILABLE, health.status());
    assertEquals("JWKS: HTTP 503", health.lastError().orElseThrow());
    assertTrue(health.lastSuccessfulFetch().isEmpty());

    provider.failJwks(null);
    ticker.advance(RemoteKeySource.DEFAULT_RETRY_BACKOFF);
    assertValid(validator.validate(token(A)));
    assertEquals(2, provider.jwksRequests());
  }

  @Test
  void validate_firstLoadSlowerThanMaxWait_unavailableWithinTheBound() throws Exception {
    provider.jwks(Tokens.jwks(A)).failJwks(r -> new MockResponse.Builder().code(200)
        .headersDelay(1, TimeUnit.SECONDS).body(Tokens.jwks(A)).build());
    Duration maxWait = Duration.ofMillis(200);
    IdTokenValidator validator = validator(source(b -> b.maxWait(maxWait).readTimeout(Duration.ofSeconds(5))));

    long start = System.nanoTime();
    ValidationResult result = validator.validate(token(A));
    long waited = System.nanoTime() - start;
    assertUnavailable(result);
    assertTrue(waited >= maxWait.toNanos() - 20_000_000L, "waited " + waited / 1_000_000 + " ms");
    assertTrue(waited < maxWait.toNanos() + 400_000_000L, "waited " + waited / 1_000_000 + " ms");
    // The fetch went on in the background and serves later calls.
    listener.awaitCompletions(1);
    assertValid(validator.validate(token(A)));
    assertEquals(1, provider.jwksRequests());
  }

  @Test
  void close_waitingCallerIsReleasedAndLaterCallsAreUnavailable() throws Exception {
    provider.jwks(Tokens.jwks(A));
    ManualExecutor never = new ManualExecutor(); // the first fetch is queued and never started
    RemoteKeySource source = source(b -> b.executor(never).maxWait(Duration.ofSeconds(30)));
    IdTokenValidator validator = validator(source);
    String tokenA = token(A);
    java.util.concurrent.CompletableFuture<ValidationResult> waiting =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> validator.validate(tokenA));
    // Not a sleep: wait until the caller is parked on the fetch.
    while (source.health().status() == KeySourceHealth.Status.LOADING && !waiting.isDone()
        && Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getState() == Thread.State.TIMED_WAITING
            && java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("await")
                && f.getClassName().equals(RemoteKeySource.class.getName())))) {
      Thread.onSpinWait();
    }
    source.close();
    assertUnavailable(waiting.get(5, TimeUnit.SECONDS));
    assertUnavailable(validator.validate(tokenA));
    assertEquals(KeySourceHealth.Status.UNAVAILABLE, source.health().status());
    assertEquals(0, provider.jwksRequests());
  }
}
