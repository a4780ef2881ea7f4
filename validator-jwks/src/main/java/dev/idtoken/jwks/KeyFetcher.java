package dev.idtoken.jwks;

import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.KeySetException;
import dev.idtoken.validator.VerificationKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One fetch of a provider's keys, start to finish: the JWKS URI from the {@link JwksLocator}
 * (a discovery lookup when due), the JWKS exchange (conditional when an {@code ETag} is known), and the response
 * turned into the next {@link Snapshot}, or a {@link FetchException} saying why not. A bad response
 * never becomes a snapshot, so it never replaces good keys.
 *
 * <p>Thread-safe. Never blocks: everything runs on the HTTP client's completion, handed to the
 * source's executor by {@link HttpFetcher}. It decides nothing about when to fetch.
 */
final class KeyFetcher {
  private static final String JWKS_ACCEPT = "application/jwk-set+json, application/json;q=0.9";

  private final JwksLocator locator;
  private final CachePolicy cachePolicy;
  private final double refreshAheadRatio;
  private final long maxStaleNanos;
  private final int minRsaKeySize;
  private final Ticker ticker;
  private final Clock clock;
  private final HttpFetcher http;
  // The HTTP exchange in progress, cancelled by close().
  private final AtomicReference<CompletableFuture<HttpFetcher.Response>> exchange = new AtomicReference<>();
  private volatile boolean closed;

  KeyFetcher(JwksLocator locator, CachePolicy cachePolicy, double refreshAheadRatio, Duration maxStale,
      int minRsaKeySize, Ticker ticker, Clock clock, HttpFetcher http) {
    this.locator = locator;
    this.cachePolicy = cachePolicy;
    this.refreshAheadRatio = refreshAheadRatio;
    this.maxStaleNanos = maxStale.toNanos();
    this.minRsaKeySize = minRsaKeySize;
    this.ticker = ticker;
    this.clock = clock;
    this.http = http;
  }

  /**
   * Fetches the keys; the future completes with the snapshot numbered {@code number}, or fails
   * with a {@link FetchException} (or a {@link CancellationException} once {@code owner} is done or
   * the fetcher closed). Never throws.
   *
   * @param old the current snapshot, for the conditional request, or null
   * @param owner the fetch's promise: once it is done (given up, or the source closed) the exchange
   *     is not started
   */
  CompletableFuture<Snapshot> fetch(long number, Snapshot old, Future<?> owner) {
    try {
      return locator.jwksUri(this::send, () -> closed).thenCompose(uri -> {
        if (owner.isDone() || closed) {
          throw new CancellationException(); // closed, or given up, while discovery ran
        }
        String etag = old != null && uri.equals(old.jwksUri()) ? old.etag() : null;
        return send(http.get(uri, JWKS_ACCEPT, etag)).thenApply(response -> accept(number, uri, response, old));
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The JWKS URI once known (from the snapshot or discovery), else the discovery document's. */
  URI source(Snapshot snap) {
    return snap != null ? snap.jwksUri() : locator.source();
  }

  /** Cancels the exchange in flight and releases the HTTP client. Idempotent. */
  void close() {
    closed = true;
    CompletableFuture<HttpFetcher.Response> running = exchange.getAndSet(null);
    if (running != null) {
      running.cancel(false);
    }
    http.close();
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

  /** Turns a response into the next snapshot, or fails; a bad response never replaces good keys. */
  private Snapshot accept(long number, URI uri, HttpFetcher.Response response, Snapshot old) {
    long now = ticker.read();
    int status = response.status();
    if (status == 304) {
      if (old != null && old.etag() != null && uri.equals(old.jwksUri())) {
        Duration ttl = cachePolicy.timeToLive(response.headers());
        return newSnapshot(number, uri, old.keys(), old.skipped(),
            response.headers().firstValue("etag").orElse(old.etag()), ttl, true, now);
      }
      throw new CompletionException(new FetchException("JWKS: HTTP 304 to an unconditional request"));
    }
    if (status != 200) {
      throw new CompletionException(new FetchException("JWKS: HTTP " + status
          + (status / 100 == 3 ? " (redirects are not followed)" : "")));
    }
    KeySet parsed;
    try {
      parsed = KeySet.parse(new String(response.body(), StandardCharsets.UTF_8));
    } catch (KeySetException e) {
      throw new CompletionException(new FetchException("JWKS refused (" + e.reason() + "): " + e.getMessage()));
    }
    List<KeySet.SkippedKey> skipped = new ArrayList<>(parsed.skippedKeys());
    KeySet keys = withoutShortRsaKeys(parsed, skipped);
    if (keys.keys().isEmpty()) {
      throw new CompletionException(new FetchException("JWKS has no usable signing key ("
          + skipped.size() + " skipped)"));
    }
    Duration ttl = cachePolicy.timeToLive(response.headers());
    return newSnapshot(number, uri, keys, List.copyOf(skipped), response.headers().firstValue("etag").orElse(null),
        ttl, false, now);
  }

  // The parser refuses RSA keys under 2048 bits (and over 8192); a stricter floor is this source's.
  private KeySet withoutShortRsaKeys(KeySet parsed, List<KeySet.SkippedKey> skipped) {
    List<VerificationKey> kept = new ArrayList<>(parsed.keys().size());
    for (VerificationKey key : parsed.keys()) {
      if (key.publicKey() instanceof RSAPublicKey
          && ((RSAPublicKey) key.publicKey()).getModulus().bitLength() < minRsaKeySize) {
        skipped.add(new KeySet.SkippedKey(key.kid().orElse(null), KeySet.SkipReason.WEAK_KEY));
      } else {
        kept.add(key);
      }
    }
    return kept.size() == parsed.keys().size() ? parsed : KeySet.of(kept.toArray(new VerificationKey[0]));
  }

  private Snapshot newSnapshot(long number, URI uri, KeySet keys, List<KeySet.SkippedKey> skipped, String etag,
      Duration ttl, boolean notModified, long now) {
    long ttlNanos = ttl.toNanos();
    long expiresAt = now + ttlNanos;
    return new Snapshot(number, uri, keys, skipped, etag, ttl, notModified, now, clock.instant(),
        now + (long) (ttlNanos * refreshAheadRatio), expiresAt, expiresAt + maxStaleNanos);
  }
}
