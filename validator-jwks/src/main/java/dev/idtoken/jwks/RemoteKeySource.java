package dev.idtoken.jwks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.KeySetException;
import dev.idtoken.validator.KeySource;
import dev.idtoken.validator.KeySourceException;
import dev.idtoken.validator.VerificationKey;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KeySource} that fetches a provider's JSON Web Key Set (RFC 7517 §5) over HTTPS, directly
 * or through OpenID Connect Discovery 1.0 §4, and keeps it cached through key rotations and outages.
 *
 * <p>Thread-safe; build one per provider at start-up and share it. No call holds a monitor while it
 * waits, and no thread is pinned: fetches are asynchronous ({@link java.net.http.HttpClient}) and
 * waiting callers park on a {@link CompletableFuture} with a deadline. Building starts the first
 * fetch in the background; {@link #close()} stops timed refreshes and the fetch in flight.
 *
 * <p>Behaviour, with every default a public constant of this class:
 *
 * <ul>
 *   <li><b>Freshness.</b> Keys are fresh for the response's {@code Cache-Control: max-age} minus
 *       {@code Age} (or {@code Expires} minus {@code Date}), clamped to
 *       [{@link #DEFAULT_MIN_CACHE_TTL}, {@link #DEFAULT_MAX_CACHE_TTL}]; {@link #DEFAULT_CACHE_TTL}
 *       without such headers; the minimum for {@code no-cache} or {@code no-store}. The maximum is
 *       also the longest a key removed from the JWKS stays trusted while the provider is up.
 *       Refreshes are conditional ({@code If-None-Match}) when the provider sent an {@code ETag}; a
 *       304 keeps the keys and renews their time to live.
 *   <li><b>Refresh-ahead.</b> At {@link #DEFAULT_REFRESH_AHEAD_RATIO} of the time to live a refresh
 *       starts in the background (on a timer, and on the first call past that point), so in the steady
 *       state no call waits on the network.
 *   <li><b>Known {@code kid}.</b> Answered from memory at once, in every state, as long as the keys
 *       are within the stale bound.
 *   <li><b>Unknown {@code kid}.</b> Starts a refresh at most once per
 *       {@link #DEFAULT_UNKNOWN_KID_COOLDOWN}; every caller arriving meanwhile shares the one fetch in
 *       flight. A {@code kid} still absent afterwards is remembered for
 *       {@link #DEFAULT_UNKNOWN_KID_TTL} (at most {@link #DEFAULT_MAX_UNKNOWN_KIDS} of them) and
 *       rejected from memory. While the last fetch failed, an unknown {@code kid} that cannot be
 *       fetched now, remembered or not, is {@code Unavailable} (503) rather than rejected. A flood of random {@code kid}s thus costs at most one fetch per
 *       cooldown, never slows a known {@code kid}, and delays a genuine rotation by at most one
 *       cooldown.
 *   <li><b>Bounded waiting.</b> A caller that has to wait for a fetch waits at most
 *       {@link #DEFAULT_MAX_WAIT}; the fetch itself may go on in the background and serve later calls.
 *   <li><b>Outages.</b> A failed fetch (connection or TLS error, timeout, non-200 status, redirect,
 *       body over {@link #DEFAULT_MAX_RESPONSE_SIZE}, malformed JWKS, no usable signing key) never
 *       replaces good keys. The cached keys are served for up to {@link #DEFAULT_MAX_STALE} past
 *       their time to live while the fetch is retried with exponential backoff
 *       ({@link #DEFAULT_RETRY_BACKOFF} doubling up to {@link #DEFAULT_MAX_RETRY_BACKOFF}). Past that
 *       bound, or with nothing cached, {@link #keys} throws {@link KeySourceException} and the
 *       validator answers {@code Unavailable} (503), not "invalid token".
 *   <li><b>HTTP.</b> HTTPS only (plain HTTP solely on loopback, and only after
 *       {@link Builder#allowInsecureLoopbackHttp()}), redirects never followed, connect timeout
 *       {@link #DEFAULT_CONNECT_TIMEOUT}, whole-response timeout {@link #DEFAULT_READ_TIMEOUT}, body
 *       size capped while streaming, at most {@link KeySet#MAX_KEYS} keys, User-Agent
 *       {@code idtoken-validator/<version>}.
 *   <li><b>Logging.</b> Through SLF4J: one warning when an outage starts (and one when the stale
 *       bound is passed), an info line when it ends or when keys change, debug otherwise. Kids and
 *       URLs are logged; tokens, keys and claims never are. Every string taken from a token or from
 *       the provider's documents ({@code kid}s, algorithm names) is logged sanitised (printable ASCII,
 *       truncated), as a provider registered by a customer is untrusted.
 * </ul>
 *
 * <pre>{@code
 * RemoteKeySource keys = RemoteKeySource.builder()
 *     .discovery("https://login.example.com")
 *     .expectedAlgorithms(Set.of(JwsAlgorithm.RS256))
 *     .build();
 * IdTokenValidator validator = IdTokenValidator.builder()
 *     .issuer("https://login.example.com").clientId("my-client").keySource(keys).build();
 * }</pre>
 */
public final class RemoteKeySource implements KeySource, AutoCloseable {
  /** Floor of the time to live, also used for {@code no-cache}/{@code no-store}: 5 minutes. */
  public static final Duration DEFAULT_MIN_CACHE_TTL = Duration.ofMinutes(5);
  /** Time to live when the response has no caching headers: 15 minutes. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(15);
  /** Ceiling of the time to live, bounding how long a removed key stays trusted: 1 hour. */
  public static final Duration DEFAULT_MAX_CACHE_TTL = Duration.ofHours(1);
  /** Fraction of the time to live after which a background refresh starts: 0.8. */
  public static final double DEFAULT_REFRESH_AHEAD_RATIO = 0.8;
  /** Least time between two refreshes started by unknown {@code kid}s: 30 seconds. */
  public static final Duration DEFAULT_UNKNOWN_KID_COOLDOWN = Duration.ofSeconds(30);
  /**
   * How long a {@code kid} confirmed absent is rejected without a fetch: 30 seconds, no longer than
   * the cooldown, so that probing with a guessed future {@code kid} cannot delay its rotation more.
   */
  public static final Duration DEFAULT_UNKNOWN_KID_TTL = Duration.ofSeconds(30);
  /** Most unknown {@code kid}s remembered at once: 10,000. */
  public static final int DEFAULT_MAX_UNKNOWN_KIDS = 10_000;
  /** Longest a caller waits for a fetch: 2 seconds. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(2);
  /** How long past their time to live cached keys are still served while fetches fail: 24 hours. */
  public static final Duration DEFAULT_MAX_STALE = Duration.ofHours(24);
  /** TCP and TLS connect timeout: 3 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** Deadline for the whole response, headers and body: 5 seconds. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);
  /** Largest response body read, in bytes: 512 KiB. */
  public static final int DEFAULT_MAX_RESPONSE_SIZE = 512 * 1024;
  /** Delay before the first retry after a failed fetch, doubled after each failure: 1 second. */
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
  /** Longest delay between retries: 1 minute. */
  public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofMinutes(1);

  /** A discovered {@code jwks_uri} is looked up again after this long. */
  static final Duration DISCOVERY_MAX_AGE = Duration.ofHours(24);
  /**
   * Slack on top of the longest a fetch can take (connect timeout plus two responses, discovery and
   * JWKS) before the fetch in flight is given up as lost, such as a task its executor dropped.
   */
  static final Duration FETCH_WATCHDOG_MARGIN = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(RemoteKeySource.class);
  private static final String JWKS_ACCEPT = "application/jwk-set+json, application/json;q=0.9";
  private static final String DISCOVERY_ACCEPT = "application/json";
  private static final long MIN_WAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final URI fixedJwksUri;
  private final String issuer;
  private final URI discoveryUri;
  private final boolean allowInsecureLoopbackHttp;
  private final Set<JwsAlgorithm> expectedAlgorithms;
  private final CachePolicy cachePolicy;
  private final double refreshAheadRatio;
  private final long cooldownNanos;
  private final long maxWaitNanos;
  private final long maxStaleNanos;
  private final long backoffNanos;
  private final long maxBackoffNanos;
  private final long fetchDeadlineNanos;
  private final Duration maxWait;
  private final Ticker ticker;
  private final Clock clock;
  private final boolean timedRefresh;
  private final Executor executor;
  private final HttpFetcher http;
  private final KeySourceListener events;
  private final Cache<String, Boolean> unknownKids;

  private final ReentrantLock lock = new ReentrantLock();
  private volatile Snapshot snapshot;
  private volatile Discovered discovered;
  // Written under lock, read without it on the fast path.
  private volatile CompletableFuture<Snapshot> inFlight;
  private volatile long inFlightSince;
  // The HTTP exchange in progress, cancelled by close().
  private final AtomicReference<CompletableFuture<HttpFetcher.Response>> exchange = new AtomicReference<>();
  private volatile int failures;
  private volatile long retryAt;
  private volatile boolean closed;
  // Guarded by lock.
  private boolean unknownKidFetched;
  private long lastUnknownKidFetch;
  private String lastError;
  private Instant lastErrorAt;
  private boolean outage;
  private boolean pastStaleWarned;
  private long wakeGeneration;

  /**
   * The last {@code jwks_uri} found, and when (ticker nanoseconds) to look it up again: the maximum
   * age after a success, the retry backoff after {@code failures} failed lookups since.
   */
  private record Discovered(URI jwksUri, long nextLookup, int failures) {}

  private RemoteKeySource(Builder b) {
    this.fixedJwksUri = b.jwksUri;
    this.issuer = b.issuer;
    this.discoveryUri = b.issuer == null ? null : Urls.discoveryUri(b.issuer);
    this.allowInsecureLoopbackHttp = b.allowInsecureLoopbackHttp;
    this.expectedAlgorithms = b.expectedAlgorithms.isEmpty() ? Set.of()
        : Set.copyOf(EnumSet.copyOf(b.expectedAlgorithms));
    this.cachePolicy = new CachePolicy(b.minCacheTtl, b.defaultCacheTtl, b.maxCacheTtl);
    this.refreshAheadRatio = b.refreshAheadRatio;
    this.cooldownNanos = b.unknownKidCooldown.toNanos();
    this.maxWait = b.maxWait;
    this.maxWaitNanos = b.maxWait.toNanos();
    this.maxStaleNanos = b.maxStale.toNanos();
    this.backoffNanos = b.retryBackoff.toNanos();
    this.maxBackoffNanos = b.maxRetryBackoff.toNanos();
    this.fetchDeadlineNanos = b.connectTimeout.plus(b.readTimeout.multipliedBy(2)).plus(FETCH_WATCHDOG_MARGIN).toNanos();
    this.ticker = b.ticker;
    this.clock = b.clock;
    // A timer needs real time; with an injected ticker, refreshes are driven by calls only.
    this.timedRefresh = b.ticker == Ticker.systemTicker();
    this.executor = b.executor != null ? b.executor : ForkJoinPool.commonPool();
    HttpClient client = b.httpClient != null ? b.httpClient : HttpFetcher.newClient(b.connectTimeout);
    this.http = new HttpFetcher(client, b.httpClient == null, b.readTimeout, b.maxResponseSize, executor,
        b.transport);
    this.events = new SafeListener(b.listener);
    this.unknownKids = Caffeine.newBuilder()
        .maximumSize(b.maxUnknownKids)
        .expireAfterWrite(b.unknownKidTtl)
        .ticker(b.ticker::read)
        .executor(Runnable::run)
        .build();
  }

  /** A builder with the defaults above; set {@link Builder#jwksUri} or {@link Builder#discovery}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The candidate keys for a token, from memory whenever the cache allows.
   *
   * @throws KeySourceException when no keys may be served (nothing cached and the fetch failed or
   *     took longer than the wait bound; keys past the stale bound; an unknown {@code kid} that could
   *     not be checked because the provider is failing; or the source is closed)
   */
  @Override
  public List<VerificationKey> keys(String kid, JwsAlgorithm algorithm) throws KeySourceException {
    if (closed) {
      throw new KeySourceException("key source for " + source() + " is closed");
    }
    long now = ticker.read();
    Snapshot snap = snapshot;
    if (snap != null && now - snap.staleUntil() < 0) {
      if (now - snap.refreshAt() >= 0) {
        refreshInBackground(now);
      }
      List<VerificationKey> found = lookup(snap, kid, algorithm);
      if (!found.isEmpty() || kid == null) {
        if (now - snap.expiresAt() >= 0) {
          events.servedStale(snap.jwksUri(), Duration.ofNanos(now - snap.expiresAt()));
        }
        return found;
      }
      return unknownKid(kid, algorithm, now, snap);
    }
    return awaitUsable(kid, algorithm, now, snap);
  }

  /**
   * Starts a fetch now, or joins the one in flight, ignoring the time to live and the cooldown: for
   * warming up at start-up ({@code refresh().get(...)} fails fast on a misconfiguration) or for an
   * operator's "reload keys" action. Never blocks.
   *
   * @return completes with the health after the fetch, or exceptionally with a
   *     {@link KeySourceException} when it failed (the cached keys are kept); it completes on the
   *     executor set with {@link Builder#executor}, where stages chained on it without an executor
   *     also run
   */
  public CompletableFuture<KeySourceHealth> refresh() {
    if (closed) {
      return CompletableFuture.failedFuture(new KeySourceException("key source for " + source() + " is closed"));
    }
    long now = ticker.read();
    expireIfLost(now);
    CompletableFuture<Snapshot> fetch;
    boolean start = false;
    lock.lock();
    try {
      fetch = inFlight;
      if (fetch == null) {
        fetch = newFetchLocked(now);
        start = true;
      }
    } finally {
      lock.unlock();
    }
    if (start) {
      watch(fetch);
      startFetch(fetch);
    }
    return fetch.handle((snap, error) -> {
      if (error != null) {
        throw new CompletionException(unavailable(error));
      }
      return health();
    });
  }

  /** The current state, computed from memory. */
  public KeySourceHealth health() {
    long now = ticker.read();
    Snapshot snap = snapshot;
    int failed;
    String error;
    Instant errorAt;
    lock.lock();
    try {
      failed = failures;
      error = lastError;
      errorAt = lastErrorAt;
    } finally {
      lock.unlock();
    }
    KeySourceHealth.Status status;
    if (closed) {
      status = KeySourceHealth.Status.UNAVAILABLE;
    } else if (snap == null) {
      status = failed > 0 ? KeySourceHealth.Status.UNAVAILABLE : KeySourceHealth.Status.LOADING;
    } else if (now - snap.expiresAt() < 0) {
      status = KeySourceHealth.Status.FRESH;
    } else if (now - snap.staleUntil() < 0) {
      status = KeySourceHealth.Status.STALE;
    } else {
      status = KeySourceHealth.Status.UNAVAILABLE;
    }
    List<String> kids = snap == null ? List.of() : names(snap.keys().keys());
    return new KeySourceHealth(status, source(), kids,
        java.util.Optional.ofNullable(snap == null ? null : snap.confirmedAtWall()),
        java.util.Optional.ofNullable(snap == null ? null : Duration.ofNanos(now - snap.confirmedAt())),
        java.util.Optional.ofNullable(error), java.util.Optional.ofNullable(errorAt), failed);
  }

  /**
   * Stops timed refreshes, cancels the HTTP exchange in flight, and fails calls from now on with
   * {@link KeySourceException}. Callers waiting for a fetch are released at once; a fetch that
   * completes anyway changes nothing and reports nothing. Releases the HTTP client the source
   * created (shut down on JDK 21 and later; before that, it stops once no longer referenced); a
   * client shared by an {@link IssuerRegistry} is the registry's to release. Idempotent.
   */
  @Override
  public void close() {
    CompletableFuture<Snapshot> fetch;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      wakeGeneration++;
      fetch = inFlight;
    } finally {
      lock.unlock();
    }
    if (fetch != null) {
      fetch.cancel(false);
    }
    CompletableFuture<HttpFetcher.Response> running = exchange.getAndSet(null);
    if (running != null) {
      running.cancel(false);
    }
    http.close();
    unknownKids.invalidateAll();
  }

  @Override
  public String toString() {
    return "RemoteKeySource[" + (issuer != null ? "issuer=" + issuer + ", " : "") + "source=" + source() + "]";
  }

  // ---- the request path ----

  private static List<VerificationKey> lookup(Snapshot snap, String kid, JwsAlgorithm algorithm) {
    return kid == null ? snap.keys().keys() : snap.keys().keys(kid, algorithm);
  }

  private List<VerificationKey> unknownKid(String kid, JwsAlgorithm algorithm, long now, Snapshot seen)
      throws KeySourceException {
    Snapshot snap = seen;
    if (unknownKids.getIfPresent(kid) != null) {
      if (failures > 0) {
        // As on the rate-limited path below: while the last fetch failed, a kid that was absent
        // before may have been published since, and cannot be checked.
        throw failingProvider(snap);
      }
      events.unknownKidRejected(snap.jwksUri(), kid);
      return List.of();
    }
    expireIfLost(now);
    CompletableFuture<Snapshot> fetch;
    boolean start = false;
    boolean failing;
    lock.lock();
    try {
      Snapshot current = snapshot;
      if (current != snap && current != null) {
        // A fetch completed since we looked: it may hold the key.
        List<VerificationKey> found = lookup(current, kid, algorithm);
        if (!found.isEmpty()) {
          return found;
        }
        snap = current;
      }
      fetch = inFlight;
      if (fetch == null && !closed && (!unknownKidFetched || now - lastUnknownKidFetch >= cooldownNanos)) {
        unknownKidFetched = true;
        lastUnknownKidFetch = now;
        fetch = newFetchLocked(now);
        start = true;
      }
      failing = failures > 0;
    } finally {
      lock.unlock();
    }
    if (fetch == null) {
      events.refreshRateLimited(snap.jwksUri(), kid);
      if (log.isDebugEnabled()) {
        log.debug("Unknown kid {} for {}: refresh rate-limited", Logs.safe(kid), snap.jwksUri());
      }
      if (failing) {
        // We cannot tell a rotation from a forgery while the provider fails: "could not check".
        throw failingProvider(snap);
      }
      events.unknownKidRejected(snap.jwksUri(), kid);
      return List.of();
    }
    if (start) {
      if (log.isDebugEnabled()) {
        log.debug("Unknown kid {} for {}: refreshing", Logs.safe(kid), snap.jwksUri());
      }
      watch(fetch);
      startFetch(fetch);
    }
    Snapshot fresh = await(fetch);
    List<VerificationKey> found = lookup(fresh, kid, algorithm);
    if (found.isEmpty()) {
      rememberUnknown(fresh, kid);
    }
    return found;
  }

  private KeySourceException failingProvider(Snapshot snap) {
    return new KeySourceException("unknown kid and the key provider " + snap.jwksUri()
        + " is failing: " + lastErrorOrUnknown());
  }

  private List<VerificationKey> awaitUsable(String kid, JwsAlgorithm algorithm, long now, Snapshot seen)
      throws KeySourceException {
    if (seen != null) {
      warnPastStaleOnce(seen, now);
    }
    expireIfLost(now);
    CompletableFuture<Snapshot> fetch = null;
    boolean start = false;
    Snapshot current;
    lock.lock();
    try {
      current = snapshot;
      if (current == seen || current == null || now - current.staleUntil() >= 0) {
        fetch = inFlight;
        if (fetch == null && !closed && (failures == 0 || now - retryAt >= 0)) {
          fetch = newFetchLocked(now);
          start = true;
        }
      }
    } finally {
      lock.unlock();
    }
    if (fetch == null) {
      if (current != seen && current != null && now - current.staleUntil() < 0) {
        return keys(kid, algorithm); // a fetch completed meanwhile: answer from it
      }
      throw new KeySourceException("keys from " + source() + " are unavailable: "
          + lastErrorOrUnknown() + " (retrying with backoff)");
    }
    if (start) {
      watch(fetch);
      startFetch(fetch);
    }
    Snapshot fresh = await(fetch);
    List<VerificationKey> found = lookup(fresh, kid, algorithm);
    if (found.isEmpty() && kid != null) {
      rememberUnknown(fresh, kid);
    }
    return found;
  }

  private void rememberUnknown(Snapshot snap, String kid) {
    unknownKids.put(kid, Boolean.TRUE);
    events.unknownKidRejected(snap.jwksUri(), kid);
    if (log.isDebugEnabled()) {
      log.debug("Unknown kid {} rejected: not in the JWKS from {}", Logs.safe(kid), snap.jwksUri());
    }
  }

  private Snapshot await(CompletableFuture<Snapshot> fetch) throws KeySourceException {
    try {
      return fetch.get(maxWaitNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new KeySourceException("no keys from " + source() + " within " + maxWait);
    } catch (ExecutionException | CancellationException e) {
      throw unavailable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeySourceException("interrupted while waiting for keys from " + source());
    }
  }

  private KeySourceException unavailable(Throwable error) {
    if (closed || error instanceof CancellationException) {
      return new KeySourceException("key source for " + source() + " is closed");
    }
    FetchException failure = HttpFetcher.failure(error);
    return new KeySourceException("keys from " + source() + " are unavailable: " + failure.getMessage(), failure);
  }

  private String lastErrorOrUnknown() {
    lock.lock();
    try {
      return lastError == null ? "no successful fetch yet" : lastError;
    } finally {
      lock.unlock();
    }
  }

  private void warnPastStaleOnce(Snapshot snap, long now) {
    boolean warn;
    lock.lock();
    try {
      warn = !pastStaleWarned && snapshot == snap;
      if (warn) {
        pastStaleWarned = true;
      }
    } finally {
      lock.unlock();
    }
    if (warn) {
      log.warn("Keys from {} are {} past their time to live, beyond the stale bound: tokens cannot be "
          + "checked until a fetch succeeds", snap.jwksUri(), Duration.ofNanos(now - snap.expiresAt()));
    }
  }

  // ---- refreshing ----

  /** Starts a background refresh unless one is in flight or the retry backoff forbids it. */
  private boolean refreshInBackground(long now) {
    expireIfLost(now);
    if (inFlight != null) {
      return true;
    }
    if (closed || (failures > 0 && now - retryAt < 0)) {
      return false;
    }
    CompletableFuture<Snapshot> fetch;
    lock.lock();
    try {
      if (inFlight != null) {
        return true;
      }
      if (closed || (failures > 0 && now - retryAt < 0)) {
        return false;
      }
      fetch = newFetchLocked(now);
    } finally {
      lock.unlock();
    }
    watch(fetch);
    try {
      executor.execute(() -> startFetch(fetch));
    } catch (Throwable e) {
      // Whatever the executor throws, the fetch must end, or no refresh would ever start again.
      finish(fetch, null, new FetchException(e instanceof RejectedExecutionException
          ? "refresh rejected by the executor"
          : "refresh not started: the executor threw " + e.getClass().getSimpleName()));
      if (e instanceof Error) {
        throw (Error) e;
      }
    }
    return true;
  }

  /** Under the lock: a new fetch, now in flight. */
  private CompletableFuture<Snapshot> newFetchLocked(long now) {
    CompletableFuture<Snapshot> fetch = new CompletableFuture<>();
    inFlight = fetch;
    inFlightSince = now;
    return fetch;
  }

  // The watchdog. A fetch ends by itself within its deadline (each exchange has one), unless its task
  // was lost: an executor that discards tasks, or one shut down with shutdownNow. Then the fetch is
  // failed, so waiting callers and refresh() are released and a later call can start a new one. Calls
  // check it against the ticker (so tests can simulate it); with the system ticker a timer does too,
  // for when no calls come.
  private void expireIfLost(long now) {
    CompletableFuture<Snapshot> fetch = inFlight;
    if (fetch == null || now - inFlightSince < fetchDeadlineNanos) {
      return;
    }
    long since;
    lock.lock();
    try {
      if (inFlight != fetch) {
        return;
      }
      since = inFlightSince;
    } finally {
      lock.unlock();
    }
    if (now - since >= fetchDeadlineNanos) {
      finish(fetch, null, new FetchException("fetch did not complete within "
          + Duration.ofNanos(fetchDeadlineNanos)), since + fetchDeadlineNanos);
    }
  }

  private void watch(CompletableFuture<Snapshot> fetch) {
    if (!timedRefresh) {
      return;
    }
    WeakReference<RemoteKeySource> self = new WeakReference<>(this);
    // On the JDK's default async pool, not this source's executor: that may be what lost the fetch.
    CompletableFuture.delayedExecutor(fetchDeadlineNanos, TimeUnit.NANOSECONDS).execute(() -> {
      RemoteKeySource source = self.get();
      if (source != null && !fetch.isDone()) {
        source.expireIfLost(source.ticker.read());
      }
    });
  }

  /** Runs the discovery (when due) and JWKS exchange; completes {@code promise}. Never blocks. */
  private void startFetch(CompletableFuture<Snapshot> promise) {
    if (promise.isDone()) {
      return; // given up by the watchdog, or the source was closed, before the task ran
    }
    CompletableFuture<Snapshot> work;
    try {
      work = jwksUri().thenCompose(uri -> {
        if (promise.isDone()) {
          throw new CancellationException(); // closed, or given up, while discovery ran
        }
        Snapshot old = snapshot;
        String etag = old != null && uri.equals(old.jwksUri()) ? old.etag() : null;
        return send(http.get(uri, JWKS_ACCEPT, etag)).thenApply(response -> accept(uri, response, old));
      });
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    work.whenComplete((snap, error) -> finish(promise, snap, error));
  }

  /** Remembers the exchange so that close() can cancel it, until it completes. */
  private CompletableFuture<HttpFetcher.Response> send(CompletableFuture<HttpFetcher.Response> started) {
    exchange.set(started);
    if (closed) {
      started.cancel(false); // close() ran before the exchange was remembered
    }
    started.whenComplete((response, error) -> exchange.compareAndSet(started, null));
    return started;
  }

  private CompletableFuture<URI> jwksUri() {
    if (fixedJwksUri != null) {
      return CompletableFuture.completedFuture(fixedJwksUri);
    }
    Discovered known = discovered;
    if (known != null && ticker.read() - known.nextLookup() < 0) {
      return CompletableFuture.completedFuture(known.jwksUri());
    }
    CompletableFuture<URI> found = send(http.get(discoveryUri, DISCOVERY_ACCEPT, null))
        .handle((response, error) -> {
          if (closed) {
            throw new CancellationException();
          }
          if (error != null) {
            throw new CompletionException(
                new FetchException("discovery: " + HttpFetcher.failure(error).getMessage()));
          }
          if (response.status() != 200) {
            throw new CompletionException(new FetchException("discovery: HTTP " + response.status()
                + (response.status() / 100 == 3 ? " (redirects are not followed)" : "")));
          }
          try {
            Discovery.Metadata metadata = Discovery.parse(response.body(), issuer, allowInsecureLoopbackHttp);
            onDiscovered(metadata, known);
            return metadata.jwksUri();
          } catch (FetchException e) {
            throw new CompletionException(e);
          }
        });
    if (known == null) {
      return found;
    }
    return found.exceptionally(error -> {
      if (closed) {
        throw new CancellationException();
      }
      // Keep the known jwks_uri, and look it up again after a backoff rather than on every fetch:
      // otherwise each fetch would first wait on the failing discovery host.
      int failed = known.failures() + 1;
      discovered = new Discovered(known.jwksUri(), ticker.read() + backoff(failed), failed);
      log.debug("Discovery for {} failed again ({}, {} in a row); keeping jwks_uri {}", issuer,
          HttpFetcher.failure(error).getMessage(), failed, known.jwksUri());
      return known.jwksUri();
    });
  }

  private void onDiscovered(Discovery.Metadata metadata, Discovered previous) {
    discovered = new Discovered(metadata.jwksUri(), ticker.read() + DISCOVERY_MAX_AGE.toNanos(), 0);
    if (previous != null && previous.jwksUri().equals(metadata.jwksUri())) {
      return;
    }
    // The jwks_uri is the provider's too, but java.net.URI refuses control and space characters, so
    // it cannot break a log line; the algorithm names below are free text and are sanitised.
    log.info("Issuer {} publishes its keys at {}", issuer, metadata.jwksUri());
    events.discovered(issuer, metadata.jwksUri());
    if (expectedAlgorithms.isEmpty()) {
      return;
    }
    Set<String> allowed = new TreeSet<>();
    expectedAlgorithms.forEach(a -> allowed.add(a.jwsName()));
    if (metadata.signingAlgorithms().isEmpty()) {
      log.debug("Issuer {} lists no id_token_signing_alg_values_supported", issuer);
    } else if (metadata.signingAlgorithms().stream().noneMatch(allowed::contains)) {
      log.warn("Issuer {} signs ID tokens with {} but the validator allows only {}: no token from it "
          + "will validate", issuer, Logs.safe(new TreeSet<>(metadata.signingAlgorithms())), allowed);
    } else if (!metadata.signingAlgorithms().containsAll(allowed)) {
      log.debug("Issuer {} supports {}; allowed {}", issuer, Logs.safe(new TreeSet<>(metadata.signingAlgorithms())),
          allowed);
    }
  }

  /** Turns a response into the next snapshot, or fails; a bad response never replaces good keys. */
  private Snapshot accept(URI uri, HttpFetcher.Response response, Snapshot old) {
    long now = ticker.read();
    int status = response.status();
    if (status == 304) {
      if (old != null && old.etag() != null && uri.equals(old.jwksUri())) {
        Duration ttl = cachePolicy.timeToLive(response.headers());
        return newSnapshot(uri, old.keys(), response.headers().firstValue("etag").orElse(old.etag()), ttl, true, now);
      }
      throw new CompletionException(new FetchException("JWKS: HTTP 304 to an unconditional request"));
    }
    if (status != 200) {
      throw new CompletionException(new FetchException("JWKS: HTTP " + status
          + (status / 100 == 3 ? " (redirects are not followed)" : "")));
    }
    KeySet keys;
    try {
      keys = KeySet.parse(new String(response.body(), StandardCharsets.UTF_8));
    } catch (KeySetException e) {
      throw new CompletionException(new FetchException("JWKS refused (" + e.reason() + "): " + e.getMessage()));
    }
    if (keys.keys().isEmpty()) {
      throw new CompletionException(new FetchException("JWKS has no usable signing key ("
          + keys.skippedKeys().size() + " skipped)"));
    }
    Duration ttl = cachePolicy.timeToLive(response.headers());
    return newSnapshot(uri, keys, response.headers().firstValue("etag").orElse(null), ttl, false, now);
  }

  private Snapshot newSnapshot(URI uri, KeySet keys, String etag, Duration ttl, boolean notModified, long now) {
    long ttlNanos = ttl.toNanos();
    long expiresAt = now + ttlNanos;
    return new Snapshot(uri, keys, etag, ttl, notModified, now, clock.instant(),
        now + (long) (ttlNanos * refreshAheadRatio), expiresAt, expiresAt + maxStaleNanos);
  }

  private void finish(CompletableFuture<Snapshot> promise, Snapshot snap, Throwable error) {
    finish(promise, snap, error, ticker.read());
  }

  /**
   * Ends the fetch {@code promise}, which failed at ticker time {@code at} if {@code error} is set.
   * Does nothing when the fetch has already been ended (the watchdog gave up on it) or the source is
   * closed: the snapshot, the health, the logs and the listener are left as they are.
   */
  private void finish(CompletableFuture<Snapshot> promise, Snapshot snap, Throwable error, long at) {
    if (error == null) {
      Snapshot old;
      boolean recovered;
      int failed;
      lock.lock();
      try {
        if (closed || inFlight != promise) {
          return;
        }
        old = snapshot;
        snapshot = snap; // before inFlight is cleared, so no caller can miss both
        inFlight = null;
        failed = failures;
        failures = 0;
        recovered = outage;
        outage = false;
        pastStaleWarned = false;
        lastError = null;
        lastErrorAt = null;
      } finally {
        lock.unlock();
      }
      scheduleWakeUp(snap.refreshAt() - ticker.read());
      reportSuccess(old, snap, recovered, failed);
      promise.complete(snap);
      return;
    }
    FetchException failure = HttpFetcher.failure(error);
    String reason = failure.getMessage();
    boolean firstOfOutage;
    int failed;
    long delay;
    lock.lock();
    try {
      if (closed || inFlight != promise) {
        return;
      }
      inFlight = null;
      failed = ++failures;
      delay = backoff(failed);
      retryAt = at + delay;
      lastError = reason;
      lastErrorAt = clock.instant();
      firstOfOutage = !outage;
      outage = true;
    } finally {
      lock.unlock();
    }
    scheduleWakeUp(at + delay - ticker.read());
    URI source = source();
    if (firstOfOutage) {
      Snapshot current = snapshot;
      log.warn("Fetching keys from {} failed: {}; {}", source, reason, current == null
          ? "no keys cached, tokens cannot be checked until a fetch succeeds"
          : "serving the cached keys for up to " + Duration.ofNanos(maxStaleNanos) + " past their time to live");
    } else if (log.isDebugEnabled()) {
      log.debug("Fetching keys from {} failed again ({} in a row): {}", source, failed, reason);
    }
    events.fetchFailed(source, reason, failed);
    promise.completeExceptionally(failure);
  }

  private long backoff(int failed) {
    int doublings = Math.min(failed - 1, 30);
    long delay = backoffNanos << doublings;
    return delay <= 0 || delay > maxBackoffNanos ? maxBackoffNanos : delay;
  }

  private void reportSuccess(Snapshot old, Snapshot snap, boolean recovered, int failed) {
    URI uri = snap.jwksUri();
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
    Set<KeySet.SkippedKey> skippedBefore = old == null ? Set.of() : new HashSet<>(old.keys().skippedKeys());
    for (KeySet.SkippedKey skipped : snap.keys().skippedKeys()) {
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

  private static List<String> names(List<VerificationKey> keys) {
    List<String> names = new ArrayList<>(keys.size());
    for (VerificationKey key : keys) {
      names.add(key.kid().orElse(key.thumbprint()));
    }
    return List.copyOf(names);
  }

  // Timed refresh: a wake-up at refreshAt (or retryAt) on the JDK's shared delay thread, handed to
  // the executor. A weak reference lets an abandoned source be collected before its timer fires.
  private void scheduleWakeUp(long delayNanos) {
    if (!timedRefresh || closed) {
      return;
    }
    long generation;
    lock.lock();
    try {
      generation = ++wakeGeneration;
    } finally {
      lock.unlock();
    }
    WeakReference<RemoteKeySource> self = new WeakReference<>(this);
    Executor delayed = CompletableFuture.delayedExecutor(Math.max(delayNanos, MIN_WAKE_NANOS),
        TimeUnit.NANOSECONDS, executor);
    delayed.execute(() -> {
      RemoteKeySource source = self.get();
      if (source != null) {
        source.wake(generation);
      }
    });
  }

  private void wake(long generation) {
    lock.lock();
    try {
      if (closed || generation != wakeGeneration) {
        return;
      }
    } finally {
      lock.unlock();
    }
    long now = ticker.read();
    Snapshot snap = snapshot;
    if (snap != null && now - snap.refreshAt() < 0) {
      scheduleWakeUp(snap.refreshAt() - now);
    } else if (!refreshInBackground(now)) {
      scheduleWakeUp(retryAt - now);
    }
  }

  private URI source() {
    Snapshot snap = snapshot;
    if (snap != null) {
      return snap.jwksUri();
    }
    if (fixedJwksUri != null) {
      return fixedJwksUri;
    }
    Discovered known = discovered;
    return known != null ? known.jwksUri() : discoveryUri;
  }

  /** Protects the source from a listener that throws. */
  private static final class SafeListener implements KeySourceListener {
    private final KeySourceListener delegate;

    SafeListener(KeySourceListener delegate) {
      this.delegate = delegate;
    }

    private void run(Runnable event) {
      try {
        event.run();
      } catch (RuntimeException e) {
        log.debug("A KeySourceListener threw {}", e.getClass().getName());
      }
    }

    @Override
    public void fetched(URI source, boolean notModified, int keyCount, Duration timeToLive) {
      run(() -> delegate.fetched(source, notModified, keyCount, timeToLive));
    }

    @Override
    public void fetchFailed(URI source, String reason, int consecutiveFailures) {
      run(() -> delegate.fetchFailed(source, reason, consecutiveFailures));
    }

    @Override
    public void keysChanged(URI source, List<String> added, List<String> removed) {
      run(() -> delegate.keysChanged(source, added, removed));
    }

    @Override
    public void servedStale(URI source, Duration pastExpiry) {
      run(() -> delegate.servedStale(source, pastExpiry));
    }

    @Override
    public void refreshRateLimited(URI source, String kid) {
      run(() -> delegate.refreshRateLimited(source, kid));
    }

    @Override
    public void unknownKidRejected(URI source, String kid) {
      run(() -> delegate.unknownKidRejected(source, kid));
    }

    @Override
    public void discovered(String issuer, URI jwksUri) {
      run(() -> delegate.discovered(issuer, jwksUri));
    }
  }

  /**
   * Configures a {@link RemoteKeySource}. Not thread-safe. Setters check their argument
   * ({@code NullPointerException} for null, {@code IllegalArgumentException} naming the option for a
   * value out of range); {@link #build()} checks the combination.
   */
  public static final class Builder {
    private URI jwksUri;
    private String issuer;
    private boolean allowInsecureLoopbackHttp;
    private Set<JwsAlgorithm> expectedAlgorithms = Set.of();
    private Duration minCacheTtl = DEFAULT_MIN_CACHE_TTL;
    private Duration defaultCacheTtl = DEFAULT_CACHE_TTL;
    private Duration maxCacheTtl = DEFAULT_MAX_CACHE_TTL;
    private double refreshAheadRatio = DEFAULT_REFRESH_AHEAD_RATIO;
    private Duration unknownKidCooldown = DEFAULT_UNKNOWN_KID_COOLDOWN;
    private Duration unknownKidTtl = DEFAULT_UNKNOWN_KID_TTL;
    private int maxUnknownKids = DEFAULT_MAX_UNKNOWN_KIDS;
    private Duration maxWait = DEFAULT_MAX_WAIT;
    private Duration maxStale = DEFAULT_MAX_STALE;
    Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT; // read by IssuerRegistry to share clients
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private int maxResponseSize = DEFAULT_MAX_RESPONSE_SIZE;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;
    private KeySourceListener listener = KeySourceListener.none();
    private Ticker ticker = Ticker.systemTicker();
    private Clock clock = Clock.systemUTC();
    private Executor executor;
    HttpClient httpClient; // shared by IssuerRegistry
    HttpFetcher.Transport transport; // set by IssuerRegistry: address-checked fetches (GuardedHttp)

    private Builder() {}

    /**
     * Fetch the JWKS from this URL (RFC 7517 §5). Replaces an earlier {@link #discovery(String)}.
     * Must be HTTPS, checked by {@link #build()}.
     */
    public Builder jwksUri(URI jwksUri) {
      this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
      this.issuer = null;
      return this;
    }

    /**
     * Fetch the JWKS from this URL.
     *
     * @throws IllegalArgumentException if it is not a URI
     */
    public Builder jwksUri(String jwksUri) {
      Objects.requireNonNull(jwksUri, "jwksUri");
      try {
        return jwksUri(new URI(jwksUri));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("jwksUri is not a URI", e);
      }
    }

    /**
     * Find the JWKS through OpenID Connect Discovery 1.0 §4: fetch the issuer (without a trailing
     * slash) plus {@code /.well-known/openid-configuration}, require its {@code issuer} to equal this
     * one exactly, and use its {@code jwks_uri}. A failed discovery is retried with backoff, never
     * cached. The {@code jwks_uri} is looked up again every 24 hours; if that lookup fails, the
     * known {@code jwks_uri} stays in use and the lookup is retried with backoff, not before every
     * fetch. Replaces an earlier {@link #jwksUri(URI)}.
     */
    public Builder discovery(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      this.jwksUri = null;
      return this;
    }

    /**
     * For tests only: allow plain {@code http} URLs whose host is a loopback address
     * ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}). Any other plain-HTTP URL is still
     * refused. Never use this in production: keys fetched over plain HTTP can be forged.
     */
    public Builder allowInsecureLoopbackHttp() {
      this.allowInsecureLoopbackHttp = true;
      return this;
    }

    /**
     * The validator's allowed algorithms (default: none given). With discovery, a warning is logged
     * when the provider's {@code id_token_signing_alg_values_supported} contains none of them.
     */
    public Builder expectedAlgorithms(Collection<JwsAlgorithm> algorithms) {
      Objects.requireNonNull(algorithms, "expectedAlgorithms");
      algorithms.forEach(a -> Objects.requireNonNull(a, "expectedAlgorithms element"));
      this.expectedAlgorithms = Set.copyOf(algorithms);
      return this;
    }

    /**
     * Floor of the time to live, also used for {@code no-cache} and {@code no-store} (default
     * {@link #DEFAULT_MIN_CACHE_TTL}).
     *
     * @throws IllegalArgumentException if outside [1 second, 7 days]
     */
    public Builder minCacheTtl(Duration ttl) {
      this.minCacheTtl = range(ttl, "minCacheTtl", Duration.ofSeconds(1), Duration.ofDays(7));
      return this;
    }

    /**
     * Time to live when the response has no caching headers (default {@link #DEFAULT_CACHE_TTL}).
     *
     * @throws IllegalArgumentException if outside [1 second, 7 days]
     */
    public Builder defaultCacheTtl(Duration ttl) {
      this.defaultCacheTtl = range(ttl, "defaultCacheTtl", Duration.ofSeconds(1), Duration.ofDays(7));
      return this;
    }

    /**
     * Ceiling of the time to live (default {@link #DEFAULT_MAX_CACHE_TTL}): how long a key removed
     * from the JWKS can still be trusted.
     *
     * @throws IllegalArgumentException if outside [1 second, 7 days]
     */
    public Builder maxCacheTtl(Duration ttl) {
      this.maxCacheTtl = range(ttl, "maxCacheTtl", Duration.ofSeconds(1), Duration.ofDays(7));
      return this;
    }

    /**
     * Fraction of the time to live after which a background refresh starts (default
     * {@link #DEFAULT_REFRESH_AHEAD_RATIO}).
     *
     * @throws IllegalArgumentException if not within [0.1, 1.0]
     */
    public Builder refreshAheadRatio(double ratio) {
      if (!(ratio >= 0.1 && ratio <= 1.0)) {
        throw new IllegalArgumentException("refreshAheadRatio must be between 0.1 and 1.0");
      }
      this.refreshAheadRatio = ratio;
      return this;
    }

    /**
     * Least time between two refreshes started by unknown {@code kid}s (default
     * {@link #DEFAULT_UNKNOWN_KID_COOLDOWN}).
     *
     * @throws IllegalArgumentException if outside [1 second, 1 hour]
     */
    public Builder unknownKidCooldown(Duration cooldown) {
      this.unknownKidCooldown = range(cooldown, "unknownKidCooldown", Duration.ofSeconds(1), Duration.ofHours(1));
      return this;
    }

    /**
     * How long a {@code kid} confirmed absent is rejected without a fetch (default
     * {@link #DEFAULT_UNKNOWN_KID_TTL}); zero disables the memory. Longer saves fetches for tokens
     * signed with retired keys, but lets someone who guesses a future {@code kid} delay its
     * rotation by as much.
     *
     * @throws IllegalArgumentException if outside [0, 1 day]
     */
    public Builder unknownKidTtl(Duration ttl) {
      this.unknownKidTtl = range(ttl, "unknownKidTtl", Duration.ZERO, Duration.ofDays(1));
      return this;
    }

    /**
     * Most unknown {@code kid}s remembered (default {@link #DEFAULT_MAX_UNKNOWN_KIDS}).
     *
     * @throws IllegalArgumentException if outside [0, 1,000,000]
     */
    public Builder maxUnknownKids(int count) {
      if (count < 0 || count > 1_000_000) {
        throw new IllegalArgumentException("maxUnknownKids must be between 0 and 1000000");
      }
      this.maxUnknownKids = count;
      return this;
    }

    /**
     * Longest a caller waits for a fetch before it gets {@link KeySourceException} (default
     * {@link #DEFAULT_MAX_WAIT}); zero means never wait.
     *
     * @throws IllegalArgumentException if outside [0, 1 minute]
     */
    public Builder maxWait(Duration wait) {
      this.maxWait = range(wait, "maxWait", Duration.ZERO, Duration.ofMinutes(1));
      return this;
    }

    /**
     * How long past their time to live cached keys are served while fetches fail (default
     * {@link #DEFAULT_MAX_STALE}); zero means never serve stale keys.
     *
     * @throws IllegalArgumentException if outside [0, 30 days]
     */
    public Builder maxStale(Duration stale) {
      this.maxStale = range(stale, "maxStale", Duration.ZERO, Duration.ofDays(30));
      return this;
    }

    /**
     * TCP and TLS connect timeout (default {@link #DEFAULT_CONNECT_TIMEOUT}).
     *
     * @throws IllegalArgumentException if outside [1 millisecond, 2 minutes]
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = range(timeout, "connectTimeout", Duration.ofMillis(1), Duration.ofMinutes(2));
      return this;
    }

    /**
     * Deadline for the whole response, headers and body (default {@link #DEFAULT_READ_TIMEOUT}).
     *
     * @throws IllegalArgumentException if outside [1 millisecond, 2 minutes]
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = range(timeout, "readTimeout", Duration.ofMillis(1), Duration.ofMinutes(2));
      return this;
    }

    /**
     * Largest response body read, in bytes (default {@link #DEFAULT_MAX_RESPONSE_SIZE}).
     *
     * @throws IllegalArgumentException if outside [1 KiB, 16 MiB]
     */
    public Builder maxResponseSize(int bytes) {
      if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
        throw new IllegalArgumentException("maxResponseSize must be between 1024 and 16777216 bytes");
      }
      this.maxResponseSize = bytes;
      return this;
    }

    /**
     * Retry delays after failed fetches: {@code initial}, doubled after each further failure, capped
     * at {@code max} (defaults {@link #DEFAULT_RETRY_BACKOFF} and {@link #DEFAULT_MAX_RETRY_BACKOFF}).
     *
     * @throws IllegalArgumentException if {@code initial} is outside [1 millisecond, 1 hour] or
     *     {@code max} is below {@code initial} or above 1 day
     */
    public Builder retryBackoff(Duration initial, Duration max) {
      Duration first = range(initial, "retryBackoff initial", Duration.ofMillis(1), Duration.ofHours(1));
      this.maxRetryBackoff = range(max, "retryBackoff max", first, Duration.ofDays(1));
      this.retryBackoff = first;
      return this;
    }

    /** Receives fetch, failure, key-change and rejection events (default: none). */
    public Builder listener(KeySourceListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The time source for cache ages (default {@link Ticker#systemTicker()}). With any other ticker,
     * no timer is set: refreshes start on calls only, as the ticker's time cannot be mapped to real
     * delays. For tests.
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** The clock for the wall-clock times in {@link KeySourceHealth} (default UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where background refreshes start, and where every response is handled: parsed, logged,
     * reported to the listener, and the futures of {@link RemoteKeySource#refresh()} completed (default
     * {@link ForkJoinPool#commonPool()}). The tasks never block, so any executor, virtual threads
     * included, fits. A task the executor refuses is run on the thread that had the response; a fetch
     * whose task is lost is given up after connect timeout + 2 x read timeout + 1 second.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the source and starts its first fetch in the background.
     *
     * @throws IllegalStateException if the Caffeine on the class path is older than supported (the
     *     message names the version found and the one needed), neither a JWKS URI nor an issuer is
     *     set, or the time to live bounds are not ordered min &lt;= default &lt;= max
     * @throws IllegalArgumentException if the JWKS URI or issuer is not HTTPS (or loopback HTTP with
     *     {@link #allowInsecureLoopbackHttp()}), or the issuer has a query or fragment
     */
    public RemoteKeySource build() {
      CaffeineFloor.requireSupported();
      if (jwksUri == null && issuer == null) {
        throw new IllegalStateException("jwksUri or discovery(issuer) is required");
      }
      if (minCacheTtl.compareTo(defaultCacheTtl) > 0 || defaultCacheTtl.compareTo(maxCacheTtl) > 0) {
        throw new IllegalStateException("cache TTLs must be ordered minCacheTtl <= defaultCacheTtl <= maxCacheTtl");
      }
      if (jwksUri != null) {
        String problem = Urls.problem(jwksUri, allowInsecureLoopbackHttp);
        if (problem != null) {
          throw new IllegalArgumentException("jwksUri " + problem);
        }
      } else {
        URI issuerUri;
        try {
          issuerUri = new URI(issuer);
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException("issuer is not a URL", e);
        }
        String problem = Urls.problem(issuerUri, allowInsecureLoopbackHttp);
        if (problem == null && issuerUri.getRawQuery() != null) {
          problem = "must not contain a query"; // OpenID Connect Discovery 1.0 §2
        }
        if (problem != null) {
          throw new IllegalArgumentException("issuer " + problem);
        }
      }
      RemoteKeySource source = new RemoteKeySource(this);
      source.refreshInBackground(ticker.read());
      return source;
    }

    private static Duration range(Duration value, String name, Duration min, Duration max) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
      }
      return value;
    }
  }
}
