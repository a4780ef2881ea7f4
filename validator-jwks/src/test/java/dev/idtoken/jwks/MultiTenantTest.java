package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.validator.MultiIssuerValidator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Key sources at multi-tenant scale, against the fake provider: fetches wait their turn in a shared
 * scheduler and are cancelled with their source, tenants load on their first token, and idle tenants
 * stop refreshing until their next token.
 */
class MultiTenantTest extends SourceTestSupport {
  private final CompletableFuture<Void> blocker = new CompletableFuture<>();

  /** A scheduler with room for one fetch, taken by a fetch that runs until the test ends it. */
  private FetchScheduler fullScheduler() {
    FetchScheduler scheduler = track(FetchScheduler.builder().maxConcurrentFetches(1).maxFetchesPerHost(1).build());
    scheduler.submit(new FetchScheduler.Ticket("other.example", false, () -> blocker, () -> {}));
    assertEquals(1, scheduler.runningFetches());
    return scheduler;
  }

  @Test
  void register_defaultRegistry_fetchesNothingUntilTheFirstToken() throws Exception {
    IssuerRegistry registry = track(IssuerRegistry.builder().addressPolicy(AddressPolicy.allowing(AddressPolicy.Category.LOOPBACK)).keySourceDefaults(this::testDefaults).build());
    registry.register(provider.issuerUrl(), CLIENT_ID);
    assertEquals(0, provider.discoveryRequests());
    assertEquals(0, provider.jwksRequests());
    assertEquals(KeySourceHealth.Status.LOADING, registry.health(provider.issuerUrl()).orElseThrow().status());

    assertValid(MultiIssuerValidator.of(registry).validate(token())); // the first token waits for the keys

    assertEquals(1, provider.discoveryRequests());
    assertEquals(1, provider.jwksRequests());
  }

  @Test
  void validate_firstTokenWhileItsFetchWaitsInLine_unavailableWithRetryAfterThenValid() throws Exception {
    FetchScheduler scheduler = fullScheduler();
    IssuerRegistry registry = track(IssuerRegistry.builder().addressPolicy(AddressPolicy.allowing(AddressPolicy.Category.LOOPBACK))
        .fetchScheduler(scheduler)
        .keySourceDefaults(keys -> testDefaults(keys).maxWait(Duration.ZERO))
        .build());
    registry.register(provider.issuerUrl(), CLIENT_ID);
    MultiIssuerValidator validator = MultiIssuerValidator.of(registry);

    assertUnavailable(RemoteKeySource.WAIT_RETRY_AFTER, validator.validate(token()));
    assertEquals(1, scheduler.queuedFetches());
    assertEquals(0, provider.discoveryRequests());

    blocker.complete(null); // its turn comes
    listener.awaitCompletions(1);
    assertValid(validator.validate(token()));
    assertEquals(1, provider.jwksRequests());
  }

  @Test
  void removeAndClose_fetchesWaitingInLine_areCancelledAndNothingIsLeft() throws Exception {
    FetchScheduler scheduler = fullScheduler();
    IssuerRegistry registry = track(IssuerRegistry.builder().addressPolicy(AddressPolicy.allowing(AddressPolicy.Category.LOOPBACK))
        .fetchScheduler(scheduler)
        .keySourceDefaults(this::testDefaults)
        .loadKeysEagerly()
        .build());
    for (String tenant : new String[] {"a", "b", "c"}) {
      registry.register("https://" + tenant + ".example", CLIENT_ID, v -> {}, k -> k.jwksUri(provider.jwksUri()));
    }
    assertEquals(3, scheduler.queuedFetches());

    registry.remove("https://b.example");
    assertEquals(2, scheduler.queuedFetches());
    registry.close();
    assertEquals(0, scheduler.queuedFetches());

    blocker.complete(null);
    assertEquals(0, scheduler.runningFetches());
    assertEquals(0, scheduler.scheduledTasks());
    assertEquals(0, provider.jwksRequests());
    assertEquals(1, scheduler.started()); // only the blocker ever ran
  }

  @Test
  void close_loadedSourceOnRealTimers_leavesNoScheduledTask() throws Exception {
    FetchScheduler scheduler = track(FetchScheduler.builder().build());
    RemoteKeySource source = track(RemoteKeySource.builder()
        .jwksUri(provider.jwksUri())
        .allowInsecureLoopbackHttp()
        .fetchScheduler(scheduler)
        .build());
    source.refresh().get(30, TimeUnit.SECONDS);
    assertTrue(scheduler.scheduledTasks() >= 1, "the refresh-ahead timer"); // system ticker: real timers

    int before = scheduler.scheduledTasks();
    source.close();

    assertEquals(0, scheduler.scheduledTasks(), () -> "before close " + before + ", queued " + scheduler.queuedFetches());
    assertEquals(0, scheduler.runningFetches());
  }

  @Test
  void idleAfter_noTraffic_stopsRefreshingAndTheNextTokenRefreshes() throws Exception {
    provider.jwksCacheControl("max-age=900");
    RemoteKeySource source = loadedSource(keys -> withTimers(keys).idleAfter(Duration.ofMinutes(20)));
    assertEquals(1, provider.jwksRequests());

    ticker.advance(Duration.ofMinutes(12)); // refresh-ahead at 0.8 x 15 minutes, still in use
    listener.awaitCompletions(2);
    assertEquals(2, provider.jwksRequests());

    ticker.advance(Duration.ofMinutes(12)); // next refresh due, but 24 minutes without a call: parked
    ticker.advance(Duration.ofHours(2));
    assertEquals(2, provider.jwksRequests());
    assertEquals(0, timers.pending());

    assertValid(validator(source).validate(token())); // keys expired: waits for the refresh it starts
    assertEquals(3, provider.jwksRequests());
    assertEquals(KeySourceHealth.Status.FRESH, source.health().status());
    assertEquals(1, timers.pending()); // refresh-ahead again
  }

  @Test
  void idleAfter_parkedAndProviderDown_nextTokenServedFromLastKnownGoodKeys() throws Exception {
    RemoteKeySource source = loadedSource(keys -> withTimers(keys).idleAfter(Duration.ofMinutes(5)));
    ticker.advance(Duration.ofHours(1));
    assertEquals(0, timers.pending());
    provider.failJwks(1, 503);

    assertValid(validator(source).validate(token()));

    listener.awaitCompletions(2);
    assertEquals(2, provider.jwksRequests());
    assertEquals(1, source.health().consecutiveFailures());
  }
}
