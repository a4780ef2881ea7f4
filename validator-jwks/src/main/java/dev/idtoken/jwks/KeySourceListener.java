package dev.idtoken.jwks;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Receives events from a {@link RemoteKeySource}: for metrics, alerts and audit trails.
 *
 * <p>Implementations must be thread-safe and fast: they are called on request threads and on the
 * key source's executor, and must not block. An exception thrown by a listener is
 * logged at debug level and otherwise ignored. Every method has an empty default, so implement only
 * the events you need.
 *
 * <p>A {@code source} is the JWKS URI once it is known, else the discovery document's URI. A
 * {@code kid} passed to {@link #refreshRateLimited} or {@link #unknownKidRejected} comes from an
 * unverified token header, and the {@code kid}s passed to {@link #keysChanged} are exactly as the
 * provider published them (which, for a provider a customer registered, means as that customer
 * chose): treat all of them as untrusted input, and escape them before logging or rendering them.
 * No event carries key material or token content.
 */
public interface KeySourceListener {

  /** A listener that ignores every event. */
  static KeySourceListener none() {
    return NoListener.INSTANCE;
  }

  /**
   * A JWKS was fetched and accepted.
   *
   * @param source the JWKS URI
   * @param notModified true when the provider answered 304 Not Modified to a conditional request
   *     and the cached keys were kept
   * @param keyCount the number of usable keys now cached
   * @param timeToLive how long the keys are fresh, after clamping
   */
  default void fetched(URI source, boolean notModified, int keyCount, Duration timeToLive) {}

  /**
   * A discovery or JWKS fetch failed; cached keys, if any, were kept.
   *
   * @param source the URI that was fetched
   * @param reason a short description that is safe to log
   * @param consecutiveFailures failures since the last success, this one included
   */
  default void fetchFailed(URI source, String reason, int consecutiveFailures) {}

  /**
   * The set of keys changed after a successful fetch. A key without a {@code kid} is named by its
   * RFC 7638 thumbprint.
   *
   * @param source the JWKS URI
   * @param added the keys that are now trusted and were not before; untrusted strings, as published
   * @param removed the keys that are no longer trusted; untrusted strings, as published
   */
  default void keysChanged(URI source, List<String> added, List<String> removed) {}

  /**
   * A request was answered with keys past their time to live, because the provider could not be
   * reached (or has not yet been asked) and the keys are still within the stale bound.
   *
   * @param source the JWKS URI
   * @param pastExpiry how long ago the keys stopped being fresh
   */
  default void servedStale(URI source, Duration pastExpiry) {}

  /**
   * A token named an unknown {@code kid}, but no fetch may start for it yet (the cooldown since the
   * last such fetch, or the retry backoff after a failure, has not passed): the token is answered
   * {@code Unavailable}, or waits for the fetch when it is due within the wait bound.
   */
  default void refreshRateLimited(URI source, String kid) {}

  /**
   * A token named a {@code kid} that the provider's JWKS does not contain, as confirmed by a fetch
   * that started after the {@code kid} was first seen: the token is rejected.
   */
  default void unknownKidRejected(URI source, String kid) {}

  /**
   * OpenID Connect Discovery found the JWKS URI for an issuer.
   *
   * @param issuer the configured issuer
   * @param jwksUri the {@code jwks_uri} from the provider's metadata
   */
  default void discovered(String issuer, URI jwksUri) {}
}
