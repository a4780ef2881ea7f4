package dev.idtoken.jwks;

import dev.idtoken.validator.JwsAlgorithm;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a provider's JWKS is: a fixed URL, or the {@code jwks_uri} of its OpenID Connect Discovery
 * 1.0 document (§4), looked up again every {@link RemoteKeySource#DISCOVERY_MAX_AGE}. A failed
 * first lookup fails the fetch (and is retried with it, never cached); a failed later lookup keeps
 * the known {@code jwks_uri} and is retried on its own backoff, not before every fetch.
 *
 * <p>Thread-safe. Never blocks.
 */
final class JwksLocator {
  private static final Logger log = LoggerFactory.getLogger(RemoteKeySource.class);
  private static final String DISCOVERY_ACCEPT = "application/json";

  private final URI fixedJwksUri;
  private final String issuer;
  private final URI discoveryUri;
  private final boolean allowInsecureLoopbackHttp;
  private final Set<JwsAlgorithm> expectedAlgorithms;
  private final long backoffNanos;
  private final long maxBackoffNanos;
  private final Ticker ticker;
  private final HttpFetcher http;
  private final KeySourceListener events;
  private volatile Discovered discovered;

  /**
   * The last {@code jwks_uri} found, and when (ticker nanoseconds) to look it up again: the maximum
   * age after a success, the retry backoff after {@code failures} failed lookups since.
   */
  private record Discovered(URI jwksUri, long nextLookup, int failures) {}

  /** Exactly one of {@code fixedJwksUri} and {@code issuer} is set. */
  JwksLocator(URI fixedJwksUri, String issuer, boolean allowInsecureLoopbackHttp, Set<JwsAlgorithm> expectedAlgorithms,
      Duration backoff, Duration maxBackoff, Ticker ticker, HttpFetcher http, KeySourceListener events) {
    this.fixedJwksUri = fixedJwksUri;
    this.issuer = issuer;
    this.discoveryUri = issuer == null ? null : Urls.discoveryUri(issuer);
    this.allowInsecureLoopbackHttp = allowInsecureLoopbackHttp;
    this.expectedAlgorithms = expectedAlgorithms;
    this.backoffNanos = backoff.toNanos();
    this.maxBackoffNanos = maxBackoff.toNanos();
    this.ticker = ticker;
    this.http = http;
    this.events = events;
  }

  /** The JWKS URI once known, else the discovery document's. */
  URI source() {
    if (fixedJwksUri != null) {
      return fixedJwksUri;
    }
    Discovered known = discovered;
    return known != null ? known.jwksUri() : discoveryUri;
  }

  /**
   * The JWKS URI, looking it up when due. {@code track} registers the discovery exchange so that
   * closing can cancel it; {@code closed} is checked when it completes.
   */
  CompletableFuture<URI> jwksUri(UnaryOperator<CompletableFuture<HttpFetcher.Response>> track,
      BooleanSupplier closed) {
    if (fixedJwksUri != null) {
      return CompletableFuture.completedFuture(fixedJwksUri);
    }
    Discovered known = discovered;
    if (known != null && ticker.read() - known.nextLookup() < 0) {
      return CompletableFuture.completedFuture(known.jwksUri());
    }
    CompletableFuture<URI> found = track.apply(http.get(discoveryUri, DISCOVERY_ACCEPT, null))
        .handle((response, error) -> {
          if (closed.getAsBoolean()) {
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
      if (closed.getAsBoolean()) {
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

  private long backoff(int failed) {
    int doublings = Math.min(failed - 1, 30);
    long delay = backoffNanos << doublings;
    return delay <= 0 || delay > maxBackoffNanos ? maxBackoffNanos : delay;
  }

  private void onDiscovered(Discovery.Metadata metadata, Discovered previous) {
    discovered = new Discovered(metadata.jwksUri(), ticker.read() + RemoteKeySource.DISCOVERY_MAX_AGE.toNanos(), 0);
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
}
