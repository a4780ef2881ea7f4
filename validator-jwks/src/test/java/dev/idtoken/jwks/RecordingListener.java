package dev.idtoken.jwks;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records events, and lets a test wait (with a deadline, never a sleep) until some have happened. */
final class RecordingListener implements KeySourceListener {
  final List<String> events = new CopyOnWriteArrayList<>();
  private int fetched;
  private int failed;

  @Override
  public synchronized void fetched(URI source, boolean notModified, int keyCount, Duration timeToLive) {
    fetched++;
    events.add((notModified ? "not-modified " : "fetched ") + keyCount + " " + timeToLive);
    notifyAll();
  }

  @Override
  public synchronized void fetchFailed(URI source, String reason, int consecutiveFailures) {
    failed++;
    events.add("failed " + reason);
    notifyAll();
  }

  @Override
  public void keysChanged(URI source, List<String> added, List<String> removed) {
    events.add("changed +" + added + " -" + removed);
  }

  @Override
  public void refreshRateLimited(URI source, String kid) {
    events.add("rate-limited " + kid);
  }

  @Override
  public void unknownKidRejected(URI source, String kid) {
    events.add("unknown " + kid);
  }

  @Override
  public void servedStale(URI source, Duration pastExpiry) {
    events.add("stale");
  }

  @Override
  public void discovered(String issuer, URI jwksUri) {
    events.add("discovered " + jwksUri);
  }

  /** Waits until {@code count} fetches (successful or failed) have completed in total. */
  synchronized void awaitCompletions(int count) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (fetched + failed < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("only " + (fetched + failed) + " of " + count + " fetches completed: " + events);
      }
      wait(left / 1_000_000 + 1);
    }
  }

  synchronized int completions() {
    return fetched + failed;
  }

  long count(String prefix) {
    return events.stream().filter(e -> e.startsWith(prefix)).count();
  }
}
