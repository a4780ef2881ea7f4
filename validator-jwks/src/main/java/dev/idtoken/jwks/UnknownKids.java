package dev.idtoken.jwks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * What a key source remembers about {@code kid}s its keys lack, bounded in size and time: when each
 * was first seen (as the number of the last fetch started then, see {@link RefreshState}), kept
 * until a later fetch has answered for it; and, once one has, that it is absent, so that it is
 * rejected without a fetch for a while. One cache holds both, so a source costs no more memory than
 * a plain negative cache (what matters for a registry of many issuers).
 *
 * <p>Thread-safe. Forgetting is always safe: a {@code kid} forgotten is seen anew, and only a fetch
 * that starts afterwards can confirm it absent, so the bounds can only delay a rejection, never
 * cause a wrong one.
 */
final class UnknownKids {
  /**
   * @param firstSeen the number of the last fetch started when the {@code kid} was first seen
   * @param absent whether a later fetch confirmed it absent
   */
  private record Entry(long firstSeen, boolean absent) {}

  @SuppressWarnings("rawtypes")
  private static final AtomicReferenceFieldUpdater<UnknownKids, Cache> KIDS =
      AtomicReferenceFieldUpdater.newUpdater(UnknownKids.class, Cache.class, "kids");

  private final int maxKids;
  private final long absentNanos;
  private final long pendingNanos;
  private final Ticker ticker;
  // Built on the first unknown kid: an empty bounded cache costs about 6 KB, and most sources of a
  // registry of thousands of issuers never see an unknown kid.
  private volatile Cache<String, Entry> kids;

  /**
   * @param absentFor how long a {@code kid} confirmed absent is remembered as such
   * @param pendingFor how long a first sighting is kept: long enough to span the wait for the next
   *     allowed fetch
   */
  UnknownKids(int maxKids, Duration absentFor, Duration pendingFor, Ticker ticker) {
    this.maxKids = maxKids;
    this.absentNanos = absentFor.toNanos();
    this.pendingNanos = pendingFor.toNanos();
    this.ticker = ticker;
  }

  @SuppressWarnings("unchecked")
  private Cache<String, Entry> kids() {
    Cache<String, Entry> existing = kids;
    if (existing != null) {
      return existing;
    }
    Cache<String, Entry> built = build();
    return KIDS.compareAndSet(this, null, built) ? built : kids;
  }

  private Cache<String, Entry> build() {
    long absentNanos = this.absentNanos;
    long pendingNanos = this.pendingNanos;
    return Caffeine.newBuilder()
        .maximumSize(maxKids)
        .expireAfter(new Expiry<String, Entry>() {
          @Override
          public long expireAfterCreate(String kid, Entry entry, long now) {
            return entry.absent() ? absentNanos : pendingNanos;
          }

          @Override
          public long expireAfterUpdate(String kid, Entry entry, long now, long remaining) {
            return entry.absent() ? absentNanos : remaining;
          }

          @Override
          public long expireAfterRead(String kid, Entry entry, long now, long remaining) {
            return remaining;
          }
        })
        .ticker(ticker::read)
        .executor(Runnable::run)
        .build();
  }

  /** The fetch number recorded when {@code kid} was first seen; records {@code lastStarted} if new. */
  long firstSeen(String kid, long lastStarted) {
    Entry seen = kids().asMap().putIfAbsent(kid, new Entry(lastStarted, false));
    return seen == null ? lastStarted : seen.firstSeen();
  }

  /** Whether {@code kid} was confirmed absent recently. */
  boolean isAbsent(String kid) {
    Cache<String, Entry> known = kids;
    Entry entry = known == null ? null : known.getIfPresent(kid);
    return entry != null && entry.absent();
  }

  /** Remembers that a fetch started after {@code kid} was first seen did not have it. */
  void confirmAbsent(String kid, long firstSeen) {
    kids().put(kid, new Entry(firstSeen, true));
  }

  /** Forgets everything. */
  void clear() {
    kids = null;
  }
}
