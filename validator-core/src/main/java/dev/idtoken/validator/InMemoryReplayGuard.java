package dev.idtoken.validator;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReplayGuard} in this process's memory: for a service that runs as a single instance (with
 * several instances behind a load balancer, share one store with {@code validator-redis} instead).
 *
 * <p>Thread-safe and lock-free on the common path: one atomic map update per call. Bounded: at most
 * {@link Builder#maximumEntries(int)} keys ({@value #DEFAULT_MAXIMUM_ENTRIES} by default, about 160
 * bytes each). An entry is dropped only once its {@code keepUntil} has passed, when it can no longer
 * matter. When the guard is full of entries that have not expired it <em>fails closed</em>: it
 * refuses to record a new key with {@link ReplayGuardException} (the login answers 503) rather than
 * forgetting a recorded one, which would let that token log in again. Expired entries are purged when
 * the guard is full and the earliest known expiry has passed, so a full guard costs one comparison per
 * refused call, not a scan. A warning is logged at most once a minute while it refuses.
 *
 * <p>Size it for the logins one instance sees within a token lifetime plus the clock skew: with
 * one-hour tokens, the default admits about 27 logins a second sustained.
 */
public final class InMemoryReplayGuard implements ReplayGuard {
  /** Default bound on the number of recorded keys. */
  public static final int DEFAULT_MAXIMUM_ENTRIES = 100_000;
  /** The largest bound the builder accepts. */
  public static final int MAX_MAXIMUM_ENTRIES = 10_000_000;

  private static final Logger log = LoggerFactory.getLogger(InMemoryReplayGuard.class);
  private static final long WARN_INTERVAL_MILLIS = 60_000;

  private final int maximumEntries;
  private final Clock clock;
  private final ConcurrentHashMap<String, Long> entries = new ConcurrentHashMap<>();
  // Counts entries plus slots reserved by calls about to insert; never above maximumEntries for long.
  private final AtomicInteger size = new AtomicInteger();
  // A lower bound on the earliest keepUntil in the map: before it, a purge would find nothing.
  private final AtomicLong earliestExpiry = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE);
  private final ReentrantLock purgeLock = new ReentrantLock();

  private InMemoryReplayGuard(Builder b) {
    this.maximumEntries = b.maximumEntries;
    this.clock = b.clock;
  }

  /** A guard with the defaults: {@value #DEFAULT_MAXIMUM_ENTRIES} entries, the system UTC clock. */
  public static InMemoryReplayGuard create() {
    return builder().build();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * @throws ReplayGuardException if the key is new and the guard is full of unexpired entries
   */
  @Override
  public boolean tryRecord(String key, Instant keepUntil) throws ReplayGuardException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(keepUntil, "keepUntil");
    long now = clock.millis();
    long until = toMillis(keepUntil);
    Long existing = entries.get(key);
    if (existing != null && existing > now) {
      return false; // a replay costs no reservation, even when full
    }
    reserve(now);
    int[] outcome = new int[1]; // 0: replay, 1: inserted, 2: replaced an expired entry
    entries.compute(key, (k, old) -> {
      if (old == null) {
        outcome[0] = 1;
        return until;
      }
      if (old > now) {
        outcome[0] = 0;
        return old;
      }
      outcome[0] = 2;
      return until;
    });
    if (outcome[0] != 1) {
      size.decrementAndGet(); // the entry count did not grow: give the reservation back
    }
    if (outcome[0] == 0) {
      return false;
    }
    earliestExpiry.accumulateAndGet(until, Math::min);
    return true;
  }

  /** The number of recorded keys, expired ones not yet purged included. */
  public int size() {
    return entries.size();
  }

  /** The bound on the number of recorded keys. */
  public int maximumEntries() {
    return maximumEntries;
  }

  private void reserve(long now) throws ReplayGuardException {
    if (size.incrementAndGet() <= maximumEntries) {
      return;
    }
    size.decrementAndGet();
    if (now >= earliestExpiry.get()) {
      purge(now);
      if (size.incrementAndGet() <= maximumEntries) {
        return;
      }
      size.decrementAndGet();
    }
    long last = lastWarning.get();
    boolean due = last == Long.MIN_VALUE || now - last >= WARN_INTERVAL_MILLIS;
    if (due && lastWarning.compareAndSet(last, now)) {
      log.warn("In-memory replay guard full ({} unexpired entries): refusing new logins until entries "
          + "expire; raise maximumEntries or share a store", maximumEntries);
    }
    throw new ReplayGuardException("the in-memory replay guard is full");
  }

  private void purge(long now) {
    purgeLock.lock(); // no I/O inside; concurrent callers wait for one scan instead of each scanning
    try {
      if (now < earliestExpiry.get()) {
        return; // another thread purged meanwhile
      }
      // Inserts during the scan lower the bound themselves, so it stays a lower bound.
      earliestExpiry.set(Long.MAX_VALUE);
      long earliest = Long.MAX_VALUE;
      for (Map.Entry<String, Long> e : entries.entrySet()) {
        long until = e.getValue();
        if (until <= now) {
          if (entries.remove(e.getKey(), e.getValue())) {
            size.decrementAndGet();
          }
        } else if (until < earliest) {
          earliest = until;
        }
      }
      earliestExpiry.accumulateAndGet(earliest, Math::min);
    } finally {
      purgeLock.unlock();
    }
  }

  private static long toMillis(Instant instant) {
    try {
      return instant.toEpochMilli();
    } catch (ArithmeticException e) {
      return instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "InMemoryReplayGuard[maximumEntries=" + maximumEntries + "]";
  }

  /** Configures an {@link InMemoryReplayGuard}. Not thread-safe. */
  public static final class Builder {
    private int maximumEntries = DEFAULT_MAXIMUM_ENTRIES;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The most keys recorded at once (default
     * {@value InMemoryReplayGuard#DEFAULT_MAXIMUM_ENTRIES}); when full of unexpired entries, new
     * logins are refused as unavailable.
     *
     * @throws IllegalArgumentException if outside [1, {@value InMemoryReplayGuard#MAX_MAXIMUM_ENTRIES}]
     */
    public Builder maximumEntries(int maximumEntries) {
      if (maximumEntries < 1 || maximumEntries > MAX_MAXIMUM_ENTRIES) {
        throw new IllegalArgumentException("maximumEntries must be between 1 and " + MAX_MAXIMUM_ENTRIES);
      }
      this.maximumEntries = maximumEntries;
      return this;
    }

    /** The clock that decides when an entry has expired (default {@link Clock#systemUTC()}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The guard. */
    public InMemoryReplayGuard build() {
      return new InMemoryReplayGuard(this);
    }
  }
}
