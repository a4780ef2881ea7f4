package dev.idtoken.micrometer;

import static dev.idtoken.micrometer.MetricNames.CHANGE;
import static dev.idtoken.micrometer.MetricNames.DISCOVERIES;
import static dev.idtoken.micrometer.MetricNames.FETCHES;
import static dev.idtoken.micrometer.MetricNames.ISSUER;
import static dev.idtoken.micrometer.MetricNames.KEY_CHANGES;
import static dev.idtoken.micrometer.MetricNames.OUTCOME;
import static dev.idtoken.micrometer.MetricNames.REFRESH_RATE_LIMITED;
import static dev.idtoken.micrometer.MetricNames.STALE_SERVED;
import static dev.idtoken.micrometer.MetricNames.UNKNOWN_KID_REJECTED;

import dev.idtoken.jwks.KeySourceListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A {@link KeySourceListener} that counts a {@code RemoteKeySource}'s events in a
 * {@link MeterRegistry}. Pass it to {@code RemoteKeySource.Builder.listener(...)}; pair it with
 * {@link KeySourceHealthMetrics} for the gauges.
 *
 * <pre>{@code
 * KeySourceMetrics events = new KeySourceMetrics(registry, issuer);
 * RemoteKeySource keys = RemoteKeySource.builder().discovery(issuer).listener(events).build();
 * new KeySourceHealthMetrics(keys::health, issuer).bindTo(registry);
 * }</pre>
 *
 * <p>Meters, each tagged {@code issuer} (the value given here, never one read from the network):
 *
 * <ul>
 *   <li>{@code idtoken.jwks.fetches} (counter), tag {@code outcome}: {@code success},
 *       {@code not_modified} (a 304 kept the cached keys) or {@code failure}.
 *   <li>{@code idtoken.jwks.key.changes} (counter), tag {@code change}: {@code added} or
 *       {@code removed}, one per key.
 *   <li>{@code idtoken.jwks.stale.served} (counter): requests answered with keys past their time to
 *       live during an outage.
 *   <li>{@code idtoken.jwks.refresh.rate.limited} (counter): unknown {@code kid}s that did not
 *       start a refresh because of the cooldown.
 *   <li>{@code idtoken.jwks.unknown.kid.rejections} (counter): tokens naming a {@code kid} the
 *       provider's JWKS does not have.
 *   <li>{@code idtoken.jwks.discoveries} (counter): JWKS URIs found by OpenID Connect Discovery.
 * </ul>
 *
 * <p>No meter is tagged with a {@code kid}, a URI from a provider's metadata, a failure reason or
 * anything else a token or a provider controls, so the number of time series stays fixed.
 *
 * <p>Thread-safe; each event is one counter increment, with no lock and no I/O, as
 * {@link KeySourceListener} requires. The meters are registered by the constructor.
 */
public final class KeySourceMetrics implements KeySourceListener {

  private final Counter fetchSuccess;
  private final Counter fetchNotModified;
  private final Counter fetchFailure;
  private final Counter keysAdded;
  private final Counter keysRemoved;
  private final Counter staleServed;
  private final Counter refreshRateLimited;
  private final Counter unknownKidRejected;
  private final Counter discovered;

  /**
   * Registers the meters for one key source.
   *
   * @param registry where the meters go
   * @param issuer the issuer the application configured this key source for; the {@code issuer} tag
   * @throws NullPointerException if an argument is null
   */
  public KeySourceMetrics(MeterRegistry registry, String issuer) {
    this(registry, issuer, Tags.empty());
  }

  /**
   * Registers the meters for one key source, with further tags of the application's choosing.
   *
   * @param registry where the meters go
   * @param issuer the issuer the application configured this key source for; the {@code issuer} tag
   * @param tags further tags added to every meter; they must be bounded too
   * @throws NullPointerException if an argument is null
   */
  public KeySourceMetrics(MeterRegistry registry, String issuer, Iterable<Tag> tags) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(issuer, "issuer");
    Tags base = Tags.of(tags).and(ISSUER, issuer);
    fetchSuccess = counter(registry, FETCHES, "JWKS fetches by outcome", base.and(OUTCOME, "success"));
    fetchNotModified =
        counter(registry, FETCHES, "JWKS fetches by outcome", base.and(OUTCOME, "not_modified"));
    fetchFailure = counter(registry, FETCHES, "JWKS fetches by outcome", base.and(OUTCOME, "failure"));
    keysAdded = counter(registry, KEY_CHANGES, "Keys added to or removed from the JWKS",
        base.and(CHANGE, "added"));
    keysRemoved = counter(registry, KEY_CHANGES, "Keys added to or removed from the JWKS",
        base.and(CHANGE, "removed"));
    staleServed = counter(registry, STALE_SERVED,
        "Requests answered with keys past their time to live during an outage", base);
    refreshRateLimited = counter(registry, REFRESH_RATE_LIMITED,
        "Unknown kids that did not start a refresh because of the cooldown", base);
    unknownKidRejected = counter(registry, UNKNOWN_KID_REJECTED,
        "Tokens naming a kid the provider's JWKS does not have", base);
    discovered = counter(registry, DISCOVERIES, "JWKS URIs found by OpenID Connect Discovery", base);
  }

  private static Counter counter(MeterRegistry registry, String name, String help, Tags tags) {
    return Counter.builder(name).description(help).tags(tags).register(registry);
  }

  @Override
  public void fetched(URI source, boolean notModified, int keyCount, Duration timeToLive) {
    (notModified ? fetchNotModified : fetchSuccess).increment();
  }

  @Override
  public void fetchFailed(URI source, String reason, int consecutiveFailures) {
    fetchFailure.increment();
  }

  @Override
  public void keysChanged(URI source, List<String> added, List<String> removed) {
    keysAdded.increment(added.size());
    keysRemoved.increment(removed.size());
  }

  @Override
  public void servedStale(URI source, Duration pastExpiry) {
    staleServed.increment();
  }

  @Override
  public void refreshRateLimited(URI source, String kid) {
    refreshRateLimited.increment();
  }

  @Override
  public void unknownKidRejected(URI source, String kid) {
    unknownKidRejected.increment();
  }

  @Override
  public void discovered(String issuer, URI jwksUri) {
    discovered.increment();
  }
}
