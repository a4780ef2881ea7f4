package dev.idtoken.jwks;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time view of a {@link RemoteKeySource}, for health checks and dashboards.
 *
 * <p>Immutable and thread-safe. It names keys by {@code kid} (or RFC 7638 thumbprint) only, never
 * their material, so it is safe to expose on an internal health endpoint.
 *
 * @param status whether keys can be served, and how fresh they are
 * @param source the JWKS URI, or the discovery document's URI while the JWKS URI is not yet known
 * @param kids the {@code kid} (or thumbprint) of every cached usable key, in document order, exactly
 *     as the provider published them: untrusted strings, to be escaped before they are rendered
 * @param lastSuccessfulFetch when the provider last confirmed the keys (a 200 or a 304)
 * @param keyAge how long ago that was
 * @param lastError the reason of the most recent failure since the last success
 * @param lastErrorAt when that failure happened
 * @param consecutiveFailures failed fetches since the last success
 */
public record KeySourceHealth(
    Status status,
    URI source,
    List<String> kids,
    Optional<Instant> lastSuccessfulFetch,
    Optional<Duration> keyAge,
    Optional<String> lastError,
    Optional<Instant> lastErrorAt,
    int consecutiveFailures) {

  /** How usable the cached keys are. */
  public enum Status {
    /** No keys yet and no failure so far: the first fetch is in progress or about to start. */
    LOADING,
    /** Keys within their time to live. */
    FRESH,
    /** Keys past their time to live but within the stale bound: still served, refresh failing. */
    STALE,
    /** No keys may be served: never loaded, or past the stale bound. Validation answers 503. */
    UNAVAILABLE
  }

  /** Checks that no component is null and copies the list. */
  public KeySourceHealth {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(source, "source");
    kids = List.copyOf(kids);
    Objects.requireNonNull(lastSuccessfulFetch, "lastSuccessfulFetch");
    Objects.requireNonNull(keyAge, "keyAge");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(lastErrorAt, "lastErrorAt");
  }

  /** Number of usable keys cached. */
  public int keyCount() {
    return kids.size();
  }

  /** True when tokens can be checked right now ({@link Status#FRESH} or {@link Status#STALE}). */
  public boolean isServing() {
    return status == Status.FRESH || status == Status.STALE;
  }
}
