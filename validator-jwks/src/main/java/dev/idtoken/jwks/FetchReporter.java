package dev.idtoken.jwks;

import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.VerificationKey;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the world how a key source's fetches went: the log lines (one warning per outage, not per
 * failure; an info line when it ends or keys change; debug otherwise), the listener's events, and
 * the last error for {@link KeySourceHealth}. Decides nothing about fetching.
 *
 * <p>Thread-safe. Strings from tokens and providers are logged through {@link Logs#safe}.
 */
final class FetchReporter {
  private static final Logger log = LoggerFactory.getLogger(RemoteKeySource.class);

  private final KeySourceListener events;
  private final Duration maxStale;
  private final Clock clock;
  private final OutageSummary outages;
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private String lastError;
  private Instant lastErrorAt;
  private boolean outage;
  private boolean sourceClosed;
  private Snapshot warnedPastStale;

  FetchReporter(KeySourceListener listener, Duration maxStale, Clock clock) {
    this(listener, maxStale, clock, null);
  }

  /** @param outages shared with the other sources of a scheduler, or null for a lone source */
  FetchReporter(KeySourceListener listener, Duration maxStale, Clock clock, OutageSummary outages) {
    this.outages = outages;
    this.events = new SafeListener(listener);
    this.maxStale = maxStale;
    this.clock = clock;
  }

  KeySourceListener events() {
    return events;
  }

  /** The reason of the latest failure since the last success, if any. */
  Optional<String> lastError() {
    lock.lock();
    try {
      return Optional.ofNullable(lastError);
    } finally {
      lock.unlock();
    }
  }

  /** When that failure happened. */
  Optional<Instant> lastErrorAt() {
    lock.lock();
    try {
      return Optional.ofNullable(lastErrorAt);
    } finally {
      lock.unlock();
    }
  }

  /** {@link #lastError()}, or a phrase saying there was no success yet. */
  String lastErrorOrUnknown() {
    return lastError().orElse("no successful fetch yet");
  }

  /** A fetch succeeded after {@code failed} failures; {@code old} is the snapshot it replaced. */
  void succeeded(Snapshot old, Snapshot snap, int failed) {
    boolean recovered;
    lock.lock();
    try {
      recovered = outage;
      outage = false;
      warnedPastStale = null;
      lastError = null;
      lastErrorAt = null;
    } finally {
      lock.unlock();
    }
    URI uri = snap.jwksUri();
    if (recovered && outages != null) {
      outages.ended();
    }
    if (recovered) {
      log.info("Fetched keys from {} again after {} failed attempts", uri, failed);
    }
    events.fetched(uri, snap.notModified(), snap.keys().keys().size(), snap.timeToLive());
    if (log.isDebugEnabled()) {
      log.debug("Fetched keys from {}{}: {} keys, fresh for {}", uri, snap.notModified() ? " (not modified)" : "",
          snap.keys().keys().size(), snap.timeToLive());
    }
    if (snap.notModified()) {
      return;
    }
    List<VerificationKey> before = old == null ? List.of() : old.keys().keys();
    List<VerificationKey> after = snap.keys().keys();
    List<String> added = names(minus(after, before));
    List<String> removed = names(minus(before, after));
    if (!added.isEmpty() || !removed.isEmpty()) {
      log.info("Keys from {} changed: added {}, removed {}", uri, Logs.safe(added), Logs.safe(removed));
      events.keysChanged(uri, added, removed);
    }
    // One line per skipped key when the set of skipped keys changes, not on every fetch.
    Set<KeySet.SkippedKey> skippedBefore = old == null ? Set.of() : new HashSet<>(old.skipped());
    for (KeySet.SkippedKey skipped : snap.skipped()) {
      if (!skippedBefore.contains(skipped)) {
        switch (skipped.reason()) {
          case WEAK_KEY:
          case INVALID_PARAMETERS:
          case DUPLICATE_KID:
            log.warn("Key {} from {} is not used: {}", Logs.safe(skipped.kid()), uri, skipped.reason());
            break;
          default:
            log.info("Key {} from {} is not used: {}", Logs.safe(skipped.kid()), uri, skipped.reason());
        }
      }
    }
  }

  /** A fetch failed; {@code failures} counts this one; {@code cached} is the snapshot kept, or null. */
  void failed(URI source, String reason, int failures, Snapshot cached) {
    boolean firstOfOutage;
    boolean afterClose;
    lock.lock();
    try {
      lastError = reason;
      lastErrorAt = clock.instant();
      // A fetch that ends after close() must not start an outage that nothing would ever end.
      afterClose = sourceClosed;
      firstOfOutage = !outage && !afterClose;
      outage = !afterClose;
    } finally {
      lock.unlock();
    }
    if (firstOfOutage) {
      String consequence = cached == null ? "no keys cached, tokens cannot be checked until a fetch succeeds"
          : "serving the cached keys for up to " + maxStale + " past their time to live";
      if (outages == null || outages.started(source)) {
        log.warn("Fetching keys from {} failed: {}; {}", source, reason, consequence);
      } else {
        log.info("Fetching keys from {} failed: {}; {}", source, reason, consequence);
      }
    } else if (outages != null && !afterClose) {
      outages.failedAgain(source);
    }
    if (!firstOfOutage && log.isDebugEnabled()) {
      log.debug("Fetching keys from {} failed again ({} in a row): {}", source, failures, reason);
    }
    events.fetchFailed(source, reason, failures);
  }

  /** The source closed: an outage in progress no longer counts towards the summary. */
  void closed() {
    boolean wasOutage;
    lock.lock();
    try {
      wasOutage = outage;
      outage = false;
      sourceClosed = true;
    } finally {
      lock.unlock();
    }
    if (wasOutage && outages != null) {
      outages.ended();
    }
  }

  /** Keys past the stale bound were asked for; warns once per snapshot. */
  void pastStale(Snapshot snap, long now) {
    boolean warn;
    lock.lock();
    try {
      warn = warnedPastStale != snap;
      warnedPastStale = snap;
    } finally {
      lock.unlock();
    }
    if (warn) {
      log.warn("Keys from {} are {} past their time to live, beyond the stale bound: tokens cannot be "
          + "checked until a fetch succeeds", snap.jwksUri(), Duration.ofNanos(now - snap.expiresAt()));
    }
  }

  /** A token with a {@code kid} the keys lack was answered "unavailable": no fetch may start yet. */
  void rateLimited(URI source, String kid, Duration retryAfter) {
    events.refreshRateLimited(source, kid);
    if (log.isDebugEnabled()) {
      log.debug("Unknown kid {} for {}: next fetch allowed in {}", Logs.safe(kid), source, retryAfter);
    }
  }

  /** A fetch for an unknown {@code kid} is starting. */
  void fetchingForKid(URI source, String kid) {
    if (log.isDebugEnabled()) {
      log.debug("Unknown kid {} for {}: refreshing", Logs.safe(kid), source);
    }
  }

  /** A {@code kid} was rejected: a fetch started after it was first seen did not have it. */
  void rejected(URI source, String kid) {
    events.unknownKidRejected(source, kid);
    if (log.isDebugEnabled()) {
      log.debug("Unknown kid {} rejected: not in the JWKS from {}", Logs.safe(kid), source);
    }
  }

  /** Keys past their time to live, within the stale bound, were served. */
  void servedStale(Snapshot snap, long now) {
    events.servedStale(snap.jwksUri(), Duration.ofNanos(now - snap.expiresAt()));
  }

  /** The {@code kid} (or thumbprint) of each key. */
  static List<String> names(List<VerificationKey> keys) {
    List<String> names = new ArrayList<>(keys.size());
    for (VerificationKey key : keys) {
      names.add(key.kid().orElse(key.thumbprint()));
    }
    return List.copyOf(names);
  }

  private static List<VerificationKey> minus(List<VerificationKey> keys, List<VerificationKey> remove) {
    Set<VerificationKey> drop = new HashSet<>(remove);
    List<VerificationKey> out = new ArrayList<>();
    for (VerificationKey key : keys) {
      if (!drop.contains(key)) {
        out.add(key);
      }
    }
    return out;
  }
}
