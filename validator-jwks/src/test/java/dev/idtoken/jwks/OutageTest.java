package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySourceException;
import dev.idtoken.validator.ValidationResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
  private static final Duration MAX_WAIT = Duration.ofMillis(1500);
  private static final Duration READ_TIMEOUT = Duration.ofMillis(1000);
  private static final Duration MAX_STALE = Duration.ofHours(1);
  /** The scenario below makes three failing requests, then expects the provider back. */
  private static final int FAILING_REQUESTS = 3;

  static Stream<Arguments> fakeProviderFaults() {
    return Stream.of(
        fault("HTTP 500", p -> p.failJwks(FAILING_REQUESTS, 500), "HTTP 500"),
        fault("HTTP 404", p -> p.failJwks(FAILING_REQUESTS, 404), "HTTP 404"),
        fault("headers never come", p -> p.delayJwks(FAILING_REQUESTS, Duration.ofMillis(2500)), "timed out"),
        fault("slow drip", p -> p.slowDripJwks(FAILING_REQUESTS, Duration.ofMillis(100)), "timed out"),
        fault("malformed JSON", p -> p.malformedJwks(FAILING_REQUESTS), "MALFORMED"),
        fault("oversized body", p -> p.oversizedJwks(FAILING_REQUESTS, 600 * 1024), "larger than"),
        fault("no usable signing key", p -> p.emptyJwks(FAILING_REQUESTS), "no usable signing key"));
  }

  private static Arguments fault(String name, Consumer<FakeProvider> fault, String reason) {
    return Arguments.of(name, fault, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fakeProviderFaults")
  void validate_providerFailsAfterLoad_servesCacheWithinStaleBoundThenUnavailable(
      String name, Consumer<FakeProvider> fault, String reason) throws Exception {
    RemoteKeySource source = load(source(b -> b.maxWait(MAX_WAIT).readTimeout(READ_TIMEOUT).maxStale(MAX_STALE)));
    int loadRequests = provider.jwksRequests();
    fault.accept(provider);
    outageScenario(source, validator(source), token(), reason);
    assertEquals(loadRequests + 4, provider.jwksRequests());
  }

  static Stream<Arguments> rawFaults() {
    TestKey key = TestKey.rsa(2048);
    String privateJwk = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"AAAA\",\"x\":\"AAAA\",\"y\":\"AAAA\"}]}";
    String big = "{\"keys\":[]," + "\"pad\":\"" + "x".repeat(600 * 1024) + "\"}";
    return Stream.of(
        raw("redirect", r -> new MockResponse.Builder().code(302).setHeader("Location", "/jwks").build(),
            "redirects are not followed"),
        raw("not a key set", r -> TestProvider.json("[1,2,3]"), "MALFORMED"),
        raw("oversized chunked body", r -> new MockResponse.Builder().code(200).chunkedBody(big, 8192).build(),
            "larger than"),
        raw("only an encryption key", r -> TestProvider.json(
            "{\"keys\":[" + key.withJwkUse("enc").publicJwkJson() + "]}"), "no usable signing key"),
        raw("private key material", r -> TestProvider.json(privateJwk), "SECRET_KEY_MATERIAL"),
        raw("too many keys", r -> TestProvider.json("{\"keys\":[" + "{},".repeat(100) + "{}]}"), "TOO_MANY_KEYS"));
  }

  private static Arguments raw(String name, Function<RecordedRequest, MockResponse> response, String reason) {
    return Arguments.of(name, response, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rawFaults")
  void validate_providerAnswersGarbageAfterLoad_servesCacheWithinStaleBoundThenUnavailable(
      String name, Function<RecordedRequest, MockResponse> response, String reason) throws Exception {
    TestProvider raw = track(new TestProvider());
    TestIssuer keys = TestIssuer.create(raw.issuer(), CLIENT_ID);
    raw.jwks(keys.jwksJson());
    RemoteKeySource source = load(track(testDefaults(RemoteKeySource.builder().jwksUri(raw.jwksUri()))
        .maxWait(MAX_WAIT).readTimeout(READ_TIMEOUT).maxStale(MAX_STALE).build()));
    raw.failJwks(response);
    outageScenario(source, validator(source, raw.issuer()), keys.token().sign(), reason, () -> raw.failJwks(null));
  }

  private void outageScenario(RemoteKeySource source, IdTokenValidator validator, String token, String reason)
      throws Exception {
    outageScenario(source, validator, token, reason, () -> {});
  }

  /**
   * Waits for the first fetch. With the short read timeout these tests need, the very first exchange
   * on a busy two-core machine has been seen to stall past it (normally it takes ~10 ms), so a
   * failed first load is retried once; the scenarios count from the successful load.
   */
  private RemoteKeySource load(RemoteKeySource source) throws Exception {
    listener.awaitCompletions(1);
    if (source.health().status() != KeySourceHealth.Status.FRESH) {
      ticker.advance(RemoteKeySource.DEFAULT_MAX_RETRY_BACKOFF);
      source.refresh().get(10, TimeUnit.SECONDS);
    }
    assertEquals(KeySourceHealth.Status.FRESH, source.health().status(), source.health()::toString);
    listener.events.clear();
    return source;
  }

  private void outageScenario(RemoteKeySource source, IdTokenValidator validator, String token, String reason,
      Runnable recover) throws Exception {
    int done = listener.completions();
    ticker.advance(Duration.ofMinutes(16)); // past the 15-minute TTL
    assertServedQuickly(validator, token); // starts the refresh, does not wait for it
    listener.awaitCompletions(done + 1);
    KeySourceHealth health = source.health();
    assertEquals(KeySourceHealth.Status.STALE, health.status());
    assertTrue(health.lastError().orElseThrow().contains(reason), health::toString);
    assertEquals(1, health.consecutiveFailures());
    assertEquals(1, health.keyCount(), "a bad response never replaces good keys");

    ticker.advance(Duration.ofMinutes(30)); // still within the stale bound
    assertServedQuickly(validator, token);
    listener.awaitCompletions(done + 2);
    assertEquals(2, listener.count("failed"));

    ticker.advance(MAX_STALE); // past the stale bound
    long start = System.nanoTime();
    ValidationResult result = validator.validate(token);
    long waited = System.nanoTime() - start;
    assertUnavailable(result);
    assertTrue(waited < MAX_WAIT.toNanos() + 400_000_000L, "waited " + waited / 1_000_000 + " ms");
    assertEquals(KeySourceHealth.Status.UNAVAILABLE, source.health().status());
    listener.awaitCompletions(done + 3);

    recover.run();
    ticker.advance(RemoteKeySource.DEFAULT_MAX_RETRY_BACKOFF); // past any backoff
    assertValid(validator.validate(token));
    assertEquals(KeySourceHealth.Status.FRESH, source.health().status());
  }

  private static void assertServedQuickly(IdTokenValidator validator, String token) {
    long start = System.nanoTime();
    ValidationResult result = validator.validate(token);
    long took = System.nanoTime() - start;
    assertValid(result);
    assertTrue(took < MAX_WAIT.toNanos(), "took " + took / 1_000_000 + " ms");
  }

  @Test
  void validate_firstLoadFails_unavailableThenRecoversAfterBackoff() throws Exception {
    provider.failJwks(1, 503);
    RemoteKeySource source = source(b -> {});
    IdTokenValidator validator = validator(source);
    listener.awaitCompletions(1);

    assertUnavailable(validator.validate(token()));
    assertEquals(1, provider.jwksRequests(), "within the backoff no new fetch is made");
    KeySourceHealth health = source.health();
    assertEquals(KeySourceHealth.Status.UNAVAILABLE, health.status());
    assertEquals("JWKS: HTTP 503", health.lastError().orElseThrow());
    assertTrue(health.lastSuccessfulFetch().isEmpty());

    ticker.advance(RemoteKeySource.DEFAULT_RETRY_BACKOFF);
    assertValid(validator.validate(token()));
    assertEquals(2, provider.jwksRequests());
  }

  @Test
  void validate_firstLoadSlowerThanMaxWait_unavailableWithinTheBound() throws Exception {
    provider.delayJwks(1, Duration.ofSeconds(1));
    Duration maxWait = Duration.ofMillis(200);
    IdTokenValidator validator = validator(source(b -> b.maxWait(maxWait).readTimeout(Duration.ofSeconds(5))));

    long start = System.nanoTime();
    ValidationResult result = validator.validate(token());
    long waited = System.nanoTime() - start;
    assertUnavailable(result);
    assertTrue(waited >= maxWait.toNanos() - 20_000_000L, "waited " + waited / 1_000_000 + " ms");
    assertTrue(waited < maxWait.toNanos() + 400_000_000L, "waited " + waited / 1_000_000 + " ms");
    // The fetch went on in the background and serves later calls.
    listener.awaitCompletions(1);
    assertValid(validator.validate(token()));
    assertEquals(1, provider.jwksRequests());
  }

  @Test
  void close_waitingCallerIsReleasedAndLaterCallsAreUnavailable() throws Exception {
    ManualExecutor never = new ManualExecutor(); // the first fetch is queued and never started
    RemoteKeySource source = source(b -> b.executor(never).maxWait(Duration.ofSeconds(30)));
    IdTokenValidator validator = validator(source);
    String token = token();
    CompletableFuture<ValidationResult> waiting = CompletableFuture.supplyAsync(() -> validator.validate(token));
    // Not a sleep: spin until the caller is parked on the fetch.
    while (!waiting.isDone() && Thread.getAllStackTraces().keySet().stream().noneMatch(OutageTest::parkedInAwait)) {
      Thread.onSpinWait();
    }
    source.close();
    assertUnavailable(waiting.get(5, TimeUnit.SECONDS));
    assertUnavailable(validator.validate(token));
    assertEquals(KeySourceHealth.Status.UNAVAILABLE, source.health().status());
    assertEquals(0, provider.jwksRequests());
  }

  @Test
  void validate_executorLosesTheFirstFetch_unavailableWithinBoundThenWatchdogFreesTheFetch() throws Exception {
    AtomicBoolean lost = new AtomicBoolean();
    Executor losesFirstTask = task -> { // a discard policy under load: the first task vanishes
      if (lost.getAndSet(true)) {
        task.run();
      }
    };
    Duration readTimeout = Duration.ofSeconds(3);
    Duration maxWait = Duration.ofMillis(100);
    RemoteKeySource source = source(b -> b.executor(losesFirstTask).readTimeout(readTimeout).maxWait(maxWait));
    IdTokenValidator validator = validator(source);
    String token = token();

    long start = System.nanoTime();
    assertUnavailable(validator.validate(token));
    long waited = System.nanoTime() - start;
    assertTrue(waited < maxWait.toNanos() + 400_000_000L, "waited " + waited / 1_000_000 + " ms");
    CompletableFuture<KeySourceHealth> refresh = source.refresh(); // joins the lost fetch
    assertFalse(refresh.isDone());

    Duration watchdog = RemoteKeySource.DEFAULT_CONNECT_TIMEOUT.plus(readTimeout.multipliedBy(2))
        .plus(RemoteKeySource.FETCH_WATCHDOG_MARGIN);
    ticker.advance(watchdog.minusMillis(1));
    assertUnavailable(validator.validate(token));
    assertFalse(refresh.isDone(), "not given up before the watchdog");
    assertEquals(0, provider.jwksRequests());

    // Past the watchdog and the first retry backoff: the lost fetch fails and a new one starts.
    ticker.advance(Duration.ofMillis(1).plus(RemoteKeySource.DEFAULT_RETRY_BACKOFF));
    assertValid(validator.validate(token));
    assertEquals(1, provider.jwksRequests());
    ExecutionException e = assertThrows(ExecutionException.class, () -> refresh.get(5, TimeUnit.SECONDS));
    assertInstanceOf(KeySourceException.class, e.getCause());
    assertEquals(KeySourceHealth.Status.FRESH, source.health().status());
  }

  @Test
  void build_executorThrows_firstFetchFailsInsteadOfHangingAndRefreshStillWorks() throws Exception {
    RemoteKeySource source = source(b -> b.executor(task -> {
      throw new IllegalStateException("executor is broken");
    }));
    KeySourceHealth health = source.health();
    assertEquals(KeySourceHealth.Status.UNAVAILABLE, health.status());
    assertEquals(1, health.consecutiveFailures());
    assertEquals(KeySourceHealth.Status.FRESH, source.refresh().get(5, TimeUnit.SECONDS).status());
  }

  @Test
  void close_fetchCompletesAfterClose_keysHealthAndListenerUnchanged() throws Exception {
    ManualExecutor background = new ManualExecutor();
    RemoteKeySource source = source(b -> b.executor(background));
    assertEquals(1, background.runAll(), "building queued the first fetch");
    background.awaitPending(1); // the response arrived and was handed back to the executor
    source.close();
    background.runAll();

    assertEquals(1, provider.jwksRequests());
    KeySourceHealth health = source.health();
    assertEquals(KeySourceHealth.Status.UNAVAILABLE, health.status());
    assertTrue(health.kids().isEmpty(), health::toString);
    assertTrue(health.lastSuccessfulFetch().isEmpty(), health::toString);
    assertEquals(0, health.consecutiveFailures());
    assertTrue(listener.events.isEmpty(), listener.events::toString);
  }

  private static boolean parkedInAwait(Thread thread) {
    if (thread.getState() != Thread.State.TIMED_WAITING) {
      return false;
    }
    for (StackTraceElement frame : thread.getStackTrace()) {
      if (frame.getClassName().equals(RemoteKeySource.class.getName()) && frame.getMethodName().equals("await")) {
        return true;
      }
    }
    return false;
  }
}
