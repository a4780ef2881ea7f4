package dev.idtoken.jwks;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Protects a key source from a listener that throws. */
final class SafeListener implements KeySourceListener {
  private static final Logger log = LoggerFactory.getLogger(RemoteKeySource.class);

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
