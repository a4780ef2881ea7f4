package dev.idtoken.jwks;

import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.KeySource;
import dev.idtoken.validator.KeySourceException;
import dev.idtoken.validator.VerificationKey;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

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
 *       are within the stale bound. A {@code kid} whose cached keys cannot verify the token's
 *       {@code alg} (a provider may publish a new key under an old {@code kid}) counts as unknown.
 *   <li><b>Unknown {@code kid}: 401 only once a fetch confirmed it.</b> A token whose {@code kid} the
 *       cached keys lack is rejected ({@code KEY_NOT_FOUND}, 401) only after a fetch that started
 *       after that {@code kid} was first seen has confirmed it absent; until then it is
 *       {@code Unavailable} (503, with a retry-after hint), so a genuine key rotation is never
 *       answered 401. Such fetches start at most once per {@link #DEFAULT_UNKNOWN_KID_COOLDOWN}
 *       while the provider answers, and on the retry backoff (first retry after
 *       {@link #DEFAULT_RETRY_BACKOFF}) after a failed fetch; every caller meanwhile shares the
 *       fetch in flight. A {@code kid} seen during the cooldown makes a fetch start when it ends,
 *       with no further call needed, and a caller waits for that fetch when it is due within
 *       {@link #DEFAULT_MAX_WAIT}. A {@code kid} confirmed absent is rejected from memory for
 *       {@link #DEFAULT_UNKNOWN_KID_TTL} (at most {@link #DEFAULT_MAX_UNKNOWN_KIDS} of them) while
 *       fetches succeed. A flood of random {@code kid}s thus costs at most one fetch per cooldown
 *       (its tokens answered 503 in between), never slows a known {@code kid}, and delays a genuine
 *       rotation by at most one cooldown, answered 503, never 401.
 *   <li><b>Bounded waiting.</b> A caller that has to wait for a fetch waits at most
 *       {@link #DEFAULT_MAX_WAIT}; the fetch itself may go on in the background and serve later calls.
 *   <li><b>Outages.</b> A failed fetch (connection or TLS error, timeout, non-200 status, redirect,
 *       body over {@link #DEFAULT_MAX_RESPONSE_SIZE}, malformed JWKS, no usable signing key) never
 *       replaces good keys. The cached keys are served for up to {@link #DEFAULT_MAX_STALE} past
 *       their time to live while the fetch is retried with exponential backoff
 *       ({@link #DEFAULT_RETRY_BACKOFF} doubling up to {@link #DEFAULT_MAX_RETRY_BACKOFF}). Past that
 *       bound, or with nothing cached, {@link #keys} throws {@link KeySourceException} and the
 *       validator answers {@code Unavailable} (503), not "invalid token".
 *   <li><b>Keys.</b> Keys the parser skips ({@link KeySet#skippedKeys()}) are never used; RSA keys
 *       must have a modulus of {@link #DEFAULT_MIN_RSA_KEY_SIZE} (configurable upwards) to 8192 bits
 *       and an odd public exponent of at least 3 and at most 32 bits, so that no key set can make
 *       each verification cost milliseconds.
 *   <li><b>HTTP.</b> HTTPS only (plain HTTP solely on loopback, and only after
 *       {@link Builder#allowInsecureLoopbackHttp()}), redirects never followed, connect timeout
 *       {@link #DEFAULT_CONNECT_TIMEOUT}, whole-response timeout {@link #DEFAULT_READ_TIMEOUT}, body
 *       size capped while streaming, at most {@link KeySet#MAX_KEYS} keys, User-Agent
 *       {@code idtoken-validator/<version>}.
 *   <li><b>Threads.</b> None per source or per fetch: timers (refresh-ahead, retries, deadlines) share
 *       one daemon thread and are removed when cancelled; the HTTP clients this library creates share
 *       at most 16 worker threads (plus one selector thread per client); where the JDK's common pool has a
 *       single thread (two cores or fewer), where {@code sendAsync} would start a thread per exchange,
 *       exchanges run on at most 16 shared threads instead.
 *   <li><b>Many sources.</b> With {@link Builder#fetchScheduler}, fetches wait their turn in a
 *       {@link FetchScheduler} shared with other sources (bounded overall and per host; tokens
 *       waiting ahead of background refreshes). {@link Builder#loadOnFirstUse} and
 *       {@link Builder#idleAfter} make a source without traffic cost no fetch and no timer; an
 *       {@link IssuerRegistry} sets all three by default.
 *   <li><b>Logging.</b> Through SLF4J: one warning when an outage starts (and one when the stale
 *       bound is passed), an info line when it ends or when keys change, debug otherwise. Sources
 *       sharing a scheduler log one summary warning a minute instead of their own warnings while
 *       more than 10 of them fail together. Kids and
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
  /** Least time between two fetches started by unknown {@code kid}s while fetches succeed: 30 seconds. */
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
  /** Shortest RSA modulus used, in bits: 2048 (the parser's floor; the ceiling is 8192). */
  public static final int DEFAULT_MIN_RSA_KEY_SIZE = 2048;

  /** A discovered {@code jwks_uri} is looked up again after this long. */
  static final Duration DISCOVERY_MAX_AGE = Duration.ofHours(24);
  /**
   * Slack on top of the longest a fetch can take (connect timeout plus two responses, discovery and
   * JWKS) before the fetch in flight is given up as lost, such as a task its executor dropped.
   */
  static final Duration FETCH_WATCHDOG_MARGIN = Duration.ofSeconds(1);

  /** The retry-after hint for a caller that gave up waiting for a fetch (which may still be in line). */
  static final Duration WAIT_RETRY_AFTER = Duration.ofSeconds(1);

  private static final int MAX_ROUNDS = 4;

  private final String issuer;
  private final Duration maxWait;
  private final long maxWaitNanos;
  private final Ticker ticker;
  private final KeyFetcher fetcher;
  private final FetchReporter report;
  private final Refresher refresher;

  private RemoteKeySource(Builder b) {
    this.issuer = b.issuer;
    this.maxWait = b.maxWait;
    this.maxWaitNanos = b.maxWait.toNanos();
    this.ticker = b.ticker;
    Executor executor = b.executor != null ? b.executor : ForkJoinPool.commonPool();
    // A timer needs real time; with an injected ticker, due fetches start on calls only (or on the
    // timers a test injects along with its ticker).
    Timers realTimers = b.fetchScheduler != null ? b.fetchScheduler.timers() : Timers.system();
    Timers timers = b.timers != null ? b.timers : b.ticker == Ticker.systemTicker() ? realTimers : Timers.NONE;
    Duration fetchDeadline = b.connectTimeout.plus(b.readTimeout.multipliedBy(2)).plus(FETCH_WATCHDOG_MARGIN);
    this.report = new FetchReporter(b.listener, b.maxStale, b.clock,
        b.fetchScheduler != null ? b.fetchScheduler.outages() : null);
    HttpClient client = b.httpClient != null ? b.httpClient : HttpFetcher.newClient(b.connectTimeout, b.sslContext);
    HttpFetcher http = new HttpFetcher(client, b.httpClient == null, b.readTimeout, b.maxResponseSize, executor,
        b.transport, realTimers);
    Set<JwsAlgorithm> expected = b.expectedAlgorithms.isEmpty() ? Set.of()
        : Set.copyOf(EnumSet.copyOf(b.expectedAlgorithms));
    JwksLocator locator = new JwksLocator(b.jwksUri, b.issuer, b.allowInsecureLoopbackHttp, expected,
        b.retryBackoff, b.maxRetryBackoff, b.ticker, http, report.events());
    this.fetcher = new KeyFetcher(locator, new CachePolicy(b.minCacheTtl, b.defaultCacheTtl, b.maxCacheTtl),
        b.refreshAheadRatio, b.maxStale, b.minRsaKeySize, b.ticker, b.clock, http);
    RefreshState state = new RefreshState(b.unknownKidCooldown.toNanos(), b.retryBackoff.toNanos(),
        b.maxRetryBackoff.toNanos(), fetchDeadline.toNanos(), maxWaitNanos, timers != Timers.NONE,
        b.fetchScheduler != null, b.idleAfter.toNanos());
    // A first sighting is kept long enough to span the wait for the next allowed fetch.
    UnknownKids unknownKids = new UnknownKids(b.maxUnknownKids, b.unknownKidTtl,
        b.unknownKidCooldown.plus(b.maxRetryBackoff).plus(fetchDeadline), b.ticker);
    String host = FetchScheduler.hostOf(b.jwksUri != null ? b.jwksUri : URI.create(b.issuer));
    this.refresher = new Refresher(state, unknownKids, fetcher, report, executor, timers, b.ticker, fetchDeadline,
        b.fetchScheduler, host, b.idleAfter);
  }

  /** A builder with the defaults above; set {@link Builder#jwksUri} or {@link Builder#discovery}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The candidate keys for a token, from memory whenever the cache allows.
   *
   * @throws KeySourceException when no keys may be served (nothing cached and the fetch failed or
   *     took longer than the wait bound; keys past the stale bound; an unknown {@code kid} that no
   *     fetch started after it was first seen could check yet; or the source is closed), with the
   *     time until the next fetch is allowed as its retry-after hint when there is one
   */
  @Override
  public List<VerificationKey> keys(String kid, JwsAlgorithm algorithm) throws KeySourceException {
    if (refresher.closed()) {
      throw closedException();
    }
    long now = ticker.read();
    Snapshot seen = refresher.snapshot();
    // Rare path (keys past their time to live): was refresh-ahead parked for lack of traffic?
    boolean resumes = seen != null && now - seen.expiresAt() >= 0 && refresher.parked(now);
    refresher.used(now);
    refresher.pollIfDue(now);
    // The keys as this call found them: a refresh-ahead just started may complete at once (a fast
    // provider, a same-thread executor), and whether a key it drops still serves this one call must
    // not depend on that race.
    Snapshot snap = seen;
    long deadline = 0; // read from the clock only off the common path; one wait bound per call
    if (resumes) {
      deadline = System.nanoTime() + maxWaitNanos;
      snap = afterExpiry(seen, deadline);
    }
    if (snap != null && now - snap.staleUntil() < 0) {
      List<VerificationKey> found = snap.keysFor(kid, algorithm);
      if (!found.isEmpty() || kid == null) {
        if (now - snap.expiresAt() >= 0) {
          report.servedStale(snap, now);
        }
        return found;
      }
      return unknownKid(kid, algorithm, snap, resumes ? deadline : System.nanoTime() + maxWaitNanos, -1);
    }
    return keysMissing(kid, algorithm, snap, now);
  }

  /**
   * Starts a fetch now, or joins the one in flight, ignoring the time to live, the cooldown and the
   * backoff: for warming up at start-up ({@code refresh().get(...)} fails fast on a
   * misconfiguration) or for an operator's "reload keys" action. Never blocks.
   *
   * @return completes with the health after the fetch, or exceptionally with a
   *     {@link KeySourceException} when it failed (the cached keys are kept) or the source is, or
   *     gets, closed; it completes on the executor set with {@link Builder#executor}, where stages
   *     chained on it without an executor also run
   */
  public CompletableFuture<KeySourceHealth> refresh() {
    long now = ticker.read();
    refresher.pollIfDue(now); // gives up a lost fetch first
    CompletableFuture<Snapshot> fetch = refresher.refreshNow(now);
    if (fetch == null) {
      return CompletableFuture.failedFuture(closedException());
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
    Snapshot snap = refresher.snapshot();
    int failed = refresher.failures();
    KeySourceHealth.Status status;
    if (refresher.closed()) {
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
    List<String> kids = snap == null ? List.of() : FetchReporter.names(snap.keys().keys());
    return new KeySourceHealth(status, fetcher.source(snap), kids,
        Optional.ofNullable(snap == null ? null : snap.confirmedAtWall()),
        Optional.ofNullable(snap == null ? null : Duration.ofNanos(now - snap.confirmedAt())),
        report.lastError(), report.lastErrorAt(), failed);
  }

  /**
   * Stops timed refreshes (removing them from the timer queue), cancels the HTTP exchange in flight,
   * and fails calls from now on with {@link KeySourceException}. Callers waiting for a fetch are
   * released at once; a fetch that completes anyway changes nothing and reports nothing. Releases
   * the HTTP client the source created (shut down on JDK 21 and later; before that, it stops once no
   * longer referenced); a client shared by an {@link IssuerRegistry} is the registry's to release.
   * Idempotent.
   */
  @Override
  public void close() {
    if (refresher.close()) {
      fetcher.close();
      report.closed();
    }
  }

  @Override
  public String toString() {
    return "RemoteKeySource[" + (issuer != null ? "issuer=" + issuer + ", " : "") + "source=" + source() + "]";
  }

  /**
   * A {@code kid} the cached keys lack. Loops over fetches (joined, started or awaited), each later
   * than the one before, until one holds the key, one started after the {@code kid} was first seen
   * confirms it absent, or no fetch may start yet; all within the caller's deadline.
   *
   * @param deadline {@link System#nanoTime()} by which the caller gives up waiting
   * @param seenBefore the number of the last fetch started before the caller first looked, for a
   *     {@code kid} not remembered yet; -1 for "now"
   */
  private List<VerificationKey> unknownKid(String kid, JwsAlgorithm algorithm, Snapshot seen, long deadline,
      long seenBefore) throws KeySourceException {
    Snapshot snap = seen;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Refresher.Step step = refresher.unknownKid(kid, algorithm, snap, seenBefore, ticker.read());
      switch (step.kind()) {
        case FOUND:
          return step.keys();
        case REJECT:
          report.rejected(step.snapshot().jwksUri(), kid);
          return List.of();
        case UNAVAILABLE:
          if (refresher.closed()) {
            throw closedException();
          }
          Duration retryAfter = Duration.ofNanos(step.delay());
          report.rateLimited(step.snapshot().jwksUri(), kid, retryAfter);
          throw unknownKidUnavailable(step, retryAfter);
        default:
          if (step.waitsForNext()) {
            report.rateLimited(step.snapshot().jwksUri(), kid, Duration.ofNanos(step.delay()));
          }
          Snapshot fresh = await(step.fetch(), deadline);
          List<VerificationKey> found = fresh.keysFor(kid, algorithm);
          if (!found.isEmpty()) {
            return found;
          }
          snap = fresh; // the next round decides whether this fetch confirmed the kid absent
      }
    }
    throw unavailable("unknown kid for " + snap.jwksUri() + ": no fetch has checked it yet",
        refresher.backoffDelay(), null);
  }

  private KeySourceException unknownKidUnavailable(Refresher.Step step, Duration retryAfter) {
    String why = step.failing() ? "the key provider is failing: " + report.lastErrorOrUnknown()
        : "no fetch has checked it yet";
    return unavailable("unknown kid for " + step.snapshot().jwksUri() + ": " + why, retryAfter, null);
  }

  /** No keys may be served: none yet, or {@code seen} past the stale bound. */
  private List<VerificationKey> keysMissing(String kid, JwsAlgorithm algorithm, Snapshot seen, long now)
      throws KeySourceException {
    if (seen != null) {
      report.pastStale(seen, now);
    }
    long deadline = System.nanoTime() + maxWaitNanos;
    Refresher.Step step = refresher.keysMissing(seen, now);
    switch (step.kind()) {
      case RETRY:
        return keys(kid, algorithm); // a fetch completed meanwhile
      case UNAVAILABLE:
        if (refresher.closed()) {
          throw closedException();
        }
        throw unavailable("keys from " + source() + " are unavailable: " + report.lastErrorOrUnknown()
            + " (retrying with backoff)", Duration.ofNanos(step.delay()), null);
      default:
        Snapshot fresh = await(step.fetch(), deadline);
        List<VerificationKey> found = fresh.keysFor(kid, algorithm);
        if (found.isEmpty() && kid != null) {
          // Absent only if a fetch that started after this call confirms it, as for any unknown kid.
          return unknownKid(kid, algorithm, fresh, deadline, step.startedBefore());
        }
        return found;
    }
  }

  /**
   * Keys past their time to live while the provider answers: what a source parked for lack of
   * traffic finds on its next call (a source in use refreshes ahead). The call waits, at most
   * {@link Builder#maxWait}, for the refresh that its poll started; if that fails or takes longer,
   * the last known good keys are served within the stale bound, as in an outage.
   */
  private Snapshot afterExpiry(Snapshot expired, long deadline) {
    CompletableFuture<Snapshot> fetch = refresher.inFlightForTraffic();
    if (fetch == null) {
      return expired;
    }
    try {
      return await(fetch, deadline);
    } catch (KeySourceException e) {
      Snapshot current = refresher.snapshot();
      return current != null ? current : expired;
    }
  }

  private Snapshot await(CompletableFuture<Snapshot> fetch, long deadline) throws KeySourceException {
    try {
      return fetch.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // The fetch goes on (or waits its turn in the scheduler's line) and serves the next call.
      throw unavailable("no keys from " + source() + " within " + maxWait
          + (refresher.queued() ? " (the fetch waits for its turn)" : ""), WAIT_RETRY_AFTER, null);
    } catch (ExecutionException | CancellationException e) {
      throw unavailable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while waiting for keys from " + source(), null, null);
    }
  }

  private KeySourceException unavailable(Throwable error) {
    if (refresher.closed() || error instanceof CancellationException) {
      return closedException();
    }
    FetchException failure = HttpFetcher.failure(error);
    return unavailable("keys from " + source() + " are unavailable: " + failure.getMessage(),
        refresher.backoffDelay(), failure);
  }

  private KeySourceException closedException() {
    return new KeySourceException("key source for " + source() + " is closed");
  }

  /**
   * The exception for "could not check", with a retry-after hint when one is known.
   *
   * @param retryAfter the time until the next fetch may start, or null when unknown
   */
  private static KeySourceException unavailable(String message, Duration retryAfter, Throwable cause) {
    if (retryAfter == null) {
      return cause == null ? new KeySourceException(message) : new KeySourceException(message, cause);
    }
    return cause == null ? new KeySourceException(message, retryAfter)
        : new KeySourceException(message, cause, retryAfter);
  }

  private URI source() {
    return fetcher.source(refresher.snapshot());
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
    SSLContext sslContext; // likewise
    private int minRsaKeySize = DEFAULT_MIN_RSA_KEY_SIZE;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private int maxResponseSize = DEFAULT_MAX_RESPONSE_SIZE;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;
    private KeySourceListener listener = KeySourceListener.none();
    private Ticker ticker = Ticker.systemTicker();
    private Clock clock = Clock.systemUTC();
    private Executor executor;
    HttpClient httpClient; // shared by IssuerRegistry
    private FetchScheduler fetchScheduler;
    boolean loadOnFirstUse; // read by IssuerRegistry for its default
    Duration idleAfter = Duration.ZERO; // likewise
    Timers timers; // for tests: timers driven by a simulated ticker
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
     * The TLS context for HTTPS fetches (default: the JDK's, which trusts the JDK's CA certificates):
     * for a provider whose certificate chains to a private CA, or, in tests, a fake provider with a
     * self-signed certificate. Certificate and host name checks stay on; choose the trusted
     * certificates with care, as whoever holds one of their keys can serve keys for this source.
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
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
     * Least time between two fetches started by unknown {@code kid}s while fetches succeed (default
     * {@link #DEFAULT_UNKNOWN_KID_COOLDOWN}). After a failed fetch the retry backoff paces them
     * instead. A token with an unknown {@code kid} is answered {@code Unavailable} until a fetch that
     * started after it was first seen has answered for it, so this is also the longest such a token
     * can be answered 503 while the provider is up.
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
     * Most unknown {@code kid}s remembered (default {@link #DEFAULT_MAX_UNKNOWN_KIDS}), both those
     * confirmed absent and those waiting for a fetch to answer for them. A {@code kid} forgotten is
     * seen anew: it can only be rejected later, never wrongly; with zero, a {@code kid} is rejected
     * only by the fetch its own token started or joined.
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

    /**
     * Shortest RSA modulus accepted, in bits (default {@link #DEFAULT_MIN_RSA_KEY_SIZE}); a shorter
     * key in the JWKS is skipped ({@link KeySet.SkipReason#WEAK_KEY}), like any other unusable key.
     * The ceiling, 8192 bits, is the parser's and applies to every key set.
     *
     * @throws IllegalArgumentException if outside [2048, 8192]
     */
    public Builder minRsaKeySize(int bits) {
      if (bits < 2048 || bits > 8192) {
        throw new IllegalArgumentException("minRsaKeySize must be between 2048 and 8192 bits");
      }
      this.minRsaKeySize = bits;
      return this;
    }

    /** Receives fetch, failure, key-change and rejection events (default: none). */
    public Builder listener(KeySourceListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The time source for cache ages (default {@link Ticker#systemTicker()}). With any other ticker,
     * no timer is set: refreshes, retries and the fetch due at the end of an unknown-{@code kid}
     * cooldown start on calls only, as the ticker's time cannot be mapped to real delays; and a
     * caller is never asked to wait for a fetch that has not started. For tests.
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
     * Runs this source's fetches through a scheduler shared with other sources, which bounds how
     * many run at once overall and per host (default: none; each fetch starts at once). The
     * scheduler's own timers then carry the source's refresh-ahead and deadlines, so
     * {@link FetchScheduler#scheduledTasks()} counts them. Closing the source takes its fetch out of
     * the line; closing the scheduler does not close the source.
     */
    public Builder fetchScheduler(FetchScheduler scheduler) {
      this.fetchScheduler = Objects.requireNonNull(scheduler, "fetchScheduler");
      return this;
    }

    /**
     * Whether the first fetch waits for the first call instead of starting at {@link #build()}
     * (default false; {@link IssuerRegistry} defaults to true, so that a registered tenant without
     * traffic costs no fetch). The first call then waits for the keys, at most {@link #maxWait},
     * and is otherwise answered {@code Unavailable} with a retry-after hint, never "invalid token".
     */
    public Builder loadOnFirstUse(boolean lazy) {
      this.loadOnFirstUse = lazy;
      return this;
    }

    /**
     * Stops refresh-ahead once no call has come for this long (default zero: never; {@link
     * IssuerRegistry} defaults to {@link IssuerRegistry#DEFAULT_IDLE_AFTER}). The cached keys are
     * kept as last known good; the next call starts the refresh at once, waits for it (at most
     * {@link #maxWait}) if the keys are past their time to live, and falls back to the kept keys
     * within the stale bound if it fails. An idle source holds no timer and makes no fetch.
     *
     * @throws IllegalArgumentException if not zero and outside [1 second, 30 days]
     */
    public Builder idleAfter(Duration idle) {
      Objects.requireNonNull(idle, "idleAfter");
      this.idleAfter = idle.isZero() ? idle : range(idle, "idleAfter", Duration.ofSeconds(1), Duration.ofDays(30));
      return this;
    }

    /**
     * Builds the source and starts its first fetch in the background (unless {@link #loadOnFirstUse}).
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
      if (!loadOnFirstUse) {
        source.refresher.poll(ticker.read());
      }
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
