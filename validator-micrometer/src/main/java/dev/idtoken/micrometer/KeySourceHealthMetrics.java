package dev.idtoken.micrometer;

import static dev.idtoken.micrometer.MetricNames.CONSECUTIVE_FAILURES;
import static dev.idtoken.micrometer.MetricNames.ISSUER;
import static dev.idtoken.micrometer.MetricNames.KEYS;
import static dev.idtoken.micrometer.MetricNames.KEY_AGE;
import static dev.idtoken.micrometer.MetricNames.STATUS;
import static dev.idtoken.micrometer.MetricNames.STATUS_TAG;

import dev.idtoken.jwks.KeySourceHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Gauges over a key source's {@link KeySourceHealth}, read when the registry is scraped.
 *
 * <p>Meters, each tagged {@code issuer} (the value given here):
 *
 * <ul>
 *   <li>{@code idtoken.jwks.keys} (gauge): usable keys cached.
 *   <li>{@code idtoken.jwks.key.age} (time gauge, seconds): time since the provider last confirmed
 *       the keys; NaN before the first successful fetch.
 *   <li>{@code idtoken.jwks.consecutive.failures} (gauge): failed fetches since the last success.
 *   <li>{@code idtoken.jwks.status} (gauge), tag {@code status}: {@code loading}, {@code fresh},
 *       {@code stale} or {@code unavailable}; 1 for the current status, 0 for the others, so an
 *       alert can fire on {@code status="unavailable"} without parsing anything.
 * </ul>
 *
 * <p>Thread-safe. The gauges hold the supplier strongly (a method reference such as
 * {@code keys::health} would otherwise be collected at once and the gauges would read NaN), so
 * remove them from the registry if the key source is closed before the registry is.
 */
public final class KeySourceHealthMetrics implements MeterBinder {

  private final Supplier<KeySourceHealth> health;
  private final Tags tags;

  /**
   * Gauges for one key source.
   *
   * @param health usually {@code remoteKeySource::health}; called on every scrape, so it must be
   *     cheap and must not block
   * @param issuer the issuer the application configured this key source for; the {@code issuer} tag
   * @throws NullPointerException if an argument is null
   */
  public KeySourceHealthMetrics(Supplier<KeySourceHealth> health, String issuer) {
    this(health, issuer, Tags.empty());
  }

  /**
   * Gauges for one key source, with further tags of the application's choosing.
   *
   * @param health usually {@code remoteKeySource::health}
   * @param issuer the {@code issuer} tag
   * @param tags further tags added to every meter; they must be bounded too
   * @throws NullPointerException if an argument is null
   */
  public KeySourceHealthMetrics(Supplier<KeySourceHealth> health, String issuer, Iterable<Tag> tags) {
    this.health = Objects.requireNonNull(health, "health");
    this.tags = Tags.of(tags).and(ISSUER, Objects.requireNonNull(issuer, "issuer"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder(KEYS, health, h -> h.get().keyCount())
        .description("Usable keys cached")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    TimeGauge.builder(KEY_AGE, health, TimeUnit.SECONDS, KeySourceHealthMetrics::ageSeconds)
        .description("Time since the provider last confirmed the keys")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    Gauge.builder(CONSECUTIVE_FAILURES, health, h -> h.get().consecutiveFailures())
        .description("Failed fetches since the last success")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    for (KeySourceHealth.Status status : KeySourceHealth.Status.values()) {
      Gauge.builder(STATUS, health, h -> h.get().status() == status ? 1 : 0)
          .description("1 for the key source's current status, 0 for the others")
          .tags(tags.and(STATUS_TAG, status.name().toLowerCase(Locale.ROOT)))
          .strongReference(true)
          .register(registry);
    }
  }

  private static double ageSeconds(Supplier<KeySourceHealth> health) {
    return health.get().keyAge().map(age -> age.toNanos() / 1e9).orElse(Double.NaN);
  }
}
