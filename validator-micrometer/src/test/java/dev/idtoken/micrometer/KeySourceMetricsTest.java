package dev.idtoken.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.jwks.KeySourceHealth;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.TestKey;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySourceException;
import dev.idtoken.validator.ValidationResult;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key source meters against a real RemoteKeySource and the test kit's fake provider. */
class KeySourceMetricsTest {
  private static final String CLIENT_ID = FakeProvider.DEFAULT_CLIENT_ID;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private FakeProvider provider;
  private RemoteKeySource source;
  private IdTokenValidator validator;

  @BeforeEach
  void start() throws Exception {
    provider = FakeProvider.start();
    String issuer = provider.issuerUrl();
    source = RemoteKeySource.builder()
        .jwksUri(provider.jwksUri())
        .allowInsecureLoopbackHttp()
        .ticker(nanos::get)
        .executor(Runnable::run)
        // Generous: nothing here tests timeouts, and a cold JVM's first exchange on a loaded
        // machine has taken several seconds.
        .readTimeout(Duration.ofSeconds(30))
        .maxWait(Duration.ofSeconds(30))
        .listener(new KeySourceMetrics(registry, issuer))
        .build();
    new KeySourceHealthMetrics(source::health, issuer).bindTo(registry);
    validator = IdTokenValidator.builder().issuer(issuer).clientId(CLIENT_ID).keySource(source).build();
    source.refresh().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    source.close();
    provider.close();
  }

  @Test
  void fetched_firstLoad_countsSuccessAddedKeysAndFreshGauges() {
    int published = provider.issuer().publishedKeys().size();

    assertEquals(1, count(MetricNames.FETCHES, "outcome", "success"));
    assertEquals(0, count(MetricNames.FETCHES, "outcome", "failure"));
    assertEquals(published, count(MetricNames.KEY_CHANGES, "change", "added"));
    assertEquals(published, gauge(MetricNames.KEYS, null, null));
    assertEquals(1, gauge(MetricNames.STATUS, "status", "fresh"));
    assertEquals(0, gauge(MetricNames.STATUS, "status", "unavailable"));
    assertEquals(0, gauge(MetricNames.CONSECUTIVE_FAILURES, null, null));
    assertEquals(0.0, registry.get(MetricNames.KEY_AGE).timeGauge().value(TimeUnit.SECONDS));
  }

  @Test
  void keyAge_ticksWithTheTicker_inSeconds() {
    nanos.addAndGet(Duration.ofSeconds(90).toNanos());

    assertEquals(90.0, registry.get(MetricNames.KEY_AGE).timeGauge().value(TimeUnit.SECONDS), 0.001);
  }

  @Test
  void rotation_countsAddedAndRemovedKeys() throws Exception {
    String oldKid = provider.issuer().signingKey().kid();
    provider.issuer().rotate();
    provider.issuer().removeKey(oldKid);

    source.refresh().get(10, TimeUnit.SECONDS);

    assertEquals(2, count(MetricNames.FETCHES, "outcome", "success"));
    assertEquals(1, count(MetricNames.KEY_CHANGES, "change", "removed"));
  }

  @Test
  void unknownKid_isCountedAsRejectedThenRateLimited_andNeverTagged() {
    // Past the cooldown since the first load, so the first unknown kid starts a fetch at once.
    nanos.addAndGet(RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN.plusSeconds(1).toNanos());

    ValidationResult first = validator.validate(
        provider.issuer().token().signWith(TestKey.rsa(2048).withKid("attacker-chosen-kid-1")).sign());
    ValidationResult second = validator.validate(
        provider.issuer().token().signWith(TestKey.rsa(2048).withKid("attacker-chosen-kid-2")).sign());

    // The first was fetched for and confirmed absent (401); the second came within the cooldown,
    // so no fetch could start for it yet (503, retry later).
    assertEquals(ErrorCode.KEY_NOT_FOUND, assertInstanceOf(ValidationResult.Invalid.class, first).code());
    assertInstanceOf(ValidationResult.Unavailable.class, second);
    assertEquals(1, count(MetricNames.UNKNOWN_KID_REJECTED, null, null));
    assertEquals(1, count(MetricNames.REFRESH_RATE_LIMITED, null, null));
    assertEquals(2, count(MetricNames.FETCHES, "outcome", "success"));
    for (Meter meter : registry.getMeters()) {
      for (Tag tag : meter.getId().getTags()) {
        assertFalse(tag.getValue().contains("attacker"), meter.getId()::toString);
      }
    }
  }

  @Test
  void outage_countsFailuresAndStaleServing_andGaugesShowStale() throws Exception {
    provider.failJwks(100, 500);
    nanos.addAndGet(RemoteKeySource.DEFAULT_CACHE_TTL.plusMinutes(1).toNanos());

    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> source.refresh().get(10, TimeUnit.SECONDS));
    KeySourceHealth health = source.health();
    ValidationResult result = validator.validate(provider.issuer().token().sign());

    assertInstanceOf(KeySourceException.class, failed.getCause());
    assertEquals(KeySourceHealth.Status.STALE, health.status(), health::toString);
    assertInstanceOf(ValidationResult.Valid.class, result);
    assertTrue(count(MetricNames.FETCHES, "outcome", "failure") >= 1);
    assertTrue(count(MetricNames.STALE_SERVED, null, null) >= 1);
    assertEquals(1, gauge(MetricNames.STATUS, "status", "stale"));
    assertEquals(0, gauge(MetricNames.STATUS, "status", "fresh"));
    assertTrue(gauge(MetricNames.CONSECUTIVE_FAILURES, null, null) >= 1);
  }

  @Test
  void everyMeter_isTaggedWithTheConfiguredIssuerOnly() {
    for (Meter meter : registry.getMeters()) {
      assertEquals(provider.issuerUrl(), meter.getId().getTag("issuer"), meter.getId()::toString);
    }
    // Counters: 3 fetch outcomes, 2 key changes, stale, rate-limited, unknown kid, discoveries.
    // Gauges: keys, key age, consecutive failures, one status gauge per status.
    assertEquals(9 + 3 + KeySourceHealth.Status.values().length, registry.getMeters().size());
  }

  private double count(String name, String tag, String value) {
    var search = registry.get(name).tag("issuer", provider.issuerUrl());
    return (tag == null ? search : search.tag(tag, value)).counter().count();
  }

  private double gauge(String name, String tag, String value) {
    var search = registry.get(name);
    return (tag == null ? search : search.tag(tag, value)).gauge().value();
  }
}
