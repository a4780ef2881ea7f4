package dev.idtoken.jwks;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps outage logging readable when many key sources fail together (a provider hosting thousands
 * of tenants goes down): while at most {@link #MANY} sources sharing a {@link FetchScheduler} are in
 * an outage, each warns once when its outage starts, as a lone source does; beyond that, a source's
 * outage start is logged at INFO and one summary WARN says how many are failing, at most once per
 * {@link #PERIOD_NANOS} while failures go on.
 *
 * <p>Thread-safe; no I/O or logging under its lock.
 */
final class OutageSummary {
  private static final Logger log = LoggerFactory.getLogger(RemoteKeySource.class);
  static final int MANY = 10;
  static final long PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private int failing;
  private int startedSinceSummary;
  private boolean summarized;
  private long lastSummaryAt;

  OutageSummary(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Sources in an outage now. */
  int failing() {
    lock.lock();
    try {
      return failing;
    } finally {
      lock.unlock();
    }
  }

  /** An outage of {@code source} started; returns whether it should warn on its own. */
  boolean started(URI source) {
    boolean own;
    lock.lock();
    try {
      failing++;
      startedSinceSummary++;
      own = failing <= MANY;
    } finally {
      lock.unlock();
    }
    if (!own) {
      summarizeIfDue(source);
    }
    return own;
  }

  /** A fetch failed again during an outage: the summary comes when its period is due. */
  void failedAgain(URI source) {
    summarizeIfDue(source);
  }

  /** An outage ended (a fetch succeeded, or the source closed during it). */
  void ended() {
    lock.lock();
    try {
      failing = Math.max(0, failing - 1);
    } finally {
      lock.unlock();
    }
  }

  private void summarizeIfDue(URI example) {
    int now;
    int started;
    lock.lock();
    try {
      long time = ticker.read();
      if (failing <= MANY || (summarized && time - lastSummaryAt < PERIOD_NANOS)) {
        return;
      }
      summarized = true;
      lastSummaryAt = time;
      now = failing;
      started = startedSinceSummary;
      startedSinceSummary = 0;
    } finally {
      lock.unlock();
    }
    log.warn("{} key sources are failing to fetch keys ({} outages started since the last summary; one of them: {}); "
        + "while more than {} fail, each outage start is logged at INFO and this summary repeats at most once a minute",
        now, started, example, MANY);
  }
}
